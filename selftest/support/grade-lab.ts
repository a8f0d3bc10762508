import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Bundle } from '../../helpers/oci/bundle.js';
import { withCapability } from '../../helpers/oci/config.js';
import { DEFAULT_POINTS_FILE, DEFAULT_POINTS_PATH, readPoints } from '../../helpers/grade/points.js';
import { NET_RAW } from '../../helpers/lesson/claims.js';
import { runArgv, type ExecResult } from '../../helpers/targets/exec.js';
import { LabBuilder } from '../../helpers/lesson/lab.js';
import { lessonPlan, type LabPlan } from '../../helpers/lesson/plan.js';
import { lessonBundle } from '../../helpers/oci/lesson-bundle.js';
import { Runc } from '../../helpers/oci/runtime.js';
import type { SandboxTarget } from '../../helpers/targets/sandbox.js';
import { IsolatedSandbox } from './hostile-sandbox.js';
import { settled, snapshotDiff, snapshotSandbox } from './hostile-snapshot.js';
import { readJUnit } from './junit.js';
import { schemaErrors } from './report-runs.js';

/** How many checks `npm run grade` makes: those grading/points.json weighs (its unit test holds it to specs/grade.spec.ts). */
export const GRADE_CHECKS = Object.keys(readPoints(DEFAULT_POINTS_PATH, DEFAULT_POINTS_FILE).weights).length;

/** The closing note's mistake → hint table (GRADE_HINTS_TABLE=FILE): grade-hints and grade-steps append their rows under it. */
export const TABLE_HEADER = '| mistake | --check | level-1 hint | level-3 commands |\n|---|---|---|---|\n';

/** Where a student's lab lives inside its sandbox (a private /tmp). */
export const LAB_DIR = '/tmp/lab';
/** Directories a hostile lab aims its writes at; they must stay empty. */
export const MARKERS = '/tmp/markers';
/** "A host directory" a hostile lab bind-mounts into its container. */
export const HOST_DIR = '/tmp/hostile-host';
/** A root-only file a hostile lab tries to read through the grader. */
export const SECRET_FILE = '/run/hostile-secret';

export interface StudentLab {
  readonly box: IsolatedSandbox;
  readonly t: SandboxTarget;
  readonly plan: LabPlan;
  readonly lab: LabBuilder;
  readonly bundle: Bundle;
  /** A string that must never appear in anything the grader prints or writes. */
  readonly secret: string;
}

/**
 * The lab as the lesson's commands build it (busybox binary, jq edits), plus one of the two fixes
 * Exercise 3 cannot run without (erratum E-rootfs-needs-applets: busybox's applet links), in a
 * sandbox: runc spec's capabilities, so the container cannot ping (erratum E-ping-needs-net-raw).
 */
export async function lessonLabWithoutNetRaw(s: StudentLab): Promise<void> {
  await s.lab.through(5);
  const b = await lessonBundle(s.t, new Runc(s.t), s.plan, { cgroupsPath: '/lesson06-selftest-unused' });
  await s.t.must(['chroot', b.rootfs, '/bin/busybox', '--install', '-s', '/bin']);
}

/** The lesson's lab with both fixes Exercise 3 needs: applet links, and CAP_NET_RAW in every capability set (E-ping-needs-net-raw). */
export async function lessonLab(s: StudentLab): Promise<void> {
  await lessonLabWithoutNetRaw(s);
  await s.bundle.patch(withCapability(NET_RAW));
}

export interface GradedCase {
  readonly id: string;
  readonly state: 'pass' | 'fail' | 'not checked';
  readonly message: string;
  readonly findings: readonly string[];
  /** What the grader's own probe ran with (grade.probe). */
  readonly probes: readonly string[];
}

export interface GradeRun {
  readonly exec: ExecResult;
  readonly cases: GradedCase[];
  readonly before: string;
  readonly after: string;
  /** Lines that differ between the snapshots (empty: nothing changed). */
  readonly changed: string[];
  /** Everything the grader put out: stdout, stderr and the report file. */
  readonly output: string;
  readonly reportBytes: number;
  /** xmllint's complaints about the report against junit-10.xsd ('' when it validates or there is none). */
  readonly schema: string;
  /** The secret the lab hid; it must not be in `output`. */
  readonly secret: string;
  readonly durationMs: number;
  /** What `inspect` found. */
  readonly inspected: string;
}

export interface GradeOptions {
  readonly args?: readonly string[];
  /** Where the report goes, inside the sandbox; default /tmp/lab/grade.xml. */
  readonly junit?: string;
  /** false: the snapshots leave out net sysctls (a lab of a thousand interfaces; see SnapshotOptions). */
  readonly netSysctls?: boolean;
  /** More files and directories the snapshot hashes. */
  readonly trees?: readonly string[];
  /** Grade as if `sudo` was run by this uid (SUDO_UID/GID/USER), instead of by root directly. */
  readonly sudoBy?: { readonly uid: number; readonly gid: number; readonly user: string };
  /** Runs in the lab's sandbox after grading and the second snapshot; its result is kept. */
  readonly inspect?: (s: StudentLab) => Promise<string>;
}

