import { readFileSync } from 'node:fs';
import { check, describe, test } from '../fixtures/index.js';
import { fixes } from '../helpers/fixes.js';
import { addressView, findIface, parseIpAddrText, parsePingSummary } from '../helpers/ip.js';
import { labStepCommands } from '../helpers/lab.js';
import { CLAIMED_PING_COUNT, NET_RAW } from '../helpers/lesson-data.js';
import { formatCidr } from '../helpers/names.js';
import { inNetns, interfaces, linkExists, ping } from '../helpers/netops.js';
import { withArgs, withCapability, withNetnsPath, withoutNetnsPath, withTerminal } from '../helpers/oci.js';
import type { Runc } from '../helpers/runtime.js';
import { applyNatFix, buildWan, masqueradePackets, NAT_FIXES, WAN } from '../helpers/wan.js';
import type { ExecResult } from '../helpers/exec.js';

const pingedHost = (r: ExecResult): boolean => r.exitCode === 0 && parsePingSummary(r.stdout)?.received === CLAIMED_PING_COUNT;
const out = (r: ExecResult): string => `exit ${r.exitCode}; ${r.stdout}${r.stderr}`;
const ipAddr = async (runc: Runc, id: string, dir: string): Promise<{ r: ExecResult; names: string[] }> => {
  const r = await runc.run(id, dir);
  return { r, names: [...new Set(parseIpAddrText(r.stdout).map((i) => i.ifname))] };
};

describe('common-error-1', { tags: ['common-error-1'] }, () => {
  test('namespace path does not exist: runc refuses to start; ip netns add fixes it', async ({ plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('symptom and fix');
    await lessonBundle.patch(withArgs('ip', 'addr'));
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, r.exitCode !== 0 && r.stderr.includes(plan.netnsPath) && /no such file|does not exist/i.test(r.stderr), {
      expected: `runc fails and names ${plan.netnsPath} as missing`,
      seen: out(r),
    });
    if (!r.stderr.includes('does not exist')) {
      await lesson.erratum({
        id: 'E-missing-netns-wording',
        where: 'Common Error 1',
        claim: `runc says: namespace path "${plan.netnsPath}" does not exist`,
        observed: 'runc refuses to start as taught, with different wording',
        evidence: r.stderr,
      });
    }
    await lab.through(1);
    const fixed = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, fixed.exitCode === 0, { expected: `after "ip netns add ${plan.netns}" the container runs`, seen: out(fixed), commonError: fixes.missingNetns(plan) });
  });

  test('a typo in the name: runc refuses; the name from ip netns list fixes it', async ({ plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('symptom and fix (typo)');
    await lab.through(5);
    const typo = plan.netnsPath.replace(/(.)(.)$/, '$2$1');
    await lessonBundle.patch(withArgs('ip', 'addr'), withNetnsPath(typo));
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, r.exitCode !== 0 && r.stderr.includes(typo), { expected: `runc fails naming ${typo}`, seen: out(r) });
    await lessonBundle.patch(withNetnsPath(plan.netnsPath));
    const { r: fixed, names } = await ipAddr(runc, plan.containerId, lessonBundle.dir);
    check(lesson, fixed.exitCode === 0 && names.includes(plan.nsVeth), {
      expected: `with the exact name the container runs and sees ${plan.nsVeth}`,
      seen: out(fixed),
      commonError: fixes.missingNetns(plan),
    });
  });

  test('a path that is not a network namespace file: runc refuses to join it', async ({ plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('symptom (not a namespace file)');
    await lab.through(5);
    await lessonBundle.patch(withArgs('ip', 'addr'), withNetnsPath(lessonBundle.configPath));
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, r.exitCode !== 0 && /setns|invalid argument|namespace/i.test(r.stderr), {
      expected: 'runc fails to setns into a file that is not a namespace',
      seen: out(r),
    });
    await lessonBundle.patch(withNetnsPath(plan.netnsPath));
    const fixed = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, fixed.exitCode === 0, { expected: `pointing at ${plan.netnsPath} (made by ip netns add) works`, seen: out(fixed), commonError: fixes.missingNetns(plan) });
  });
});

