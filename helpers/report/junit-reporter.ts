import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { SECTION_IDS } from '../lesson/sections.js';
import { selectedTargetKind } from '../targets/index.js';
import { buildJUnit, formatCounts, formatErrataSummary } from './build-junit.js';
import { collectEnvironment } from './environment.js';
import { splitAnnotations, type CaseModel } from './model.js';

export const JUNIT_ENV = 'LESSON06_JUNIT';
export const DEFAULT_JUNIT_PATH = 'reports/junit.xml';

function sectionOf(tc: TestCase): string {
  let p: TestCase['parent'] = tc.parent;
  while (p.type === 'suite' && p.parent.type === 'suite') p = p.parent;
  return p.type === 'suite' ? p.name : 'ungrouped';
}

export function toCaseModel(tc: TestCase, root: string): CaseModel | undefined {
  const r = tc.result();
  // Tests left out by --grep never ran; the report lists only what was asked for.
  if (r.state === 'pending' || (r.state === 'skipped' && r.note === undefined && tc.options.mode === 'skip')) return undefined;
  const meta = tc.meta();
  return {
    section: sectionOf(tc),
    name: tc.name,
    file: relative(root, tc.module.moduleId),
    durationMs: tc.diagnostic()?.duration ?? 0,
    state: r.state,
    skipNote: r.state === 'skipped' ? r.note : undefined,
    failures: r.state === 'failed' ? r.errors.map((e) => e.message ?? String(e)) : [],
    transcript: meta.transcript,
    ...splitAnnotations(tc.annotations()),
  };
}

/** Writes the graders' JUnit file and prints the errata; vitest's own reporter shows progress. */
export default class LessonJUnitReporter implements Reporter {
  #root = process.cwd();
  /** Grading prints its own per-check summary; the suite's errata and counts would only repeat it. */
  readonly #summary: boolean;

  constructor(options: { summary?: boolean } = {}) {
    this.#summary = options.summary ?? true;
  }

  onInit(vitest: { config: { root: string } }): void {
    this.#root = vitest.config.root;
  }

  async onTestRunEnd(modules: ReadonlyArray<TestModule>): Promise<void> {
    const cases = modules
      .flatMap((m) => [...m.children.allTests()])
      .map((tc) => toCaseModel(tc, this.#root))
      .filter((c): c is CaseModel => c !== undefined);
    const env = await collectEnvironment(selectedTargetKind());
    const path = process.env[JUNIT_ENV] || DEFAULT_JUNIT_PATH;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, buildJUnit(cases, env, SECTION_IDS));
    if (!this.#summary) return;
    process.stdout.write(
      `\n${formatErrataSummary(cases)}\n\nJUnit report: ${path} (${cases.length} test cases)\n${formatCounts(cases)}\n`,
    );
  }
}
