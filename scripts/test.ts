/** `npm test`: the lesson suite (or, with --lab existing, grading) under one run configuration. */
import { parseTestArgs, processContext } from './cli/test-args.js';
import { GRADE_USAGE, TEST_USAGE } from './cli/usage.js';
import { ensureRoot } from './lib/elevate.js';
import { launch } from './lib/launch.js';
import { exitOnHarnessCrash, parseOrFail } from './lib/process.js';

exitOnHarnessCrash('npm test');
const argv = process.argv.slice(2);
const parsed = parseOrFail(() => parseTestArgs(argv, processContext()), 'npm test -- --help lists the options');
if (parsed.help) {
  const grading = argv.some((a, i) => a === '--lab=existing' || (a === '--lab' && argv[i + 1] === 'existing'));
  process.stdout.write(grading ? GRADE_USAGE : TEST_USAGE);
  process.exit(0);
}
await ensureRoot('scripts/test.ts', argv, parsed.config.mode === 'grade' ? 'grading' : 'the lesson suite (ip netns, veth pairs, runc)');
process.exit(await launch(parsed.config));
