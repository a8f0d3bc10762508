import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Evidence } from '../grade/evidence.js';
import { formatPoints, type CheckScore, type CheckState, type Score } from '../grade/points.js';
import type { RunEnvironment } from './model.js';

/** The lesson a report grades; a gradebook refuses reports of any other. */
export const LESSON_ID = '06-network-integration';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { name?: string; version?: string };
/** The harness that wrote a report; a gradebook refuses reports of another version. */
export const HARNESS_VERSION = `${pkg.name ?? 'lesson06'}@${pkg.version ?? '0'}`;

/**
 * What a grade report says about one student's run, as suite properties (the JUnit schema has no
 * other place): written by the grader, read back by npm run gradebook. One module both ways, so the
 * names cannot drift apart.
 */
export interface GradeRecord {
  readonly lesson: string;
  readonly harnessVersion: string;
  /** "all", or the selection that left checks out (a partial report). */
  readonly selection: string;
  readonly student: string;
  readonly pointsFile: string;
  readonly pointsSha256: string;
  readonly checks: readonly CheckScore[];
  /** Absent when the run is ungradable. */
  readonly score: number | undefined;
  readonly max: number;
  readonly ungradable: string | undefined;
  readonly evidence: Evidence;
  /** The tools that judged the lab, as the report's environment properties name them (toolsLine). */
  readonly tools: string;
  readonly netnsPath: string;
  readonly hostVeth: string;
  readonly nsVeth: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** Text as one property value holds it, so that what is read back is what was hashed. */
const propertyText = (s: string): string =>
  s
    // eslint-disable-next-line no-control-regex -- XML 1.0 cannot carry most control characters
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

export function recordOf(fields: Omit<GradeRecord, 'checks' | 'score' | 'max' | 'ungradable'>, score: Score): GradeRecord {
  return {
    ...fields,
    pointsFile: propertyText(fields.pointsFile),
    tools: propertyText(fields.tools),
    checks: score.checks,
    max: score.max,
    score: score.gradable ? score.score : undefined,
    ungradable: score.gradable ? undefined : propertyText(score.reason),
  };
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The versions of the tools under test in one line, from the report's environment properties. */
export const toolsLine = (env: Pick<RunEnvironment, 'runtime' | 'runtimeVersion' | 'iproute2' | 'busybox' | 'kernel' | 'distro'>): string =>
  `${env.runtime} ${env.runtimeVersion}; iproute2 ${env.iproute2}; ${env.busybox}; kernel ${env.kernel}; ${env.distro}`;

/**
 * A checksum of everything the record says, so that an edit by hand that does not also recompute
 * it shows. Not a signature: anyone with this code can recompute it (README, "What the evidence
 * can and cannot show").
 */
export function recordDigest(r: GradeRecord): string {
  const {
    lesson,
    harnessVersion,
    selection,
    student,
    pointsSha256,
    checks,
    score,
    max,
    ungradable,
    evidence,
    tools,
    netnsPath,
    hostVeth,
    nsVeth,
    startedAt,
    endedAt,
  } = r;
  const canonical = JSON.stringify([
    lesson,
    harnessVersion,
    selection,
    student,
    pointsSha256,
    checks.map((c) => [c.id, c.state, c.points, c.max]),
    score ?? null,
    max,
    ungradable ?? null,
    [evidence.bootId, evidence.netnsInode, evidence.hostMac, evidence.nsMac, evidence.osRelease, evidence.collectedAt],
    tools,
    netnsPath,
    hostVeth,
    nsVeth,
    startedAt,
    endedAt,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** The record as suite properties, in reading order; the digest last. */
export function recordProperties(r: GradeRecord): Array<[string, string]> {
  return [
    ['lesson', r.lesson],
    ['harness.version', r.harnessVersion],
    ['run.selection', r.selection],
    ['run.started_at', iso(r.startedAt)],
    ['run.ended_at', iso(r.endedAt)],
    ['grade.student', r.student],
    ['grade.points.file', r.pointsFile],
    ['grade.points.sha256', r.pointsSha256],
    ...r.checks.map((c): [string, string] => [`grade.check.${c.id}`, `${c.state} ${formatPoints(c.points)}/${formatPoints(c.max)}`]),
    ['grade.score', r.score === undefined ? 'ungradable' : formatPoints(r.score)],
    ['grade.max', formatPoints(r.max)],
    ['grade.gradable', String(r.ungradable === undefined)],
    ...(r.ungradable !== undefined ? [['grade.ungradable', r.ungradable] as [string, string]] : []),
    ['evidence.boot_id', r.evidence.bootId],
    ['evidence.netns', r.netnsPath],
    ['evidence.netns.inode', r.evidence.netnsInode],
    ['evidence.mac.host', `${r.hostVeth} ${r.evidence.hostMac}`],
    ['evidence.mac.ns', `${r.nsVeth} ${r.evidence.nsMac}`],
    ['evidence.kernel.osrelease', r.evidence.osRelease],
    ['evidence.tools', r.tools],
    ['evidence.collected_at', iso(r.evidence.collectedAt)],
    ['grade.digest', recordDigest(r)],
  ];
}

const CHECK_VALUE = /^(pass|fail|not checked) (\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/;

/** Reads a record back from a report's suite properties; a string says what is missing or malformed. */
export function recordFromProperties(
  props: ReadonlyArray<{ readonly name: string; readonly value: string }>,
): { record: GradeRecord; digest: string } | string {
  const one = new Map<string, string>();
  const checks: CheckScore[] = [];
  for (const p of props) {
    if (p.name.startsWith('grade.check.')) {
      const m = CHECK_VALUE.exec(p.value);
      if (!m) return `property ${p.name} is "${p.value.slice(0, 60)}", not "<pass|fail|not checked> <points>/<max>"`;
      if (!checks.some((c) => c.id === p.name.slice(12)))
        checks.push({ id: p.name.slice(12), state: m[1] as CheckState, points: Number(m[2]), max: Number(m[3]) });
    } else if (!one.has(p.name)) one.set(p.name, p.value);
  }
  const need = [
    'lesson',
    'harness.version',
    'run.selection',
    'run.started_at',
    'run.ended_at',
    'grade.student',
    'grade.points.file',
    'grade.points.sha256',
    'grade.score',
    'grade.max',
    'evidence.boot_id',
    'evidence.netns',
    'evidence.netns.inode',
    'evidence.mac.host',
    'evidence.mac.ns',
    'evidence.kernel.osrelease',
    'evidence.tools',
    'evidence.collected_at',
    'grade.digest',
  ];
  const missing = need.filter((n) => !one.has(n));
  if (missing.length > 0) return `it has no ${missing.join(', ')} propert${missing.length > 1 ? 'ies' : 'y'} (not a grade report of this harness)`;
  const get = (n: string): string => one.get(n) ?? '';
  const time = (n: string): number => Date.parse(get(n));
  const [hostVeth = '', hostMac = ''] = get('evidence.mac.host').split(' ');
  const [nsVeth = '', nsMac = ''] = get('evidence.mac.ns').split(' ');
  const scoreText = get('grade.score');
  const record: GradeRecord = {
    lesson: get('lesson'),
    harnessVersion: get('harness.version'),
    selection: get('run.selection'),
    student: get('grade.student'),
    pointsFile: get('grade.points.file'),
    pointsSha256: get('grade.points.sha256'),
    checks,
    score: scoreText === 'ungradable' ? undefined : Number(scoreText),
    max: Number(get('grade.max')),
    ungradable: scoreText === 'ungradable' ? (one.get('grade.ungradable') ?? 'no reason given') : undefined,
    evidence: {
      bootId: get('evidence.boot_id'),
      netnsInode: get('evidence.netns.inode'),
      hostMac,
      nsMac,
      osRelease: get('evidence.kernel.osrelease'),
      collectedAt: time('evidence.collected_at'),
    },
    tools: get('evidence.tools'),
    netnsPath: get('evidence.netns'),
    hostVeth,
    nsVeth,
    startedAt: time('run.started_at'),
    endedAt: time('run.ended_at'),
  };
  return { record, digest: get('grade.digest') };
}
