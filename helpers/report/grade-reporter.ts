import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { writeReport } from './safe-write.js';
import { checkInfo, stepOf, type CheckSelection, type NamedCheck } from '../grade/catalog.js';
import { FINDING_ANNOTATION } from '../lesson/annotations.js';
import { HINT_LINE } from '../lesson/diagnosis.js';
import type { RunConfig } from '../run-config.js';
import type { ReporterOptions } from './reporter-options.js';
import { wasSelected } from './case-model.js';
import { visible } from './sanitize.js';

/** What the grader left out, under the check that found it. */
const notes = (tc: TestCase): string =>
  tc
    .annotations()
    .filter((a) => a.type === FINDING_ANNOTATION)
    .map((a) => `\n        note: ${visible(a.message)}`)
    .join('');

/**
 * A diagnosis's lines for the console, without the hint levels above `hints` (a hint line's level
 * is in its prefix). Where there is a ladder it replaces the diagnosis/fix/next lines on the
 * console, which would tell the answer at once; the JUnit report keeps them all.
 */
export function upToLevel(lines: readonly string[], hints: 1 | 2 | 3): string[] {
  const laddered = lines.some((l) => HINT_LINE.test(l));
  return lines.filter((l) => Number(HINT_LINE.exec(l)?.[1] ?? 0) <= hints && !(laddered && /^ {2}(diagnosis|fix|next): /.test(l)));
}

/** The text of one level of a diagnosis's hint ladder (level 3 may be several lines). */
export function hintText(message: string, level: 1 | 2 | 3): string[] {
  return message
    .split('\n')
    .filter((l) => HINT_LINE.exec(l)?.[1] === String(level))
    .map((l) => l.replace(HINT_LINE, ''));
}

export interface Graded {
  readonly id: string;
  readonly state: 'pass' | 'fail' | 'not checked';
  readonly message: string;
}

const graded = (tc: TestCase): Graded => {
  const r = tc.result();
  const id = /^([a-z0-9-]+): /.exec(tc.name)?.[1] ?? tc.name;
  if (r.state === 'passed') return { id, state: 'pass', message: '' };
  if (r.state === 'failed') return { id, state: 'fail', message: r.errors[0]?.message ?? '' };
  return { id, state: 'not checked', message: r.state === 'skipped' ? (r.note ?? 'not checked') : 'not run' };
};

const line = (tc: TestCase, hints: 1 | 2 | 3): { mark: string; text: string; state: 'pass' | 'fail' | 'not checked' } => {
  const g = graded(tc);
  if (g.state === 'pass') return { mark: 'PASS', text: `${tc.name}${notes(tc)}`, state: 'pass' };
  if (g.state === 'fail') {
    const message = g.message.split('\n');
    // A diagnosis repeats the lesson step on its first line; anything else is shown whole.
    const detail = upToLevel(message.length > 1 ? message.slice(1) : message, hints)
      .map((l) => visible(l))
      .join('\n        ');
    return { mark: 'FAIL', text: `${tc.name}\n        ${detail}${notes(tc)}`, state: 'fail' };
  }
  return { mark: '----', text: `${tc.name} (${visible(g.message)})`, state: 'not checked' };
};

/** Everything `id` needs, transitively, in the catalogue's order. */
function needsOf(id: string): string[] {
  const all = new Set<string>();
  const add = (c: string): void => {
    for (const n of checkInfo(c).needs) {
      if (all.has(n)) continue;
      all.add(n);
      add(n);
    }
  };
  add(id);
  return [...all];
}

/** Where a --check run leaves its results for a caller that reads them (the live checklist), beside the run's summary. */
export const checkResultsPath = (c: RunConfig): string => `${c.workDir}/grade-checks.json`;

/** One named id's verdict: passed; failed by one of its own checks; or "not yet", stopped by a check it needs. */
export interface NamedVerdict {
  readonly pass: boolean;
  /** A check it needs (not its own) failed: the step comes later. */
  readonly notYet: boolean;
  /** The first hint level of what stops it, or what it still waits for. */
  readonly say: string;
  /** The failing check whose hint ladder applies. */
  readonly blocker: Graded | undefined;
}

export function judgeNamed(named: NamedCheck, results: ReadonlyMap<string, Graded>): NamedVerdict {
  const states = named.checks.map((c) => results.get(c));
  if (states.every((s) => s?.state === 'pass')) return { pass: true, notYet: false, say: '', blocker: undefined };
  const failed = states.find((s) => s?.state === 'fail');
  const blocker =
    failed ??
    named.checks
      .flatMap(needsOf)
      .map((c) => results.get(c))
      .find((s) => s?.state === 'fail');
  const first = blocker ? hintText(blocker.message, 1).join(' ') || (blocker.message.split('\n')[1] ?? '').trim() : '';
  const waiting = states.find((s) => s?.state !== 'pass');
  const say =
    failed !== undefined
      ? first
      : blocker !== undefined
        ? `not yet: ${stepOf(blocker.id).id} (${blocker.id}) comes first: ${first}`
        : `not checked: ${waiting?.message ?? 'no result'}`;
  return { pass: false, notYet: failed === undefined && blocker !== undefined, say, blocker };
}

/**
 * A --check run: one line per named id, `✓` when every grade check of it passed, otherwise `✗`
 * with the first level of the hint of the check that stops it (its own, or a failing one it needs:
 * "not yet"); with --hints 2 or 3, those levels under it.
 */
export function checkLines(only: CheckSelection, results: ReadonlyMap<string, Graded>, hints: 1 | 2 | 3): string[] {
  const out: string[] = [];
  for (const named of only.named) {
    const v = judgeNamed(named, results);
    if (v.pass) {
      out.push(`✓ ${named.id} ${named.title}`);
      continue;
    }
    out.push(`✗ ${named.id} ${named.title} — ${visible(v.say)}`);
    if (v.blocker && hints > 1)
      for (const level of [2, 3] as const)
        if (level <= hints) for (const t of hintText(v.blocker.message, level)) out.push(`    hint ${level}: ${visible(t)}`);
  }
  return out;
}

/** One line per grading check and a final count (or, for --check, one line per named check); the lesson reporter writes the grader's file. */
export default class GradeReporter implements Reporter {
  private readonly config: RunConfig;

  constructor(options: ReporterOptions) {
    this.config = options.run;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const tests = modules.flatMap((m) => [...m.children.allTests()].filter(wasSelected));
    if (tests.length === 0) return;
    const hints = this.config.grade?.hints ?? 3;
    const only = this.config.grade?.only;
    if (only) {
      const results = new Map(tests.map((tc) => graded(tc)).map((g) => [g.id, g]));
      // The run's private directory (mkdtemp, root-only): the live checklist reads it before the launcher removes it.
      writeReport(checkResultsPath(this.config), JSON.stringify([...results.values()]));
      process.stdout.write(`${checkLines(only, results, hints).join('\n')}\n`);
      return;
    }
    const lines = tests.map((tc) => line(tc, hints));
    for (const l of lines) process.stdout.write(`${l.mark}  ${l.text}\n`);
    const n = (s: string): number => lines.filter((l) => l.state === s).length;
    process.stdout.write(`\ngrade: ${n('pass')} passed, ${n('fail')} failed, ${n('not checked')} not checked\n`);
    process.stdout.write(`report for the grader: ${this.config.junit}\n`);
  }
}
