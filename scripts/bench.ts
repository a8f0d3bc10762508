/**
 * `npm run bench`: the suite against the floor (bench/floor.sh: the same lesson commands in plain
 * bash, one lab per test), in wall and CPU seconds, at the parallelism the suite really reached
 * and at full parallelism; tests per second and peak memory.
 * `npm run bench -- --labs 50`: builds and verifies N labs at once and reports time per lab.
 * `npm run bench -- --saturate`: the suite with every core busy; every test must still pass.
 */
import { availableParallelism } from 'node:os';
import { chalk } from 'zx';
import { DISTROS, type Distro } from '../helpers/run-config.js';
import { engineReachable, imageExists, labImage } from '../helpers/targets/docker.js';
import { buildAndVerifyLab } from '../bench/lab.js';
import { loadAverage, measure, withHogs, type Measured } from '../bench/measure.js';
import { fail, isRoot, parseOrFail } from './lib/process.js';
import { parseBenchArgs } from './cli/simple-args.js';
import { BENCH_USAGE } from './cli/usage.js';
import vitestConfig from '../vitest.config.js';

const args = parseOrFail(() => parseBenchArgs(process.argv.slice(2)), 'npm run bench -- --help lists the options');
if (args.help) {
  process.stdout.write(BENCH_USAGE);
  process.exit(0);
}
if (!isRoot()) fail('the benchmark builds namespaces and runs runc', 'run it as root: sudo npm run bench');

const fmt = (s: number): string => `${s.toFixed(1)} s`;
const loadNote = (m: Measured): string => `load ${m.load[0].toFixed(1)} -> ${m.load[1].toFixed(1)}`;
const figures = (m: Measured): string => `${fmt(m.wallS)} wall, ${fmt(m.cpuS)} CPU, peak ${m.peakMb} MB (exit ${m.exitCode ?? '?'}; ${loadNote(m)})`;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;
const counted = (m: Measured): number =>
  Number(
    /lesson06: (\d+) passed, (\d+) failed/
      .exec(m.stdout)
      ?.slice(1, 3)
      .reduce((a, b) => String(Number(a) + Number(b))) ?? 0,
  );
const failedCount = (m: Measured): number => Number(/lesson06: \d+ passed, (\d+) failed/.exec(m.stdout)?.[1] ?? -1);
const suiteArgv = (junit: string, extra: readonly string[] = []): string[] => [
  process.execPath,
  '--import',
  'tsx',
  'scripts/test.ts',
  ...extra,
  '--junit',
  junit,
];

