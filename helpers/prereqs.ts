import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export interface Prerequisite {
  readonly name: string;
  /** What it is needed for, in a few words. */
  readonly why: string;
  /** How to get it on Debian. */
  readonly install: string;
  readonly check: () => Promise<boolean>;
}

const executable = (path: string): Promise<boolean> => access(path, constants.X_OK).then(() => true, () => false);

/** Looks the binary up on PATH the way execvp would, without asking a shell. */
export async function findOnPath(bin: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, bin);
    if (await executable(candidate)) return candidate;
  }
  return undefined;
}

const onPath = (bin: string) => async (): Promise<boolean> => (await findOnPath(bin)) !== undefined;

const apt = (pkg: string): string => `apt-get install -y ${pkg}   (or: npm run setup)`;

export const PREREQUISITES: readonly Prerequisite[] = [
  { name: 'runc', why: 'the OCI runtime under test', install: apt('runc'), check: onPath('runc') },
  { name: 'ip (iproute2)', why: 'netns, veth, addresses', install: apt('iproute2'), check: onPath('ip') },
  { name: 'ping (iputils-ping)', why: 'connectivity checks', install: apt('iputils-ping'), check: onPath('ping') },
  { name: 'jq', why: "the lesson's config edits", install: apt('jq'), check: onPath('jq') },
  {
    name: '/bin/busybox (busybox-static)',
    why: 'the container rootfs',
    install: apt('busybox-static'),
    check: () => executable('/bin/busybox'),
  },
  {
    name: 'unshare, nsenter, setpriv, setsid (util-linux)',
    why: 'the per-test sandbox',
    install: apt('util-linux'),
    check: async () => (await Promise.all(['unshare', 'nsenter', 'setpriv', 'setsid'].map((b) => onPath(b)()))).every(Boolean),
  },
  {
    name: 'root',
    why: 'ip netns, veth and runc need CAP_SYS_ADMIN and CAP_NET_ADMIN',
    install: 'run as root: sudo npm test (npm test re-runs itself with sudo -n when that needs no password)',
    check: async () => process.getuid?.() === 0,
  },
  { name: 'iptables', why: "Common Error 4's NAT, inside the sandbox", install: apt('iptables'), check: onPath('iptables') },
  {
    name: 'CNI plugins (containernetworking-plugins)',
    why: "the Notes' CNI bridge plugin",
    install: apt('containernetworking-plugins'),
    check: () => executable('/usr/lib/cni/bridge'),
  },
  { name: 'chroot (coreutils)', why: 'busybox applet links in the rootfs', install: apt('coreutils'), check: onPath('chroot') },
];

export interface PrereqStatus {
  readonly prereq: Prerequisite;
  readonly ok: boolean;
}

export async function checkPrerequisites(list: readonly Prerequisite[] = PREREQUISITES): Promise<PrereqStatus[]> {
  return Promise.all(list.map(async (prereq) => ({ prereq, ok: await prereq.check() })));
}

export function formatMissing(missing: readonly PrereqStatus[]): string {
  return missing.map((m) => `${m.prereq.name} is missing (needed for ${m.prereq.why}); install: ${m.prereq.install}`).join('\n');
}

let cached: Promise<PrereqStatus[]> | undefined;

/** Checked once per worker process. */
export function missingPrerequisites(): Promise<PrereqStatus[]> {
  cached ??= checkPrerequisites().then((all) => all.filter((s) => !s.ok));
  return cached;
}

export const isCI = (): boolean => process.env.CI === 'true' || process.env.CI === '1';
