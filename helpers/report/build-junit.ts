import junitImport, { type Builder } from 'junit-report-builder';

// The package is CommonJS with a default export: Node ESM sees it under .default, bundlers unwrap it.
const junitModule = junitImport as unknown as { default?: Builder };
const junit: Builder = junitModule.default ?? (junitImport as unknown as Builder);
import { formatErratum, uniqueErrata } from '../lesson/errata.js';
import type { CaseModel, RunEnvironment } from './model.js';

/** Sections in lesson order first, anything else after, alphabetically. */
function sectionOrder(order: readonly string[]): (a: string, b: string) => number {
  const rank = (s: string): number => {
    const i = order.indexOf(s);
    return i === -1 ? order.length : i;
  };
  return (a, b) => rank(a) - rank(b) || a.localeCompare(b);
}

/** Renders the report: one testsuite per lesson section, run facts as properties. */
export function buildJUnit(cases: readonly CaseModel[], env: RunEnvironment, order: readonly string[]): string {
  const builder = junit.newBuilder().name('lesson-06-network-integration');
  const sections = [...new Set(cases.map((c) => c.section))].sort(sectionOrder(order));
  for (const section of sections) {
    const suite = builder
      .testSuite()
      .name(section)
      .property('target', env.target)
      .property('runtime', env.runtime)
      .property('runtime.version', env.runtimeVersion)
      .property('kernel', env.kernel)
      .property('busybox', env.busybox);
    for (const c of cases.filter((x) => x.section === section)) {
      const tc = suite
        .testCase()
        .className(`lesson06.${section}`)
        .name(c.name)
        .file(c.file)
        .time(c.durationMs / 1000);
      c.steps.forEach((s) => tc.property('lesson.step', s));
      c.errata.forEach((e) => tc.multilineProperty('erratum', formatErratum(e)));
      c.adjustments.forEach((a) => tc.property('harness.adjustment', a));
      (c.findings ?? []).forEach((f) => tc.property('grade.finding', f));
      if (c.state === 'skipped') {
        tc.skipped();
        if (c.skipNote) tc.property('skip.reason', c.skipNote);
      } else if (c.state === 'failed' || c.state === 'error') {
        const body = [...c.failures, '--- transcript ---', c.transcript ?? '(none)'].join('\n\n');
        if (c.state === 'failed') tc.failure(c.headline ?? 'failed', 'LessonCheckFailure');
        else tc.error(c.headline ?? 'harness error', c.errorType ?? 'HarnessError');
        tc.stacktrace(body);
      }
      if (c.errata.length > 0) tc.standardOutput(c.errata.map(formatErratum).join('\n\n'));
    }
  }
  return builder.build();
}

export function formatErrataSummary(cases: readonly CaseModel[]): string {
  const errata = uniqueErrata(cases.flatMap((c) => c.errata));
  if (errata.length === 0) return 'Errata: none (every checked lesson claim held on this machine)';
  return [`Errata: ${errata.length} place(s) where the lesson's text differs from what really happened here`, ...errata.map(formatErratum)].join('\n\n');
}

export interface Counts {
  readonly selected: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  readonly skipped: number;
}

export function countCases(cases: readonly CaseModel[]): Counts {
  const n = (state: CaseModel['state']): number => cases.filter((c) => c.state === state).length;
  return { selected: cases.length, passed: n('passed'), failed: n('failed'), errors: n('error'), skipped: n('skipped') };
}

/** The plain closing line CI systems read: "lesson06: N passed, N failed, N skipped" (+ harness errors). */
export function formatCounts(c: Counts): string {
  return `lesson06: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped${c.errors > 0 ? `, ${c.errors} harness error(s)` : ''}`;
}
