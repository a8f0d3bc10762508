import { waitFor } from '../../helpers/wait.js';
import { writeFileSync } from 'node:fs';
import { type OciConfig, type OciHook, type Patch, withArgs, withCapability, withHook, withNetnsPath } from '../../helpers/oci/config.js';
import { hostMachines } from '../../helpers/oci/elf.js';
import { buildElf } from './hostile-elf.js';
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
  /** More checks the same cause fails (each reads what it reads), with the same diagnosis unless alsoSays gives theirs. */
  readonly alsoFails?: readonly string[];
  readonly alsoSays?: RegExp;
  /** Checks that must be "not checked" because of it. */
  readonly notChecked?: readonly string[];
  /** Findings the grader must report (config it did not apply). */
  readonly findings?: readonly RegExp[];
  /** Grading must end within this long (the grader's own bound). */
  readonly withinMs?: number;
  /** What `options.inspect` must find (runc's own words for the same config). */
  readonly inspectSays?: RegExp;
  /** A refusal before anything runs (exit 2): its error line. */
  readonly refused?: RegExp;
  /** What the grader's ping probe ran with (grade.probe of container-pings-host) must say, and must not. */
  readonly probeSays?: RegExp;
  readonly probeLacks?: RegExp;
  /** The report must stay below this size, and say this (a capped flood). */
  readonly reportAtMost?: number;
  readonly reportSays?: RegExp;
}

export interface HostileCase {
  readonly name: string;
  /** Which item of issue 9 it attacks. */
  readonly item: string;
  /** Which issue listed it (9: the first review, 20: the second). */
  readonly issue?: 9 | 20;
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
  verdict: {
    exit: 0,
    findings: [new RegExp(`config\\.json has 3 ${kind} hooks \\(/usr/bin/mkdir, /usr/bin/setsid, /usr/bin/(sleep|cat)\\): not run by the grader`)],
  },
}));

/** The student who ran sudo, in the sandbox: uid 65534 (nobody), who owns nothing there. */
const STUDENT = { uid: 65534, gid: 65534, user: 'nobody' } as const;
const ROOT_ONLY_DIR = '/run/rootonly';

/** A root-only (0700) directory, and the student's own directory with a link into it. */
async function rootOnlyAndLink(s: StudentLab): Promise<void> {
  await lessonLab(s);
  await s.t.must(['mkdir', '-m', '700', ROOT_ONLY_DIR]);
  await s.t.must(['mkdir', '-p', '/tmp/student']);
  await s.t.must(['ln', '-s', ROOT_ONLY_DIR, '/tmp/student/out']);
  await s.t.must(['chown', '-hR', `${STUDENT.uid}:${STUDENT.gid}`, '/tmp/student']);
}

/** What a student can put in a string: a screen clear, a fake green line, and two CDATA ends. */
const ESCAPES = '\u001b[2J\u001b[H\u001b[32mPASS  everything, 16 of 16\u001b[0m ]]> and ]]> ';

/** runc run by hand on the student's bundle in the sandbox: what runc itself says of the config. */
async function runcSays(s: StudentLab): Promise<string> {
  const r = await s.t.exec(['runc', '--root', '/tmp/runc-agrees', 'create', '--bundle', s.plan.bundleDir, 'agrees'], { timeoutMs: 15_000 });
  await s.t.exec(['runc', '--root', '/tmp/runc-agrees', 'delete', '--force', 'agrees']);
  return `${r.stdout}${r.stderr}`;
}

/** The whole lab handed to the student (uid 65534): the grader must read it with that uid's rights. */
const ownedByStudent = (s: StudentLab): Promise<unknown> => s.t.must(['chown', '-R', `${STUDENT.uid}:${STUDENT.gid}`, LAB_DIR]);

/** A program for this machine, written byte by byte: dynamically linked with `interpreter`, needing `needed`. */
async function program(s: StudentLab, interpreter: string, needed: readonly string[]): Promise<void> {
  const bytes = buildElf({ bits: 64, littleEndian: true, machine: hostMachines()[0] ?? 62, interpreter, needed });
  // Bytes, not text: through the sandbox's own path on this machine.
  writeFileSync(s.box.host(`${s.bundle.rootfs}/bin/netcheck`), bytes, { mode: 0o755 });
  await s.bundle.patch(withArgs('/bin/netcheck'));
}

