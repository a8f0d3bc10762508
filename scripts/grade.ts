/** `npm run grade`: the lesson's Verify section against the lab a student built, read-only. */
import { parseTestArgs, processContext } from './cli/test-args.js';
import { GRADE_USAGE } from './cli/usage.js';
import { watchArgs } from './cli/watch-args.js';
import { listChecks } from '../helpers/grade/catalog.js';
import { ensureRoot } from './lib/elevate.js';
import { launch } from './lib/launch.js';
import { exitOnHarnessCrash, parseOrFail } from './lib/process.js';

exitOnHarnessCrash('npm run grade');
const argv = process.argv.slice(2);
const watch = parseOrFail(() => watchArgs(argv), 'npm run grade -- --help lists the options');
const parsed = parseOrFail(
  () => parseTestArgs(['--lab', 'existing', ...(watch?.argv ?? argv)], processContext(), 'npm run grade'),
  'npm run grade -- --help lists the options',
);
if (parsed.help) {
  process.stdout.write(parsed.listChecks ? listChecks() : GRADE_USAGE);
  process.exit(0);
}
await ensureRoot('scripts/grade.ts', argv, 'grading');
if (watch) {
  // Loaded only for --watch: the one-shot grade never pays for the watcher.
  const { watchLab } = await import('./lib/watch.js');
  process.exit(await watchLab(parsed.config, parsed.config.grade?.hints ?? 1));
}
process.exit(await launch(parsed.config));
