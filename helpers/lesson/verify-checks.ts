import type { OciNamespace } from '../oci/config.js';
import { formatCidr, type Cidr } from '../net/cidr.js';
import { findIface, isUp, type Iface } from '../net/ip.js';
import { ping, type PingResult } from '../net/ops.js';
import type { Target } from '../targets/types.js';
import { VERIFY_PING } from './claims.js';
import { fixes } from './fixes.js';
import type { LabPlan } from './plan.js';
import type { CommonErrorHint } from './sections.js';

/**
 * The Verify section's checks as the suite (specs/verify.spec.ts) and the grader
 * (specs/grade.spec.ts) both judge them: one implementation, so the two never disagree on a verdict.
 */

/** What the filesystem and the kernel say about the path in config.json's network entry. */
export interface NetnsPathFacts {
  /** The network entry of config.json; undefined when there is none. */
  entry: OciNamespace | undefined;
  /** The path resolved (`realpath -m`, so /var/run → /run on Debian) equals the namespace file's resolved name. */
  sameName: boolean;
  /** `stat -L` of the path: missing when it cannot be resolved (runc's open fails the same way). */
  file: { exists: false; error: string } | { exists: true; nsfs: boolean; inode: string };
  /**
   * Inode of the namespace under test (its nsfs file), or undefined when that namespace is not
   * there to compare with: then the path is judged by its name alone, and the namespace's own
   * check (Verify check 1) reports the absence.
   */
  reference: string | undefined;
}

export type NetnsPathVerdict =
  /** The path is the namespace under test by the kernel's account (same nsfs inode): runc joins it. */
  | 'joins'
  /** The namespace is not there to compare with; the path is its file's name. */
  | 'names-it'
  /** No network entry: the container shares the runtime's own namespace (Common Error 6's symptom). */
  | 'no-entry'
  /** A network entry without a path: runc creates a new, empty namespace (Common Error 6). */
  | 'no-path'
  /** The path does not exist: Common Error 1's "namespace path … does not exist". */
  | 'missing'
  /** The path cannot be resolved with the rights it is judged with (the student's, when grading): permission denied. */
  | 'unreadable'
  /** The path exists but is no namespace file: runc cannot join it (Common Error 6, "if path is wrong"). */
  | 'not-a-namespace'
  /** The path is another namespace: runc joins it and the container shows wrong interfaces (Common Error 6). */
  | 'other-namespace';

/**
 * Verify check 5 beyond the script's jq query (which accepts any path). Decided from Common
 * Errors 1 and 6: a path that does not exist is Common Error 1; no path, or a path runc cannot
 * join or joins to another namespace, is Common Error 6. Any spelling that names the namespace
 * passes: `/run/netns/<name>` is the same file as `/var/run/netns/<name>` where /var/run links
 * to /run (Debian), and the lesson's Background allows a /proc/<pid>/ns/net of the namespace too.
 */
export function classifyNetnsPath(f: NetnsPathFacts): NetnsPathVerdict {
  if (f.entry === undefined) return 'no-entry';
  if (!f.entry.path) return 'no-path';
  if (f.reference === undefined && f.sameName) return 'names-it';
  if (!f.file.exists) return /permission denied/i.test(f.file.error) ? 'unreadable' : 'missing';
  if (!f.file.nsfs) return 'not-a-namespace';
  return f.file.inode === f.reference ? 'joins' : 'other-namespace';
}

export const netnsPathPasses = (v: NetnsPathVerdict): boolean => v === 'joins' || v === 'names-it';

/** The Common Error a failed verdict is: 1 for a path that does not exist, 6 for every other wrong path. */
export function netnsPathCommonError(v: NetnsPathVerdict, p: LabPlan): CommonErrorHint {
  return v === 'missing' ? fixes.missingNetns(p) : fixes.wrongInterfaces(p);
}

const NETNS_PATH_SAYS: Record<NetnsPathVerdict, string> = {
  joins: 'is the namespace',
  'names-it': 'names the namespace file (the namespace itself is not there to compare with)',
  'no-entry': "no network entry: the container shares the runtime's own namespace",
  'no-path': 'a network entry without a path: runc creates a new, empty namespace',
  missing: 'does not exist',
  unreadable:
    "cannot be resolved with the student's rights (permission denied): the grader judges only what the student can see; name the namespace file under /var/run/netns",
  'not-a-namespace': 'exists but is not a namespace file (not nsfs): runc cannot join it',
  'other-namespace': 'is another network namespace (nsfs, another inode): runc would join that one',
};

/** One line for a report: the path, what it is, and the inodes compared. */
function describeNetnsPath(f: NetnsPathFacts, v: NetnsPathVerdict): string {
  const path = f.entry?.path ? `"${f.entry.path}" ` : '';
  const file = f.file.exists ? `; ${f.file.nsfs ? 'nsfs' : 'not nsfs'}, inode ${f.file.inode || '?'}` : f.file.error ? `; ${f.file.error}` : '';
  const ref = f.reference === undefined ? '' : ` (the namespace's inode: ${f.reference})`;
  return `${path}${NETNS_PATH_SAYS[v]}${file}${ref}`;
}

/**
 * Gathers the facts from the target. The path is the student's: it is only ever an argument
 * after `--`, to stat and realpath, which open nothing; `as` (the grader's) runs those three with
 * the student's rights, so a root-only path shows the grader no more than the student could see.
 */
