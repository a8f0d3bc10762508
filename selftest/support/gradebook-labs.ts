import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ExecResult } from '../../helpers/targets/exec.js';
import { runGrader, studentLab, type StudentLab } from './grade-lab.js';

/** Inside a lab's sandbox: where the clone's reports/ really goes (a private tmpfs, bind-mounted over it). */
const PRIVATE_REPORTS = '/tmp/reports';

export interface GradedStudent {
  readonly student: string;
  readonly exec: ExecResult;
}

/**
 * Builds a lab in an isolated sandbox and grades it once per entry of `runs` (a student name and
 * extra options), with the grader's default report paths. The clone's reports/ is replaced, in
 * the sandbox's mount namespace only, by a private directory, so the graders' reports/grade/<student>/
 * trees land there; they are copied to `out`/grade afterwards and the real reports/ is untouched.
 */
export async function gradeLabAs(
  build: (s: StudentLab) => Promise<void>,
  runs: ReadonlyArray<{ student: string; args?: readonly string[] }>,
  out: string,
): Promise<GradedStudent[]> {
  const s = await studentLab();
  try {
    await build(s);
    const reports = resolve('reports');
    mkdirSync(reports, { recursive: true });
    await s.t.must(['mkdir', '-p', PRIVATE_REPORTS]);
    await s.t.must(['mount', '--bind', PRIVATE_REPORTS, reports]);
    const graded: GradedStudent[] = [];
    for (const r of runs)
      graded.push({ student: r.student, exec: await runGrader(s, ['--bundle', s.plan.bundleDir, '--student', r.student, ...(r.args ?? [])]) });
    const tree = s.box.host(`${PRIVATE_REPORTS}/grade`);
    if (existsSync(tree)) cpSync(tree, `${out}/grade`, { recursive: true });
    return graded;
  } finally {
    await s.box.dispose();
  }
}
