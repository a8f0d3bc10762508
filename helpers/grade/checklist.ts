import { LAB_STEPS, isCleanup, sectionOf, selectChecks, stepOf, type LabStep } from './catalog.js';
import { hintText, judgeNamed, type Graded } from '../report/grade-reporter.js';
import { SECTIONS, type SectionId } from '../lesson/sections.js';
import { visible } from '../report/sanitize.js';

/**
 * The live checklist of `npm run grade -- --watch`: every lesson step (helpers/grade/catalog.ts
 * LAB_STEPS) judged from one --check run's results, as a pure value the terminal view and the
 * one-line-per-change log both print.
 *
 * Clean Up undoes Exercises 1-4, so its steps and the earlier ones cannot all be green at once.
 * The checklist remembers which steps it has seen pass during this watch: until every step before
 * Clean Up has been seen done, Clean Up is "not yet"; from then on Clean Up is judged, and an
 * earlier step that fails again (because the student cleaned it up) stays done, marked as cleaned
 * up, instead of turning red.
 */

export type Mark = '✓' | '✗' | '·';

export interface StepView {
  readonly step: LabStep;
  readonly mark: Mark;
  /** After the title: the first hint, what it waits for, or that it was done and cleaned up since. */
  readonly note: string;
  /** Levels 2 and 3 of the failing check's hint ladder (empty when it passes or waits). */
  readonly more: { readonly 2: readonly string[]; readonly 3: readonly string[] };
}

export interface Checklist {
  readonly steps: readonly StepView[];
  /** Steps before Clean Up seen passing at least once in this watch. */
  readonly seen: ReadonlySet<string>;
  /** Every step before Clean Up has been seen done: Clean Up is judged now. */
  readonly complete: boolean;
}

const ALL = selectChecks(LAB_STEPS.map((s) => s.id));
const LAB = LAB_STEPS.filter((s) => !isCleanup(s));

/** Every lesson step, as `--check` ids: what one run of the live checklist asks the grader. */
export const CHECKLIST_IDS: readonly string[] = LAB_STEPS.map((s) => s.id);

const none = { 2: [], 3: [] } as const;

export function judgeChecklist(results: ReadonlyMap<string, Graded>, seenBefore: ReadonlySet<string>): Checklist {
  const verdicts = new Map(ALL.named.map((n) => [n.id, judgeNamed(n, results)]));
  const seen = new Set(seenBefore);
  for (const s of LAB) if (verdicts.get(s.id)?.pass) seen.add(s.id);
  const complete = LAB.every((s) => seen.has(s.id));
  const steps = LAB_STEPS.map((step): StepView => {
    const v = verdicts.get(step.id)!;
    if (isCleanup(step) && !complete)
      return {
        step,
        mark: '·',
        note: `not yet: Clean Up comes once the lab is complete (${LAB.filter((s) => seen.has(s.id)).length} of ${LAB.length} steps seen done)`,
        more: none,
      };
    if (v.pass) return { step, mark: '✓', note: '', more: none };
    if (!isCleanup(step) && complete && seen.has(step.id)) return { step, mark: '✓', note: 'done (cleaned up since)', more: none };
    // The step that comes first is named; its own line above already says what is wrong there.
    if (v.notYet && v.blocker) return { step, mark: '·', note: `not yet: ${stepOf(v.blocker.id).id} (${v.blocker.id}) comes first`, more: none };
    const more = v.blocker
      ? { 2: hintText(v.blocker.message, 2).map((t) => visible(t)), 3: hintText(v.blocker.message, 3).map((t) => visible(t)) }
      : none;
    return { step, mark: '✗', note: visible(v.say), more };
  });
  return { steps, seen, complete };
}

/** A step's one line: mark, id, title and its note. */
export const stepLine = (v: StepView): string => `${v.mark} ${v.step.id} ${v.step.title}${v.note ? ` — ${v.note}` : ''}`;

/** The lines of the terminal view: per section its progress, then its steps, hints up to `level` under failing ones. */
export function renderChecklist(c: Checklist, level: 1 | 2 | 3): string[] {
  const out: string[] = [];
  const sections = [...new Set(c.steps.map((v) => sectionOf(v.step)))];
  for (const section of sections) {
    const mine = c.steps.filter((v) => sectionOf(v.step) === section);
    const done = mine.filter((v) => v.mark === '✓').length;
    out.push(`${SECTIONS[section as SectionId] ?? section}  ${done}/${mine.length}${done === mine.length ? ' ✓' : ''}`);
    for (const v of mine) {
      out.push(`  ${stepLine(v)}`);
      if (v.mark === '✗') for (const l of [2, 3] as const) if (l <= level) for (const t of v.more[l]) out.push(`      hint ${l}: ${t}`);
    }
  }
  const total = c.steps.filter((v) => v.mark === '✓').length;
  out.push('', `${total} of ${c.steps.length} steps done`);
  return out;
}

/** The steps whose line differs from the last printed one: the log of a watch without a terminal. */
export function changedLines(before: Checklist | undefined, after: Checklist): string[] {
  const was = new Map(before?.steps.map((v) => [v.step.id, stepLine(v)]) ?? []);
  return after.steps.map(stepLine).filter((line, i) => was.get(after.steps[i]!.step.id) !== line);
}
