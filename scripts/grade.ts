/** `npm run grade`: the lesson's Verify section against the lab a student built, read-only. */
import { parseTestArgs, processContext } from './cli/test-args.js';
import { GRADE_USAGE } from './cli/usage.js';
import { listChecks } from '../helpers/grade/catalog.js';
import { ensureRoot } from './lib/elevate.js';
import { launch } from './lib/launch.js';
import { exitOnHarnessCrash, parseOrFail } from './lib/process.js';

exitOnHarnessCrash('npm run grade');
const argv = process.argv.slice(2);
const parsed = parseOrFail(
  () => parseTestArgs(['--lab', 'existing', ...argv], processContext(), 'npm run grade'),
  'npm run grade -- --help lists the options',
);
if (parsed.help) {
  process.stdout.write(parsed.listChecks ? listChecks() : GRADE_USAGE);
  process.exit(0);
}
await ensureRoot('scripts/grade.ts', argv, 'grading');
process.exit(await launch(parsed.config));
