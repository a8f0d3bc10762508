import { ADJUSTMENTS, type AdjustmentName } from '../lesson/adjustments.js';
import type { LessonDocument, LessonItem } from '../lesson/document.js';
import type { Erratum } from '../lesson/errata.js';
import { ERRATUM_LINES, MAX_NOT_EXECUTABLE, NOT_EXECUTABLE } from '../lesson/line-notes.js';
import type { LessonLink } from '../lesson/links.js';
import type { CaseModel } from './model.js';

/** One selected test as the annotated lesson needs it. */
export interface TestEvidence {
  /** "exercise-1 › step 1: …" */
  readonly name: string;
  readonly state: CaseModel['state'];
  readonly links: readonly LessonLink[];
  /** Ids the test declared it runs (lesson.runs) or checks (lesson.checks). */
  readonly declaredRuns: readonly string[];
  readonly checks: readonly string[];
  readonly errata: readonly Erratum[];
}

/** The mark a line or claim gets, most telling first. */
export type MarkKind =
  'changed' | 'failed' | 'erratum' | 'verbatim' | 'adjusted' | 'checked' | 'not-executable' | 'unproven' | 'not-selected' | 'not-run' | 'unmarked';

export interface ItemMark {
  readonly item: LessonItem;
  readonly kind: MarkKind;
  /** Tests that ran the line as written (passed), with an adjustment (passed), or that failed. */
  readonly verbatim: readonly string[];
  readonly adjusted: ReadonlyArray<{ readonly test: string; readonly adjustment: AdjustmentName }>;
  readonly failed: readonly string[];
  readonly checkedBy: readonly string[];
  /** Declared but not seen in the transcript of a passing test: the harness's claim is unproven. */
  readonly unproven: readonly string[];
  readonly errata: readonly Erratum[];
  readonly notExecutable: string | undefined;
  /** How the line's text now differs from what a test ran in its place (see transforms.ts), one per test. */
  readonly changed: readonly string[];
  /** Commands: it ran (verbatim or adjusted) in a test, whatever the verdict. */
  readonly executed: boolean;
}

interface Coverage {
  readonly commands: number;
  readonly executed: number;
  readonly adjustedOnly: number;
  readonly notExecutable: number;
  readonly claims: number;
  readonly claimsChecked: number;
}

export interface AnnotatedLesson {
  readonly marks: readonly ItemMark[];
  readonly coverage: Coverage;
  /** Errata this run observed that line-notes.ts does not place on any lesson line. */
  readonly unplacedErrata: readonly Erratum[];
  /** Faults of the harness's own bookkeeping; any of them makes the run a harness error. */
  readonly problems: readonly string[];
  /** True when the run selected part of the suite (--grep, --tagsFilter, --shard, --bail). */
  readonly partial: boolean;
}

const FAILING: ReadonlySet<CaseModel['state']> = new Set(['failed', 'error']);

function uniqueById(list: readonly Erratum[]): Erratum[] {
  return [...new Map(list.map((e) => [e.id, e])).values()];
}

function decide(item: LessonItem, m: Omit<ItemMark, 'kind' | 'item' | 'executed'>, partial: boolean): MarkKind {
  if (m.changed.length > 0) return 'changed';
  if (m.failed.length > 0) return 'failed';
  if (m.errata.length > 0) return 'erratum';
  if (item.kind === 'command') {
    if (m.verbatim.length > 0) return 'verbatim';
    if (m.adjusted.length > 0) return 'adjusted';
    if (m.notExecutable !== undefined) return 'not-executable';
    if (m.unproven.length > 0) return 'unproven';
  } else if (m.checkedBy.length > 0) return 'checked';
  // A config example no test checks is an illustration (a Kubernetes pod spec): nothing to mark.
  if (item.kind === 'config') return 'unmarked';
  return partial ? 'not-selected' : 'not-run';
}

