import { hostname } from 'node:os';
import { checkReportCopyPath, summaryPath } from './run-files.js';
import { join, relative } from 'node:path';
import type { Reporter, SerializedError, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import { SECTION_IDS } from '../lesson/sections.js';
import type { RunConfig } from '../run-config.js';
import type { ReporterOptions } from './reporter-options.js';
import { buildJUnit, countCases, formatCounts, formatErrataSummary, type Counts } from './build-junit.js';
import { harnessErrorCase, moduleErrorCases, neverFinished, toCaseModel, wasSelected, type ReportedError } from './case-model.js';
import { collectEnvironment } from './environment.js';
import { gradeRecordOf, reportFacts, writeGradeOutputs } from './grade-output.js';
import type { CaseModel, RunEnvironment } from './model.js';
import { writeReport } from './safe-write.js';
import { RECORD_FILE, shardRecord } from './shards.js';

/** What the launcher reads after vitest exits, to decide the exit code and what to say. */
export interface RunSummary extends Counts {
  readonly junit: string | undefined;
  /** The run stopped before every selected test ended (--bail, Ctrl-C). */
  readonly interrupted: boolean;
  /** Tests vitest collected that the selection left out. */
  readonly notSelected: number;
  /** Spec files that never started because the run stopped first; their tests are in no count. */
  readonly notStarted: readonly string[];
}

/** How the user chose tests, for the line that explains vitest's larger "skipped" count. */
function selectionText(config: RunConfig): string {
  const parts = [
    config.grep !== undefined ? `--grep "${config.grep}"` : '',
    config.tagsFilter !== undefined ? `--tagsFilter "${config.tagsFilter}"` : '',
  ].filter(Boolean);
  const shard = config.vitestArgs.indexOf('--shard');
  if (shard >= 0) parts.push(`--shard ${config.vitestArgs[shard + 1] ?? ''}`);
  return parts.length > 0 ? parts.join(' and ') : 'the selection';
}

/**
 * Writes the graders' JUnit file, the errata and the closing count, and the launcher's summary.
 * Results are collected as each test ends, so a run cut short (--bail, Ctrl-C) still reports
 * every test that finished, and every selected test that did not is reported as not finished.
 * Errors outside tests (a spec file that does not load, a hook, an unhandled error) are harness
 * errors in the report, so a broken harness never looks like an empty selection.
 * An empty selection writes no report and leaves the previous one.
 */
export default class LessonReporter implements Reporter {
  #root = process.cwd();
  #bail = 0;
  #stop: (() => void) | undefined;
  /** Set once the reporter has asked vitest to stop (--bail). */
  #stopping = false;
  #startedAt = Date.now();
  readonly #cases = new Map<string, CaseModel>();
  /** Tests that had no verdict when their result came in; their note is only known at the end. */
  readonly #unfinished = new Map<string, TestCase>();
  /** The machine's facts for the report (collectEnvironment), asked once: see #askEnvironment. */
  #environment: Promise<RunEnvironment> | undefined;
  /** Tests cut short while running by the reporter's own stop, with what they threw then. */
  readonly #interrupted = new Map<string, string>();

  private readonly config: RunConfig;

  constructor(options: ReporterOptions) {
    this.config = options.run;
  }

  onInit(vitest: { config: { root: string }; cancelCurrentRun: (reason: 'test-failure') => Promise<void> }): void {
    this.#root = vitest.config.root;
    this.#bail = this.config.bail ?? 0;
    this.#stop = () => {
      this.#stopping = true;
      void vitest.cancelCurrentRun('test-failure');
    };
  }

  onTestRunStart(): void {
    this.#startedAt = Date.now();
  }

  /**
   * Facts about the machine, asked while the lesson suite runs instead of after it (on the
   * container target each is a throwaway container of the lab image: a second at the run's end),
   * from the first result on, not at the start, where they would slow the workers' own start.
   * Grading asks them after its last check: its checks run the lesson's own `ping -W 1` on the
   * student's machine, and nothing of the harness's should compete with them.
   */
  #askEnvironment(): Promise<RunEnvironment> {
    if (this.#environment === undefined) {
      this.#environment = collectEnvironment(this.config);
      // Awaited (and its failure reported) at the run's end; not an unhandled rejection meanwhile.
      this.#environment.catch(() => undefined);
    }
    return this.#environment;
  }

  onTestCaseResult(tc: TestCase): void {
    if (!wasSelected(tc)) return;
    if (this.config.mode !== 'grade') void this.#askEnvironment();
    const model = toCaseModel(tc, this.#root, '');
    // A test still running when the stop came is cut short under it: vitest marks it skipped, and
    // its next step (an annotation, a command) throws. That error is the stop's, not the harness's.
    if (this.#stopping && model.state === 'error') {
      this.#interrupted.set(tc.id, model.headline ?? '');
      this.#unfinished.set(tc.id, tc);
      this.#cases.set(tc.id, model);
      return;
    }
    if (neverFinished(tc)) this.#unfinished.set(tc.id, tc);
    else this.#unfinished.delete(tc.id);
    this.#cases.set(tc.id, model);
    // --bail: stop only once the failure is recorded here, so the report always holds it.
    if (this.#bail > 0 && this.#failedSoFar() === this.#bail) this.#stop?.();
  }

  /** Whether the run's selection takes this test (a --tagsFilter alone cannot be re-read here: no). */
  #selects(tc: TestCase): boolean {
    if (this.config.grep !== undefined) return new RegExp(this.config.grep).test(tc.fullName.split(' > ').join(' '));
    return this.config.tagsFilter === undefined;
  }

  #failedSoFar(): number {
    return [...this.#cases.entries()].filter(([id, c]) => (c.state === 'failed' || c.state === 'error') && !this.#interrupted.has(id)).length;
  }

  async onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError> = [],
    reason: TestRunEndReason = 'passed',
  ): Promise<void> {
    const all = modules.flatMap((m) => [...m.children.allTests()]);
    // A stop (--bail, Ctrl-C) skips the tests a started file had not reached, either without a note
    // or with vitest's own "aborted" note: they were selected, and they are unfinished, never
    // "not selected" nor skipped for a reason of the lesson's.
    const cutShort = (tc: TestCase): boolean => {
      const r = tc.result();
      if (r.state !== 'skipped') return false;
      return wasSelected(tc) ? /^The test run was aborted/.test(r.note ?? '') : this.#selects(tc);
    };
    const cut = new Set(reason === 'interrupted' ? all.filter(cutShort).map((tc) => tc.id) : []);
    for (const tc of all)
      if (cut.has(tc.id)) {
        this.#unfinished.set(tc.id, tc);
        this.#cases.set(tc.id, toCaseModel(tc, this.#root, ''));
      }
    // Anything not seen one by one still lands in the report.
    for (const tc of all)
      if (!this.#cases.has(tc.id) && wasSelected(tc)) {
        if (neverFinished(tc)) this.#unfinished.set(tc.id, tc);
        this.#cases.set(tc.id, toCaseModel(tc, this.#root, ''));
      }
    const failedSoFar = this.#failedSoFar();
    const why =
      this.#bail > 0 && failedSoFar >= this.#bail
        ? `vitest stopped the run after ${failedSoFar} failed test(s) (--bail ${this.#bail})`
        : 'the run was interrupted';
    for (const [id, tc] of this.#unfinished) {
      const note = `not finished: ${why} before this test ended`;
      const threw = this.#interrupted.get(id);
      const model = toCaseModel(tc, this.#root, note);
      this.#cases.set(
        id,
        threw === undefined
          ? model
          : {
              ...model,
              state: 'skipped',
              skipNote: `${note} (cut short while running, it then threw: ${threw})`,
              failures: [],
              headline: undefined,
              errorType: undefined,
            },
      );
    }

    const harness = [
      ...modules.flatMap((m) => moduleErrorCases(m, this.#root)),
      ...unhandledErrors.map((e, i) =>
        harnessErrorCase(
          { section: 'harness', name: `unhandled error ${i + 1}`, fullName: `unhandled error ${i + 1} (outside any test)`, file: '(none)' },
          [e as ReportedError],
        ),
      ),
    ];
    const cases = [...this.#cases.values(), ...harness];
    const counts = countCases(cases);
    const notStarted = modules
      .filter((m) => ['pending', 'queued'].includes(m.state()) && [...m.children.allTests()].length === 0)
      .map((m) => relative(this.#root, m.moduleId));
    // A stop that came after every selected test had ended (a bail on the last failure) left the run whole.
    const interrupted = (reason === 'interrupted' && notStarted.length > 0) || this.#unfinished.size > 0;
    const stopped = interrupted ? `${why}${notStarted.length > 0 ? `; spec files never started: ${notStarted.join(', ')}` : ''}` : undefined;
    const notSelected = all.filter((tc) => !wasSelected(tc) && !cut.has(tc.id)).length;

    let junit: string | undefined;
    // A shard's record is written even when none of its files holds a selected test: the merge needs every part.
    const env = counts.selected > 0 || this.config.shard ? await this.#askEnvironment() : undefined;
    const record = env && shardRecord(this.config, env);
    if (record && this.config.shardDir) writeReport(join(this.config.shardDir, RECORD_FILE), JSON.stringify(record, null, 2), this.config.invoker);
    if (counts.selected > 0 && env) {
      const run = {
        startedAt: this.#startedAt,
        durationMs: Date.now() - this.#startedAt,
        hostname: hostname() || 'localhost',
        ...(stopped ? { stopped } : {}),
      };
      const graded = await gradeRecordOf(cases, this.config, env, run);
      const xml = buildJUnit(cases, env, SECTION_IDS, { ...run, ...reportFacts(this.config, graded) });
      writeReport(this.config.junit, xml, this.config.invoker, this.config.plan ? [this.config.plan.bundleDir, this.config.plan.newBundleDir] : []);
      junit = this.config.junit;
      // A --check run's report, also in the run's private directory (root-only): the live checklist keeps the last whole one.
      if (this.config.grade?.only) writeReport(checkReportCopyPath(this.config), xml);
      if (graded) process.stdout.write(`${writeGradeOutputs(graded, xml, cases, this.config).join('\n')}\n`);
      if (this.config.mode === 'suite') this.#printSuiteEnd(cases, counts, env, { notSelected, notStarted, stopped });
    }
    writeReport(summaryPath(this.config), JSON.stringify({ ...counts, junit, interrupted, notSelected, notStarted } satisfies RunSummary));
  }

  #printSuiteEnd(
    cases: readonly CaseModel[],
    counts: Counts,
    env: RunEnvironment,
    run: { notSelected: number; notStarted: readonly string[]; stopped: string | undefined },
  ): void {
    const out: string[] = [];
    for (const c of cases.filter((x) => x.state === 'failed' || x.state === 'error')) {
      const verdict = c.state === 'failed' ? `failed: ${c.headline ?? ''}` : `harness error (not a lesson verdict): ${c.headline ?? ''}`;
      out.push(`\n--- transcript: ${c.fullName} ---\n${verdict}\n${c.transcript ?? '(no commands were run)'}`);
    }
    const part = this.config.shard
      ? `, shard ${this.config.shard.index}/${this.config.shard.count}: merge all shards with npm run merge-reports`
      : '';
    out.push(`\n${formatErrataSummary(cases, env)}`, `\nJUnit report: ${this.config.junit} (${cases.length} test cases${part})`);
    out.push(...formatFailedList(cases, this.config.junit));
    out.push(...formatRunNotes(counts, { ...run, selection: selectionText(this.config) }));
    out.push(formatCounts(counts));
    process.stdout.write(`${out.join('\n')}\n`);
  }
}

/**
 * After many failures the console ends inside the last transcript; this names every failed test
 * once, with its expected/seen line, where the reader looks first: just above the count.
 */
export function formatFailedList(cases: readonly Pick<CaseModel, 'state' | 'fullName' | 'headline'>[], junit: string, width = 220): string[] {
  const bad = cases.filter((c) => c.state === 'failed' || c.state === 'error');
  if (bad.length === 0) return [];
  const line = (c: (typeof bad)[number]): string => {
    const text = `  ${c.state === 'failed' ? 'failed' : 'harness error'}: ${c.fullName}: ${c.headline ?? ''}`;
    return text.length > width ? `${text.slice(0, width - 1)}…` : text;
  };
  return [`\n${bad.length} test(s) did not pass; each one's diagnosis, fix and transcript are above and in ${junit}:`, ...bad.map(line)];
}

/**
 * The lines just above the closing count, so that it never contradicts vitest's own summary:
 * what the selection left out (vitest counts those as skipped), what never ran, harness errors.
 */
export function formatRunNotes(
  c: Counts,
  run: { notSelected: number; notStarted: readonly string[]; stopped: string | undefined; selection: string },
): string[] {
  const notes: string[] = [];
  if (run.notSelected > 0)
    notes.push(
      `not selected: ${run.notSelected} test(s) outside ${run.selection}; vitest's summary counts them as skipped, this count leaves them out`,
    );
  if (run.stopped) notes.push(`stopped early: ${run.stopped}; selected tests that never finished are counted as skipped`);
  if (run.notStarted.length > 0) notes.push(`not started: ${run.notStarted.length} spec file(s), whose tests are in no count`);
  if (c.errors > 0)
    notes.push(`harness errors: ${c.errors} (the harness broke, not the lesson; <error> in the JUnit report; counted as failed below)`);
  return notes;
}
