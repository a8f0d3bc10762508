import { commonErrorTitle, formatRef, type CommonErrorHint, type LessonRef } from './sections.js';

export interface Diagnosis {
  readonly ref: LessonRef;
  /** What the lesson step should have produced. */
  readonly expected: string;
  /** What was seen, quoted verbatim where it is command output. */
  readonly seen: string;
  readonly commonError?: CommonErrorHint;
  /** Next step when no Common Error fits. */
  readonly next?: string;
}

const quote = (s: string): string => {
  const t = s.trim();
  if (t === '') return '(nothing)';
  const clipped = t.length > 600 ? `${t.slice(0, 600)}…` : t;
  return clipped.includes('\n') ? `\n      ${clipped.split('\n').join('\n      ')}` : `"${clipped}"`;
};

/** The one message builder: what was expected, what was seen, where in the lesson, what to do next. */
export function formatDiagnosis(d: Diagnosis): string {
  const lines = [`${formatRef(d.ref)}`, `  expected: ${d.expected}`, `  seen:     ${quote(d.seen)}`];
  if (d.commonError) {
    lines.push(`  diagnosis: ${commonErrorTitle(d.commonError.id)}`);
    lines.push(`  fix:      ${d.commonError.fix}`);
  }
  if (d.next) lines.push(`  next:     ${d.next}`);
  return lines.join('\n');
}

export class LessonCheckError extends Error {
  override name = 'LessonCheckError';
  constructor(readonly diagnosis: Diagnosis) {
    super(formatDiagnosis(diagnosis));
  }
}

/** Throws a LessonCheckError (with its diagnosis) unless the condition holds. */
export function assertLesson(condition: boolean, diagnosis: Diagnosis): asserts condition {
  if (!condition) throw new LessonCheckError(diagnosis);
}
