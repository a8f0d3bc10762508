import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { DYNAMIC_BUSYBOX, fileLinkage } from './oci/busybox.js';
import { DOCKER_CLIENT } from './targets/docker.js';

export interface Prerequisite {
  readonly name: string;
  /** What it is needed for, in a few words. */
  readonly why: string;
  /** The Debian package that provides it. */
  readonly pkg: string;
  /** A command other than `apt-get install -y pkg` that provides it. */
  readonly install?: string;
  readonly check: (path: string) => Promise<boolean>;
}

const executable = (path: string): Promise<boolean> =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  );

/** Looks the binary up on PATH the way execvp would, without asking a shell. */
export async function findOnPath(bin: string, path: string): Promise<string | undefined> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, bin);
    if (await executable(candidate)) return candidate;
  }
  return undefined;
}

const onPath =
  (...bins: string[]) =>
  async (path: string): Promise<boolean> =>
    (await Promise.all(bins.map((b) => findOnPath(b, path)))).every((p) => p !== undefined);

const RUNC: Prerequisite = { name: 'runc', why: 'the OCI runtime under test', pkg: 'runc', check: onPath('runc') };
const IP: Prerequisite = { name: 'ip (iproute2)', why: 'netns, veth, addresses', pkg: 'iproute2', check: onPath('ip') };
const PING: Prerequisite = { name: 'ping (iputils-ping)', why: 'connectivity checks', pkg: 'iputils-ping', check: onPath('ping') };
const UTIL_LINUX: Prerequisite = {
  name: 'unshare, nsenter, setpriv (util-linux)',
  why: 'namespace sandboxes',
  pkg: 'util-linux',
  check: onPath('unshare', 'nsenter', 'setpriv'),
};

const BUSYBOX_STATIC: Prerequisite = {
  name: '/bin/busybox, statically linked (busybox-static)',
  why: "the container rootfs (the lesson copies the binary alone, which only a static busybox survives) and grading's ping probe",
  pkg: 'busybox-static',
  check: async () => (await executable('/bin/busybox')) && fileLinkage('/bin/busybox')?.kind === 'static',
};

/** What the lesson suite needs on the machine that runs its sandboxes. */
export const SANDBOX_PREREQUISITES: readonly Prerequisite[] = [
  RUNC,
  IP,
  PING,
  { name: 'jq', why: "the lesson's config edits", pkg: 'jq', check: onPath('jq') },
  BUSYBOX_STATIC,
  {
    name: `a dynamically linked busybox, unpacked in ${DYNAMIC_BUSYBOX}`,
    why: "Exercise 2: shows the lesson's cp failing with a dynamic busybox",
    pkg: 'busybox',
    install: 'npm run setup',
    check: async () => fileLinkage(DYNAMIC_BUSYBOX)?.kind === 'dynamic',
  },
  UTIL_LINUX,
  { name: 'iptables', why: "Common Error 4's NAT, inside the sandbox", pkg: 'iptables', check: onPath('iptables') },
  {
    name: 'CNI plugins (containernetworking-plugins)',
    why: "the Notes' CNI bridge plugin",
    pkg: 'containernetworking-plugins',
    check: () => executable('/usr/lib/cni/bridge'),
  },
  { name: 'chroot (coreutils)', why: 'busybox applet links in the rootfs', pkg: 'coreutils', check: onPath('chroot') },
];

/** The container target needs only Docker here; the tools live in the lab image. */
export const CONTAINER_PREREQUISITES: readonly Prerequisite[] = [
  { name: 'docker (docker.io)', why: 'lab containers', pkg: 'docker.io', check: onPath(DOCKER_CLIENT) },
];

/** Grading reads the student's lab with the same tools the lesson used, and pings from its probe with the machine's busybox. */
export const GRADE_PREREQUISITES: readonly Prerequisite[] = [RUNC, IP, PING, UTIL_LINUX, BUSYBOX_STATIC];

/** A target's prerequisites (helpers/targets/providers.ts) for the runtime under test. */
export function withRuntime(list: readonly Prerequisite[], runtime: string): readonly Prerequisite[] {
  // Under --runtime PATH the runtime under test is that file; runc on PATH is not used at all.
  if (runtime.includes('/')) return list.filter((p) => p !== RUNC);
  // A runtime by name (crun) is the one Debian package of that name.
  return runtime === 'runc' ? list : list.map((p) => (p === RUNC ? { ...RUNC, name: runtime, pkg: runtime, check: onPath(runtime) } : p));
}

interface PrereqStatus {
  readonly prereq: Prerequisite;
  readonly ok: boolean;
}

export async function checkPrerequisites(list: readonly Prerequisite[], path: string): Promise<PrereqStatus[]> {
  return Promise.all(list.map(async (prereq) => ({ prereq, ok: await prereq.check(path) })));
}

/** One command that installs everything missing. */
export function installCommand(missing: readonly PrereqStatus[]): string {
  const apt = [...new Set(missing.filter((m) => m.prereq.install === undefined).map((m) => m.prereq.pkg))];
  const other = [...new Set(missing.flatMap((m) => (m.prereq.install === undefined ? [] : [m.prereq.install])))];
  if (apt.length === 0) return other.join(' && ');
  return `apt-get install -y ${apt.join(' ')}   (or: npm run setup)`;
}
