import { execa } from 'execa';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { callerWriteProblem, handBackTree } from '../../helpers/report/safe-write.js';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chalk } from 'zx';
import { checkPrerequisites, installCommand, withRuntime } from '../../helpers/prereqs.js';
import type { RunSummary } from '../../helpers/report/junit-reporter.js';
import type { LessonSummary } from '../../helpers/report/lesson-reporter.js';
import { lessonSummaryPath, summaryPath } from '../../helpers/report/run-files.js';
import { cgroupModeText, parseRuntimeVersion, runtimeInfo as describeRuntimeInfo } from '../../helpers/oci/runtime-info.js';
import { configToEnv, TESTCONTAINERS_ENV, workersOf, type RunConfig } from '../../helpers/run-config.js';
import { hostCgroupLayout } from '../../helpers/targets/cgroup.js';
import { ROOT_TOOLS, TRUSTED_PATH, trustedDirProblems, trustedEnv, trustedTool } from '../../helpers/toolchain.js';
import { labImage } from '../../helpers/targets/docker.js';
import { providerFor, type PrepareIo } from '../../helpers/targets/providers.js';
import { sweep, summarize } from '../../helpers/targets/sweep.js';
import { labImageState } from './image-recipe.js';
import { fail, runInteractive } from './process.js';

/** Exit codes: 0 all passed; 1 a lesson check failed; 2 refused (bad input, nothing selected, missing prerequisite, a selected test skipped); 3 the harness broke; 130 interrupted. */
/** How long a Ctrl-C may take to reach vitest on its own before the launcher passes it on. */
const RELAY_AFTER_MS = 1_000;

const EXIT = { passed: 0, failed: 1, refused: 2, harness: 3, interrupted: 130 } as const;

async function requirePrerequisites(config: RunConfig): Promise<void> {
  const missing = (await checkPrerequisites(withRuntime(providerFor(config.target).prerequisites, config.runtime), TRUSTED_PATH)).filter(
    (s) => !s.ok,
  );
  if (missing.length > 0)
    fail(
      `missing prerequisite${missing.length > 1 ? 's' : ''}: ${missing.map((m) => `${m.prereq.name} (for ${m.prereq.why})`).join('; ')}`,
      installCommand(missing),
    );
  // Everything below runs as root: a tool a user could replace, or a directory they could plant one in, would run their code.
  const untrusted = [
    ...trustedDirProblems(),
    ...toolsOf(config)
      .map((t) => trustedTool(t))
      .flatMap((t) => (t.ok ? [] : [t.problem])),
  ];
  if (untrusted.length > 0)
    fail(
      `the run as root would use tools it cannot trust: ${untrusted.join('; ')}`,
      `make each of ${TRUSTED_PATH} and the tools in it owned by root and writable by no one else (npm run doctor lists them)`,
    );
}

/**
 * The runtime under test as it names itself, asked once where the tests will run it (this
 * machine, or the lab image), and the cgroup layout it will see. Only a runtime that cannot be
 * started at all is refused here; one that names no version is reported by its file name.
 */
async function describeRuntime(config: RunConfig): Promise<RunConfig> {
  const provider = providerFor(config.target);
  const r = await provider.probe(config, [config.runtime, '--version'], 60_000);
  const where = provider.where(config);
  if (provider.cannotStart(r))
    fail(
      `the runtime under test (${config.runtime}${where}) cannot be started: ${(r.spawnError ?? r.stderr).trim().split('\n')[0] ?? ''}`,
      provider.runtimeFix(config),
    );
  // A runtime that does not say what it is still gets its verdicts; the reports call it by its file name.
  const reported = parseRuntimeVersion(`${r.stdout}\n${r.stderr}`) ?? { name: basename(config.runtime), version: 'unknown (--version named none)' };
  const cgroupLayout = config.cgroup === 'v2' ? 'v2' : hostCgroupLayout();
  const runtimeInfo = describeRuntimeInfo(reported, hostCgroupLayout(), config.cgroup);
  const notes = [
    runtimeInfo.hideUnified ? 'the hybrid cgroup layout is made pure v1 in each sandbox (crun refuses hybrid mode)' : '',
    config.cgroup === 'v2' ? 'each sandbox mounts a private cgroup2 hierarchy (--cgroup v2)' : '',
  ].filter(Boolean);
  process.stdout.write(
    chalk.dim(
      `runtime under test: ${runtimeInfo.name} ${runtimeInfo.version}${where}; cgroup ${cgroupModeText(hostCgroupLayout(), config.cgroup)}${notes.length > 0 ? `; ${notes.join('; ')}` : ''}\n`,
    ),
  );
  return { ...config, runtimeInfo, cgroupLayout };
}
/** The tools this run executes as root, by name (runc only when it is the runtime under test; busybox when grading binds it into its ping probe). */
const toolsOf = (config: RunConfig): string[] => [
  ...ROOT_TOOLS.filter((t) => t !== 'node'),
  ...(providerFor(config.target).runtimeOnThisMachine && !config.runtime.includes('/') ? [config.runtime] : []),
  ...(config.mode === 'grade' ? ['busybox'] : []),
];

