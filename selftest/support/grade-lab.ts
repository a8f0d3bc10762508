import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bundle } from '../../helpers/oci/bundle.js';
import { runArgv, type ExecResult } from '../../helpers/targets/exec.js';
import { LabBuilder } from '../../helpers/lesson/lab.js';
import { lessonPlan, type LabPlan } from '../../helpers/lesson/plan.js';
import { inNetns, listNetns } from '../../helpers/net/ops.js';
import { lessonBundle } from '../../helpers/oci/lesson-bundle.js';
import { Runc } from '../../helpers/oci/runtime.js';
import { SandboxTarget } from '../../helpers/targets/sandbox.js';
import { readJUnit } from './junit.js';

export interface StudentLab {
  readonly t: SandboxTarget;
  readonly plan: LabPlan;
  readonly lab: LabBuilder;
  readonly bundle: Bundle;
}

/** The lab exactly as the lesson's commands build it (busybox binary only, jq edits), in a sandbox. */
export async function lessonLab(s: StudentLab): Promise<void> {
  await s.lab.through(5);
  await lessonBundle(s.t, new Runc(s.t), s.plan, { cgroupsPath: '/lesson06-selftest-unused', adjusted: false });
}

function hashTree(dir: string, out: string[] = []): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const n of names) {
    const p = join(dir, n);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) out.push(`${p} -> ${readlinkSync(p)}`);
    else if (st.isDirectory()) {
      out.push(`${p}/ mode ${st.mode}`);
      hashTree(p, out);
    }
    else out.push(`${p} ${st.mode} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
  }
  return out;
}

/** Everything grading promises not to change: links, addresses, routes (host and every netns), netns files, runc, bundle. */
export async function snapshot(s: StudentLab): Promise<string> {
  const t = s.t;
  const parts: string[] = [];
  const views = async (netns?: string): Promise<void> => {
    for (const what of ['link', 'addr', 'route']) {
      // IPv6 duplicate address detection clears "tentative" by itself; it is not a change by the grader.
      parts.push((await t.exec(inNetns(netns, ['ip', '-j', what, 'show']))).stdout.replaceAll('"tentative":true,', ''));
    }
  };
  await views();
  for (const n of await listNetns(t)) await views(n);
  // runc list creates /run/runc on first use, so it goes before the listing of /run.
  parts.push((await t.exec(['runc', 'list', '-q'])).stdout);
  parts.push((await t.exec(['ls', '-la', '/var/run/netns', '/run'])).stdout);
  parts.push(hashTree(s.plan.bundleDir).join('\n'));
  return parts.join('\n--\n');
}

export interface GradedCase {
  readonly id: string;
  readonly state: 'pass' | 'fail' | 'not checked';
  readonly message: string;
}

export interface GradeRun {
  readonly exec: ExecResult;
  readonly cases: GradedCase[];
  readonly before: string;
  readonly after: string;
}

/** Builds a student lab in a fresh sandbox, grades it with `npm run grade` running inside, and snapshots around it. */
export async function gradeStudentLab(build: (s: StudentLab) => Promise<void>, extraArgs: readonly string[] = []): Promise<GradeRun> {
  const dir = mkdtempSync(join(tmpdir(), `lesson06-selftest-${process.pid}-`));
  // Only /run is private: the grader inside must see this repository and the real /tmp.
  const t = await SandboxTarget.start({ privateDirs: ['/run'] });
  try {
    const plan = { ...lessonPlan(dir), bundleDir: join(dir, 'oci-netns-test') };
    const s: StudentLab = { t, plan, lab: new LabBuilder(t, plan), bundle: new Bundle(t, new Runc(t), plan.bundleDir) };
    await build(s);
    const before = await snapshot(s);
    const junit = join(dir, 'grade.xml');
    const exec = await runArgv(
      ['nsenter', '-t', String(t.pid), '--mount', '--net', `--wd=${process.cwd()}`, '--', process.execPath, '--import', 'tsx', 'scripts/grade.ts', '--bundle', plan.bundleDir, '--junit', junit, ...extraArgs],
      { timeoutMs: 120_000 },
    );
    const after = await snapshot(s);
    const cases = readJUnit(junit).map((c): GradedCase => ({
      id: c.name.split(':')[0] ?? c.name,
      state: c.state === 'passed' ? 'pass' : c.state === 'skipped' ? 'not checked' : 'fail',
      // A failure's diagnosis (Common Error, fix) is in the body; a skip says what it needed.
      message: c.state === 'skipped' ? (c.message ?? '') : `${c.message ?? ''}\n${c.body}`,
    }));
    return { exec, cases, before, after };
  } finally {
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
