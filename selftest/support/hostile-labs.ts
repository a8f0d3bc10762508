import { type OciConfig, type OciHook, type Patch, withCapability, withHook, withNetnsPath } from '../../helpers/oci/config.js';
import { formatCidr } from '../../helpers/net/cidr.js';
import { HOOK_KINDS } from '../../helpers/grade/findings.js';
import { HOST_DIR, LAB_DIR, lessonLab, MARKERS, SECRET_FILE, type GradeOptions, type StudentLab } from './grade-lab.js';

/**
 * Labs a hostile student could hand in (issue 9), each one the lesson's working lab plus an
 * attack. Payloads aim only at the sandbox's private /tmp and /run (markers, a "host" directory,
 * a root-only secret), so even a grader that fell for one would change nothing outside it.
 */

export interface Verdict {
  readonly exit: 0 | 1 | 2;
  /** The check that must fail, and what its diagnosis must say. */
  readonly fails?: string;
  readonly says?: RegExp;
  /** Checks that must be "not checked" because of it. */
  readonly notChecked?: readonly string[];
  /** Findings the grader must report (config it did not apply). */
  readonly findings?: readonly RegExp[];
  /** A refusal before anything runs (exit 2): its error line. */
  readonly refused?: RegExp;
  /** The report must stay below this size, and say this (a capped flood). */
  readonly reportAtMost?: number;
  readonly reportSays?: RegExp;
}

export interface HostileCase {
  readonly name: string;
  /** Which item of issue 9 it attacks. */
  readonly item: string;
  readonly build: (s: StudentLab) => Promise<void>;
  readonly options?: GradeOptions;
  readonly verdict: Verdict;
}

const LATER_BUNDLE_CHECKS = ['bundle-netns-path', 'bundle-rootfs', 'bundle-process', 'container-joins-netns'];

const edit =
  (f: (c: OciConfig) => void): Patch =>
  (c) => {
    const out = structuredClone(c);
    f(out);
    return out;
  };

async function patched(s: StudentLab, ...patches: Patch[]): Promise<void> {
  await lessonLab(s);
  await s.bundle.patch(...patches);
}

/**
 * A hook that, if run, leaves a marker, leaves a root process behind, and then either hangs or
 * fails with the secret in its output (which runc would quote in its error).
 */
function hookAttack(kind: string, ending: 'hang' | 'leak'): OciHook[] {
  return [
    { path: '/usr/bin/mkdir', args: ['mkdir', '-p', `${MARKERS}/${kind}`] },
    { path: '/usr/bin/setsid', args: ['setsid', '-f', 'sleep', '1000'] },
    ending === 'hang' ? { path: '/usr/bin/sleep', args: ['sleep', '1000'] } : { path: '/usr/bin/cat', args: ['cat', SECRET_FILE, '/no/such/file'] },
  ];
}

/** Replaces the rootfs's busybox with a script that, if run, writes through /srv and then runs the real one. */
async function wrapBusybox(s: StudentLab, body: string): Promise<void> {
  const bin = `${s.bundle.rootfs}/bin`;
  await s.t.must(['mv', `${bin}/busybox`, `${bin}/busybox.real`]);
  await s.t.writeFile(`${bin}/busybox`, `#!/bin/busybox.real sh\n${body}\nexec /bin/busybox.real "$@"\n`, '755');
}

const hookCases: HostileCase[] = HOOK_KINDS.map((kind, i) => ({
  name: `${kind} hooks (marker, a process left behind, ${i % 2 === 0 ? 'a hang' : 'the secret in a failing hook'})`,
  item: '1 hooks',
  build: async (s) => {
    let p: Patch = (c) => c;
    for (const h of hookAttack(kind, i % 2 === 0 ? 'hang' : 'leak')) {
      const prev = p;
      p = (c) => withHook(kind, h)(prev(c));
    }
    await patched(s, p);
  },
  verdict: { exit: 0, findings: [new RegExp(`config\\.json has 3 ${kind} hooks \\(/usr/bin/mkdir, /usr/bin/setsid, /usr/bin/(sleep|cat)\\): not run by the grader`)] },
}));