/** What a target's prepare may do from the launcher: say a line, refuse the run, build the lab image (npm run image) when the current recipe did not build it. */
const PREPARE_IO: PrepareIo = {
  say: (line) => process.stdout.write(chalk.dim(`${line}\n`)),
  refuse: (what, next) => fail(what, next),
  ensureImage: async (distro) =>
    (await labImageState(labImage(distro))) === 'current' ||
    (await runInteractive([process.execPath, '--import', 'tsx', 'scripts/image.ts', '--distro', distro])) === 0,
};

/** The direct children of a process (vitest's workers), from each process's parent in /proc/<pid>/stat. */
export function childrenOf(parent: number): number[] {
  const children: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name, which may itself hold spaces and parentheses: state, ppid, …
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent) children.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

/** Files a root run made in the invoking user's clone (vitest's caches, a shard's blob) go back to that user; reports are theirs from the start. */
export function handBack(config: RunConfig): void {
  if (!config.invoker) return;
  for (const dir of ['node_modules/.vite', 'node_modules/.vite-temp', 'node_modules/.vitest', 'node_modules/.experimental-vitest-cache', 'reports'])
    handBackTree(dir, config.invoker);
}

export const readSummary = (config: RunConfig): RunSummary | undefined => readJson<RunSummary>(summaryPath(config));

/** A fresh private directory for the run's internal files, named after the run so a sweep finds it. */
export const privateWorkDir = (runId: string): string => mkdtempSync(join(tmpdir(), `lesson06-run-${runId}-`));

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function selectionText(config: RunConfig): string {
  const parts = [
    config.grep !== undefined ? `--grep "${config.grep}"` : '',
    config.tagsFilter !== undefined ? `--tagsFilter "${config.tagsFilter}"` : '',
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' and ') : 'this run';
}

/** The exit code and, when it is not a plain verdict, the one `error:` line that explains it. */
interface Outcome {
  readonly code: number;
  readonly error?: string;
  readonly next?: string;
}

/**
 * Turns what the reporter saw (its summary) and vitest's exit status into the run's exit code,
 * most serious first: the harness broke (3) before a lesson check failed (1), before an empty
 * or incomplete selection (2). Never 0 unless at least one test was selected, every selected
 * test passed and vitest agrees.
 */
export function outcomeOf(summary: RunSummary | undefined, vitestExit: number | undefined, selection: string, junit: string): Outcome {
  // On a terminal, vitest exits 130 at Ctrl-C at once, before any reporter could write a summary.
  if (summary === undefined && vitestExit === EXIT.interrupted)
    return {
      code: EXIT.interrupted,
      error: `interrupted (Ctrl-C): vitest stopped before it reported any result, so ${junit} was not written (a file there is from an earlier run)`,
      next: 'run it again to get a verdict for every test',
    };
  if (summary === undefined)
    return {
      code: EXIT.harness,
      error: `vitest ended (${vitestExit === undefined ? 'killed by a signal' : `exit ${vitestExit}`}) without reporting any result`,
      next: 'read the output above; an interrupted run reports nothing',
    };
  if (summary.errors > 0)
    return {
      code: EXIT.harness,
      error: `the harness itself broke in ${summary.errors} place(s); those are <error> entries in ${junit}, not lesson verdicts`,
      next: 'read the transcripts above; report the harness error if it repeats',
    };
  if (summary.failed > 0) return { code: EXIT.failed };
  if (summary.selected === 0)
    return {
      code: EXIT.refused,
      error: `${selection} selects no test; no report was written (${junit} is unchanged)`,
      next: 'test names start with their section: exercise-1 … exercise-5, verify, cleanup, common-error-1 … common-error-6, notes',
    };
  if (summary.interrupted)
    return {
      code: EXIT.interrupted,
      error: 'the run was interrupted before every selected test ended',
      next: 'run it again to get a verdict for every test',
    };
  if (summary.skipped > 0)
    return {
      code: EXIT.refused,
      error: `${summary.skipped} of ${summary.selected} selected tests did not run (see the skip reasons in ${junit})`,
      next: 'npm run doctor',
    };
  if (vitestExit !== 0)
    return {
      code: EXIT.harness,
      error: `vitest exited ${vitestExit ?? 'by a signal'} although every selected test passed`,
      next: "read vitest's output above",
    };
  return { code: EXIT.passed };
}

