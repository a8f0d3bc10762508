import { execa } from 'execa';
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { chalk } from 'zx';
import { checkPrerequisites, installCommand, prerequisitesFor } from '../../helpers/prereqs.js';
import { summaryPath, type RunSummary } from '../../helpers/report/junit-reporter.js';
import { configToEnv, type RunConfig } from '../../helpers/run-config.js';
import { engineReachable, imageExists, labImage } from '../../helpers/targets/docker.js';
import { detectPrivilegeMode } from '../../helpers/targets/lab-container.js';
import { sweep, sweepLateContainers, summarize } from '../../helpers/targets/sweep.js';
import { fail, runInteractive } from './process.js';

/** Exit codes: 0 all passed; 1 a lesson check failed; 2 refused (bad input, nothing selected, missing prerequisite); 3 the harness broke. */
export const EXIT = { passed: 0, failed: 1, refused: 2, harness: 3 } as const;
/** 128 + SIGINT, as a shell reports a run stopped by Ctrl-C. */
const EXIT_INTERRUPTED = 130;

async function requirePrerequisites(config: RunConfig): Promise<void> {
  const missing = (await checkPrerequisites(prerequisitesFor(config), process.env.PATH ?? '')).filter((s) => !s.ok);
  if (missing.length > 0)
    fail(`missing prerequisite${missing.length > 1 ? 's' : ''}: ${missing.map((m) => `${m.prereq.name} (for ${m.prereq.why})`).join('; ')}`, installCommand(missing));
}

/** The container target needs an engine, the lab image and a privilege mode, decided once here. */
async function prepareContainers(config: RunConfig): Promise<RunConfig> {
  const engine = await engineReachable();
  if (!engine.ok)
    fail(`--target container needs a Docker engine, and none answered: ${engine.why}`, 'apt-get install docker.io && dockerd &   (or use the default sandbox target: npm test)');
  const image = labImage(config.distro);
  // Built once and reused; a missing image is built here, never pulled blindly.
  if (!(await imageExists(image)) && (await runInteractive([process.execPath, '--import', 'tsx', 'scripts/image.ts', '--distro', config.distro])) !== 0)
    fail(`could not build ${image}`, `run npm run image -- --distro ${config.distro} and read its output`);
  const privilege = await detectPrivilegeMode({ distro: config.distro, runId: config.runId });
  process.stdout.write(chalk.dim(`lab containers (${image}): ${privilege === 'privileged' ? '--privileged' : 'all host capabilities (the engine refused --privileged)'}\n`));
  return { ...config, privilege };
}

/** Files a root run made in the invoking user's clone go back to that user. */
function handBack(config: RunConfig): void {
  if (!config.invoker) return;
  const { uid, gid } = config.invoker;
  const walk = (p: string): void => {
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (!st || st.isSymbolicLink()) return;
    if (st.uid === 0) chownSync(p, uid, gid);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  for (const dir of ['node_modules/.vite', 'node_modules/.vite-temp', 'node_modules/.vitest', 'reports']) if (existsSync(dir)) walk(dir);
}

export function readSummary(config: RunConfig): RunSummary | undefined {
  try {
    return JSON.parse(readFileSync(summaryPath(config), 'utf8')) as RunSummary;
  } catch {
    return undefined;
  }
}

function selectionText(config: RunConfig): string {
  const parts = [config.grep !== undefined ? `--grep "${config.grep}"` : '', config.tagsFilter !== undefined ? `--tagsFilter "${config.tagsFilter}"` : ''].filter(Boolean);
  return parts.length > 0 ? parts.join(' and ') : 'this run';
}

/**
 * As root: sweep what dead runs left, check prerequisites, run vitest with the configuration,
 * sweep this run's own leftovers, hand files back, and turn the reporter's summary into an exit
 * code. Never 0 unless at least one test was selected and every selected test passed.
 */
export async function launch(initial: RunConfig): Promise<number> {
  // Ctrl-C reaches vitest through the terminal's process group; this process waits, then sweeps.
  // Before vitest starts (the container target's probe creates a container) it ends the run here.
  let interrupted = false;
  process.on('SIGINT', () => (interrupted = true));
  process.on('SIGTERM', () => (interrupted = true));
  const stale = await sweep({ deadRuns: true });
  if (stale.length > 0) process.stdout.write(chalk.dim(`removed leftovers of earlier runs that died: ${summarize(stale)}\n`));
  await requirePrerequisites(initial);
  const config = initial.target === 'container' ? await prepareContainers(initial) : initial;
  if (interrupted) {
    const mine = await sweep({ run: config.runId });
    process.stderr.write(`${chalk.red('error:')} interrupted before the suite started; nothing was tested${mine.length > 0 ? ` (removed ${summarize(mine)})` : ''}\n`);
    return EXIT_INTERRUPTED;
  }
  rmSync(config.workDir, { recursive: true, force: true });
  mkdirSync(config.workDir, { recursive: true });
  // A shard's results are replaced whole: a blob from an earlier run of this shard must not be merged.
  if (config.shardDir) rmSync(config.shardDir, { recursive: true, force: true });
  const startedAt = Date.now();
  let vitestExit: number | undefined;
  let summary: RunSummary | undefined;
  try {
    const r = await execa('node_modules/.bin/vitest', ['run', ...config.vitestArgs], { stdio: 'inherit', reject: false, env: { ...process.env, ...configToEnv(config) } });
    vitestExit = r.exitCode;
    summary = readSummary(config);
  } finally {
    rmSync(config.workDir, { recursive: true, force: true });
    const mine = await sweep({ run: config.runId });
    // Interrupted: a killed worker's lab container may still be coming into existence.
    if (config.target === 'container' && summary === undefined) mine.push(...(await sweepLateContainers(config.runId, startedAt)));
    if (mine.length > 0) process.stdout.write(chalk.yellow(`removed what this run left behind: ${summarize(mine)}\n`));
    handBack(config);
  }
  return exitCodeFor(config, summary, vitestExit);
}

/** The exit code a vitest run earns from the reporter's summary (npm test and npm run merge-reports alike). */
export function exitCodeFor(config: RunConfig, summary: RunSummary | undefined, vitestExit: number | undefined): number {
  if (summary === undefined) {
    process.stderr.write(`${chalk.red('error:')} vitest ended (exit ${vitestExit ?? 'signal'}) without reporting any result\n${chalk.yellow('next:')}  read the output above; an interrupted run reports nothing\n`);
    return vitestExit === 0 || vitestExit === undefined ? EXIT.harness : vitestExit;
  }
  if (summary.selected === 0 && config.shard) {
    // Only the merged report can say whether the selection tested anything; it exits 2 if not.
    process.stdout.write(`shard ${config.shard.index}/${config.shard.count}: none of its test files holds a test of ${selectionText(config)}; its part of the merged report is empty\n`);
    return EXIT.passed;
  }
  if (summary.selected === 0) {
    process.stderr.write(
      `${chalk.red('error:')} ${selectionText(config)} selects no test; no report was written (${config.junit} is unchanged)\n${chalk.yellow('next:')}  test names start with their section: exercise-1 … exercise-5, verify, cleanup, common-error-1 … common-error-6, notes\n`,
    );
    return EXIT.refused;
  }
  if (summary.errors > 0) return EXIT.harness;
  if (summary.failed > 0 || vitestExit !== 0) return EXIT.failed;
  return EXIT.passed;
}