export const HOSTILE: readonly HostileCase[] = [
  ...hookCases,
  {
    name: 'read-write bind of a host directory, CAP_SYS_ADMIN, and a busybox that writes through it',
    item: '1 mounts + capabilities',
    build: async (s) => {
      await patched(
        s,
        edit((c) => {
          (c.mounts as unknown[]).push({ destination: '/srv', type: 'bind', source: HOST_DIR, options: ['rbind', 'rw'] });
        }),
        withCapability('CAP_SYS_ADMIN'),
      );
      await wrapBusybox(s, '/bin/busybox.real mkdir -p /srv/written-by-the-student');
    },
    verdict: {
      exit: 0,
      findings: [new RegExp(`mounts ${HOST_DIR} read-write \\(bind\\) into the container at /srv: not mounted by the grader`), /process\.capabilities adds CAP_SYS_ADMIN beyond runc spec's defaults: not granted/],
    },
  },
  {
    name: "uts namespace path /proc/1/ns/uts with a hostname (would rename PID 1's machine)",
    item: '1 namespace paths',
    build: (s) =>
      patched(
        s,
        edit((c) => {
          c.linux.namespaces = c.linux.namespaces.map((n) => (n.type === 'uts' ? { type: 'uts', path: '/proc/1/ns/uts' } : n));
          c.hostname = 'pwned-by-student';
        }),
      ),
    verdict: { exit: 0, findings: [/joins the uts namespace at \/proc\/1\/ns\/uts: not joined/, /sets hostname "pwned-by-student": not applied/] },
  },
  {
    name: 'ipc namespace path /proc/1/ns/ipc with kernel.msgmax (would change PID 1\'s IPC limits)',
    item: '1 namespace paths + sysctl',
    build: (s) =>
      patched(
        s,
        edit((c) => {
          c.linux.namespaces = c.linux.namespaces.map((n) => (n.type === 'ipc' ? { type: 'ipc', path: '/proc/1/ns/ipc' } : n));
          c.linux.sysctl = { 'kernel.msgmax': '4242' };
        }),
      ),
    verdict: { exit: 0, findings: [/joins the ipc namespace at \/proc\/1\/ns\/ipc: not joined/, /sets sysctl kernel\.msgmax=4242: not applied/] },
  },
  {
    name: "mount namespace path /proc/1/ns/mnt (runc would pivot PID 1's root filesystem)",
    item: '1 namespace paths (destructive)',
    build: (s) =>
      patched(
        s,
        edit((c) => {
          c.linux.namespaces = c.linux.namespaces.map((n) => (n.type === 'mount' ? { type: 'mount', path: '/proc/1/ns/mnt' } : n));
        }),
      ),
    verdict: { exit: 0, findings: [/joins the mount namespace at \/proc\/1\/ns\/mnt: not joined/] },
  },
  {
    name: "net sysctls that would change the student's namespace for good (icmp_echo_ignore_all, forwarding)",
    item: '1 linux.sysctl net keys',
    build: (s) =>
      patched(
        s,
        edit((c) => {
          c.linux.sysctl = { 'net.ipv4.icmp_echo_ignore_all': '1', 'net.ipv4.conf.all.forwarding': '1' };
        }),
      ),
    verdict: { exit: 0, findings: [/sets sysctl net\.ipv4\.icmp_echo_ignore_all=1: not applied/, /sets sysctl net\.ipv4\.conf\.all\.forwarding=1/] },
  },
  {
    name: 'network path /proc/1/ns/net (the machine\'s own network namespace)',
    item: '1 namespace paths',
    build: (s) => patched(s, withNetnsPath('/proc/1/ns/net')),
    verdict: { exit: 1, fails: 'bundle-netns-path', says: /\/proc\/1\/ns\/net[\s\S]*Common Error 1/, notChecked: ['container-joins-netns'] },
  },
  {
    name: "the namespace file is a bind mount of the machine's own network namespace (listed, nsfs, isolating nothing)",
    item: '1 namespace paths',
    build: async (s) => {
      await lessonLab(s);
      const p = s.plan;
      // Both veth ends on the "host", with the lesson's addresses, and container-net naming the host's namespace.
      await s.t.must(['ip', '-n', p.netns, 'link', 'set', p.nsVeth, 'netns', '1']);
      await s.t.must(['umount', p.netnsPath]);
      await s.t.must(['mount', '--bind', '/proc/1/ns/net', p.netnsPath]);
      await s.t.must(['ip', 'addr', 'add', formatCidr(p.nsCidr), 'dev', p.nsVeth]);
      await s.t.must(['ip', 'link', 'set', p.nsVeth, 'up']);
    },
    verdict: {
      exit: 1,
      fails: 'netns-exists',
      says: /is a namespace of its own, not this machine's[\s\S]*Common Error 1[\s\S]*ip netns add/,
      notChecked: ['ns-veth-visible', 'ns-loopback-up', 'ping-host-to-ns', 'ping-ns-to-host', 'container-joins-netns'],
    },
  },
  {
    name: 'root.path with ",", "\\" and an upperdir= fragment (overlay option injection)',
    item: '1 root.path injection',
    build: (s) =>
      patched(
        s,
        edit((c) => {
          c.root = { path: `rootfs\\,upperdir=${HOST_DIR}/upper,workdir=${HOST_DIR}/work`, readonly: true };
        }),
      ),
    verdict: { exit: 1, fails: 'bundle-rootfs', says: /contains "," ":" "\\" '"' or a newline; the grader refuses such a path/, notChecked: ['bundle-process', 'container-joins-netns'] },
  },
  {
    name: 'config.json is a symbolic link to a root-only secret',
    item: '3 student files read safely',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ln', '-sf', SECRET_FILE, s.bundle.configPath]);
    },
    verdict: { exit: 1, fails: 'bundle-config', says: /config\.json is a symbolic link; the grader reads only the file itself/, notChecked: LATER_BUNDLE_CHECKS },
  },
  {
    name: 'the bundle directory is a symbolic link into a root-only directory',
    item: '3 student files read safely',
    build: async (s) => {
      await lessonLab(s);
      const hidden = '/run/hostile-private';
      await s.t.must(['mkdir', '-m', '700', hidden]);
      await s.bundle.patch(withHook('prestart', { path: `/${s.secret}` }));
      await s.t.must(['mv', s.plan.bundleDir, `${hidden}/oci-netns-test`]);
      await s.t.must(['ln', '-s', `${hidden}/oci-netns-test`, s.plan.bundleDir]);
    },
    options: { trees: ['/run/hostile-private'] },
    verdict: { exit: 1, fails: 'bundle-config', says: /oci-netns-test is a symbolic link \(to \/run\/hostile-private\/oci-netns-test\)[\s\S]*--bundle/, notChecked: LATER_BUNDLE_CHECKS },
  },
  {
    name: 'config.json is a FIFO (a grader that opens it waits forever)',
    item: '3, 6 no hang',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['rm', s.bundle.configPath]);
      await s.t.must(['mkfifo', s.bundle.configPath]);
    },
    verdict: { exit: 1, fails: 'bundle-config', says: /is a FIFO \(named pipe\), not a regular file/, notChecked: LATER_BUNDLE_CHECKS },
  },
  {
    name: 'config.json is /dev/zero (a character device: endless bytes)',
    item: '3, 6 no hang',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['rm', s.bundle.configPath]);
      await s.t.must(['mknod', s.bundle.configPath, 'c', '1', '5']);
    },
    verdict: { exit: 1, fails: 'bundle-config', says: /is a character device, not a regular file/, notChecked: LATER_BUNDLE_CHECKS },
  },
  {
    name: 'config.json is 2 GB (sparse)',
    item: '3 size cap',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['truncate', '-s', '2G', s.bundle.configPath]);
    },
    verdict: { exit: 1, fails: 'bundle-config', says: /is 2147483648 bytes, more than the 1048576 bytes/, notChecked: LATER_BUNDLE_CHECKS },
  },
  {
    name: '--junit is a symbolic link to a root-only file',
    item: '4 reports written safely',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ln', '-s', SECRET_FILE, `${LAB_DIR}/report.xml`]);
    },
    options: { junit: `${LAB_DIR}/report.xml` },
    verdict: { exit: 2, refused: /--junit: \/tmp\/lab\/report\.xml is a symbolic link; reports are never written through links/ },
  },
  {
    name: '--junit inside the bundle',
    item: '4 reports written safely',
    build: lessonLab,
    options: { junit: `${LAB_DIR}/oci-netns-test/grade.xml` },
    verdict: { exit: 2, refused: /--junit: \/tmp\/lab\/oci-netns-test\/grade\.xml lies inside \/tmp\/lab\/oci-netns-test/ },
  },
  {
    name: '--junit in a directory that is a link into the bundle',
    item: '4 reports written safely',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ln', '-s', s.plan.bundleDir, `${LAB_DIR}/reports`]);
    },
    options: { junit: `${LAB_DIR}/reports/grade.xml` },
    verdict: { exit: 2, refused: /--junit: \/tmp\/lab\/reports\/grade\.xml lies inside \/tmp\/lab\/oci-netns-test/ },
  },
  {
    name: "a flood: 3,000 addresses on the student's host and a busybox that prints without end",
    item: '4 output capped',
    build: async (s) => {
      await lessonLab(s);
      await wrapBusybox(s, 'exec /bin/busybox.real yes flood-from-the-student');
      // Addresses, not interfaces: each interface would add a hundred sysctls to every snapshot.
      const adds = Array.from({ length: 3000 }, (_, i) => `addr add 10.${100 + Math.floor(i / 250)}.${i % 250}.1/32 dev flood0`);
      await s.t.must(['ip', '-batch', '-'], { input: ['link add flood0 type veth peer name flood1', ...adds, ''].join('\n') });
      await s.t.must(['ip', 'link', 'set', s.plan.hostVeth, 'down']);
    },
    verdict: { exit: 1, fails: 'host-veth-up', says: /veth-host has the UP flag[\s\S]*Common Error 2/, notChecked: ['ping-host-to-ns', 'ping-ns-to-host'], reportAtMost: 256 * 1024, reportSays: /… \d+ bytes cut/ },
  },
  {
    name: 'rootfs/bin/sh is a relative link climbing out of the rootfs to a root-only secret',
    item: '3 rootfs paths resolve inside the rootfs',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ln', '-sf', `../../../../../../../../..${SECRET_FILE}`, `${s.bundle.rootfs}/bin/sh`]);
    },
    verdict: { exit: 1, fails: 'bundle-process', says: /\/run\/hostile-secret does not exist in the rootfs \(links resolve inside the rootfs, never on this machine: \/bin\/sh -> /, notChecked: ['container-joins-netns'] },
  },
];
