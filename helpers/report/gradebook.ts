import { basename, dirname } from 'node:path';
import { BadInputError } from '../errors.js';
import { isBootId, isMac } from '../grade/evidence.js';
import { formatPoints, scoreChecks, type CheckState, type PointsTable } from '../grade/points.js';
import { isSafeStudent } from '../grade/student.js';
import { HARNESS_VERSION, LESSON_ID, recordDigest, toolsLine } from './grade-record.js';
import type { ReadReport } from './gradebook-read.js';

/** One student's line of the class table. */
export interface GradebookRow {
  readonly student: string;
  readonly report: string;
  /** Rescored with the gradebook's points from the report's verdicts; undefined: ungradable. */
  readonly score: number | undefined;
  readonly max: number;
  readonly ungradable: string | undefined;
  readonly checks: ReadonlyArray<{ readonly id: string; readonly state: CheckState; readonly points: number; readonly message: string }>;
  /** What makes this report doubtful: a duplicate of another student's lab, or a report that contradicts itself. */
  readonly flags: readonly string[];
  /** Not doubtful, worth knowing (another points file). */
  readonly notes: readonly string[];
}

interface CheckSummary {
  readonly id: string;
  readonly weight: number;
  /** Gradable reports in which the check did not pass (failed or not checked), of `graded`. */
  readonly failed: number;
  readonly notChecked: number;
  readonly graded: number;
  /** The most common diagnosis line of its failures, and how many failures gave it. */
  readonly diagnosis: { readonly text: string; readonly count: number; readonly of: number } | undefined;
}

export interface Gradebook {
  readonly points: PointsTable;
  readonly checkIds: readonly string[];
  readonly rows: readonly GradebookRow[];
  readonly checks: readonly CheckSummary[];
}

/**
 * Why a report cannot be a full grade in this gradebook: another lesson, another harness, a
 * partial selection, checks missing against the points file. Undefined: it can.
 */
export function refusal(r: ReadReport, points: PointsTable): string | undefined {
  const rec = r.record;
  if (rec.lesson !== LESSON_ID) return `it grades lesson "${rec.lesson}", not ${LESSON_ID}`;
  if (rec.harnessVersion !== HARNESS_VERSION)
    return `it was written by harness ${rec.harnessVersion}, this gradebook is ${HARNESS_VERSION}: grade the lab again with this harness, or build the gradebook with that one`;
  if (rec.selection !== 'all')
    return `it is a partial report (selection "${rec.selection}"), not a full grade: grade the lab again without a selection`;
  if (!isSafeStudent(rec.student)) return `its student name "${rec.student.slice(0, 64)}" is not a safe file name`;
  const present = new Set(r.checks.map((c) => c.id));
  const missing = Object.keys(points.weights).filter((id) => !present.has(id));
  // An ungradable run may have stopped before some checks: it is shown as ungradable, not refused.
  if (missing.length > 0 && rec.ungradable === undefined)
    return `it has no verdict for ${missing.join(', ')}, which ${points.file} weighs: a partial report is not a full grade`;
  const unweighted = [...present].filter((id) => points.weights[id] === undefined);
  if (unweighted.length > 0)
    return `it has checks ${points.file} gives no weight: ${unweighted.join(', ')} (a report of other checks; build the gradebook with a points file that weighs every check)`;
  return undefined;
}

