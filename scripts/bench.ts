/**
 * `npm run bench`: the suite's wall time against the floor (bench/floor.sh: the same lesson
 * commands in plain bash at the same parallelism), tests per second and peak memory.
 * `npm run bench -- --labs 50`: builds and verifies N labs at once and reports time per lab.
 */
import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';
import { chalk } from 'zx';
import { DISTROS, type Distro } from '../helpers/run-config.js';
import { engineReachable, imageExists, labImage } from '../helpers/targets/docker.js';
import { buildAndVerifyLab } from '../bench/lab.js';
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

/** Sum of RSS over a process and all its descendants, sampled; the peak is what a grader's VM must hold. */
function treeRssKb(root: number): number {
  const parent = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const d of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      rss.set(Number(d), Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1] ?? 0));
    } catch {
      // exited while we looked
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, i = 0; p > 1 && i < 64; p = parent.get(p) ?? 0, i++) if (p === root) return true;
    return false;
  };
  return [...rss].filter(([pid]) => inTree(pid)).reduce((a, [, kb]) => a + kb, 0);
}

interface Measured {
  readonly seconds: number;
  readonly peakMb: number;
  readonly stdout: string;
  readonly exitCode: number | undefined;
}

async function measure(argv: string[], env: Record<string, string> = {}): Promise<Measured> {
  const [file = '', ...args] = argv;
  const started = performance.now();
  const child = execa(file, args, { reject: false, env, stdin: 'ignore' });
  let peak = 0;
  const timer = setInterval(() => child.pid && (peak = Math.max(peak, treeRssKb(child.pid))), 200);
  const r = await child;
  clearInterval(timer);
  return { seconds: (performance.now() - started) / 1000, peakMb: Math.round(peak / 1024), stdout: String(r.stdout), exitCode: r.exitCode };
}

const fmt = (s: number): string => `${s.toFixed(1)} s`;

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
} else {
  const workers = Number(vitestConfig.test?.maxWorkers ?? 2);
  // maxConcurrency is the lesson project's own setting, not the root's.
  const lessonProject = (vitestConfig.test?.projects ?? []).find((p): p is { test?: { name?: string; maxConcurrency?: number } } => typeof p === 'object' && p !== null && 'test' in p);
  const perWorker = Number(lessonProject?.test?.maxConcurrency ?? vitestConfig.test?.maxConcurrency ?? 5);
  const parallel = workers * perWorker;
  const counted = (m: Measured): number => Number(/lesson06: (\d+) passed, (\d+) failed/.exec(m.stdout)?.slice(1, 3).reduce((a, b) => String(Number(a) + Number(b))) ?? 0);
  process.stdout.write(chalk.bold(`Suite (sandbox target), ${workers} workers x ${perWorker} concurrent tests\n`));
  const suite = await measure([process.execPath, '--import', 'tsx', 'scripts/test.ts', '--junit', '/tmp/bench-junit.xml']);
  const tests = counted(suite);
  process.stdout.write(`  ${fmt(suite.seconds)}, ${tests} tests, ${(tests / suite.seconds).toFixed(2)} tests/s, peak ${suite.peakMb} MB (exit ${suite.exitCode})\n`);
  if (suite.exitCode !== 0) process.exitCode = 1;
  // Measured right after the sandbox suite, so both see the same machine load.
  const engine = (await engineReachable()).ok;
  const distros = engine ? (await Promise.all(DISTROS.map(async (d) => ((await imageExists(labImage(d))) ? d : undefined)))).filter((d): d is Distro => d !== undefined) : [];
  for (const distro of distros) {
    process.stdout.write(chalk.bold(`Suite (container target, ${labImage(distro)}): one lab container per worker, a sandbox per test inside it\n`));
    const c = await measure([process.execPath, '--import', 'tsx', 'scripts/test.ts', '--target', 'container', '--distro', distro, '--junit', `/tmp/bench-junit-${distro}.xml`]);
    const label = distro === 'bookworm' ? 'container / sandbox' : `container (${distro}) / sandbox`;
    process.stdout.write(`  ${fmt(c.seconds)}, ${counted(c)} tests, peak ${c.peakMb} MB (exit ${c.exitCode})\n`);
    process.stdout.write(chalk.bold(`${label}: ${(c.seconds / suite.seconds).toFixed(2)}x (target <= 1.5x)\n`));
    if (c.exitCode !== 0 || counted(c) !== tests) process.exitCode = 1;
  }
  if (distros.length === 0) process.stdout.write(chalk.dim('Container target not measured: no Docker engine or no lab image (npm run image)\n'));
  process.stdout.write(chalk.bold(`Floor: bench/floor.sh, ${tests} labs of raw lesson commands, parallelism ${parallel}\n`));
  const floor = await measure(['bash', 'bench/floor.sh', String(parallel), String(tests)]);
  process.stdout.write(`  ${fmt(floor.seconds)}, peak ${floor.peakMb} MB (exit ${floor.exitCode})\n`);
  process.stdout.write(chalk.bold(`Suite / floor: ${(suite.seconds / floor.seconds).toFixed(2)}x (target <= 1.5x; suite target <= 20 s)\n`));
}