async function netnsPathFacts(
  t: Target,
  p: LabPlan,
  entry: OciNamespace | undefined,
  opts: { compare: boolean; as?: readonly string[] },
): Promise<NetnsPathFacts> {
  const path = entry?.path;
  if (!path) return { entry, sameName: false, file: { exists: false, error: '' }, reference: undefined };
  const as = opts.as ?? [];
  const [fs, ino, real, want, wantFs, wantReal] = await Promise.all([
    t.exec([...as, 'stat', '-L', '-f', '-c', '%T', '--', path]),
    t.exec([...as, 'stat', '-L', '-c', '%i', '--', path]),
    t.exec([...as, 'realpath', '-m', '--', path]),
    t.exec(['stat', '-L', '-c', '%i', '--', p.netnsPath]),
    t.exec(['stat', '-L', '-f', '-c', '%T', '--', p.netnsPath]),
    t.exec(['realpath', '-m', '--', p.netnsPath]),
  ]);
  const realName = real.exitCode === 0 ? real.stdout.trim() : path;
  const wantName = wantReal.exitCode === 0 ? wantReal.stdout.trim() : p.netnsPath;
  const exists = fs.exitCode === 0 && ino.exitCode === 0;
  const there = opts.compare && want.exitCode === 0 && wantFs.stdout.trim() === 'nsfs';
  return {
    entry,
    sameName: realName === wantName,
    file: exists ? { exists, nsfs: fs.stdout.trim() === 'nsfs', inode: ino.stdout.trim() } : { exists, error: (ino.stderr || fs.stderr).trim() },
    reference: there ? want.stdout.trim() : undefined,
  };
}

interface NetnsPathJudgement {
  verdict: NetnsPathVerdict;
  ok: boolean;
  facts: NetnsPathFacts;
  /** What the report shows as seen. */
  seen: string;
  commonError: CommonErrorHint;
}

/**
 * Verify check 5, the path: gathers the facts and classifies them. `compare: false` when the
 * namespace under test is known not to be there (the grader's netns-exists failed).
 */
export async function judgeNetnsPath(
  t: Target,
  p: LabPlan,
  entry: OciNamespace | undefined,
  opts: { compare: boolean; as?: readonly string[] } = { compare: true },
): Promise<NetnsPathJudgement> {
  const facts = await netnsPathFacts(t, p, entry, opts);
  const verdict = classifyNetnsPath(facts);
  return { verdict, ok: netnsPathPasses(verdict), facts, seen: describeNetnsPath(facts, verdict), commonError: netnsPathCommonError(verdict, p) };
}

/** Verify checks 3 and 4: which end pings which address, as the lesson's script does (`-c 1 -W 1`). */
type VerifyPingDirection = 'host-to-ns' | 'ns-to-host';

/** The script's ping argv for a direction (what check 3 or 4 runs), without the `sudo ip netns exec` prefix's sudo. */
export function verifyPingArgv(p: LabPlan, dir: VerifyPingDirection): string[] {
  const argv = ['ping', '-c', String(VERIFY_PING.count), '-W', String(VERIFY_PING.waitSeconds)];
  return dir === 'host-to-ns' ? [...argv, p.nsCidr.address] : ['ip', 'netns', 'exec', p.netns, ...argv, p.hostCidr.address];
}

/**
 * Verify check 3 or 4. The grader binds the ping to the student's veth (`bindTo`), so the probe
 * cannot leave through any other interface; the suite runs the script's own command.
 */
export function verifyPing(t: Target, p: LabPlan, dir: VerifyPingDirection, opts: { bindTo?: string } = {}): Promise<PingResult> {
  const to = dir === 'host-to-ns' ? p.nsCidr.address : p.hostCidr.address;
  return ping(t, to, { ...VERIFY_PING, ...(dir === 'ns-to-host' ? { netns: p.netns } : {}), ...opts });
}

/**
 * Manual checklist items 2 and 3 (the grader's host-veth-up/-address, ns-veth-up/-address): one
 * end of the pair in the interfaces the kernel lists, whether it is UP and has its address.
 */
interface VethEnd {
  readonly iface: Iface | undefined;
  readonly up: boolean;
  readonly addressed: boolean;
  /** `flags UP,LOWER_UP,…`, or `(gone)` when the interface is not listed. */
  readonly flags: string;
  /** `inet 10.0.0.1/24`, or `inet none`. */
  readonly inet: string;
}

export function vethEnd(list: readonly Iface[], name: string, cidr: Cidr): VethEnd {
  const iface = findIface(list, name);
  return {
    iface,
    up: iface !== undefined && isUp(iface),
    addressed: iface?.inet.includes(formatCidr(cidr)) === true,
    flags: `flags ${iface ? iface.flags.join(',') : '(gone)'}`,
    inet: `inet ${iface?.inet.join(', ') || 'none'}`,
  };
}

/** Exercise 4, Step 2: what the second bundle's network entry asks of runc. */
export type NewNetnsVerdict =
  /** The default entry without a path: runc creates a fresh, empty namespace (the step's point). */
  | 'fresh'
  /** No network entry at all: the container shares the runtime's own network. */
  | 'no-entry'
  /** A path: runc joins an existing namespace, which is Exercise 2's pattern, not Exercise 4's. */
  | 'has-path';

/** One judgement for the suite's Exercise 4 (specs/exercise-4.spec.ts) and the grader's checklist step. */
export function judgeNewNetns(namespaces: readonly OciNamespace[]): NewNetnsVerdict {
  const entry = namespaces.find((n) => n.type === 'network');
  return entry === undefined ? 'no-entry' : entry.path === undefined ? 'fresh' : 'has-path';
}