/** Contradictions inside one report: each one means it was edited after grading, or the grader is broken. */
function inconsistencies(r: ReadReport): string[] {
  const rec = r.record;
  const out: string[] = [];
  if (recordDigest(rec) !== r.digest) out.push('its grade.digest does not match what it says (edited after grading?)');
  if (!r.suiteNames.every((n) => n.startsWith(`${rec.student}: `)))
    out.push(`its suite name "${r.suiteNames.find((n) => !n.startsWith(`${rec.student}: `)) ?? ''}" is not ${rec.student}'s`);
  const file = basename(r.path);
  const dir = basename(dirname(r.path));
  if ((file === 'latest.xml' || /^\d{8}T\d{6}Z(-\d+)?\.xml$/.test(file)) && dir !== rec.student)
    out.push(`it lies in ${dir}'s report directory but grades ${rec.student}`);
  for (const c of r.checks) {
    const p = rec.checks.find((x) => x.id === c.id);
    if (p === undefined) out.push(`${c.id} has a verdict but no grade.check property`);
    else if (c.state !== 'error' && p.state !== c.state) out.push(`${c.id} is "${c.state}" in its test case but "${p.state}" in its points`);
    else if (p.points !== (p.state === 'pass' ? p.max : 0))
      out.push(`${c.id} scores ${formatPoints(p.points)} of ${formatPoints(p.max)} although it is "${p.state}"`);
  }
  const sum = rec.checks.reduce((s, c) => s + c.points, 0);
  if (rec.score !== undefined && Math.abs(sum - rec.score) > 0.001)
    out.push(`its score ${formatPoints(rec.score)} is not the sum of its checks' points (${formatPoints(sum)})`);
  const ev = rec.evidence;
  if (!isBootId(ev.bootId)) out.push(`its boot id "${ev.bootId.slice(0, 40)}" is not one the kernel writes`);
  for (const [which, mac] of [
    ['host', ev.hostMac],
    ['namespace', ev.nsMac],
  ] as const)
    if (mac !== 'none' && !isMac(mac)) out.push(`its ${which} MAC "${mac.slice(0, 40)}" is not a MAC address`);
  if (ev.netnsInode !== 'none' && !/^\d+$/.test(ev.netnsInode)) out.push(`its namespace inode "${ev.netnsInode.slice(0, 40)}" is not a number`);
  const verdict = (id: string): string | undefined => r.checks.find((c) => c.id === id)?.state;
  if (verdict('netns-exists') === 'pass' && ev.netnsInode === 'none') out.push('netns-exists passed, yet its evidence has no namespace inode');
  if (verdict('host-veth-exists') === 'pass' && ev.hostMac === 'none')
    out.push('host-veth-exists passed, yet its evidence has no MAC for the host end');
  if (verdict('ns-veth-visible') === 'pass' && ev.nsMac === 'none')
    out.push('ns-veth-visible passed, yet its evidence has no MAC for the namespace end');
  if (!(rec.startedAt <= rec.endedAt)) out.push('its run ended before it started');
  // The evidence is read just after the checks, within the grader's one-minute bound.
  if (!(ev.collectedAt >= rec.startedAt && ev.collectedAt <= rec.endedAt + 120_000)) out.push('its evidence was not read during its run');
  const e = r.environment;
  if (e.kernel !== ev.osRelease) out.push(`its kernel property "${e.kernel ?? ''}" is not the evidence's "${ev.osRelease}"`);
  const tools = toolsLine({
    runtime: e.runtime ?? '',
    runtimeVersion: e['runtime.version'] ?? '',
    iproute2: e.iproute2 ?? '',
    busybox: e.busybox ?? '',
    kernel: e.kernel ?? '',
    distro: e.distro ?? '',
  });
  if (tools !== rec.tools) out.push(`its tool versions (${tools}) are not those its evidence names (${rec.tools})`);
  return out;
}

/** The lab a report was judged on: one boot of one kernel, and the two veth ends' random MACs. */
function labKey(r: ReadReport): string | undefined {
  const ev = r.record.evidence;
  if (!isBootId(ev.bootId) || (ev.hostMac === 'none' && ev.nsMac === 'none')) return undefined;
  return `${ev.bootId} ${ev.hostMac} ${ev.nsMac}`;
}

