import { basename, dirname, join } from 'node:path';
import { lessonSummaryPath } from './run-files.js';
import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { CHECKS_ANNOTATION, RUNS_ANNOTATION } from '../lesson/annotations.js';
import type { RunDeclaration } from '../lesson/adjustments.js';
import type { LessonDocument } from '../lesson/document.js';
import type { LessonLink } from '../lesson/links.js';
import type { RunConfig } from '../run-config.js';
import type { ReporterOptions } from './reporter-options.js';
import { sectionOf, toCaseModel, wasSelected } from './case-model.js';
import { annotateLesson, formatCoverage, type TestEvidence } from './lesson-marks.js';
import { renderLessonHtml, renderLessonMarkdown } from './lesson-render.js';
import { writeReport } from './safe-write.js';

/** What the launcher reads after vitest exits: faults in the harness's lesson bookkeeping. */
export interface LessonSummary {
  readonly written: readonly string[];
  readonly coverage: string | undefined;
  readonly problems: readonly string[];
}

/**
 * The annotated lesson lands beside the JUnit report and is named after it: reports/junit.xml →
 * reports/lesson.md and .html; reports/junit-container.xml → reports/lesson-container.md, so two
 * runs of one CI job keep both.
 */
export function lessonReportPaths(c: RunConfig): { md: string; html: string } {
  const junit = basename(c.junit).replace(/\.xml$/, '');
  const stem = junit.includes('junit') ? junit.replace('junit', 'lesson') : 'lesson';
  return { md: join(dirname(c.junit), `${stem}.md`), html: join(dirname(c.junit), `${stem}.html`) };
}

export const NO_LESSON_HINT =
  "annotated lesson: not written (no lesson document); pass --lesson PATH/06-network-integration.md, or keep the course repository's shared/ beside this clone";

/** A run that was asked for part of the suite cannot account for every lesson line. */
export function isPartialRun(c: RunConfig): boolean {
  return c.grep !== undefined || c.tagsFilter !== undefined || c.vitestArgs.includes('--shard') || c.bail !== undefined;
}

function parsed<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

function evidenceOf(tc: TestCase, root: string): TestEvidence {
  const model = toCaseModel(tc, root, 'not finished');
  const annotations = tc.annotations();
  const runs = annotations.filter((a) => a.type === RUNS_ANNOTATION).map((a) => parsed<RunDeclaration>(a.message)?.id ?? a.message);
  const checks = annotations.filter((a) => a.type === CHECKS_ANNOTATION).flatMap((a) => parsed<string[]>(a.message) ?? [a.message]);
  const links: readonly LessonLink[] = tc.meta().lessonLinks ?? [];
  return { name: `${sectionOf(tc)} › ${tc.name}`, state: model.state, links, declaredRuns: runs, checks, errata: model.errata };
}

/**
 * Writes the annotated lesson after every suite run that has the lesson document: the lesson's
 * own text with a mark at each command line, expected output and claim. Without the document it
 * says in one line how to get it. Runs before the JUnit reporter so that the closing count line
 * stays the last line of the run.
 */
export default class LessonDocReporter implements Reporter {
  #root = process.cwd();
  readonly #tests = new Map<string, TestCase>();

  private readonly config: RunConfig;
  private readonly doc: LessonDocument | undefined;

  constructor(options: ReporterOptions) {
    this.config = options.run;
    this.doc = options.lessonDoc;
  }

  onInit(vitest: { config: { root: string } }): void {
    this.#root = vitest.config.root;
  }

  onTestCaseResult(tc: TestCase): void {
    if (wasSelected(tc)) this.#tests.set(tc.id, tc);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    for (const tc of modules.flatMap((m) => [...m.children.allTests()])) if (!this.#tests.has(tc.id) && wasSelected(tc)) this.#tests.set(tc.id, tc);
    if (this.config.mode !== 'suite' || this.#tests.size === 0) return;
    if (this.doc === undefined) {
      process.stdout.write(`\n${NO_LESSON_HINT}\n`);
      this.#summary({ written: [], coverage: undefined, problems: [] });
      return;
    }
    // In the order the tests are declared (files by path), not the order they finished: tests run
    // side by side, and a split run merged must read exactly like the whole run.
    const declared = [...modules].sort((a, b) => a.moduleId.localeCompare(b.moduleId)).flatMap((m) => [...m.children.allTests()]);
    const rank = new Map(declared.map((tc, i) => [tc.id, i]));
    const order = (tc: TestCase): number => rank.get(tc.id) ?? Number.MAX_SAFE_INTEGER;
    const evidence = [...this.#tests.values()]
      .sort((a, b) => order(a) - order(b) || a.fullName.localeCompare(b.fullName))
      .map((tc) => evidenceOf(tc, this.#root));
    const partial = isPartialRun(this.config);
    const annotated = annotateLesson(this.doc, evidence, partial);
    const facts = {
      generated: new Date().toISOString(),
      target: this.config.target,
      runtime: this.config.runtimeInfo
        ? `${this.config.runtimeInfo.name} ${this.config.runtimeInfo.version} (${this.config.runtime}), cgroup ${this.config.cgroupLayout ?? 'as the machine has it'}`
        : this.config.runtime,
      selection: partial
        ? `part of the suite (${this.config.grep !== undefined ? `--grep "${this.config.grep}"` : 'a selection'}), ${evidence.length} tests`
        : `the whole suite, ${evidence.length} tests`,
    };
    const paths = lessonReportPaths(this.config);
    const forbidden = this.config.plan ? [this.config.plan.bundleDir] : [];
    writeReport(paths.md, renderLessonMarkdown(this.doc, annotated, facts), this.config.invoker, forbidden);
    writeReport(paths.html, renderLessonHtml(this.doc, annotated, facts), this.config.invoker, forbidden);
    const coverage = formatCoverage(annotated.coverage);
    const lines = [`\nannotated lesson: ${paths.md}, ${paths.html}`, coverage];
    for (const p of annotated.problems) lines.push(p.includes(' changed in the lesson: ') ? p : `lesson bookkeeping: ${p}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    this.#summary({ written: [paths.md, paths.html], coverage, problems: annotated.problems });
  }

  #summary(s: LessonSummary): void {
    writeReport(lessonSummaryPath(this.config), JSON.stringify(s));
  }
}
