import { lstatSync, realpathSync } from 'node:fs';
import { posix } from 'node:path';
import type { OciConfig } from '../oci/config.js';
import { clip } from './clip.js';
import { NET_RAW } from '../lesson/claims.js';

/**
 * The probe's config.json, generated, never copied: what `runc spec` writes, the grader's own
 * args, container id and cgroupsPath, and exactly two values from the student's file, each
 * validated first: the rootfs (mounted read-only under an overlay the grader owns) and the
 * network namespace path (which must be the namespace under grading). Nothing else of the
 * student's reaches runc: no hooks, mounts, sysctls, hostname, rlimits, capabilities, devices,
 * seccomp profile or other namespace paths.
 */

/** Capabilities the probe never has, whatever a `runc spec` of some version might write. */
export const PROBE_FORBIDDEN_CAPS = ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN', 'CAP_SYS_MODULE', 'CAP_SYS_PTRACE', 'CAP_SYS_RAWIO', 'CAP_DAC_READ_SEARCH'];

/** The probe's rootfs inside its own bundle (an overlay mount whose lower layer is the student's). */
const PROBE_ROOTFS = 'rootfs';

interface ProbeValues {
  /** The student's network namespace path, after validateNetnsPath. */
  readonly netnsPath: string;
  /** The grader's own process: it is created, never started. */
  readonly args: readonly string[];
  readonly cgroupsPath: string;
}

/** The only fields of `runc spec`'s output the probe changes; everything else stays as runc wrote it. */
export function generateProbeConfig(spec: OciConfig, v: ProbeValues): OciConfig {
  const c = structuredClone(spec);
  delete c.hooks;
  c.process = { ...c.process, terminal: false, args: [...v.args] };
  const caps = c.process.capabilities ?? {};
  for (const set of Object.keys(caps)) caps[set] = (caps[set] ?? []).filter((cap) => !PROBE_FORBIDDEN_CAPS.includes(cap));
  c.process.capabilities = caps;
  c.root = { path: PROBE_ROOTFS, readonly: true };
  const namespaces = c.linux.namespaces.map((n) => ({ type: n.type }));
  c.linux = {
    ...c.linux,
    namespaces: namespaces.some((n) => n.type === 'network')
      ? namespaces.map((n) => (n.type === 'network' ? { type: 'network', path: v.netnsPath } : n))
      : [...namespaces, { type: 'network', path: v.netnsPath }],
    cgroupsPath: v.cgroupsPath,
  };
  return c;
}

