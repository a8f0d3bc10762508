import { formatPoints } from '../grade/points.js';
import type { GradeRecord } from './grade-record.js';
import type { CaseModel } from './model.js';

/**
 * The result files of the platforms courses already grade with, from one grade record and the
 * checks' diagnoses. Gradescope: https://gradescope-autograders.readthedocs.io/en/latest/specs/
 * (results.json); PrairieLearn: https://prairielearn.readthedocs.io/en/latest/externalGrading/
 * (results.json of an external grader).
 */

/** What a student reads under one check: the diagnosis (expected, seen, fix), or why it was not checked. */
function checkOutput(c: CaseModel | undefined): string {
  if (c === undefined) return 'this check did not report';
  if (c.state === 'passed') return (c.findings ?? []).map((f) => `note: ${f}`).join('\n');
  if (c.state === 'skipped') return c.skipNote ?? 'not checked';
  return c.failures[0] ?? c.headline ?? 'failed';
}

const caseOf = (cases: readonly CaseModel[], id: string): CaseModel | undefined => cases.find((c) => c.name.startsWith(`${id}: `));

const summaryLine = (r: GradeRecord): string =>
  r.score === undefined
    ? `${r.student}: ungradable (${r.ungradable ?? ''}); this is the grader's fault, not the lab's`
    : `${r.student}: ${formatPoints(r.score)}/${formatPoints(r.max)} points (weights from ${r.pointsFile})`;

interface GradescopeTest {
  readonly name: string;
  readonly score: number;
  readonly max_score: number;
  readonly status: 'passed' | 'failed';
  readonly output: string;
  readonly visibility: 'visible';
}

interface GradescopeResults {
  readonly score: number;
  readonly execution_time: number;
  readonly output: string;
  readonly visibility: 'visible';
  readonly tests: readonly GradescopeTest[];
}

/**
 * Gradescope's results.json, or undefined for an ungradable run: Gradescope has no "ungradable",
 * and a file without a score would be read as 0, so the platform's own "autograder failed" (no
 * results file) is the honest answer.
 */
export function gradescopeResults(r: GradeRecord, cases: readonly CaseModel[]): GradescopeResults | undefined {
  if (r.score === undefined) return undefined;
  return {
    score: r.score,
    execution_time: Math.max(0, Math.round((r.endedAt - r.startedAt) / 1000)),
    output: summaryLine(r),
    visibility: 'visible',
    tests: r.checks.map((c) => {
      const tc = caseOf(cases, c.id);
      return {
        name: tc?.name ?? c.id,
        score: c.points,
        max_score: c.max,
        status: c.state === 'pass' ? 'passed' : 'failed',
        output: c.state === 'not checked' ? `not checked: ${checkOutput(tc).replace(/^not checked: /, '')}` : checkOutput(tc),
        visibility: 'visible',
      };
    }),
  };
}

/** PrairieLearn's external-grader results: score from 0 to 1, and gradable false when the grader broke. */
export function prairieLearnResults(r: GradeRecord, cases: readonly CaseModel[]): Record<string, unknown> {
  if (r.score === undefined) return { gradable: false, message: summaryLine(r), output: `ungradable: ${r.ungradable ?? ''}` };
  return {
    gradable: true,
    score: r.max > 0 ? Math.round((r.score / r.max) * 10_000) / 10_000 : 0,
    message: summaryLine(r),
    tests: r.checks.map((c) => {
      const tc = caseOf(cases, c.id);
      return { name: tc?.name ?? c.id, points: c.points, max_points: c.max, message: c.state, output: checkOutput(tc) };
    }),
  };
}
