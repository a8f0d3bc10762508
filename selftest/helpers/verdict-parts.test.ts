import { describe, expect, test } from 'vitest';
import { answeredBy, formatDelta, ranIn, trafficDelta, type TrafficCounters } from '../../helpers/net/counters.js';
import { kernelView, parseIcmpCounters, parseIpAddrText, parseIpJson, parseLinkCounters } from '../../helpers/net/ip.js';
import { classifyRun, classifyWords, processRan, type RunResult } from '../../helpers/oci/outcome.js';
import { labCommandRemedy } from '../../helpers/lesson/lab.js';
import { lessonPlan } from '../../helpers/lesson/plan.js';
import { remedyForRun } from '../../helpers/lesson/run-diagnosis.js';
import type { ExecResult } from '../../helpers/targets/exec.js';

const plan = lessonPlan('/root');
const run = (over: Partial<RunResult>): RunResult => ({
  argv: ['runc', 'run', 'netns-test'],
  exitCode: 1,
  signal: undefined,
  timedOut: false,
  stdout: '',
  stderr: '',
  durationMs: 5,
  spawnError: undefined,
  ...over,
});
const runcError = (msg: string): string => `time="2026-01-01T00:00:00Z" level=error msg="${msg}"\n`;

describe('classifyRun: what a run came to is decided by facts (witness, exit status, what the machine shows); words only choose among them', () => {
  type Case = [string, Partial<RunResult>, ReturnType<typeof classifyRun>];
  const refused = (stderr: string, blockers: RunResult['blockers']): Partial<RunResult> => ({ started: false, stderr, blockers });
  const ran = (over: Partial<RunResult>): Partial<RunResult> => ({ started: true, blockers: [], ...over });
  const cases: Case[] = [
    ['started, exit 0', ran({ exitCode: 0 }), 'ok'],
    ['started, exit 0, but runc logged an error', ran({ exitCode: 0, stderr: runcError('runc run failed: x') }), 'runtime-failed'],
    [
      'not started although the runtime exited 0 (a wrapper that lies)',
      { ...refused(runcError('runc run failed: open /dev/tty: no such device or address'), ['no-tty']), exitCode: 0 },
      'not-started',
    ],
    // runc 1.1 / 1.3
    [
      'runc: no applet links',
      refused(runcError('runc run failed: unable to start container process: exec: \\"sh\\": executable file not found in $PATH'), [
        'exec-not-found',
      ]),
      'exec-not-found',
    ],
    ['runc: terminal without a tty', refused(runcError('runc run failed: open /dev/tty: no such device or address'), ['no-tty']), 'no-tty'],
    [
      'runc: missing netns',
      refused(runcError('runc run failed: unable to create new parent process: namespace path: lstat /var/run/netns/x: no such file or directory'), [
        'netns-missing',
      ]),
      'netns-missing',
    ],
    [
      'runc: not a netns file',
      refused(runcError('nsexec-1[1]: failed to setns into net namespace: Invalid argument'), ['not-a-netns']),
      'not-a-netns',
    ],
    ['runc: no config.json', refused(runcError('runc run failed: JSON specification file config.json not found'), ['spec-missing']), 'spec-missing'],
    [
      'runc: hook failed',
      refused(runcError('runc run failed: unable to start container process: error running hook #0: exit status 1, stdout: , stderr: '), [
        'hook-failed',
      ]),
      'hook-failed',
    ],
    ['runc: not root', refused(runcError('runc run failed: mkdir /run/runc: permission denied'), ['permission']), 'permission'],
    [
      'runc 1.3: not root, /run/runc already there',
      refused(runcError('runc run failed: rootless container requires user namespaces'), ['permission']),
      'permission',
    ],
    // crun 1.8 / 1.2x: other words, the same classes
    ['crun: no applet links', refused('executable file `sh` not found in $PATH: No such file or directory\n', ['exec-not-found']), 'exec-not-found'],
    ['crun: missing netns', refused('open `/var/run/netns/container-net`: No such file or directory\n', ['netns-missing']), 'netns-missing'],
    ['crun: terminal without a tty', refused('tcgetattr: Inappropriate ioctl for device\n', ['no-tty']), 'no-tty'],
    ['crun: hook failed', refused('error executing hook `/usr/bin/false` (exit code: 1)\n', ['hook-failed']), 'hook-failed'],
    ['crun: not root', refused('create directory `/run/crun`: No such file or directory\n', ['permission']), 'permission'],
    // the lesson's own words
    [
      'lesson: missing netns',
      refused('container_linux.go:349: starting container process caused: namespace path "/var/run/netns/x" does not exist\n', ['netns-missing']),
      'netns-missing',
    ],
    ['lesson: not root', refused('open /var/run/netns/container-net: permission denied\n', ['permission', 'netns-missing']), 'permission'],
    // words nobody catalogued: the facts decide
    ['unknown words, one fact: the fact', refused('the runtime said something new\n', ['netns-missing']), 'netns-missing'],
    ['unknown words, no fact: refused for a reason the lesson does not cover', refused('the runtime said something new\n', []), 'runtime-failed'],
    [
      'words that name a class no fact supports do not decide it',
      refused(runcError('open /dev/tty: no such device or address'), ['netns-missing']),
      'netns-missing',
    ],
    [
      'two facts: the words choose between them',
      refused('executable file `sh` not found in $PATH\n', ['no-tty', 'exec-not-found']),
      'exec-not-found',
    ],
    // the container started: the process's own outcome
    [
      'ping without CAP_NET_RAW',
      ran({ stdout: 'PING 10.0.0.1 (10.0.0.1): 56 data bytes\n', stderr: 'ping: permission denied (are you root?)\n' }),
      'ping-not-permitted',
    ],
    ['no route', ran({ stderr: 'ping: sendto: Network is unreachable\n' }), 'unreachable'],
    ['no reply', ran({ stdout: '3 packets transmitted, 0 packets received, 100% packet loss\n' }), 'no-reply'],
    [
      'a process that printed "permission denied" itself is still a process failure',
      ran({ stdout: 'open x: permission denied\n' }),
      'process-failed',
    ],
    [
      'the program could not be executed after start (ELF interpreter missing)',
      ran({ stderr: runcError('exec /bin/busybox: no such file or directory') }),
      'exec-not-found',
    ],
    ['something else the process did', ran({ stdout: 'oops\n' }), 'process-failed'],
    ['timeout', { timedOut: true, exitCode: undefined }, 'timeout'],
    ['no runtime at all', { spawnError: 'ENOENT', exitCode: undefined }, 'runtime-missing'],
  ];
  for (const [what, r, want] of cases) test(what, () => expect(classifyRun(run(r))).toBe(want));
  test("without a witness (a detached run's log), words alone, any runtime's", () => {
    expect(classifyWords(run({ stderr: 'open `/var/run/netns/x`: No such file or directory\n' }))).toBe('netns-missing');
    expect(classifyWords(run({ stderr: runcError('runc run failed: cgroup busted') }))).toBe('runtime-failed');
  });
  test('only process outcomes say the process ran', () => {
    expect(['ok', 'unreachable', 'no-reply', 'ping-not-permitted', 'process-failed'].every((s) => processRan(s as never))).toBe(true);
    expect(['netns-missing', 'exec-not-found', 'no-tty', 'permission', 'runtime-failed', 'not-started'].some((s) => processRan(s as never))).toBe(
      false,
    );
  });
});

