import { describe, expect, test } from 'vitest';
import { labStepCommands } from '../helpers/lesson/lab.js';
import { inNetns } from '../helpers/net/ops.js';
import { withCapability, withNetnsPath, withoutNetnsPath } from '../helpers/oci/config.js';
import { NET_RAW } from '../helpers/lesson/claims.js';
import { lessonBundle } from '../helpers/oci/lesson-bundle.js';
import { Runc } from '../helpers/oci/runtime.js';
import { formatCidr } from '../helpers/net/cidr.js';
import { GRADE_CHECKS, gradeStudentLab, lessonLab, lessonLabWithoutNetRaw, type GradeRun, type StudentLab } from './support/grade-lab.js';

const outcome = (run: GradeRun, id: string) => run.cases.find((c) => c.id === id);

/** Each broken lab: how to break it, which check must fail, and what its diagnosis must say. */
const BROKEN: Array<{
  name: string;
  build: (s: StudentLab) => Promise<void>;
  fails: string;
  says: RegExp;
  notChecked?: string[];
  also?: { fails: string; says: RegExp };
}> = [
  {
    name: 'no namespace at all',
    build: async (s) => {
      await s.bundle.create({ applets: true, cgroupsPath: '/x' });
      await s.bundle.patch(withNetnsPath(s.plan.netnsPath));
    },
    fails: 'netns-exists',
    says: /Common Error 1.*\n?.*ip netns add container-net/s,
    notChecked: ['ns-veth-visible', 'ns-loopback-up', 'container-joins-netns'],
  },
  {
    name: 'veth pair never created',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ip', 'link', 'del', s.plan.hostVeth]);
    },
    fails: 'host-veth-exists',
    says: /ip link add veth-host type veth peer name veth-container/,
    notChecked: ['host-veth-up', 'ping-host-to-ns'],
  },
  {
    name: 'veth-container never moved into the namespace',
    build: async (s) => {
      await s.lab.through(2);
      await s.bundle.create({ applets: true, cgroupsPath: '/x' });
      await s.bundle.patch(withNetnsPath(s.plan.netnsPath));
    },
    fails: 'ns-veth-visible',
    says: /still on the host[\s\S]*ip link set veth-container netns container-net/,
  },
  {
    name: 'veth-host left down',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ip', 'link', 'set', s.plan.hostVeth, 'down']);
    },
    fails: 'host-veth-up',
    says: /Common Error 2[\s\S]*ip link set veth-host up/,
    notChecked: ['ping-host-to-ns', 'ping-ns-to-host'],
    // The container's ping is tried all the same: its request gets no reply (the kernel's counters say so).
    also: { fails: 'container-pings-host', says: /replies received \+0[\s\S]*Common Error 2[\s\S]*ip link set veth-host up/ },
  },
  {
    name: 'host address missing',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ip', 'addr', 'del', formatCidr(s.plan.hostCidr), 'dev', s.plan.hostVeth]);
    },
    fails: 'host-veth-address',
    says: /veth-host has 10\.0\.0\.1\/24[\s\S]*Common Error 2/,
    notChecked: ['ping-host-to-ns', 'ping-ns-to-host'],
    also: { fails: 'container-pings-host', says: /replies received \+0[\s\S]*Common Error 2/ },
  },
  {
    name: 'echo requests dropped by a firewall rule inside the namespace (links up, addresses right)',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(inNetns(s.plan.netns, ['iptables', '-A', 'INPUT', '-p', 'icmp', '--icmp-type', 'echo-request', '-j', 'DROP']));
    },
    fails: 'ping-host-to-ns',
    says: /not Common Error 2: something drops or misroutes the packets; read the firewall/,
  },
  {
    name: "the namespace's echo requests dropped on their way out (links up, addresses right)",
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(inNetns(s.plan.netns, ['iptables', '-A', 'OUTPUT', '-p', 'icmp', '--icmp-type', 'echo-request', '-j', 'DROP']));
    },
    fails: 'ping-ns-to-host',
    says: /not Common Error 2: something drops or misroutes the packets; read the firewall/,
    // The container's request is dropped the same way: with both ends UP and addressed, not Common Error 2 either.
    also: {
      fails: 'container-pings-host',
      says: /echo requests sent \+1, replies received \+0[\s\S]*not Common Error 2: something drops or misroutes the packets/,
    },
  },
  {
    name: 'veth-container left down',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(inNetns(s.plan.netns, ['ip', 'link', 'set', s.plan.nsVeth, 'down']));
    },
    fails: 'ns-veth-up',
    says: /Common Error 2/,
  },
  {
    name: 'namespace address missing',
    build: async (s) => {
      await s.lab.through(5, { skip: [4] });
      await s.t.must(labStepCommands(s.plan, 4)[0] ?? []);
      await lessonBundleOnly(s);
    },
    fails: 'ns-veth-address',
    says: /veth-container has 10\.0\.0\.2\/24[\s\S]*Common Error 2/,
    notChecked: ['container-joins-netns'],
  },
  {
    name: 'namespace end on another subnet',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(inNetns(s.plan.netns, ['ip', 'addr', 'del', '10.0.0.2/24', 'dev', s.plan.nsVeth]));
      await s.t.must(inNetns(s.plan.netns, ['ip', 'addr', 'add', '10.0.1.2/24', 'dev', s.plan.nsVeth]));
    },
    fails: 'ns-veth-address',
    says: /10\.0\.1\.2\/24/,
  },
  {
    name: 'loopback in the namespace left down',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(inNetns(s.plan.netns, ['ip', 'link', 'set', 'lo', 'down']));
    },
    fails: 'ns-loopback-up',
    says: /ip netns exec container-net ip link set lo up/,
  },
  {
    name: "the host address also on the namespace's loopback (the namespace answers its own ping)",
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(inNetns(s.plan.netns, ['ip', 'addr', 'add', `${s.plan.hostCidr.address}/32`, 'dev', 'lo']));
    },
    fails: 'container-pings-host',
    says: /replies received \+1, replies sent \+1; on this machine: requests received \+0[\s\S]*10\.0\.0\.1 answered from inside container-net itself/,
  },
  {
    name: 'config.json without a network path',
    build: async (s) => {
      await lessonLab(s);
      await s.bundle.patch(withoutNetnsPath);
    },
    fails: 'bundle-netns-path',
    says: /Common Error 6/,
    notChecked: ['container-joins-netns'],
  },
  {
    name: 'config.json with a typo in the path',
    build: async (s) => {
      await lessonLab(s);
      await s.bundle.patch(withNetnsPath('/var/run/netns/container-nte'));
    },
    fails: 'bundle-netns-path',
    says: /does not exist[\s\S]*Common Error 1/,
  },
  {
    name: 'config.json names another namespace that exists',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ip', 'netns', 'add', 'other-net']);
      await s.bundle.patch(withNetnsPath('/var/run/netns/other-net'));
    },
    fails: 'bundle-netns-path',
    says: /another network namespace[\s\S]*Common Error 6/,
    notChecked: ['container-joins-netns'],
  },
  {
    name: 'config.json is not JSON',
    build: async (s) => {
      await lessonLab(s);
      await s.t.writeFile(s.bundle.configPath, '{ "linux": ');
    },
    fails: 'bundle-config',
    says: /runc spec/,
    notChecked: ['bundle-netns-path', 'container-joins-netns'],
  },
  {
    name: 'rootfs without busybox',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['rm', '-f', `${s.bundle.rootfs}/bin/busybox`]);
    },
    fails: 'bundle-process',
    says: /\/bin\/busybox does not exist in the rootfs \(links resolve inside the rootfs, never on this machine: \/bin\/sh -> \/bin\/busybox\)/,
    notChecked: ['container-joins-netns'],
  },
];