describe('common-error-2', { tags: ['common-error-2'] }, () => {
  test('interfaces not brought up: the container cannot ping the host; ip link set … up fixes it', async ({ plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('cause: interfaces not brought up');
    await lab.through(4);
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, !pingedHost(r), { expected: 'with both ends DOWN the ping fails', seen: out(r) });
    await lab.through(5);
    const fixed = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, pingedHost(fixed), { expected: 'after the fix: 3 received', seen: out(fixed), commonError: fixes.noConnectivity(plan) });
  });

  test('IP addresses not assigned: the ping fails; ip addr add fixes it', async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('cause: IP addresses not assigned');
    await lab.through(5, { skip: [4] });
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, !pingedHost(r), { expected: 'without addresses the ping fails', seen: out(r) });
    for (const argv of labStepCommands(plan, 4)) await target.must(argv);
    const fixed = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, pingedHost(fixed), { expected: 'after the fix: 3 received', seen: out(fixed), commonError: fixes.noConnectivity(plan) });
  });

  test('different subnets (10.0.0.1/24 and 10.0.1.2/24): the ping fails; the same /24 fixes it', async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('cause: wrong IP addresses or subnets');
    await lab.through(3);
    await target.must(['ip', 'addr', 'add', formatCidr(plan.hostCidr), 'dev', plan.hostVeth]);
    await target.must(inNetns(plan.netns, ['ip', 'addr', 'add', '10.0.1.2/24', 'dev', plan.nsVeth]));
    await lab.through(5, { skip: [4] });
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, !pingedHost(r) && /unreachable/i.test(r.stdout + r.stderr), { expected: 'the ping fails: Network is unreachable', seen: out(r) });
    await target.must(inNetns(plan.netns, ['ip', 'addr', 'del', '10.0.1.2/24', 'dev', plan.nsVeth]));
    await target.must(inNetns(plan.netns, ['ip', 'addr', 'add', formatCidr(plan.nsCidr), 'dev', plan.nsVeth]));
    const fixed = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, pingedHost(fixed), { expected: 'after the fix: 3 received', seen: out(fixed), commonError: fixes.noConnectivity(plan) });
  });
});

const NOBODY = { uid: 65534, gid: 65534 };

describe('common-error-3', { tags: ['common-error-3'] }, () => {
  test('ip netns add as an unprivileged user is refused; as root it works', async ({ target, plan, lesson }) => {
    await lesson.step('cause: not root');
    const r = await target.exec(['ip', 'netns', 'add', plan.netns], NOBODY);
    check(lesson, r.exitCode !== 0 && /permission denied|not permitted/i.test(r.stderr), {
      expected: 'refused with "Permission denied" or "Operation not permitted"',
      seen: out(r),
    });
    const root = await target.exec(['ip', 'netns', 'add', plan.netns]);
    check(lesson, root.exitCode === 0, { expected: 'as root it works', seen: out(root), commonError: fixes.permission() });
  });

  test('runc run as an unprivileged user is refused; as root (sudo) it works', async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('cause: running runc without root');
    await lab.through(5);
    await lessonBundle.patch(withArgs('ip', 'addr'));
    const r = await target.exec([runc.binary, 'run', '--bundle', lessonBundle.dir, plan.containerId], NOBODY);
    const started = (await runc.list()).length > 0;
    check(lesson, r.exitCode !== 0 && !started, { expected: 'runc refuses and no container exists', seen: out(r) });
    if (!(/permission denied/i.test(r.stderr) && r.stderr.includes(plan.netnsPath))) {
      await lesson.erratum({
        id: 'E-unprivileged-runc-wording',
        where: 'Common Error 3',
        claim: `the symptom is "open ${plan.netnsPath}: permission denied"`,
        observed: 'runc run as a normal user is refused before it ever opens the namespace file',
        evidence: r.stderr,
      });
    }
    const { r: root, names } = await ipAddr(runc, plan.containerId, lessonBundle.dir);
    check(lesson, root.exitCode === 0 && names.includes(plan.nsVeth), { expected: 'as root the container runs in the namespace', seen: out(root), commonError: fixes.permission() });
  });

  test('the namespace file under /var/run/netns is owned by root', async ({ target, plan, lab, lesson }) => {
    await lesson.step('fix: ls -la /var/run/netns/');
    await lab.through(1);
    const owner = (await target.must(['stat', '-c', '%U', plan.netnsPath])).stdout.trim();
    check(lesson, owner === 'root', { expected: 'owner root', seen: owner });
  });
});

