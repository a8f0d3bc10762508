import { lstatSync } from 'node:fs';
import type { Invoker } from '../run-config.js';
import { describeOutcome } from '../targets/exec.js';
import type { GradeTarget } from './budget.js';
import { studentArgv, type StudentAnswer, type StudentIds, type StudentRequest } from './student-reader.js';

/** nobody: the rights of a user who owns nothing, when the bundle's owner cannot be known. */
const NOBODY: StudentIds = { uid: 65534, gid: 65534 };

/** Whose rights student files are read with: the sudo caller's, or (as root directly) the bundle directory's owner's. */
export function studentIds(invoker: Invoker | undefined, bundleDir: string): StudentIds {
  if (invoker) return invoker;
  // lstat of the grader's own argument, never following a link there.
  const st = lstatSync(bundleDir, { throwIfNoEntry: false });
  return st ? { uid: st.uid, gid: st.gid } : NOBODY;
}

export type Asked<K extends StudentAnswer['kind']> =
  { readonly ok: true; readonly answer: Extract<StudentAnswer, { kind: K }> } | { readonly ok: false; readonly problem: string };

/**
 * Asks the child (running as `who`) to read the student's files; it is killed at `deadlineMs`
 * (cut further to what is left of the grading budget), so a rootfs built to be slow to read
 * cannot hold grading past its time limit.
 */
export async function askAsStudent<K extends StudentAnswer['kind']>(
  t: GradeTarget,
  who: StudentIds,
  req: Extract<StudentRequest, { kind: K }>,
  deadlineMs: number,
): Promise<Asked<K>> {
  const r = await t.exec(studentArgv(who), { input: JSON.stringify(req), timeoutMs: deadlineMs, maxOutputBytes: 8 * 1024 * 1024 });
  if (r.timedOut)
    return {
      ok: false,
      problem: `reading the student's files as uid ${who.uid} did not finish within ${Math.round(r.durationMs / 1000)} s; the grader stopped it`,
    };
  if (r.exitCode !== 0)
    return {
      ok: false,
      problem: `reading the student's files as uid ${who.uid} failed (${describeOutcome(r)}): ${r.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 400)}`,
    };
  try {
    const a = JSON.parse(r.stdout) as StudentAnswer;
    if (a.kind !== req.kind) throw new Error(`answer of kind ${a.kind}`);
    return { ok: true, answer: a as Extract<StudentAnswer, { kind: K }> };
  } catch (e) {
    return { ok: false, problem: `the reader of the student's files answered something unreadable (${(e as Error).message.slice(0, 200)})` };
  }
}
