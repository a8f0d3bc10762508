import { existsSync } from 'node:fs';
import { collectEvidence } from '../grade/evidence.js';
import { formatPoints, scoreChecks, type CheckState } from '../grade/points.js';
import type { RunConfig } from '../run-config.js';
import { gradescopeResults, prairieLearnResults } from './grade-formats.js';
import { HARNESS_VERSION, LESSON_ID, recordOf, recordProperties, toolsLine, type GradeRecord } from './grade-record.js';
import type { CaseModel, RunEnvironment, RunFacts } from './model.js';
import { writeReport } from './safe-write.js';

/** A grade check's test name: "<id>: <title>" (fixtures/grade.ts). */
const CHECK_NAME = /^([a-z0-9][a-z0-9-]*): /;

const stateOf = (c: CaseModel): CheckState => (c.state === 'passed' ? 'pass' : c.state === 'skipped' ? 'not checked' : 'fail');

/** How the run chose its tests: "all", or the options that left tests out (a partial report). */
export function selectionOf(config: RunConfig): string {
  const only = config.grade?.only;
  const parts = [
    only !== undefined ? `--check ${only.named.map((n) => n.id).join(' ')}` : config.grep !== undefined ? `--grep ${config.grep}` : '',
    config.tagsFilter !== undefined ? `--tagsFilter ${config.tagsFilter}` : '',
  ].filter(Boolean);
  const shard = config.vitestArgs.indexOf('--shard');
  if (shard >= 0) parts.push(`--shard ${config.vitestArgs[shard + 1] ?? ''}`);
  return parts.length > 0 ? parts.join(' ') : 'all';
}

/**
 * The grade of a finished run: each check's points, the total, the machine evidence, or why it
 * cannot be graded (a harness error, a run stopped early, a points file that does not fit).
 */
export async function gradeRecordOf(
  cases: readonly CaseModel[],
  config: RunConfig,
  env: RunEnvironment,
  run: Pick<RunFacts, 'startedAt' | 'durationMs' | 'stopped'>,
): Promise<GradeRecord | undefined> {
  const { grade, plan } = config;
  // A --check run looks at a few steps for a lab platform: it gives no score, so it has no record.
  if (config.mode !== 'grade' || grade === undefined || plan === undefined || grade.only !== undefined) return undefined;
  const fault = cases.find((c) => c.state === 'error');
  const harnessFault = fault
    ? `harness error in "${fault.fullName}": ${fault.headline ?? 'unknown error'}`
    : run.stopped !== undefined
      ? `the run stopped early: ${run.stopped}`
      : undefined;
  const checks = cases
    .filter((c) => c.state !== 'error' && CHECK_NAME.test(c.name))
    .map((c) => ({ id: CHECK_NAME.exec(c.name)?.[1] ?? c.name, state: stateOf(c) }));
  const score = scoreChecks(checks, grade.points, harnessFault ?? (checks.length === 0 ? 'no grade check reported a result' : undefined));
  return recordOf(
    {
      lesson: LESSON_ID,
      harnessVersion: HARNESS_VERSION,
      selection: selectionOf(config),
      student: grade.student,
      pointsFile: grade.points.file,
      pointsSha256: grade.points.sha256,
      evidence: await collectEvidence(plan),
      tools: toolsLine(env),
      netnsPath: plan.netnsPath,
      hostVeth: plan.hostVeth,
      nsVeth: plan.nsVeth,
      startedAt: run.startedAt,
      endedAt: run.startedAt + run.durationMs,
    },
    score,
  );
}

/** What the JUnit report carries for a run: the selection always; for a grade, the student in every suite's name and the record. */
export function reportFacts(config: RunConfig, record: GradeRecord | undefined): Pick<RunFacts, 'suiteName' | 'properties'> {
  if (record === undefined) return { properties: [['run.selection', selectionOf(config)]] };
  return { suiteName: (section) => `${record.student}: ${section}`, properties: recordProperties(record) };
}

/**
 * After the JUnit report: its copy as latest.xml in the student's history, the platform's
 * results.json when --format asks for one, and the console lines that say whose grade it is.
 */
export function writeGradeOutputs(record: GradeRecord, xml: string, cases: readonly CaseModel[], config: RunConfig): string[] {
  const grade = config.grade;
  if (grade === undefined) return [];
  const forbidden = config.plan ? [config.plan.bundleDir] : [];
  const lines = [
    record.score === undefined
      ? `student ${record.student}: UNGRADABLE: ${record.ungradable ?? ''} (a fault of the grader, not the lab: no score is given; run npm run grade again)`
      : `student ${record.student}: ${formatPoints(record.score)}/${formatPoints(record.max)} points (weights from ${record.pointsFile})`,
  ];
  if (grade.latest !== undefined) {
    writeReport(grade.latest, xml, config.invoker, forbidden);
    lines.push(`latest report for ${record.student}: ${grade.latest} (earlier runs stay beside it)`);
  }
  if (grade.results !== undefined) {
    const content = grade.format === 'gradescope' ? gradescopeResults(record, cases) : prairieLearnResults(record, cases);
    if (content === undefined)
      lines.push(
        `no Gradescope results written: the run is ungradable, which Gradescope shows as an autograder failure${existsSync(grade.results) ? ` (${grade.results} is from an earlier run)` : ''}`,
      );
    else {
      writeReport(grade.results, `${JSON.stringify(content, null, 2)}\n`, config.invoker, forbidden);
      lines.push(`${grade.format === 'gradescope' ? 'Gradescope' : 'PrairieLearn'} results: ${grade.results}`);
    }
  }
  return lines;
}
