import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { chalk } from 'zx';
import { studentIds } from '../../helpers/grade/as-student.js';
import { judgeChecklist, renderChecklist, changedLines, type Checklist } from '../../helpers/grade/checklist.js';
import { readOnlyViolation, type GuardContext } from '../../helpers/grade/guard.js';
import { studentArgv } from '../../helpers/grade/student-reader.js';
import type { WatchRequest } from '../../helpers/grade/student-watch.js';
import { checkResultsPath, type Graded } from '../../helpers/report/grade-reporter.js';
import { writeReport } from '../../helpers/report/safe-write.js';
import { childEnv, type RunConfig } from '../../helpers/run-config.js';
import { checkReportCopyPath } from '../../helpers/report/run-files.js';
import { HostTarget } from '../../helpers/targets/host.js';
import { sweep, summarize } from '../../helpers/targets/sweep.js';
import { childrenOf, handBack, prepareRun, privateWorkDir, readSummary, vitestArgv, vitestEnv } from './launch.js';

/**
 * `npm run grade -- --watch`: the live checklist. Each re-check is one `--check` run of every lesson
 * step through the same launcher, vitest project, session, guard and reader of the student's files as
 * `npm run grade` (nothing of the grader's least privilege is bypassed: this loop only decides when).
 * It re-checks when the lab changes, as told by the kernel (`ip monitor` on the host and in the
 * namespace, a watch on the namespace directory), by the student's files (a watch in the reader
 * child, with the student's rights) and, as a fallback, by a poll every POLL_MS that compares a
 * digest of the lab's state; a run starts only when that digest differs from the last run's.
 */
const POLL_MS = 5_000;
/** A burst of events (ip link add, then set netns, then up) is one re-check. */
const DEBOUNCE_MS = 300;
/** Where runc and crun keep container state (Clean Up's first step). */
const STATE_DIRS = ['/run/runc', '/run/crun'];

/** One finished --check run: its results (undefined when the grader itself broke), its report, what it printed. */
interface CheckRun {
  readonly results: ReadonlyMap<string, Graded> | undefined;
  readonly junit: string | undefined;
  readonly problem: string | undefined;
}

const EXIT_INTERRUPTED = 130;