describe('common-error-4', { tags: ['common-error-4'] }, () => {
  test('the container reaches the host (10.0.0.1) but not the external address', async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('symptom');
    await lab.through(5);
    await buildWan(target);
    const host = await runc.run(plan.containerId, lessonBundle.dir);
    await lessonBundle.patch(withArgs('ping', '-c', '1', '-W', '1', WAN.remoteCidr.address));
    const wan = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, pingedHost(host) && wan.exitCode !== 0, {
      expected: `host ping works, ${WAN.remoteCidr.address} fails`,
      seen: `host: ${out(host)}\nexternal: ${out(wan)}`,
    });
  });

  test('no single fix is enough: route only, then route + ip_forward without MASQUERADE, still no reply', async ({ target, plan, lab, lesson }) => {
    await lesson.step('cause: missing NAT/routing');
    await lab.through(5);
    await buildWan(target);
    const probe = () => ping(target, WAN.remoteCidr.address, { netns: plan.netns, count: 1, waitSeconds: 1 });
    await applyNatFix(target, plan, 'default-route');
    const routeOnly = await probe();
    await applyNatFix(target, plan, 'ip_forward');
    const noMasq = await probe();
    const routeBack = await target.exec(inNetns(WAN.netns, ['ip', 'route', 'get', plan.nsCidr.address]));
    check(lesson, !routeOnly.ok && !noMasq.ok && routeBack.exitCode !== 0, {
      expected: 'both probes fail, and the WAN side has no route back to the lab subnet',
      seen: `route only: ${routeOnly.result.stdout}\nroute+forward: ${noMasq.result.stdout}\nWAN route to ${plan.nsCidr.address}: ${out(routeBack)}`,
    });
  });

  test("after the lesson's three fixes the container reaches 203.0.113.8, and only through NAT", async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('fix: ip_forward, MASQUERADE, default route');
    await lab.through(5);
    await buildWan(target);
    const hostForwardBefore = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
    for (const fix of NAT_FIXES) await applyNatFix(target, plan, fix);
    await lessonBundle.patch(withArgs('ping', '-c', '1', '-W', '2', WAN.remoteCidr.address));
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    const masq = await masqueradePackets(target);
    const routeBack = await target.exec(inNetns(WAN.netns, ['ip', 'route', 'get', plan.nsCidr.address]));
    check(lesson, r.exitCode === 0 && parsePingSummary(r.stdout)?.received === 1, {
      expected: `the container pings ${WAN.remoteCidr.address}`,
      seen: out(r),
      commonError: fixes.noExternal(plan),
    });
    check(lesson, masq > 0 && routeBack.exitCode !== 0, {
      expected: 'the MASQUERADE rule counted packets and the WAN still has no route to 10.0.0.0/24',
      seen: `MASQUERADE packets ${masq}; WAN route: ${out(routeBack)}`,
    });
    const sandboxForward = (await target.readFile('/proc/sys/net/ipv4/ip_forward')).trim();
    const hostForwardAfter = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
    check(lesson, sandboxForward === '1' && hostForwardAfter === hostForwardBefore, {
      expected: "ip_forward is 1 in the lab's own namespace and unchanged on the real host",
      seen: `lab: ${sandboxForward}; real host before ${hostForwardBefore.trim()}, after ${hostForwardAfter.trim()}`,
    });
  });
});