/** Marks every command line, expected output, claim and config example of the lesson. */
export function annotateLesson(doc: LessonDocument, tests: readonly TestEvidence[], partial: boolean): AnnotatedLesson {
  const byId = new Map(doc.items.map((i) => [i.id, i]));
  const problems: string[] = [];
  const errataAt = new Map<string, Erratum[]>();
  const observed = uniqueById(tests.flatMap((t) => t.errata));
  const unplacedErrata = observed.filter((e) => ERRATUM_LINES[e.id] === undefined);
  for (const e of observed) for (const id of ERRATUM_LINES[e.id] ?? []) errataAt.set(id, [...(errataAt.get(id) ?? []), e]);

  for (const [id, where] of [
    ...Object.keys(NOT_EXECUTABLE).map((id) => [id, 'line-notes.ts NOT_EXECUTABLE'] as const),
    ...Object.values(ERRATUM_LINES)
      .flat()
      .map((id) => [id, 'line-notes.ts ERRATUM_LINES'] as const),
    ...tests.flatMap((t) => [...t.declaredRuns, ...t.checks].map((id) => [id, t.name] as const)),
  ])
    if (!byId.has(id)) problems.push(`${where} names lesson line "${id}", which the lesson document does not have`);
  if (Object.keys(NOT_EXECUTABLE).length > MAX_NOT_EXECUTABLE)
    problems.push(`${Object.keys(NOT_EXECUTABLE).length} lines are declared not executable; at most ${MAX_NOT_EXECUTABLE} may be`);

  const marks = doc.items.map((item): ItemMark => {
    const verbatim: string[] = [];
    const adjusted: Array<{ test: string; adjustment: AdjustmentName }> = [];
    const failed: string[] = [];
    const unproven: string[] = [];
    const checkedBy: string[] = [];
    const changed: string[] = [];
    for (const t of tests) {
      const links = t.links.filter((l) => l.id === item.id);
      for (const l of links) if (l.changed !== undefined) changed.push(`${l.changed} (${t.name})`);
      const checks = t.checks.includes(item.id);
      if (FAILING.has(t.state) && (links.length > 0 || checks)) failed.push(t.name);
      if (checks && t.state === 'passed') checkedBy.push(t.name);
      for (const l of links) {
        if (!l.proven) {
          if (t.state === 'passed') unproven.push(t.name);
          continue;
        }
        if (l.how === 'verbatim') verbatim.push(t.name);
        else if (l.adjustment !== undefined) adjusted.push({ test: t.name, adjustment: l.adjustment });
      }
    }
    const base = {
      verbatim: [...new Set(verbatim)],
      adjusted,
      failed: [...new Set(failed)],
      checkedBy,
      unproven,
      errata: errataAt.get(item.id) ?? [],
      notExecutable: NOT_EXECUTABLE[item.id],
      changed: [...new Set(changed)],
    };
    const executed = item.kind === 'command' && (base.verbatim.length > 0 || base.adjusted.length > 0);
    if (executed && base.notExecutable !== undefined)
      problems.push(`${item.id} is declared not executable, yet ${[...base.verbatim, ...base.adjusted.map((a) => a.test)][0] ?? 'a test'} ran it`);
    for (const name of unproven) problems.push(`${name} declares it runs ${item.id}, but its transcript shows no such command`);
    for (const c of base.changed) problems.push(`${item.id} changed in the lesson: ${c}`);
    return { item, ...base, executed, kind: decide(item, base, partial) };
  });

  const commands = marks.filter((m) => m.item.kind === 'command');
  const claims = marks.filter((m) => m.item.kind === 'claim' || m.item.kind === 'output');
  const coverage: Coverage = {
    commands: commands.length,
    executed: commands.filter((m) => m.executed).length,
    adjustedOnly: commands.filter((m) => m.executed && m.verbatim.length === 0).length,
    notExecutable: commands.filter((m) => !m.executed && m.notExecutable !== undefined).length,
    claims: claims.length,
    claimsChecked: claims.filter((m) => m.checkedBy.length > 0 || m.failed.length > 0).length,
  };
  if (!partial) {
    const gaps = commands.filter((m) => !m.executed && m.notExecutable === undefined && m.failed.length === 0);
    if (gaps.length > 0)
      problems.push(`${gaps.length} lesson command line(s) neither ran nor are declared not executable: ${gaps.map((m) => m.item.id).join(', ')}`);
  }
  return { marks, coverage, unplacedErrata, problems, partial };
}

export function formatCoverage(c: Coverage): string {
  return `lesson coverage: ${c.executed} of ${c.commands} command lines executed, ${c.adjustedOnly} with adjustments, ${c.notExecutable} not executable`;
}

export function formatClaimCoverage(c: Coverage): string {
  return `claims and expected outputs: ${c.claimsChecked} of ${c.claims} checked`;
}

/** One line saying what the mark means, for both report formats. */
export function describeMark(m: ItemMark): string {
  const tests = (list: readonly string[]): string =>
    list.length <= 2 ? list.join('; ') : `${list.slice(0, 2).join('; ')} and ${list.length - 2} more`;
  const adjustments = [...new Set(m.adjusted.map((a) => a.adjustment))];
  const adjustedText = adjustments.map((a) => `${a}: ${ADJUSTMENTS[a].reason}`).join('; ');
  switch (m.kind) {
    case 'changed':
      return `changed in the lesson: ${m.changed.join('; ')}`;
    case 'failed':
      return `failed (${tests(m.failed)})`;
    case 'erratum':
      return `erratum (${m.errata.map((e) => `${e.id}: ${e.observed}`).join('; ')})`;
    case 'verbatim':
      return `ran as written and passed (${tests(m.verbatim)})`;
    case 'adjusted':
      return `ran with adjustment (${adjustedText}) in ${tests([...new Set(m.adjusted.map((a) => a.test))])}`;
    case 'checked':
      return `checked and holds (${tests(m.checkedBy)})`;
    case 'not-executable':
      return `not executable here (${m.notExecutable ?? ''})`;
    case 'unproven':
      return `declared run by ${tests(m.unproven)}, but its transcript does not show it`;
    case 'not-selected':
      return m.item.kind === 'command' ? 'not run in this selection' : 'not checked in this selection';
    case 'not-run':
      return m.item.kind === 'command' ? 'not run by any test' : 'not checked by any test';
    case 'unmarked':
      return 'an illustration no test checks';
  }
}

export const MARK_SYMBOL: Readonly<Record<MarkKind, string>> = {
  changed: '≠',
  failed: '✗',
  erratum: '⚠',
  verbatim: '✓',
  adjusted: '≈',
  checked: '✓',
  'not-executable': '⊘',
  unproven: '?',
  'not-selected': '·',
  'not-run': '!',
  unmarked: '',
};
