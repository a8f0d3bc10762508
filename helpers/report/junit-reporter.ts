import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { SECTION_IDS } from '../lesson/sections.js';
import type { RunConfig } from '../run-config.js';
import { buildJUnit, countCases, formatCounts, formatErrataSummary, type Counts } from './build-junit.js';
import { toCaseModel, wasSelected } from './case-model.js';
import { collectEnvironment } from './environment.js';
import type { CaseModel, RunEnvironment } from './model.js';
import { writeReport } from './safe-write.js';
import { RECORD_FILE, shardRecord } from './shards.js';

/** What the launcher reads after vitest exits, to decide the exit code and what to say. */
export interface RunSummary extends Counts {
  readonly junit: string | undefined;
}

export const summaryPath = (c: RunConfig): string => `${c.workDir}/summary.json`;

/**
 * Writes the graders' JUnit file, the errata and the closing count, and the launcher's summary.
 * Results are collected as each test ends, so a run cut short (--bail, Ctrl-C) still reports
 * every test that finished. An empty selection writes no report and leaves the previous one.
 */
export default class LessonReporter implements Reporter {
  #root = process.cwd();
  readonly #cases = new Map<string, CaseModel>();

  constructor(private readonly config: RunConfig) {}

  onInit(vitest: { config: { root: string } }): void {
    this.#root = vitest.config.root;
  }

  onTestCaseResult(tc: TestCase): void {
    if (wasSelected(tc)) this.#cases.set(tc.id, toCaseModel(tc, this.#root));
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    // Anything not seen one by one (a file that failed to load) still lands in the report.
    for (const tc of modules.flatMap((m) => [...m.children.allTests()])) if (!this.#cases.has(tc.id) && wasSelected(tc)) this.#cases.set(tc.id, toCaseModel(tc, this.#root));
    const cases = [...this.#cases.values()];
    const counts = countCases(cases);
    let junit: string | undefined;
    // A shard's record is written even when none of its files holds a selected test: the merge needs every part.
    const env = counts.selected > 0 || this.config.shard ? await collectEnvironment(this.config) : undefined;
    const record = env && shardRecord(this.config, env);
    if (record && this.config.shardDir) writeReport(join(this.config.shardDir, RECORD_FILE), JSON.stringify(record, null, 2), this.config.invoker);
    if (counts.selected > 0 && env) {
      writeReport(this.config.junit, buildJUnit(cases, env, SECTION_IDS), this.config.invoker, this.config.plan ? [this.config.plan.bundleDir] : []);
      junit = this.config.junit;
      if (this.config.mode === 'suite') this.#printSuiteEnd(cases, counts, env);
    }
    mkdirSync(this.config.workDir, { recursive: true });
    writeFileSync(summaryPath(this.config), JSON.stringify({ ...counts, junit } satisfies RunSummary));
  }

  #printSuiteEnd(cases: readonly CaseModel[], counts: Counts, env: RunEnvironment): void {
    const out: string[] = [];
    for (const c of cases.filter((x) => x.state === 'failed' || x.state === 'error'))
      out.push(`\n--- transcript: ${c.section} › ${c.name} ---\n${c.transcript ?? '(no commands were run)'}`);
    const part = this.config.shard ? `, shard ${this.config.shard.index}/${this.config.shard.count}: merge all shards with npm run merge-reports` : '';
    out.push(`\n${formatErrataSummary(cases, env)}`, `\nJUnit report: ${this.config.junit} (${cases.length} test cases${part})`, formatCounts(counts));
    process.stdout.write(`${out.join('\n')}\n`);
  }
}