async function lessonBundleOnly(s: StudentLab): Promise<void> {
  await s.bundle.create({ applets: true, cgroupsPath: '/x' });
  await s.bundle.patch(withNetnsPath(s.plan.netnsPath));
}

describe('npm run grade', { concurrent: true }, () => {
  test("a lab built with the lesson's own commands and both Exercise 3 errata fixed (applets, CAP_NET_RAW) passes every check, and grading changed nothing", async () => {
    const run = await gradeStudentLab(lessonLab);
    expect(run.exec.exitCode, run.exec.stdout + run.exec.stderr).toBe(0);
    expect(run.cases.length).toBe(GRADE_CHECKS);
    expect(run.cases.filter((c) => c.state !== 'pass')).toEqual([]);
    expect(run.exec.stdout).toContain(`grade: ${GRADE_CHECKS} passed, 0 failed, 0 not checked`);
    expect(
      run.cases.flatMap((c) => c.findings),
      "the lesson's bundle with CAP_NET_RAW asks for nothing the grader leaves out",
    ).toEqual([]);
    const probe = outcome(run, 'container-pings-host')?.probes ?? [];
    expect(probe).toEqual([
      expect.stringMatching(
        /^ping probe: \/bin\/busybox ping -c 1 -W 2 10\.0\.0\.1 .* in \/var\/run\/netns\/container-net as uid 0 gid 0, .*bounding=\[[A-Z_,]*CAP_NET_RAW/,
      ),
    ]);
    expect(run.changed).toEqual([]);
  });

  test("the lesson's lab exactly as written (no applet links, runc spec's capabilities): bundle-process fails with E-rootfs-needs-applets, container-pings-host with E-ping-needs-net-raw, container-joins-netns waits", async () => {
    const run = await gradeStudentLab(async (s) => {
      await s.lab.through(5);
      await lessonBundle(s.t, new Runc(s.t), s.plan, { cgroupsPath: '/lesson06-selftest-unused' });
    });
    expect(run.exec.exitCode, run.exec.stdout + run.exec.stderr).toBe(1);
    expect(run.cases.filter((c) => c.state === 'fail').map((c) => c.id)).toEqual(['bundle-process', 'container-pings-host']);
    expect(run.cases.filter((c) => c.state === 'not checked').map((c) => c.id)).toEqual(['container-joins-netns']);
    expect(outcome(run, 'bundle-process')?.message).toMatch(/E-rootfs-needs-applets/);
    expect(outcome(run, 'container-pings-host')?.message).toMatch(/E-ping-needs-net-raw/);
    expect(run.exec.stdout).toContain(`grade: ${GRADE_CHECKS - 3} passed, 2 failed, 1 not checked`);
    expect(run.changed).toEqual([]);
  });

  test("the lesson's lab as written (runc spec's capabilities, no CAP_NET_RAW): container-pings-host alone fails, naming E-ping-needs-net-raw and the fix in the student's config.json", async () => {
    const run = await gradeStudentLab(lessonLabWithoutNetRaw);
    expect(run.exec.exitCode, run.exec.stdout + run.exec.stderr).toBe(1);
    expect(run.cases.filter((c) => c.state !== 'pass').map((c) => c.id)).toEqual(['container-pings-host']);
    const c = outcome(run, 'container-pings-host');
    expect(c?.message).toMatch(/echo requests sent \+0[\s\S]*ping: permission denied/);
    expect(c?.message).toMatch(
      /lacks CAP_NET_RAW in bounding, effective, permitted \(erratum E-ping-needs-net-raw\): add "CAP_NET_RAW" to process\.capabilities bounding, effective, permitted in \/tmp\/lab\/oci-netns-test\/config\.json/,
    );
    expect(c?.probes.join('\n')).not.toContain('CAP_NET_RAW');
    expect(run.exec.stdout).toContain(`grade: ${GRADE_CHECKS - 1} passed, 1 failed, 0 not checked`);
    expect(run.changed).toEqual([]);
  });

  for (const b of BROKEN) {
    test(`broken lab "${b.name}": ${b.fails} fails with the right diagnosis; nothing changed`, async () => {
      const run = await gradeStudentLab(b.build);
      expect(run.exec.exitCode).toBe(1);
      const c = outcome(run, b.fails);
      expect(c?.state, JSON.stringify(run.cases, null, 1)).toBe('fail');
      expect(c?.message).toMatch(b.says);
      if (b.also) {
        expect(outcome(run, b.also.fails)?.state, b.also.fails).toBe('fail');
        expect(outcome(run, b.also.fails)?.message).toMatch(b.also.says);
      }
      for (const id of b.notChecked ?? []) {
        expect(outcome(run, id)?.state, id).toBe('not checked');
        expect(outcome(run, id)?.message).toMatch(/^not checked: needs /);
      }
      expect(run.changed).toEqual([]);
    });
  }

  test('/run/netns/container-net is accepted: it is the file /var/run/netns/container-net names (/var/run links to /run)', async () => {
    const run = await gradeStudentLab(async (s) => {
      await lessonLab(s);
      await s.bundle.patch(withNetnsPath(`/run/netns/${s.plan.netns}`));
    });
    expect(outcome(run, 'bundle-netns-path')?.state, JSON.stringify(run.cases, null, 1)).toBe('pass');
    expect(run.exec.exitCode, run.exec.stdout + run.exec.stderr).toBe(0);
    expect(run.changed).toEqual([]);
  });

  test('any names and addresses the student used work when given as options', async () => {
    const run = await gradeStudentLab(
      async (s) => {
        const plan = { ...s.plan, netns: 'my-net', netnsPath: '/var/run/netns/my-net', hostVeth: 'h0', nsVeth: 'c0' };
        const custom = { ...plan, hostCidr: { address: '192.168.77.1', prefix: 24 }, nsCidr: { address: '192.168.77.2', prefix: 24 } };
        for (const step of [1, 2, 3, 4, 5] as const) for (const argv of labStepCommands(custom, step)) await s.t.must(argv);
        await s.bundle.create({ applets: true, cgroupsPath: '/x' });
        await s.bundle.patch(withNetnsPath(custom.netnsPath), withCapability(NET_RAW));
      },
      { args: ['--netns', 'my-net', '--host-veth', 'h0', '--ns-veth', 'c0', '--host-ip', '192.168.77.1/24', '--ns-ip', '192.168.77.2/24'] },
    );
    expect(run.exec.exitCode, run.exec.stdout).toBe(0);
    expect(run.changed).toEqual([]);
  });
});
