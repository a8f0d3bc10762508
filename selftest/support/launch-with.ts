/**
 * `npm test` with a selftest seam: `node --import tsx selftest/support/launch-with.ts CONFIG FAULT
 * [npm test options…]` parses the options as npm test does, adds the fault to the run
 * configuration (`-` for none) and launches vitest with CONFIG, a selftest vitest configuration
 * that installs it. Everything else — sweep, prerequisites, reporters, exit code — is the
 * product's own launcher. Run as root.
 */
import { parseTestArgs, processContext } from '../../scripts/cli/test-args.js';
import { launch } from '../../scripts/lib/launch.js';
import { parseOrFail } from '../../scripts/lib/process.js';

const [vitestConfig, fault, ...argv] = process.argv.slice(2);
if (vitestConfig === undefined || fault === undefined) throw new Error('usage: launch-with.ts CONFIG FAULT|- [npm test options]');
const parsed = parseOrFail(() => parseTestArgs(argv, processContext()), 'see npm test -- --help');
if (parsed.help) throw new Error('--help has no run to launch');
process.exit(await launch({ ...parsed.config, fault: fault === '-' ? undefined : fault }, { vitestConfig }));