/** Watches until Ctrl-C (or q); returns 130 after writing the last complete run's report where `npm run grade -- --check` writes it. */
export async function watchLab(initial: RunConfig, startLevel: 1 | 2 | 3): Promise<number> {
  const prepared = await prepareRun(initial);
  const plan = prepared.plan!;
  const guard: GuardContext = { scratch: '/nonexistent/lesson06-watch-writes-nothing', ownIdPrefix: 'lesson06-grade-' };
  const host = new HostTarget(dirname(plan.bundleDir), (argv) => readOnlyViolation(argv, guard));
  const tty = process.stdout.isTTY === true;
  const out = (s: string): boolean => process.stdout.write(s);

  let level = startLevel;
  let view: Checklist | undefined;
  let seen: ReadonlySet<string> = new Set();
  let last: CheckRun | undefined;
  let lastJunit: string | undefined;
  let checkedAt: Date | undefined;
  let lastDigest = '';
  let studentDigest = '';
  let running: ResultPromise | undefined;
  let busy = false;
  let again: 'changed' | 'forced' | undefined;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;

  const draw = (): void => {
    if (!tty || stopping) return;
    const status = busy ? 're-checking…' : checkedAt ? `checked ${checkedAt.toISOString().slice(11, 19)} UTC` : 'first check…';
    const lines = [
      chalk.bold(`lesson 06, live checklist of ${prepared.grade?.student ? `${prepared.grade.student}'s` : 'the'} lab`) + chalk.dim(`  (${status})`),
      chalk.dim(`h: next hint level (now ${level} of 3)   r: re-check now   q or Ctrl-C: quit, writing the report`),
      '',
      ...(view ? renderChecklist(view, level) : ['(the first check is running)']),
      ...(last?.problem ? ['', chalk.red(`the grader could not check this time: ${last.problem}`)] : []),
    ];
    out(`\x1b[H\x1b[2J${lines.join('\n')}\n`);
  };

  /** A one-line log of every step whose line changed: a watch without a terminal (CI, a pipe). */
  const log = (next: Checklist): void => {
    if (tty) return;
    const stamp = new Date().toISOString().slice(11, 19);
    for (const line of changedLines(view, next)) out(`${stamp} ${line}\n`);
  };

  /** The lab's state as the kernel and the reader child show it, digested: a re-check runs only when it changed. */
  const digest = async (): Promise<string> => {
    const reads = [
      ['ip', '-j', 'link', 'show'],
      ['ip', '-j', 'addr', 'show'],
      ['ip', '-j', 'netns', 'list'],
      ...(existsSync(plan.netnsPath) ? [['ip', '-n', plan.netns, '-j', 'addr', 'show']] : []),
    ];
    const seenByKernel = await Promise.all(reads.map(async (argv) => (await host.exec(argv, { timeoutMs: 5_000 })).stdout));
    const states = STATE_DIRS.map((d) => (existsSync(d) ? readdirSync(d).sort().join(',') : '-'));
    return createHash('sha256')
      .update([...seenByKernel, ...states, studentDigest].join('\0'))
      .digest('hex');
  };

  const checkOnce = async (): Promise<CheckRun> => {
    const workDir = privateWorkDir(prepared.runId);
    // Each run writes the report where --check writes it (as the caller); its root-only copy is what this loop keeps.
    const config: RunConfig = { ...prepared, workDir };
    try {
      running = execa(process.execPath, vitestArgv(config), { reject: false, extendEnv: false, env: vitestEnv(config), all: true, stdin: 'ignore' });
      const r = await running;
      const summary = readSummary(config);
      const results = existsSync(checkResultsPath(config))
        ? new Map((JSON.parse(readFileSync(checkResultsPath(config), 'utf8')) as Graded[]).map((g) => [g.id, g]))
        : undefined;
      const junit = existsSync(checkReportCopyPath(config)) ? readFileSync(checkReportCopyPath(config), 'utf8') : undefined;
      const broke = summary === undefined || summary.errors > 0 || results === undefined;
      const tail = String(r.all ?? '')
        .trim()
        .split('\n')
        .slice(-2)
        .join(' ');
      return {
        results: broke ? undefined : results,
        junit: broke ? undefined : junit,
        problem: broke ? `vitest exit ${r.exitCode ?? r.signal}: ${tail}` : undefined,
      };
    } finally {
      running = undefined;
      rmSync(workDir, { recursive: true, force: true });
      const mine = await sweep({ run: prepared.runId });
      if (mine.length > 0 && !tty) out(chalk.yellow(`removed what a check left behind: ${summarize(mine)}\n`));
    }
  };

  const recheck = async (force = false): Promise<void> => {
    if (stopping) return;
    if (busy) {
      // Asked while a check runs: one more after it (forced when r asked for it).
      again = again === 'forced' || force ? 'forced' : 'changed';
      return;
    }
    busy = true;
    let ran = false;
    try {
      const now = await digest();
      if (now === lastDigest && !force) return;
      lastDigest = now;
      ran = true;
      draw();
      const run = await checkOnce();
      if (stopping) return;
      last = run;
      checkedAt = new Date();
      if (run.results) {
        const next = judgeChecklist(run.results, seen);
        log(next);
        view = next;
        seen = next.seen;
        lastJunit = run.junit ?? lastJunit;
      } else if (!tty) out(`${checkedAt.toISOString().slice(11, 19)} the grader could not check this time: ${run.problem ?? ''}\n`);
    } finally {
      busy = false;
      // Redrawn only after a check: a poll that found nothing new leaves the screen as it is.
      if (ran) draw();
      const next = again;
      again = undefined;
      if (next === 'forced' && !stopping) void recheck(true);
      else if (next === 'changed' && !stopping) schedule();
    }
  };

  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void recheck(), DEBOUNCE_MS);
  };

  // Kernel events: links and addresses on the host and, once it exists, in the namespace.
  const monitors: ResultPromise[] = [];
  const monitor = (argv: string[]): ResultPromise => {
    const why = readOnlyViolation(argv, guard);
    if (why) throw new Error(`the live checklist refused its own command ${argv.join(' ')}: ${why}`);
    const p = execa(argv[0]!, argv.slice(1), { reject: false, extendEnv: false, env: childEnv(), stdin: 'ignore', stderr: 'ignore', buffer: false });
    p.stdout?.on('data', schedule);
    monitors.push(p);
    return p;
  };
  monitor(['ip', 'monitor', 'link', 'address']);
  let inNetns: ResultPromise | undefined;
  const followNetns = (): void => {
    const there = existsSync(plan.netnsPath);
    if (there && inNetns === undefined) inNetns = monitor(['ip', '-n', plan.netns, 'monitor', 'link', 'address']);
    if (!there && inNetns !== undefined) {
      inNetns.kill();
      inNetns = undefined;
    }
  };
  followNetns();
  // The namespace list: /var/run/netns, or its parent until ip netns add makes it.
  let fsWatchers: FSWatcher[] = [];
  const watchNetnsDir = (): void => {
    for (const w of fsWatchers) w.close();
    fsWatchers = [];
    for (const dir of [dirname(plan.netnsPath), dirname(dirname(plan.netnsPath))])
      if (existsSync(dir))
        fsWatchers.push(
          watch(dir, { persistent: false }, () => {
            followNetns();
            schedule();
          }),
        );
  };
  watchNetnsDir();

  // The student's files, watched by the reader child with the student's rights; it prints a digest when they change.
  const req: WatchRequest = { kind: 'watch', bundles: [plan.bundleDir, plan.newBundleDir], hooksBundle: plan.newBundleDir, pollMs: POLL_MS };
  const reader = studentArgv(studentIds(prepared.invoker, plan.bundleDir));
  const files = execa(reader[0]!, reader.slice(1), {
    reject: false,
    extendEnv: false,
    env: childEnv(),
    input: JSON.stringify(req),
    stderr: 'ignore',
    buffer: false,
  });
  let pending = '';
  files.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const l of lines) {
      try {
        studentDigest = String((JSON.parse(l) as { fingerprint?: string }).fingerprint ?? '');
        schedule();
      } catch {
        // not a digest line: ignored
      }
    }
  });

  const poll = setInterval(() => {
    watchNetnsDir();
    followNetns();
    void recheck();
  }, POLL_MS);

  // Ctrl-C (a signal, or the byte itself in raw mode), q: stop; h: one more hint level; r: re-check now.
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(true);
      process.stdin.resume();
      process.stdin.on('data', (b: Buffer) => {
        const key = b.toString('utf8');
        if (key === '\x03' || key === 'q') stop();
        else if (key === 'h') {
          level = level < 3 ? ((level + 1) as 2 | 3) : 3;
          draw();
        } else if (key === 'r') void recheck(true);
      });
    }
  });

  if (!tty) out(`watching the lab (re-checked when it changes; Ctrl-C writes the report and stops)\n`);
  void recheck(true);
  await stopped;

  clearInterval(poll);
  clearTimeout(timer);
  for (const w of fsWatchers) w.close();
  for (const m of monitors) m.kill();
  files.kill();
  if (process.stdin.isTTY) {
    process.stdin.setRawMode(false);
    process.stdin.pause();
  }
  // A check still running is stopped (it and its workers, by pid: this process started them); its half is not the final state.
  const pid = running?.pid;
  if (pid !== undefined) {
    for (const p of [pid, ...childrenOf(pid)])
      try {
        process.kill(p, 'SIGTERM');
      } catch {
        // already gone
      }
    await running?.catch(() => undefined);
  }
  await Promise.all([...monitors, files].map((p) => p.catch(() => undefined)));
  const mine = await sweep({ run: prepared.runId });
  if (mine.length > 0) out(chalk.yellow(`removed what the last check left behind: ${summarize(mine)}\n`));
  handBack(prepared);
  const final = view ? [...renderChecklist(view, level)] : [];
  if (tty) out(`\x1b[H\x1b[2J${final.join('\n')}\n`);
  else if (view) out(`final: ${view.steps.filter((v) => v.mark === '✓').length} of ${view.steps.length} steps done\n`);
  if (lastJunit === undefined) {
    process.stderr.write(`${chalk.red('error:')} interrupted before any check finished: no report was written (${prepared.junit} is unchanged)\n`);
    return EXIT_INTERRUPTED;
  }
  writeReport(prepared.junit, lastJunit, prepared.invoker, [plan.bundleDir, plan.newBundleDir]);
  out(`report of the last check: ${prepared.junit}\n`);
  return EXIT_INTERRUPTED;
}