/** Characters that separate or escape overlayfs mount options, and a newline. */
const OVERLAY_SPECIAL = /[,:\\"\n]/;

export type RootfsCheck =
  | {
      readonly ok: true;
      /** real path on this machine */ readonly real: string;
      /** as the student wrote it, made absolute */ readonly shown: string;
    }
  | { readonly ok: false; readonly problem: string };

/** root.path, relative to the bundle or absolute: an existing directory inside the bundle, not "/", safe as an overlay lowerdir. */
export function validateRootfsPath(rootPath: unknown, bundleDir: string): RootfsCheck {
  if (typeof rootPath !== 'string' || rootPath === '') return { ok: false, problem: 'root.path is missing or not a string' };
  if (OVERLAY_SPECIAL.test(rootPath))
    return {
      ok: false,
      problem: `root.path "${clip(rootPath)}" contains "," ":" "\\" '"' or a newline; the grader refuses such a path (it would become mount options)`,
    };
  const shown = rootPath.startsWith('/') ? posix.normalize(rootPath) : posix.join(bundleDir, rootPath);
  let real: string;
  try {
    real = realpathSync(shown);
  } catch {
    return { ok: false, problem: `root.path "${rootPath}": ${shown} does not exist` };
  }
  if (!lstatSync(real).isDirectory()) return { ok: false, problem: `root.path "${rootPath}": ${shown} is not a directory` };
  if (real === '/')
    return { ok: false, problem: `root.path "${rootPath}" resolves to "/", this machine's own root; a container needs its own rootfs directory` };
  // The grader reads the rootfs as root and quotes what it finds (paths, modes, #! lines): a rootfs
  // elsewhere, such as a root-only directory, would make it an oracle for files the student cannot read.
  const bundleReal = realOrSelf(bundleDir);
  if (real !== bundleReal && !real.startsWith(`${bundleReal}/`))
    return {
      ok: false,
      problem: `root.path "${clip(rootPath)}" resolves to ${clip(real)}, outside the bundle ${bundleReal}; the grader reads a rootfs only inside the bundle (the lesson's "rootfs")`,
    };
  if (OVERLAY_SPECIAL.test(real))
    return { ok: false, problem: `root.path "${rootPath}" resolves to ${clip(real)}, which contains "," ":" "\\" '"' or a newline` };
  return { ok: true, real, shown };
}

/**
 * The rootfs as it goes into the overlay's mount options, checked by the grader itself whoever
 * validated it: an absolute, normalised path without a character overlayfs reads as syntax.
 */
export function lowerdirProblem(real: string): { readonly ok: false; readonly problem: string } | undefined {
  if (!real.startsWith('/') || posix.normalize(real) !== real || real === '/' || OVERLAY_SPECIAL.test(real))
    return { ok: false, problem: `the rootfs ${clip(real)} is not an absolute, normalised path without "," ":" "\\" '"' or a newline` };
  return undefined;
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * The ping probe: the deliverable (the container pings the host) checked without anything of the
 * student's running. Its program is the machine's static busybox, bind-mounted read-only into an
 * empty rootfs the grader owns; from the student's config it takes only the process settings that
 * decide whether ping may open its socket (capabilities, uid and gid, noNewPrivileges), each kept
 * within bounds, and the validated network namespace path.
 */

/** Where the trusted busybox appears inside the ping probe. */
export const PING_PROBE_BUSYBOX = '/bin/busybox';
/** The capability sets runc knows; anything else in the student's file is not a set. */
const CAPABILITY_SETS = ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const;
/** The sets a root process's ping needs CAP_NET_RAW in (erratum E-ping-needs-net-raw's fix). */
export const NET_RAW_SETS = ['bounding', 'effective', 'permitted'] as const;

/** Highest uid/gid the kernel accepts ((uid_t)-1 means "unchanged"). */
const ID_MAX = 0xfffffffe;
const MAX_GROUPS = 32;

/**
 * What the probe may ever be granted: the capabilities `runc spec` gives on this machine, plus
 * CAP_NET_RAW (what ping needs), never one of PROBE_FORBIDDEN_CAPS.
 */
export function probeCapabilityAllowList(spec: OciConfig): string[] {
  const all = new Set<string>([NET_RAW]);
  for (const caps of Object.values(spec.process.capabilities ?? {})) for (const cap of Array.isArray(caps) ? caps : []) all.add(cap);
  return [...all].filter((cap) => !PROBE_FORBIDDEN_CAPS.includes(cap)).sort();
}

/** The student's capability sets, each cut to the allow list: never more than they asked for, never more than the list. */
export function probeCapabilities(student: OciConfig, spec: OciConfig): Record<string, string[]> {
  const allowed = new Set(probeCapabilityAllowList(spec));
  const have: unknown = student.process.capabilities;
  const sets = have !== null && typeof have === 'object' && !Array.isArray(have) ? (have as Record<string, unknown>) : {};
  const out: Record<string, string[]> = {};
  for (const set of CAPABILITY_SETS) {
    const list: unknown = sets[set];
    out[set] = Array.isArray(list) ? [...new Set(list.filter((c): c is string => typeof c === 'string' && allowed.has(c)))] : [];
  }
  return out;
}

/** The sets of the student's config that lack CAP_NET_RAW, of those a root process's ping needs it in. */
export function netRawMissing(student: OciConfig): string[] {
  const have: unknown = student.process.capabilities;
  const sets = have !== null && typeof have === 'object' && !Array.isArray(have) ? (have as Record<string, unknown>) : {};
  return NET_RAW_SETS.filter((set) => {
    const list: unknown = sets[set];
    return !Array.isArray(list) || !list.includes(NET_RAW);
  });
}

interface ProbeUser {
  readonly uid: number;
  readonly gid: number;
  readonly additionalGids?: number[];
}

const validId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= ID_MAX;

/** process.user as numbers only (runc's default, 0, where the student's value is absent or not an id). */
export function probeUser(student: OciConfig): ProbeUser {
  const u: unknown = student.process.user;
  const o = u !== null && typeof u === 'object' && !Array.isArray(u) ? (u as Record<string, unknown>) : {};
  const groups = Array.isArray(o.additionalGids) ? o.additionalGids.filter(validId).slice(0, MAX_GROUPS) : [];
  return { uid: validId(o.uid) ? o.uid : 0, gid: validId(o.gid) ? o.gid : 0, ...(groups.length > 0 ? { additionalGids: groups } : {}) };
}

export interface PingProbeValues {
  /** The student's network namespace path, validated to be the namespace under grading. */
  readonly netnsPath: string;
  /** The machine's static busybox (a trusted tool, its real path). */
  readonly busybox: string;
  /** The address the container must reach (the plan's host address). */
  readonly hostIp: string;
  readonly cgroupsPath: string;
  readonly capabilities: Record<string, string[]>;
  readonly user: ProbeUser;
  readonly noNewPrivileges: boolean;
}

/** The process the ping probe runs: one echo request, two seconds for the reply. */
const pingProbeArgs = (hostIp: string): string[] => [PING_PROBE_BUSYBOX, 'ping', '-c', '1', '-W', '2', hostIp];

/**
 * The ping probe's config.json: `runc spec`'s, with an empty read-only rootfs (the grader's), the
 * trusted busybox bind-mounted read-only (nosuid, nodev) at /bin/busybox, the grader's args, no
 * hooks, terminal off, the namespaces runc spec lists (all new) with the network one at the
 * validated path, and the student's process settings as bounded above.
 */
export function generatePingProbeConfig(spec: OciConfig, v: PingProbeValues): OciConfig {
  const c = generateProbeConfig(spec, { netnsPath: v.netnsPath, args: pingProbeArgs(v.hostIp), cgroupsPath: v.cgroupsPath });
  c.process = { ...c.process, user: { ...v.user }, cwd: '/', capabilities: structuredClone(v.capabilities), noNewPrivileges: v.noNewPrivileges };
  const mounts = Array.isArray(c.mounts) ? (c.mounts as unknown[]) : [];
  c.mounts = [...mounts, { destination: PING_PROBE_BUSYBOX, type: 'bind', source: v.busybox, options: ['bind', 'ro', 'nosuid', 'nodev'] }];
  return c;
}

/** One line saying what the ping probe runs with: evidence (JUnit grade.probe) of what the grader granted. */
export function describePingProbe(v: Omit<PingProbeValues, 'cgroupsPath'>): string {
  const sets = CAPABILITY_SETS.map((set) => `${set}=[${(v.capabilities[set] ?? []).join(',')}]`).join(' ');
  const groups = v.user.additionalGids?.length ? ` groups ${v.user.additionalGids.join(',')}` : '';
  return `ping probe: ${pingProbeArgs(v.hostIp).join(' ')} (this machine's ${v.busybox}, read-only, in an empty rootfs of the grader's) in ${v.netnsPath} as uid ${v.user.uid} gid ${v.user.gid}${groups}, noNewPrivileges ${v.noNewPrivileges}, capabilities ${sets}`;
}