/** Issue 20's catalogue: the second adversarial review. */
const issue20: HostileCase[] = [
  {
    name: 'process.capabilities with every dangerous capability in every set, noNewPrivileges off, and a rootfs busybox that writes a marker (the ping probe must run none of it)',
    item: '5 deliverable checked without running student code',
    build: async (s) => {
      await patched(
        s,
        edit((c) => {
          const all = [
            'CAP_SYS_ADMIN',
            'CAP_NET_ADMIN',
            'CAP_SYS_MODULE',
            'CAP_SYS_PTRACE',
            'CAP_SYS_RAWIO',
            'CAP_DAC_READ_SEARCH',
            'CAP_DAC_OVERRIDE',
            'CAP_SETUID',
            'CAP_NET_RAW',
          ];
          c.process.capabilities = { bounding: all, effective: all, permitted: all, inheritable: all, ambient: all };
          c.process.noNewPrivileges = false;
        }),
      );
      await wrapBusybox(s, `/bin/busybox.real mkdir -p ${MARKERS}/ran-the-students-busybox`);
    },
    verdict: {
      exit: 0,
      findings: [
        /process\.capabilities adds CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_NET_ADMIN, CAP_SETUID, CAP_SYS_ADMIN, CAP_SYS_MODULE, CAP_SYS_PTRACE, CAP_SYS_RAWIO beyond runc spec's defaults: not granted by the grader/,
      ],
      probeSays:
        /noNewPrivileges false, capabilities bounding=\[CAP_NET_RAW\] effective=\[CAP_NET_RAW\] permitted=\[CAP_NET_RAW\] inheritable=\[CAP_NET_RAW\] ambient=\[CAP_NET_RAW\]$/,
      probeLacks: /CAP_SYS|CAP_NET_ADMIN|CAP_DAC|CAP_SETUID/,
    },
  },
  {
    name: "the program is a root-only file in the student's bundle (what a bundle swapped for a link to /run showed the old grader)",
    item: "3, 5 student files read with the student's rights",
    build: async (s) => {
      await lessonLab(s);
      await ownedByStudent(s);
      await s.t.writeFile(`${s.bundle.rootfs}/bin/netcheck`, `#!/${s.secret}\n`, '700');
      await s.t.must(['chown', '0:0', `${s.bundle.rootfs}/bin/netcheck`]);
      await s.bundle.patch(withArgs('/bin/netcheck'));
    },
    verdict: { exit: 1, fails: 'bundle-process', says: /\/bin\/netcheck cannot be read as a regular file/, notChecked: ['container-joins-netns'] },
  },
  {
    name: 'PT_INTERP names a file in a root-only directory of the machine (its existence must not show)',
    item: '4 student paths never tested on the host as root',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['mkdir', '-m', '700', ROOT_ONLY_DIR]);
      await s.t.writeFile(`${ROOT_ONLY_DIR}/ld-secret.so`, s.secret);
      await program(s, `${ROOT_ONLY_DIR}/ld-secret.so`, []);
      await ownedByStudent(s);
    },
    options: { trees: [ROOT_ONLY_DIR] },
    // As the student, the file is as absent as any other: "install", never "cp -L" of a file only root can see.
    verdict: {
      exit: 1,
      fails: 'bundle-process',
      says: /ELF interpreter \/run\/rootonly\/ld-secret\.so;[\s\S]*install \/run\/rootonly\/ld-secret\.so at/,
      notChecked: ['container-joins-netns'],
    },
  },
  {
    name: 'ld.so.conf including 300 files of 64 KiB each (a static analysis that never ends)',
    item: '5 hard deadline',
    build: async (s) => {
      await lessonLab(s);
      const etc = `${s.bundle.rootfs}/etc`;
      await s.t.must(['mkdir', '-p', `${etc}/ld.so.conf.d`, `${s.bundle.rootfs}/lib64`]);
      await s.t.writeFile(`${etc}/ld.so.conf`, 'include /etc/ld.so.conf.d/*.conf\n');
      for (let f = 0; f < 300; f++) {
        const lines = Array.from({ length: 4000 }, (_, i) => `/l/${f}/d${i}`).join('\n');
        await s.t.writeFile(`${etc}/ld.so.conf.d/${String(f).padStart(3, '0')}.conf`, lines.slice(0, 64 * 1024 - 1));
      }
      await s.t.must(['cp', '/bin/busybox', `${s.bundle.rootfs}/lib64/ld-slow.so`]);
      await program(s, '/lib64/ld-slow.so', ['libslow1.so', 'libslow2.so']);
    },
    // Either the deadline stops it, or it ends in time and names the missing library; never longer than a minute.
    verdict: { exit: 1, fails: 'bundle-process', says: /did not finish within \d+ s|hung|needs the library libslow1\.so/, withinMs: 60_000 },
  },
  {
    name: "veth ends not connected: veth-host's peer in a decoy namespace, veth-container's in another; the decoys answer both pings",
    item: '9 veth pair proven connected',
    build: async (s) => {
      await lessonLab(s);
      const p = s.plan;
      const run = (argv: string[]): Promise<unknown> => s.t.must(argv);
      await run(['ip', 'link', 'del', p.hostVeth]);
      for (const ns of ['decoy1', 'decoy2']) await run(['ip', 'netns', 'add', ns]);
      await run(['ip', 'link', 'add', p.hostVeth, 'type', 'veth', 'peer', 'name', 'd1', 'netns', 'decoy1']);
      await run(['ip', '-n', p.netns, 'link', 'add', p.nsVeth, 'type', 'veth', 'peer', 'name', 'd2', 'netns', 'decoy2']);
      await run(['ip', 'addr', 'add', formatCidr(p.hostCidr), 'dev', p.hostVeth]);
      await run(['ip', '-n', p.netns, 'addr', 'add', formatCidr(p.nsCidr), 'dev', p.nsVeth]);
      await run(['ip', '-n', 'decoy1', 'addr', 'add', formatCidr(p.nsCidr), 'dev', 'd1']);
      await run(['ip', '-n', 'decoy2', 'addr', 'add', formatCidr(p.hostCidr), 'dev', 'd2']);
      for (const [ns, dev] of [
        [undefined, p.hostVeth],
        [p.netns, p.nsVeth],
        ['decoy1', 'd1'],
        ['decoy2', 'd2'],
        ['decoy1', 'lo'],
        ['decoy2', 'lo'],
      ] as const)
        await run(['ip', ...(ns ? ['-n', ns] : []), 'link', 'set', dev, 'up']);
      // The snapshot before grading must see the links as they stay: carrier up, IPv6 past its tentative phase.
      for (const [ns, dev] of [
        [undefined, p.hostVeth],
        [p.netns, p.nsVeth],
        ['decoy1', 'd1'],
        ['decoy2', 'd2'],
      ] as const) {
        const where = ns ? ['-n', ns] : [];
        await waitFor(
          async () => {
            const link = await s.t.exec(['ip', ...where, '-j', 'link', 'show', 'dev', dev]);
            const tentative = await s.t.exec(['ip', ...where, '-6', 'addr', 'show', 'dev', dev, 'tentative']);
            return link.stdout.includes('"operstate":"UP"') && tentative.exitCode === 0 && tentative.stdout.trim() === '';
          },
          { timeoutMs: 15_000, intervalMs: 100, what: `${dev} to be up with no tentative address` },
        );
      }
      // Both pings of the old grader are answered, by the decoys.
      await run(['ping', '-c', '1', '-W', '2', '-I', p.hostVeth, p.nsCidr.address]);
      await run(['ip', 'netns', 'exec', p.netns, 'ping', '-c', '1', '-W', '2', '-I', p.nsVeth, p.hostCidr.address]);
    },
    verdict: {
      exit: 1,
      fails: 'veth-pair-connected',
      says: /peer is veth-container[\s\S]*seen:[\s\S]*veth-host: veth, peer ifindex \d+ in decoy1[\s\S]*ip link add veth-host type veth peer name veth-container/,
      notChecked: ['ping-host-to-ns', 'ping-ns-to-host', 'container-pings-host'],
    },
  },
  {
    name: 'config.json lists the network namespace twice (runc: duplicated ns)',
    item: '10 config.json validated as runc validates it',
    build: (s) =>
      patched(
        s,
        edit((c) => {
          c.linux.namespaces.push({ type: 'network', path: '/var/run/netns/container-net' });
        }),
      ),
    options: { inspect: runcSays },
    verdict: {
      exit: 1,
      fails: 'bundle-config',
      says: /runc refuses .*config\.json: malformed spec file: duplicated ns \{"network" "\/var\/run\/netns\/container-net"\}/,
      inspectSays: /duplicated ns \{\\?"network\\?" \\?"\/var\/run\/netns\/container-net\\?"\}/,
      notChecked: LATER_BUNDLE_CHECKS,
    },
  },
  {
    name: 'config.json has a namespace of type "bogus" (runc: namespace does not exist)',
    item: '10 config.json validated as runc validates it',
    build: (s) =>
      patched(
        s,
        edit((c) => {
          c.linux.namespaces.push({ type: 'bogus' });
        }),
      ),
    options: { inspect: runcSays },
    verdict: {
      exit: 1,
      fails: 'bundle-config',
      says: /runc refuses .*config\.json: namespace \{"bogus" ""\} does not exist/,
      inspectSays: /namespace \{\\?"bogus\\?" \\?"\\?"\} does not exist/,
      notChecked: LATER_BUNDLE_CHECKS,
    },
  },
  {
    name: 'config.json has "cwd": "tmp" (runc: Cwd must be an absolute path)',
    item: '10 config.json validated as runc validates it',
    build: (s) =>
      patched(
        s,
        edit((c) => {
          c.process.cwd = 'tmp';
        }),
      ),
    options: { inspect: runcSays },
    verdict: {
      exit: 1,
      fails: 'bundle-config',
      says: /runc refuses .*config\.json: Cwd must be an absolute path[\s\S]*"\/tmp"/,
      inspectSays: /Cwd must be an absolute path/,
      notChecked: LATER_BUNDLE_CHECKS,
    },
  },
  {
    name: 'config.json nested 200,000 deep (a recursive parser overflows its stack)',
    item: '6 bounded parsing',
    build: async (s) => {
      await lessonLab(s);
      await s.t.writeFile(s.bundle.configPath, `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    },
    verdict: { exit: 1, fails: 'bundle-config', says: /nests arrays and objects more than 64 levels deep/, notChecked: LATER_BUNDLE_CHECKS },
  },
  {
    // 1,200 rather than issue 20's 5,000: each one adds a hundred sysctls to both snapshots. Output cut
    // at the cap (5,000 interfaces) is the same LabDataError, unit-tested in selftest/helpers/ip.test.ts.
    name: '1,200 interfaces in the namespace (more than the 1,024 the grader reads)',
    item: '6 bounded parsing',
    build: async (s) => {
      await lessonLab(s);
      const adds = Array.from({ length: 600 }, (_, i) => `link add fa${i} type veth peer name fb${i}`);
      await s.t.must(['ip', '-n', s.plan.netns, '-batch', '-'], { input: `${adds.join('\n')}\n`, timeoutMs: 120_000 });
    },
    options: { netSysctls: false },
    verdict: {
      exit: 1,
      fails: 'ns-veth-visible',
      alsoFails: ['ns-loopback-up'],
      says: /ip -j addr show lists 1202 entries, more than the 1024 the grader reads[\s\S]*ip link del/,
      notChecked: [
        'ns-veth-up',
        'ns-veth-address',
        'veth-pair-connected',
        'ping-host-to-ns',
        'ping-ns-to-host',
        'container-joins-netns',
        'container-pings-host',
      ],
    },
  },
  {
    name: 'an interface in the namespace named with an escape sequence (iproute2 prints it raw in JSON)',
    item: '6 bounded parsing, 8 escapes',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ip', '-n', s.plan.netns, 'link', 'add', 'e\u001b[2Jx', 'type', 'veth', 'peer', 'name', 'e2']);
    },
    verdict: { exit: 0 },
  },
  {
    name: 'args[0] with a screen clear, a fake green verdict and two "]]>" (console and JUnit)',
    item: '7 JUnit, 8 console escapes',
    build: (s) =>
      patched(
        s,
        edit((c) => {
          c.process.args = [ESCAPES, '-c', 'true'];
        }),
      ),
    verdict: { exit: 1, fails: 'bundle-process', says: /\\x1b\[2J\\x1b\[H\\x1b\[32mPASS {2}everything/, notChecked: ['container-joins-netns'] },
  },
  {
    name: '--junit into a root-only (0700) directory, graded through sudo by the student',
    item: "2 reports with the caller's rights",
    build: rootOnlyAndLink,
    options: { junit: `${ROOT_ONLY_DIR}/x.xml`, sudoBy: STUDENT, trees: [ROOT_ONLY_DIR] },
    verdict: { exit: 2, refused: /--junit: \/run\/rootonly\/x\.xml cannot be written by uid 65534, the user who ran sudo \(permission denied/ },
  },
  {
    name: "--junit through the student's link in a parent directory (/tmp/student/out -> /run/rootonly), through sudo",
    item: "2 reports with the caller's rights",
    build: rootOnlyAndLink,
    options: { junit: '/tmp/student/out/alice.xml', sudoBy: STUDENT, trees: [ROOT_ONLY_DIR, '/tmp/student'] },
    verdict: { exit: 2, refused: /--junit: \/tmp\/student\/out\/alice\.xml cannot be written by uid 65534/ },
  },
  {
    name: "--junit through the student's link in a parent directory, graded by root directly",
    item: '2 reports: no link in any component',
    build: rootOnlyAndLink,
    options: { junit: '/tmp/student/out/alice.xml', trees: [ROOT_ONLY_DIR, '/tmp/student'] },
    verdict: { exit: 2, refused: /--junit: \/tmp\/student\/out is a symbolic link; reports are never written through links/ },
  },
];

export const HOSTILE: readonly HostileCase[] = [
  ...issue20,
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
      findings: [
        new RegExp(`mounts ${HOST_DIR} read-write \\(bind\\) into the container at /srv: not mounted by the grader`),
        /process\.capabilities adds CAP_SYS_ADMIN beyond runc spec's defaults: not granted/,
      ],
      // The ping probe runs the machine's busybox with the student's sets cut to runc spec's plus CAP_NET_RAW.
      probeSays: /^ping probe: \/bin\/busybox ping .*this machine's \/usr\/bin\/busybox.*bounding=\[[A-Z_,]*CAP_NET_RAW/,
      probeLacks: /CAP_SYS_ADMIN/,
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
    name: "ipc namespace path /proc/1/ns/ipc with kernel.msgmax (would change PID 1's IPC limits)",
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
    name: "network path /proc/1/ns/net (the machine's own network namespace)",
    item: '1 namespace paths',
    build: (s) => patched(s, withNetnsPath('/proc/1/ns/net')),
    // An existing namespace that is not the one under grading: runc would join it (Common Error 6, not 1: the path exists).
    verdict: {
      exit: 1,
      fails: 'bundle-netns-path',
      says: /\/proc\/1\/ns\/net[\s\S]*another network namespace[\s\S]*Common Error 6/,
      notChecked: ['container-joins-netns'],
    },
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
    verdict: {
      exit: 1,
      fails: 'bundle-rootfs',
      says: /contains "," ":" "\\" '"' or a newline; the grader refuses such a path/,
      notChecked: ['bundle-process', 'container-joins-netns'],
    },
  },
  {
    name: 'config.json is a symbolic link to a root-only secret',
    item: '3 student files read safely',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ln', '-sf', SECRET_FILE, s.bundle.configPath]);
    },
    verdict: {
      exit: 1,
      fails: 'bundle-config',
      says: /config\.json is a symbolic link; the grader reads only the file itself/,
      notChecked: LATER_BUNDLE_CHECKS,
    },
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
    verdict: {
      exit: 1,
      fails: 'bundle-config',
      says: /oci-netns-test is a symbolic link \(to \/run\/hostile-private\/oci-netns-test\)[\s\S]*--bundle/,
      notChecked: LATER_BUNDLE_CHECKS,
    },
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
    // veth-host down: the container's ping (the machine's busybox, not the flooding one) gets no reply either.
    verdict: {
      exit: 1,
      fails: 'host-veth-up',
      says: /veth-host has the UP flag[\s\S]*Common Error 2/,
      alsoFails: ['container-pings-host'],
      alsoSays: /replies received \+0[\s\S]*Common Error 2[\s\S]*ip link set veth-host up/,
      notChecked: ['ping-host-to-ns', 'ping-ns-to-host'],
      reportAtMost: 256 * 1024,
      reportSays: /… \d+ bytes cut/,
    },
  },
  {
    name: 'rootfs/bin/sh is a relative link climbing out of the rootfs to a root-only secret',
    item: '3 rootfs paths resolve inside the rootfs',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ln', '-sf', `../../../../../../../../..${SECRET_FILE}`, `${s.bundle.rootfs}/bin/sh`]);
    },
    verdict: {
      exit: 1,
      fails: 'bundle-process',
      says: /\/run\/hostile-secret does not exist in the rootfs \(links resolve inside the rootfs, never on this machine: \/bin\/sh -> /,
      notChecked: ['container-joins-netns'],
    },
  },
];
