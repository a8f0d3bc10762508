/** `npm test`: mocha-style --grep, --target and --junit on top of vitest, as root. */
import { chalk } from 'zx';
import { parseTestArgs, toVitestArgs, type TestCli } from './cli/test-args.js';
import { BadInputError } from '../helpers/errors.js';
import { JUNIT_ENV } from '../helpers/report/junit-reporter.js';
import { engineReachable, imageExists, LAB_IMAGE } from '../helpers/targets/docker.js';
import { SUITE_TARGETS, TARGET_ENV } from '../helpers/targets/index.js';
import { findOnPath } from '../helpers/prereqs.js';
import { RUN_ID_ENV } from '../helpers/targets/run-id.js';
import { RUNTIME_ENV } from '../helpers/oci/runtime.js';
import { sweep, summarize } from '../helpers/targets/sweep.js';
import { detectPrivilegeMode, PRIVILEGE_ENV } from '../helpers/targets/lab-container.js';
import { fail, isRoot, privileged, runInteractive } from './lib.js';

function parse(): TestCli {
  try {
    const cli = parseTestArgs(process.argv.slice(2));
    if (!SUITE_TARGETS.includes(cli.target))
      throw new BadInputError(`target "${cli.target}" cannot run the lesson suite yet; available: ${SUITE_TARGETS.join(', ')}`);
    return cli;
  } catch (e) {
    if (e instanceof BadInputError) fail(e.message, 'see README.md, "Running parts of the suite"');
    throw e;
  }
}

const cli = parse();
if (cli.lab === 'existing') {
  // Grading mode: the same Verify checks, adopting the student's lab (see npm run grade).
  const gradeArgs = [...cli.passthrough, ...(cli.junit ? ['--junit', cli.junit] : [])];
  process.exit(await runInteractive([process.execPath, '--import', 'tsx', 'scripts/grade.ts', ...gradeArgs]));
}
// A launcher may name the run (tsx runs this file in a child process); otherwise it is this process.
const runId = process.env[RUN_ID_ENV] ?? String(process.pid);
const env: Record<string, string> = { [TARGET_ENV]: cli.target, [RUN_ID_ENV]: runId };
if (cli.junit) env[JUNIT_ENV] = cli.junit;
if (cli.runtime !== undefined) {
  if (cli.target !== 'sandbox') fail('--runtime works with the sandbox target only', 'drop --runtime, or use --target sandbox');
  if (!cli.runtime.startsWith('/') || !(await findOnPath(cli.runtime.split('/').pop() ?? '', cli.runtime.replace(/\/[^/]*$/, ''))))
    fail(`--runtime "${cli.runtime}" is not an executable file given by its absolute path`, 'pass the absolute path of a runc binary, e.g. --runtime /usr/sbin/runc');
  env[RUNTIME_ENV] = cli.runtime;
}

if (cli.target === 'container') {
  const engine = await engineReachable();
  if (!engine.ok)
    fail(
      `--target container needs a Docker engine, and none answered: ${engine.why}`,
      'apt-get install docker.io && dockerd &   (or use the default sandbox target: npm test)',
    );
  // Built once and reused; a missing image is built here, never pulled blindly.
  if (!(await imageExists(LAB_IMAGE)) && (await runInteractive([process.execPath, '--import', 'tsx', 'scripts/image.ts'])) !== 0)
    fail(`could not build ${LAB_IMAGE}`, 'run npm run image and read its output');
  env[PRIVILEGE_ENV] = await detectPrivilegeMode();
  process.stdout.write(chalk.dim(`lab containers: ${env[PRIVILEGE_ENV] === 'privileged' ? '--privileged' : 'all host capabilities (the engine refused --privileged)'}\n`));
}

if (!isRoot()) process.stderr.write(chalk.dim('not root: running the suite through sudo -n\n'));
// Sweeping needs root; under sudo -n the elevated run still sweeps at its next start as root.
const stale = isRoot() ? await sweep({ deadRuns: true }) : [];
if (stale.length > 0) process.stdout.write(chalk.dim(`removed leftovers of earlier runs that died: ${summarize(stale)}\n`));

// Ctrl-C reaches vitest through the terminal's process group; this process waits for it to end
// and then removes whatever the run left outside its sandboxes (containers still running, cgroups).
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
const argv = await privileged(['node_modules/.bin/vitest', ...toVitestArgs(cli)]);
const code = await runInteractive(argv, env);
const mine = isRoot() ? await sweep({ run: runId }) : [];
if (mine.length > 0) process.stdout.write(chalk.yellow(`removed what this run left behind: ${summarize(mine)}\n`));
process.exit(code);
