import { basename, relative } from 'node:path';
import type { TestCase, TestModule, TestSuite } from 'vitest/node';
import { splitAnnotations, type CaseModel } from './model.js';

/** What the reporter knows about a vitest error: its class and, for lesson checks, the diagnosis. */
export interface ReportedError {
  readonly name?: string;
  readonly message?: string;
  readonly stack?: string;
  readonly diagnosis?: { expected?: string; seen?: string };
}

const firstLine = (s: string | undefined): string => (s ?? '').trim().split('\n')[0] ?? '';
const oneLine = (s: string | undefined, max = 160): string => {
  const t = (s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

/** The lesson's verdict (a LessonCheckError) is a failure; anything else is the harness breaking. */
const isLessonCheck = (e: ReportedError): boolean => e.name === 'LessonCheckError';

function headlineOf(e: ReportedError): string {
  if (isLessonCheck(e) && e.diagnosis) return `expected ${oneLine(e.diagnosis.expected)}; seen ${oneLine(e.diagnosis.seen) || '(nothing)'}`;
  return oneLine(`${e.name ?? 'Error'}: ${firstLine(e.message)}`);
}

/** A check's diagnosis as written; any other error as its stack, which already starts with "Name: message". */
function errorText(e: ReportedError): string {
  if (isLessonCheck(e)) return e.message ?? '';
  const head = `${e.name ?? 'Error'}: ${e.message ?? ''}`;
  return e.stack?.startsWith(head) ? e.stack : `${head}\n${e.stack ?? ''}`.trim();
}
const harnessType = (e: ReportedError): string => `HarnessError.${(e.name ?? 'Error').replace(/[^\w.]/g, '') || 'Error'}`;

export function sectionOf(tc: TestCase): string {
  let p: TestCase['parent'] = tc.parent;
  while (p.type === 'suite' && p.parent.type === 'suite') p = p.parent;
  return p.type === 'suite' ? p.name : 'ungrouped';
}

/** The describe blocks and the name, outermost first: how the console heads a test's transcript. */
function fullNameOf(t: TestCase | TestSuite): string {
  const parts = [t.name];
  for (let p = t.parent; p.type === 'suite'; p = p.parent) parts.unshift(p.name);
  return parts.join(' › ');
}

/**
 * Whether --grep/--tagsFilter/--shard chose the test. Left-out tests are skipped without a note in
 * "skip" mode and never enter the report; a chosen test that never finished (the run stopped
 * under --bail or Ctrl-C) is still pending, and is reported as not finished.
 */
export function wasSelected(tc: TestCase): boolean {
  const r = tc.result();
  if (tc.options.mode === 'skip' || tc.options.mode === 'todo') return r.state === 'skipped' && r.note !== undefined;
  return true;
}

/** A selected test that has no verdict because the run stopped before it ended. */
export const neverFinished = (tc: TestCase): boolean => tc.result().state === 'pending';

/** One test as the report needs it; `notFinished` says why a test that never ended has no verdict. */
export function toCaseModel(tc: TestCase, root: string, notFinished: string): CaseModel {
  const r = tc.result();
  const errors = (r.state === 'failed' ? r.errors : []) as readonly ReportedError[];
  const harness = errors.find((e) => !isLessonCheck(e));
  const state = r.state === 'failed' ? (harness ? 'error' : 'failed') : r.state === 'passed' ? 'passed' : 'skipped';
  const first = harness ?? errors[0];
  const d = tc.diagnostic();
  return {
    section: sectionOf(tc),
    name: tc.name,
    ...(tc.meta().testId !== undefined ? { testId: tc.meta().testId } : {}),
    fullName: fullNameOf(tc),
    file: relative(root, tc.module.moduleId),
    ...(d ? { startTime: d.startTime } : {}),
    durationMs: Math.round(d?.duration ?? 0),
    state,
    // A test the run's stop cut short is given why (notFinished), whatever vitest noted on it.
    skipNote:
      r.state === 'pending' || (r.state === 'skipped' && notFinished !== '')
        ? notFinished
        : r.state === 'skipped'
          ? (r.note ?? 'skipped (no reason given)')
          : undefined,
    failures: errors.map(errorText),
    headline: first ? headlineOf(first) : undefined,
    errorType: harness ? harnessType(harness) : undefined,
    transcript: tc.meta().transcript,
    ...splitAnnotations(tc.annotations()),
  };
}

/** The section a spec file belongs to: specs/<section>.spec.ts. */
const sectionOfFile = (file: string): string => basename(file).replace(/\.spec\.[cm]?[jt]s$/, '');

/**
 * The harness breaking outside any one test — a spec file or setup file that does not load, a
 * failing beforeAll/afterAll, an error thrown after its test ended — as a report entry of its own
 * (an <error>, never a lesson failure, never an empty selection).
 */
export function harnessErrorCase(
  where: { section: string; name: string; fullName: string; file: string },
  errors: readonly ReportedError[],
): CaseModel {
  const first = errors[0] ?? { name: 'Error', message: 'unknown harness error' };
  return {
    ...where,
    durationMs: 0,
    state: 'error',
    failures: errors.map(errorText),
    headline: headlineOf({ ...first, name: first.name === 'LessonCheckError' ? 'Error' : first.name }),
    errorType: harnessType(first),
    steps: [],
    errata: [],
    adjustments: [],
  };
}

/** Errors a module or one of its describe blocks reported outside its tests. */
export function moduleErrorCases(m: TestModule, root: string): CaseModel[] {
  const file = relative(root, m.moduleId);
  const out: CaseModel[] = [];
  const moduleErrors = m.errors() as readonly ReportedError[];
  if (moduleErrors.length > 0)
    out.push(harnessErrorCase({ section: sectionOfFile(file), name: `${file} could not run`, fullName: `${file} (spec file)`, file }, moduleErrors));
  for (const s of m.children.allSuites()) {
    const errors = s.errors() as readonly ReportedError[];
    if (errors.length > 0) {
      const fullName = fullNameOf(s);
      out.push(harnessErrorCase({ section: sectionOfFile(file), name: `${fullName}: a beforeAll/afterAll hook failed`, fullName, file }, errors));
    }
  }
  return out;
}