describe('remedies name the real cause', () => {
  test('each run symptom points to its Common Error or next step', () => {
    expect(remedyForRun('netns-missing', plan).commonError?.id).toBe(1);
    expect(remedyForRun('permission', plan).commonError?.id).toBe(3);
    expect(remedyForRun('unreachable', plan).commonError?.id).toBe(2);
    expect(remedyForRun('ping-not-permitted', plan)).toEqual({ next: expect.stringContaining('CAP_NET_RAW') });
    expect(remedyForRun('no-tty', plan)).toEqual({ next: expect.stringContaining('"terminal": false') });
    expect(remedyForRun('exec-not-found', plan).next).toContain('--install -s /bin');
    expect(remedyForRun('exec-not-found', plan, { busyboxInRootfs: false }).next).toContain('cp /bin/busybox rootfs/bin/');
  });
  test('a failing lab command is read from iproute2', () => {
    const failing = (argv: string[], stderr: string): ExecResult => run({ argv, stderr });
    expect(
      labCommandRemedy(plan, failing(['ip', 'link', 'set', 'veth-container', 'netns', 'container-net'], 'Invalid "netns" value: "container-net"\n'))
        .commonError?.id,
    ).toBe(1);
    expect(
      labCommandRemedy(
        plan,
        failing(
          ['ip', 'netns', 'exec', 'container-net', 'ip', 'addr', 'add', '10.0.0.2/24', 'dev', 'veth-container'],
          'Cannot find device "veth-container"\n',
        ),
      ).next,
    ).toContain('ip link set veth-container netns container-net');
    expect(
      labCommandRemedy(plan, failing(['ip', 'addr', 'add', '10.0.0.1/24', 'dev', 'veth-host'], 'Cannot find device "veth-host"\n')).next,
    ).toContain('ip link add veth-host type veth peer name veth-container');
  });
});