if (args.labs !== undefined) {
  const n = args.labs;
  const sizes = [...new Set([1, Math.min(10, n), n])];
  process.stdout.write(chalk.bold(`Scale: labs built and verified at once (sandbox, Exercise 1 + a runc container joining each netns)\n`));
  let base = 0;
  for (const size of sizes) {
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: size }, () => buildAndVerifyLab(String(process.pid))));
    const seconds = (performance.now() - started) / 1000;
    const failed = results.filter((r) => !r.ok);
    const inodes = new Set(results.map((r) => r.netnsInode));
    const collisions = size - inodes.size;
    base ||= seconds;
    process.stdout.write(
      `  ${String(size).padStart(3)} labs: ${fmt(seconds)} total, ${(seconds / size).toFixed(2)} s per lab, ` +
        `${failed.length} failed, ${collisions} netns collisions, cost x${(seconds / base).toFixed(1)} for x${size} labs\n`,
    );
    for (const f of failed.slice(0, 3)) process.stdout.write(chalk.red(`    ${f.error}\n`));
    if (failed.length > 0 || collisions > 0) process.exitCode = 1;
  }
} else if (args.saturate) {
  const cores = availableParallelism();
  process.stdout.write(chalk.bold(`Saturated: the suite (sandbox target) while ${cores} CPU hogs keep every core busy\n`));
  const m = await withHogs(cores, () => measure(suiteArgv('/tmp/bench-junit-saturated.xml')));
  const failed = failedCount(m);
  process.stdout.write(`  ${counted(m)} tests, ${failed} failed: ${figures(m)}\n`);
  const lines = m.stdout.split('\n').filter((l) => /^failed: |too slow for the lesson/.test(l));
  for (const l of lines.slice(0, 10)) process.stdout.write(chalk.red(`  ${l}\n`));
  process.stdout.write(chalk.bold(`Saturated run: ${m.exitCode === 0 && failed === 0 ? 'green' : 'NOT green'}\n`));
  if (m.exitCode !== 0 || failed !== 0) process.exitCode = 1;
} else {
  const workers = Number(vitestConfig.test?.maxWorkers ?? 2);
  const perWorker = Number(vitestConfig.test?.maxConcurrency ?? 5);
  process.stdout.write(chalk.bold(`Suite (sandbox target): up to ${workers} workers x ${perWorker} concurrent tests per file\n`));
  const suite = await measure(suiteArgv('/tmp/bench-junit.xml'));
  const tests = counted(suite);
  process.stdout.write(
    `  ${figures(suite)}\n  ${tests} tests, ${(tests / suite.wallS).toFixed(2)} tests/s; sandboxes alive at once: peak ${suite.peakSandboxes}, mean ${suite.meanSandboxes.toFixed(1)}\n` +
      `  processes started: ${suite.forks}, ${(suite.forks / Math.max(1, tests)).toFixed(1)} per test (the kernel's fork count, /proc/stat)\n`,
  );
  if (suite.exitCode !== 0) process.exitCode = 1;
  // The fixed cost every run pays before its first test: the launcher, vitest, its workers importing every spec file.
  process.stdout.write(chalk.bold(`Start-up (sandbox target): a run whose --grep selects nothing (it exits 2 by design)\n`));
  const startup = await measure(suiteArgv('/tmp/bench-junit-startup.xml', ['--grep', '^lesson06-bench-selects-nothing$']));
  process.stdout.write(`  ${fmt(startup.wallS)} wall, ${fmt(startup.cpuS)} CPU, ${startup.forks} processes (exit ${startup.exitCode ?? '?'})\n`);
  if (startup.exitCode !== 2) process.exitCode = 1;
  // Measured right after the sandbox suite, so both see the same machine load.
  const engine = (await engineReachable()).ok;
  const distros = engine
    ? (await Promise.all(DISTROS.map(async (d) => ((await imageExists(labImage(d))) ? d : undefined)))).filter((d): d is Distro => d !== undefined)
    : [];
  for (const distro of distros) {
    process.stdout.write(chalk.bold(`Suite (container target, ${labImage(distro)}): one lab container per worker, a sandbox per test inside it\n`));
    const c = await measure(suiteArgv(`/tmp/bench-junit-${distro}.xml`, ['--target', 'container', '--distro', distro]));
    const label = distro === 'bookworm' ? 'container / sandbox' : `container (${distro}) / sandbox`;
    // The lab containers' processes belong to the engine's shim, not to this tree: CPU here is the harness side only.
    process.stdout.write(`  ${figures(c)}, ${counted(c)} tests; CPU counts the harness side only\n`);
    process.stdout.write(chalk.bold(`${label}: ${ratio(c.wallS, suite.wallS)} wall (target <= 1.5x)\n`));
    if (c.exitCode !== 0 || counted(c) !== tests) process.exitCode = 1;
  }
  if (distros.length === 0) process.stdout.write(chalk.dim('Container target not measured: no Docker engine or no lab image (npm run image)\n'));
  const reached = Math.max(1, suite.peakSandboxes);
  process.stdout.write(chalk.bold(`Floor: bench/floor.sh, ${tests} labs of raw lesson commands, at the suite's peak parallelism ${reached}\n`));
  const floor = await measure(['bash', 'bench/floor.sh', String(reached), String(tests)]);
  process.stdout.write(`  ${figures(floor)}\n  processes started: ${floor.forks}, ${(floor.forks / Math.max(1, tests)).toFixed(1)} per lab\n`);
  process.stdout.write(chalk.bold(`Floor at full parallelism ${tests}\n`));
  const full = await measure(['bash', 'bench/floor.sh', String(tests), String(tests)]);
  process.stdout.write(`  ${figures(full)}\n`);
  if (floor.exitCode !== 0 || full.exitCode !== 0) process.exitCode = 1;
  process.stdout.write(
    chalk.bold(
      `Suite / floor (wall): ${ratio(suite.wallS, floor.wallS)} at parallelism ${reached}, ${ratio(suite.wallS, full.wallS)} at ${tests} (suite target <= 10 s)\n`,
    ),
  );
  process.stdout.write(
    chalk.bold(
      `Suite / floor (CPU):  ${ratio(suite.cpuS, floor.cpuS)} at parallelism ${reached}, ${ratio(suite.cpuS, full.cpuS)} at ${tests} (target <= 1.5x)\n`,
    ),
  );
  process.stdout.write(
    chalk.dim(
      `Load average now ${loadAverage().toFixed(1)} on ${availableParallelism()} cores: compare ratios taken in one run, not absolute times across runs\n`,
    ),
  );
}