/**
 * Everything before vitest, as root: sweep what dead runs left, check prerequisites and the report
 * path, let the target prepare, and ask the runtime what it is. Refuses (exits) when it cannot run.
 */
export async function prepareRun(initial: RunConfig): Promise<RunConfig> {
  const stale = await sweep({ deadRuns: true });
  if (stale.length > 0) process.stdout.write(chalk.dim(`removed leftovers of earlier runs that died: ${summarize(stale)}\n`));
  await requirePrerequisites(initial);
  // The report is created with the invoking user's rights: say so now, not after the run.
  const denied = callerWriteProblem(initial.junit, initial.invoker);
  if (denied) fail(`--junit: ${denied}`, 'choose a report path you can write yourself (the default is reports/ in this clone)');
  return describeRuntime(await providerFor(initial.target).prepare(initial, PREPARE_IO));
}

/** vitest's arguments for this run (run by this node: `process.execPath`). */
export const vitestArgv = (config: RunConfig, opts: LaunchOptions = {}): string[] => [
  'node_modules/vitest/vitest.mjs',
  'run',
  ...(opts.vitestConfig ? ['--config', opts.vitestConfig] : []),
  ...config.vitestArgs,
];

/** vitest's whole environment: the trusted one and the run configuration, nothing else of the caller's. */
export const vitestEnv = (config: RunConfig): Record<string, string> => ({ ...trustedEnv(process.env), ...configToEnv(config) });

export interface LaunchOptions {
  /** Selftest only: a vitest configuration that adds its breakage seam to the product's. */
  readonly vitestConfig?: string;
}

/**
 * As root: sweep what dead runs left, check prerequisites, run vitest with the configuration,
 * sweep this run's own leftovers, hand files back, and turn the reporter's summary into an exit
 * code (outcomeOf).
 */