describe('kernel views', () => {
  const json = JSON.stringify([
    {
      ifindex: 1,
      ifname: 'lo',
      flags: ['LOOPBACK', 'UP'],
      address: '00:00:00:00:00:00',
      addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }],
    },
    {
      ifindex: 2,
      ifname: 'veth-container',
      flags: ['BROADCAST', 'UP'],
      address: 'ea:cb:bb:11:63:e8',
      addr_info: [{ family: 'inet', local: '10.0.0.2', prefixlen: 24 }],
    },
  ]);
  const busybox = [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000',
    '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '    inet 127.0.0.1/8 scope host lo',
    '2: veth-container@if3: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue qlen 1000',
    '    link/ether ea:cb:bb:11:63:e8 brd ff:ff:ff:ff:ff:ff',
    '    inet 10.0.0.2/24 scope global veth-container',
  ].join('\n');
  test("a container's busybox output and the kernel's JSON give the same view", () => {
    expect(kernelView(parseIpAddrText(busybox))).toEqual(kernelView(parseIpJson(json)));
    expect(kernelView(parseIpJson(json))).toEqual(['1: lo 00:00:00:00:00:00 UP 127.0.0.1/8', '2: veth-container ea:cb:bb:11:63:e8 UP 10.0.0.2/24']);
  });
  test("the lesson's printed output (MAC XX:XX:…) is not the kernel's", () => {
    expect(kernelView(parseIpAddrText(busybox.replace('ea:cb:bb:11:63:e8', 'XX:XX:XX:XX:XX:XX')))).not.toEqual(kernelView(parseIpJson(json)));
  });
});

describe('traffic counters', () => {
  const snmp = (outEchos: number, inEchoReps: number, inEchos: number, outEchoReps: number, inDestUnreachs = 0): string =>
    [
      'Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps',
      `Icmp: 0 0 0 ${inDestUnreachs} 0 0 0 0 ${inEchos} ${inEchoReps} 0 0 0 0 0 0 0 0 0 0 0 0 0 ${outEchos} ${outEchoReps} 0 0 0 0`,
      'IcmpMsg: InType0 OutType8',
      'IcmpMsg: 3 3',
    ].join('\n');
  test('parses the ICMP line of /proc/net/snmp and the stats of ip -s -j link', () => {
    expect(parseIcmpCounters(snmp(3, 2, 1, 0, 4))).toEqual({ outEchos: 3, inEchoReps: 2, inEchos: 1, outEchoReps: 0, inDestUnreachs: 4 });
    expect(parseIcmpCounters('nothing')).toBeUndefined();
    expect(parseLinkCounters(JSON.stringify([{ ifname: 'eth0', stats64: { rx: { packets: 7 }, tx: { packets: 9 } } }]), 'eth0')).toEqual({
      rxPackets: 7,
      txPackets: 9,
    });
  });
  const reading = (from: string, to: string): TrafficCounters => ({
    from: parseIcmpCounters(from),
    to: parseIcmpCounters(to),
    link: { rxPackets: 0, txPackets: 0 },
  });
  test('a ping that crossed: the container sent and got 3, the other end got and answered 3', () => {
    const d = trafficDelta(reading(snmp(0, 0, 0, 0), snmp(0, 0, 0, 0)), reading(snmp(3, 3, 0, 0), snmp(0, 0, 3, 3)));
    expect(ranIn(d, 3) && answeredBy(d, 3)).toBe(true);
  });
  test('a ping elsewhere moves nothing in the namespace; one answered from inside moves nothing at the other end', () => {
    const zero = reading(snmp(0, 0, 0, 0), snmp(0, 0, 0, 0));
    expect(ranIn(trafficDelta(zero, zero), 3)).toBe(false);
    const local = trafficDelta(zero, reading(snmp(3, 3, 3, 3), snmp(0, 0, 0, 0)));
    expect(ranIn(local, 3)).toBe(true);
    expect(answeredBy(local, 3)).toBe(false);
    expect(ranIn(trafficDelta(zero, zero), 0)).toBe(false);
    expect(formatDelta(undefined)).toContain('could not be read');
  });
});