/** Starts an isolated sandbox with the lab's surroundings: marker dirs, a "host" dir, a root-only secret. */
export async function studentLab(): Promise<StudentLab> {
  const box = await IsolatedSandbox.start();
  const t = box.t;
  try {
    const secret = `SECRET-${randomBytes(12).toString('hex')}`;
    await t.must(['mkdir', '-p', LAB_DIR, MARKERS, HOST_DIR]);
    await t.writeFile(SECRET_FILE, `${secret}\n`);
    await t.must(['chmod', '600', SECRET_FILE]);
    const plan = { ...lessonPlan(LAB_DIR), bundleDir: `${LAB_DIR}/oci-netns-test` };
    return { box, t, plan, lab: new LabBuilder(t, plan), bundle: new Bundle(t, new Runc(t), plan.bundleDir), secret };
  } catch (e) {
    await box.dispose();
    throw e;
  }
}

/** `npm run grade ARGS` inside the lab's sandbox (all five of its namespaces), as a student's machine would run it. */
export const graderArgv = (s: StudentLab, args: readonly string[]): string[] => [
  'nsenter',
  '-t',
  String(s.box.pid),
  '--mount',
  '--net',
  '--pid',
  '--uts',
  '--ipc',
  `--wd=${process.cwd()}`,
  '--',
  process.execPath,
  '--import',
  'tsx',
  'scripts/grade.ts',
  ...args,
];

/** Runs `npm run grade` inside the lab's sandbox. */
export function runGrader(s: StudentLab, args: readonly string[], sudoBy?: GradeOptions['sudoBy']): Promise<ExecResult> {
  const env = sudoBy ? { SUDO_UID: String(sudoBy.uid), SUDO_GID: String(sudoBy.gid), SUDO_USER: sudoBy.user } : undefined;
  return runArgv(
    graderArgv(s, args),
    // Far beyond the grader's own one-minute bound: reaching it means the grader hung.
    { timeoutMs: 150_000, maxOutputBytes: 4 * 1024 * 1024, ...(env ? { env } : {}) },
  );
}

/** Builds a student lab in a fresh isolated sandbox, grades it from inside, and snapshots around it. */
export async function gradeStudentLab(build: (s: StudentLab) => Promise<void>, opts: GradeOptions = {}): Promise<GradeRun> {
  const s = await studentLab();
  try {
    await build(s);
    await settled(s.box);
    const trees = [LAB_DIR, MARKERS, HOST_DIR, SECRET_FILE, ...(opts.trees ?? [])];
    const snap = { trees, ...(opts.netSysctls === false ? { netSysctls: false } : {}) };
    const before = await snapshotSandbox(s.box, snap);
    const junit = opts.junit ?? `${LAB_DIR}/grade.xml`;
    const exec = await runGrader(s, ['--bundle', s.plan.bundleDir, '--junit', junit, ...(opts.args ?? [])], opts.sudoBy);
    // The report is the grader's; it is not part of what grading must leave unchanged.
    const reportPath = s.box.host(junit);
    const report = existsSync(reportPath) && statSync(reportPath).isFile() && !opts.junit ? readFileSync(reportPath, 'utf8') : '';
    // Whatever the lab put into it, the report is JUnit that a strict consumer accepts.
    const schema = report === '' ? '' : await schemaErrors(reportPath);
    const cases =
      report === ''
        ? []
        : readJUnit(reportPath).map((c): GradedCase => ({
            id: c.name.split(':')[0] ?? c.name,
            state: c.state === 'passed' ? 'pass' : c.state === 'skipped' ? 'not checked' : 'fail',
            // A failure's diagnosis (Common Error, fix) is in the body; a skip says what it needed.
            message: c.state === 'skipped' ? (c.message ?? '') : `${c.message ?? ''}\n${c.body}`,
            findings: c.properties.filter((p) => p.name === 'grade.finding').map((p) => p.value),
            probes: c.properties.filter((p) => p.name === 'grade.probe').map((p) => p.value),
          }));
    if (!opts.junit) await s.t.exec(['rm', '-f', junit]);
    const after = await snapshotSandbox(s.box, snap);
    const inspected = opts.inspect ? await opts.inspect(s) : '';
    return {
      exec,
      cases,
      before,
      after,
      changed: snapshotDiff(before, after),
      output: `${exec.stdout}\n${exec.stderr}\n${report}`,
      reportBytes: Buffer.byteLength(report),
      schema,
      secret: s.secret,
      durationMs: exec.durationMs,
      inspected,
    };
  } finally {
    await s.box.dispose();
  }
}