function mostCommon(texts: readonly string[]): CheckSummary['diagnosis'] {
  if (texts.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
  const [text, count] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? ['', 0];
  return { text, count, of: texts.length };
}

/**
 * The class table from many students' reports. Refuses (BadInputError naming the file) what is not
 * a full grade of this lesson by this harness, and a student given twice; flags duplicates and
 * self-contradicting reports without dropping them, so the instructor decides.
 */
export function buildGradebook(reports: readonly ReadReport[], points: PointsTable): Gradebook {
  if (reports.length === 0) throw new BadInputError('no grade reports were given');
  const byStudent = new Map<string, ReadReport>();
  for (const r of reports) {
    const why = refusal(r, points);
    if (why) throw new BadInputError(`${r.path}: ${why}`);
    const other = byStudent.get(r.record.student);
    if (other)
      throw new BadInputError(
        `${r.path}: a second report for ${r.record.student} (the first is ${other.path}); give one report per student (their latest.xml)`,
      );
    byStudent.set(r.record.student, r);
  }
  const checkIds = Object.keys(points.weights);
  const labs = new Map<string, string[]>();
  for (const r of reports) {
    const key = labKey(r);
    if (key) labs.set(key, [...(labs.get(key) ?? []), r.record.student]);
  }
  const rows = [...byStudent.values()]
    .sort((a, b) => a.record.student.localeCompare(b.record.student))
    .map((r): GradebookRow => {
      const rec = r.record;
      const states = checkIds.map((id) => {
        const c = r.checks.find((x) => x.id === id);
        return { id, state: (c?.state === 'error' ? 'fail' : (c?.state ?? 'not checked')) as CheckState, message: c?.message ?? '' };
      });
      const fault = rec.ungradable ?? (r.checks.some((c) => c.state === 'error') ? 'a harness error in one of its checks' : undefined);
      const score = scoreChecks(states, points, fault);
      const twins = (labs.get(labKey(r) ?? '') ?? []).filter((s) => s !== rec.student);
      const flags = [
        ...(twins.length > 0
          ? [`duplicate: the same lab as ${twins.join(', ')} (boot id ${rec.evidence.bootId}, MACs ${rec.evidence.hostMac} ${rec.evidence.nsMac})`]
          : []),
        ...inconsistencies(r).map((i) => `inconsistent: ${i}`),
      ];
      const notes = rec.pointsSha256 !== points.sha256 ? [`graded with other weights (${rec.pointsFile}); rescored with ${points.file}`] : [];
      const checks = states.map((s, i) => ({ ...s, points: score.checks[i]?.points ?? 0 }));
      return {
        student: rec.student,
        report: r.path,
        score: score.gradable ? score.score : undefined,
        max: score.max,
        ungradable: score.gradable ? undefined : score.reason,
        checks,
        flags,
        notes,
      };
    });
  const graded = rows.filter((r) => r.score !== undefined);
  const checks = checkIds.map((id): CheckSummary => {
    const mine = graded.map((r) => r.checks.find((c) => c.id === id)).filter((c) => c !== undefined);
    const bad = mine.filter((c) => c.state !== 'pass');
    return {
      id,
      weight: points.weights[id] ?? 0,
      failed: bad.length,
      notChecked: bad.filter((c) => c.state === 'not checked').length,
      graded: mine.length,
      diagnosis: mostCommon(bad.filter((c) => c.state === 'fail').map((c) => c.message)),
    };
  });
  return { points, checkIds, rows, checks };
}

/** One CSV field (RFC 4180), and never a formula a spreadsheet would run. */
export function csvField(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** student, score, max, one column per check (its points), and the flags. */
export function gradebookCsv(book: Gradebook): string {
  const lines = [['student', 'score', 'max', ...book.checkIds, 'flags']];
  for (const r of book.rows)
    lines.push([
      r.student,
      r.score === undefined ? 'ungradable' : formatPoints(r.score),
      formatPoints(r.max),
      ...r.checks.map((c) => (r.score === undefined ? '' : formatPoints(c.points))),
      [...r.flags, ...(r.ungradable ? [`ungradable: ${r.ungradable}`] : [])].join('; '),
    ]);
  return `${lines.map((l) => l.map(csvField).join(',')).join('\r\n')}\r\n`;
}
