import { parseIpJson, type Iface } from '../net/ip.js';
import type { Target } from '../targets/types.js';

/** Inodes of namespace files (links followed), by path; a path that cannot be read is absent. */
async function nsInodes(t: Target, paths: readonly string[]): Promise<Map<string, string>> {
  const read = await Promise.all(paths.map(async (p) => [p, await t.inode(p)] as const));
  return new Map(read.flatMap(([p, r]) => (r.exitCode === 0 && /^\d+$/.test(r.stdout.trim()) ? [[p, r.stdout.trim()] as const] : [])));
}

/** The namespace of whatever runs commands on the target (the sandbox's own, on the sandbox target). */
const OWN_NETNS = '/proc/self/ns/net';

/**
 * What the kernel says about a process a runtime called its container: whether the process sits
 * in the bundle's cgroup (so the pid really is the container's, not any process), the inode of
 * its network namespace next to the target's own, and the interfaces of that namespace.
 */
export interface ContainerNetns {
  readonly pid: number;
  /** /proc/<pid>/cgroup, empty when the process does not exist. */
  readonly cgroup: string;
  readonly inCgroup: boolean;
  /**
   * Set when the process is not at the bundle's cgroupsPath but in a cgroup the runtime named for
   * the container itself (`…/<id>`, `runc-<id>.scope`), which is where runc puts a container whose
   * config has no cgroupsPath: the pid is the container's, and the runtime ignores cgroupsPath.
   */
  readonly ownCgroup: string | undefined;
  readonly inode: string | undefined;
  /** The target's own network namespace. */
  readonly own: string | undefined;
  /** Inodes of the extra namespace files asked for, by path. */
  readonly others: ReadonlyMap<string, string>;
  /** `ip -j addr` run inside the container's namespace (by the harness, not the runtime). */
  readonly view: Iface[] | undefined;
}

/** The cgroup paths of a /proc/<pid>/cgroup text (v1: one per hierarchy; v2: the one `0::` line). */
const cgroupPaths = (text: string): string[] => text.split('\n').flatMap((l) => (/^\d+:[^:]*:(\/.*)$/.exec(l.trim())?.[1] ?? []) as string[]);

/** The cgroup, among `paths`, that a runtime named for container `id` when it chose the path itself. */
export function cgroupNamedFor(paths: readonly string[], id: string): string | undefined {
  const leaf = new RegExp(`^(?:[a-z]+-)?${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:\\.scope)?$`);
  return paths.find((p) => leaf.test(p.split('/').pop() ?? ''));
}

/**
 * Identity by membership: the pid is the container's when it sits in the container's cgroup, the
 * bundle's cgroupsPath or, for a runtime that ignores it, the cgroup the runtime named for `id`.
 */
export async function inspectContainerNetns(
  t: Target,
  pid: number,
  cgroupsPath: string | undefined,
  others: readonly string[] = [],
  id?: string,
): Promise<ContainerNetns> {
  const path = `/proc/${pid}/ns/net`;
  const cg = await t.read(`/proc/${pid}/cgroup`);
  const cgroup = cg.exitCode === 0 ? cg.stdout : '';
  const paths = cgroupPaths(cgroup);
  const inCgroup = cgroupsPath !== undefined && paths.some((p) => p === cgroupsPath || p.endsWith(cgroupsPath));
  const ownCgroup = inCgroup || id === undefined ? undefined : cgroupNamedFor(paths, id);
  const inodes = await nsInodes(t, [path, OWN_NETNS, ...others]);
  const ip = inCgroup || ownCgroup !== undefined ? await t.exec(['nsenter', `--net=${path}`, 'ip', '-j', 'addr', 'show']) : undefined;
  return {
    pid,
    cgroup,
    inCgroup,
    ownCgroup,
    inode: inodes.get(path),
    own: inodes.get(OWN_NETNS),
    others: new Map(others.flatMap((o) => (inodes.has(o) ? [[o, inodes.get(o) ?? '']] : []))),
    view: ip?.exitCode === 0 ? parseIpJson(ip.stdout) : undefined,
  };
}

/** A process that exists and has not exited (a zombie waiting for its parent has exited). */
export async function processAlive(t: Target, pid: number): Promise<boolean> {
  const r = await t.read(`/proc/${pid}/stat`);
  if (r.exitCode !== 0) return false;
  const state = /\) (\S)/.exec(r.stdout)?.[1];
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/**
 * argv that lists the cgroup directories named `cgroupsPath` on the target: directories of real
 * cgroup file systems only. Under crun on a hybrid host the sandbox covers "unified" with a tmpfs,
 * where crun leaves plain directories and a plain `cgroup.procs` file; those are neither cgroups
 * nor a list of processes anyone may act on.
 */
export const findCgroupDirsArgv = (cgroupsPath: string): string[] => [
  'find',
  '/sys/fs/cgroup',
  '-maxdepth',
  '3',
  '(',
  '-fstype',
  'cgroup',
  '-o',
  '-fstype',
  'cgroup2',
  ')',
  '-type',
  'd',
  '-path',
  `*${cgroupsPath}`,
];

/**
 * The processes whose network namespace has this inode, as "pid (comm)": what keeps a namespace
 * alive after its container exited. A namespace held only by a mount (ip netns add's bind mount) lists none.
 */
export async function netnsHolders(t: Target, inode: string): Promise<string[]> {
  // find matches the link text with a glob: the brackets of "net:[…]" must be escaped.
  const r = await t.exec(['find', '/proc', '-mindepth', '3', '-maxdepth', '3', '-path', '/proc/[0-9]*/ns/net', '-lname', `net:\\[${inode}\\]`]);
  const pids = r.stdout.split('\n').flatMap((l) => /^\/proc\/(\d+)\/ns\/net$/.exec(l.trim())?.[1] ?? []);
  return Promise.all(pids.map(async (pid) => `${pid} (${(await t.read(`/proc/${pid}/comm`)).stdout.trim() || '?'})`));
}