describe('common-error-5', { tags: ['common-error-5'] }, () => {
  test('wrong: from the host, ip link show veth-container fails after the move', async ({ target, plan, lab, lesson }) => {
    await lesson.step('wrong (from host)');
    await lab.through(3);
    const r = await target.exec(['ip', 'link', 'show', plan.nsVeth]);
    check(lesson, r.exitCode !== 0 && r.stderr.includes(plan.nsVeth), { expected: `fails naming ${plan.nsVeth}`, seen: out(r) });
  });

  test('right: ip netns exec container-net ip link show veth-container works', async ({ target, plan, lab, lesson }) => {
    await lesson.step('right (inside namespace)');
    await lab.through(3);
    const r = await target.exec(inNetns(plan.netns, ['ip', 'link', 'show', plan.nsVeth]));
    check(lesson, r.exitCode === 0 && r.stdout.includes(plan.nsVeth), {
      expected: `exit 0 and a line for ${plan.nsVeth}`,
      seen: out(r),
      commonError: fixes.invisibleAfterMove(plan),
    });
  });
});

describe('common-error-6', { tags: ['common-error-6'] }, () => {
  test('no path: the container gets a new namespace with only loopback; adding the path fixes it', async ({ plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('cause: path missing');
    await lab.through(5);
    await lessonBundle.patch(withoutNetnsPath, withArgs('ip', 'addr'));
    const { r, names } = await ipAddr(runc, plan.containerId, lessonBundle.dir);
    check(lesson, r.exitCode === 0 && names.join(',') === 'lo', { expected: 'only lo', seen: out(r) });
    await lessonBundle.patch(withNetnsPath(plan.netnsPath));
    const { r: fixed, names: fixedNames } = await ipAddr(runc, plan.containerId, lessonBundle.dir);
    check(lesson, fixedNames.includes(plan.nsVeth) && !fixedNames.includes(plan.hostVeth), {
      expected: `with the path: ${plan.nsVeth}, not ${plan.hostVeth}`,
      seen: out(fixed),
      commonError: fixes.wrongInterfaces(plan),
    });
  });

  test('wrong path: runc fails to start', async ({ plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('cause: path wrong');
    await lab.through(5);
    await lessonBundle.patch(withNetnsPath('/var/run/netns/no-such-net'), withArgs('ip', 'addr'));
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, r.exitCode !== 0 && r.stdout === '', { expected: 'runc fails before the process prints anything', seen: out(r) });
  });

  test("the lesson's jq query shows the network entry with its path", async ({ target, plan, lessonBundle, lesson }) => {
    await lesson.step('fix: verify config.json');
    const r = await target.must(['jq', '-c', '.linux.namespaces[] | select(.type == "network")', lessonBundle.configPath]);
    check(lesson, r.stdout.trim() === JSON.stringify({ type: 'network', path: plan.netnsPath }), {
      expected: JSON.stringify({ type: 'network', path: plan.netnsPath }),
      seen: r.stdout,
      commonError: fixes.wrongInterfaces(plan),
    });
  });

  test("the container's addresses equal the namespace's, never the host's", async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('symptom: host interfaces instead of namespace interfaces');
    await lab.through(5);
    await lessonBundle.patch(withArgs('ip', 'addr'), withCapability(NET_RAW), withTerminal(false));
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    const seen = addressView(parseIpAddrText(r.stdout));
    const ns = addressView(await interfaces(target, plan.netns));
    check(lesson, JSON.stringify(seen) === JSON.stringify(ns) && findIface(parseIpAddrText(r.stdout), plan.hostVeth) === undefined, {
      expected: `the namespace's view: ${ns.join(' | ')}`,
      seen: seen.join(' | '),
      commonError: fixes.wrongInterfaces(plan),
    });
    check(lesson, await linkExists(target, plan.hostVeth), { expected: `${plan.hostVeth} is still on the host`, seen: 'missing' });
  });
});