export async function launch(initial: RunConfig, opts: LaunchOptions = {}): Promise<number> {
  // Ctrl-C reaches vitest through the terminal's process group; this process waits, then sweeps.
  // Before vitest starts (the container target's probe creates a container) it ends the run here.
  let interrupted = false;
  let vitest: ReturnType<typeof execa> | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted = true;
    // Through sudo without a terminal (a signal to the invoking user's process group), sudo relays
    // the signal to this process only: vitest runs as root, out of the user's reach. A vitest that
    // got it too has exited long before this fires.
    setTimeout(() => {
      if (vitest?.pid === undefined || vitest.exitCode !== null || vitest.signalCode !== null) return;
      // Its workers too, as a terminal's Ctrl-C would: a worker left alive keeps its sandboxes.
      for (const pid of [vitest.pid, ...childrenOf(vitest.pid)]) {
        try {
          process.kill(pid, signal);
        } catch {
          // already gone
        }
      }
    }, RELAY_AFTER_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const prepared = await prepareRun(initial);
  if (interrupted) {
    const mine = await sweep({ run: prepared.runId });
    process.stderr.write(
      `${chalk.red('error:')} interrupted before the suite started; nothing was tested${mine.length > 0 ? ` (removed ${summarize(mine)})` : ''}\n`,
    );
    return EXIT.interrupted;
  }
  // The reporter's summaries go to a directory only this run can have made (mkdtemp, 0700): a
  // predictable name in /tmp could be planted as a link by another user before a root run.
  const config = { ...prepared, workDir: privateWorkDir(prepared.runId) };
  // A shard's results are replaced whole: a blob from an earlier run of this shard must not be merged.
  if (config.shardDir) rmSync(config.shardDir, { recursive: true, force: true });
  const startedAt = Date.now();
  let vitestExit: number | undefined;
  let summary: RunSummary | undefined;
  let lesson: LessonSummary | undefined;
  let warming: Promise<void> = Promise.resolve();
  try {
    // This node, not the first on a PATH (vitest's #! line asks env for one); a clean environment: nothing of the caller's steers a root process.
    // The launcher's own testcontainers (the warm-up) as the workers' (run-config.ts): no Ryuk.
    Object.assign(process.env, TESTCONTAINERS_ENV);
    // While vitest starts: the workers' resources (the container target's lab containers), ready for
    // them to claim. Begun first, so its directory exists before any worker looks.
    warming = providerFor(config.target)
      .warmUp(config, workersOf(config))
      .then((failed) => {
        if (failed.length > 0)
          process.stdout.write(
            chalk.dim(`${failed.length} lab container(s) could not be started ahead; their workers start their own: ${failed[0]}\n`),
          );
      })
      .catch((e: unknown) => {
        process.stdout.write(
          chalk.dim(`starting lab containers ahead failed; each worker starts its own: ${e instanceof Error ? e.message : String(e)}\n`),
        );
      });
    vitest = execa(process.execPath, vitestArgv(config, opts), { stdio: 'inherit', reject: false, extendEnv: false, env: vitestEnv(config) });
    const r = await vitest;
    // The signal this launcher relayed (sudo, no terminal) can end vitest before its own handler
    // turns it into exit 130: that run was interrupted, not broken.
    vitestExit = r.exitCode ?? (interrupted && (r.signal === 'SIGINT' || r.signal === 'SIGTERM') ? EXIT.interrupted : undefined);
    summary = readSummary(config);
    lesson = readJson<LessonSummary>(lessonSummaryPath(config));
  } finally {
    // A lab container still being created now would appear after the sweep: wait for the warm-up first.
    await warming;
    // One it cannot remove, the sweep below finds and reports.
    await providerFor(config.target)
      .dropUnclaimed(config)
      .catch(() => undefined);
    rmSync(config.workDir, { recursive: true, force: true });
    const mine = await sweep({ run: config.runId });
    // Interrupted: a killed worker's lab container may still be coming into existence.
    if (summary === undefined) mine.push(...(await providerFor(config.target).sweepLate(config.runId, startedAt)));
    if (mine.length > 0) process.stdout.write(chalk.yellow(`removed what this run left behind: ${summarize(mine)}\n`));
    handBack(config);
  }
  const code = exitCodeFor(config, summary, vitestExit);
  if (code === EXIT.passed && lesson !== undefined && lesson.problems.length > 0) {
    // Green tests with lesson lines nobody accounts for would be a report that says less than it shows.
    process.stderr.write(
      `${chalk.red('error:')} the annotated lesson found ${lesson.problems.length} fault(s) in the harness's own lesson bookkeeping (listed above, and in ${lesson.written[0] ?? 'the lesson report'})\n${chalk.yellow('next:')}  ${lesson.problems.some((p) => p.includes(' changed in the lesson: ')) ? 'for a line that changed in the lesson, update what its test runs (lesson.runs … as, and the command itself) to the new text; ' : ''}fix the declarations (lesson.runs/checks in specs, helpers/lesson/line-notes.ts) so every lesson line is accounted for\n`,
    );
    return EXIT.harness;
  }
  return code;
}

/** The exit code a vitest run earns from the reporter's summary (npm test and npm run merge-reports alike), with its error line. */
export function exitCodeFor(config: RunConfig, summary: RunSummary | undefined, vitestExit: number | undefined): number {
  if (summary !== undefined && summary.selected === 0 && config.shard) {
    // Only the merged report can say whether the selection tested anything; it exits 2 if not.
    process.stdout.write(
      `shard ${config.shard.index}/${config.shard.count}: none of its test files holds a test of ${selectionText(config)}; its part of the merged report is empty\n`,
    );
    return EXIT.passed;
  }
  const outcome = outcomeOf(summary, vitestExit, selectionText(config), config.junit);
  if (outcome.error) process.stderr.write(`${chalk.red('error:')} ${outcome.error}\n${chalk.yellow('next:')}  ${outcome.next ?? ''}\n`);
  return outcome.code;
}
