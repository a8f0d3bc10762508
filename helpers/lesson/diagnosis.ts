import { visible } from '../report/sanitize.js';
import { commonErrorTitle, formatRef, type CommonErrorHint, type LessonRef } from './sections.js';

/**
 * What a failing check tells the student: where the fault sits and what to do about it. A check
 * always names a way out: the Common Error it is (with the lesson's fix), a next step, or both.
 */
export type Remedy = { readonly commonError: CommonErrorHint; readonly next?: string } | { readonly commonError?: undefined; readonly next: string };

/**
 * What a student is told, one level at a time (npm run grade --hints 1|2|3): the symptom in their
 * terms, the concept (the lesson section by name, what the kernel shows), then the exact commands.
 */
export interface HintLadder {
  readonly symptom: string;
  readonly concept: string;
  /** Command lines in the student's own names and paths, `sudo` where the lesson uses it; each runs as printed. */
  readonly commands: readonly string[];
  /** When no command fits (the grader cannot know what the student meant): what to do, in words. */
  readonly todo?: string;
}

interface Observation {
  /** What the lesson step should have produced. */
  readonly expected: string;
  /** What was seen, quoted verbatim where it is command output. */
  readonly seen: string;
  readonly hints?: HintLadder;
}

/** The prefix of each hint line in a diagnosis: `hint 1:`, `hint 2:`, `hint 3:` (the grade reporter chooses by it). */
export const HINT_LINE = /^ {2}hint ([123]): {3}/;

export type Diagnosis = Observation & { readonly ref: LessonRef; readonly id?: string } & Remedy;

/**
 * A check's diagnosis as a spec writes it: the lesson step defaults to the test's own. `id` names
 * the check for good (`section/what-it-checks`, unique in the repository): the mutation run
 * (selftest/support/mutants.ts) and the selftest's expected failures key on it, not on titles.
 */
export type CheckSpec = Observation & { readonly ref?: LessonRef; readonly id: string } & Remedy;

const quote = (s: string): string => {
  const t = visible(s.trim(), { newlines: true });
  if (t === '') return '(nothing)';
  const clipped = t.length > 600 ? `${t.slice(0, 600)}…` : t;
  return clipped.includes('\n') ? `\n      ${clipped.split('\n').join('\n      ')}` : `"${clipped}"`;
};

/** The one message builder: what was expected, what was seen, where in the lesson, what to do next. */
export function formatDiagnosis(d: Diagnosis): string {
  // Each field may quote the student (names, paths, output): shown with escapes made visible, never raw.
  const lines = [`${formatRef(d.ref)}`, `  expected: ${visible(d.expected)}`, `  seen:     ${quote(d.seen)}`];
  if (d.commonError) {
    lines.push(`  diagnosis: ${commonErrorTitle(d.commonError.id)}`);
    lines.push(`  fix:      ${visible(d.commonError.fix)}`);
  }
  if (d.next) lines.push(`  next:     ${visible(d.next)}`);
  if (d.hints) lines.push(...formatHints(d.hints));
  return lines.join('\n');
}

/** The ladder as diagnosis lines, each level on lines of its own (a command per line, `$ ` first). */
export function formatHints(h: HintLadder): string[] {
  const third = [...h.commands.map((c) => `$ ${visible(c)}`), ...(h.todo ? [visible(h.todo)] : [])];
  return [`  hint 1:   ${visible(h.symptom)}`, `  hint 2:   ${visible(h.concept)}`, ...third.map((t) => `  hint 3:   ${t}`)];
}

export class LessonCheckError extends Error {
  override name = 'LessonCheckError';
  constructor(readonly diagnosis: Diagnosis) {
    super(formatDiagnosis(diagnosis));
    // The diagnosis is the whole story: without frames vitest prints no code frame of this file
    // under every failure (the JUnit body is built from the diagnosis, never from the stack).
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** Throws a LessonCheckError (with its diagnosis) unless the condition holds. */
export function assertLesson(condition: boolean, diagnosis: Diagnosis): asserts condition {
  if (!condition) throw new LessonCheckError(diagnosis);
}
