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
      if (c.state === 'skipped') {
        tc.skipped();
        if (c.skipNote) tc.property('skip.reason', c.skipNote);
      } else if (c.state === 'failed') {
        const first = c.failures[0] ?? 'failed';
        tc.failure(first, 'LessonCheckFailure');
        tc.stacktrace([...c.failures, '--- transcript ---', c.transcript ?? '(none)'].join('\n\n'));
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

/** The plain closing line CI systems read: "lesson06: N passed, N failed, N skipped". */
export function formatCounts(cases: readonly CaseModel[]): string {
  const n = (state: CaseModel['state']): number => cases.filter((c) => c.state === state).length;
  return `lesson06: ${n('passed')} passed, ${n('failed')} failed, ${n('skipped')} skipped`;
}
