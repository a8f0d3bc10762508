import { relative } from 'node:path';
import type { TestCase } from 'vitest/node';
import { splitAnnotations, type CaseModel } from './model.js';

/** What the reporter knows about a vitest error: its class and, for lesson checks, the diagnosis. */
interface ReportedError {
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
export const isLessonCheck = (e: ReportedError): boolean => e.name === 'LessonCheckError';

export function headlineOf(e: ReportedError): string {
  if (isLessonCheck(e) && e.diagnosis) return `expected ${oneLine(e.diagnosis.expected)}; seen ${oneLine(e.diagnosis.seen) || '(nothing)'}`;
  return oneLine(`${e.name ?? 'Error'}: ${firstLine(e.message)}`);
}

export function sectionOf(tc: TestCase): string {
  let p: TestCase['parent'] = tc.parent;
  while (p.type === 'suite' && p.parent.type === 'suite') p = p.parent;
  return p.type === 'suite' ? p.name : 'ungrouped';
}

/** Tests left out by --grep/--tagsFilter/--shard never ran; the report lists only what was asked for. */
export function wasSelected(tc: TestCase): boolean {
  const r = tc.result();
  return !(r.state === 'pending' || (r.state === 'skipped' && r.note === undefined && tc.options.mode === 'skip'));
}

export function toCaseModel(tc: TestCase, root: string): CaseModel {
  const r = tc.result();
  const errors = (r.state === 'failed' ? r.errors : []) as readonly ReportedError[];
  const harness = errors.find((e) => !isLessonCheck(e));
  const state = r.state === 'failed' ? (harness ? 'error' : 'failed') : r.state === 'passed' ? 'passed' : 'skipped';
  const first = harness ?? errors[0];
  return {
    section: sectionOf(tc),
    name: tc.name,
    file: relative(root, tc.module.moduleId),
    durationMs: Math.round(tc.diagnostic()?.duration ?? 0),
    state,
    skipNote: r.state === 'skipped' ? (r.note ?? 'skipped') : undefined,
    failures: errors.map((e) => (isLessonCheck(e) ? (e.message ?? '') : `${e.name ?? 'Error'}: ${e.message ?? ''}\n${e.stack ?? ''}`.trim())),
    headline: first ? headlineOf(first) : undefined,
    errorType: harness ? `HarnessError.${harness.name ?? 'Error'}` : undefined,
    transcript: tc.meta().transcript,
    ...splitAnnotations(tc.annotations()),
  };
}
