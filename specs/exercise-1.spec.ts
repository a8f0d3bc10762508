import { check, describe, expect, test } from '../fixtures/index.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { findIface, isUp } from '../helpers/net/ip.js';
import { CLAIMED_MISSING_DEVICE_TEXT } from '../helpers/lesson/claims.js';
import { parsePingSummary } from '../helpers/net/ip.js';
import { inNetns } from '../helpers/net/ops.js';
import { outcomeText } from '../helpers/net/views.js';
import { formatCidr } from '../helpers/net/cidr.js';
import { interfaces, interfacesAsTheLessonAsks, listNetns, ping } from '../helpers/net/ops.js';

describe('exercise-1', { tags: ['exercise-1'] }, () => {
  test('step 1: ip netns add lists container-net and creates its file under /var/run/netns', async ({ target, plan, lab, lesson }) => {
    await lesson.step('Step 1');
    await lesson.checks('exercise-1/s1/b1/L6');
    await lab.through(1);
    const names = await listNetns(target);
    check(lesson, names.includes(plan.netns), {
      expected: `"ip netns list" shows ${plan.netns}`,
      seen: names.join(', '),
      commonError: fixes.missingNetns(plan),
    });
    const fsType = (await target.must(['stat', '-f', '-c', '%T', plan.netnsPath])).stdout.trim();
    check(lesson, fsType === 'nsfs', {
      expected: `${plan.netnsPath} is a bind mount of a namespace file (file system type nsfs)`,
      seen: fsType,
      commonError: fixes.missingNetns(plan),
    });
  });

  test('step 2: both veth ends exist on the host before the move', async ({ target, plan, lab, lesson }) => {
    await lesson.step('Step 2');
    await lab.through(2);
    const host = await interfaces(target);
    for (const name of [plan.hostVeth, plan.nsVeth]) {
      check(lesson, findIface(host, name) !== undefined, {
        expected: `"ip link show ${name}" finds ${name} on the host`,
        seen: host.map((i) => i.ifname).join(', '),
      });
    }
  });

  test('step 3: after the move veth-container is gone from the host view', async ({ target, plan, lab, lesson }) => {
    await lesson.step('Step 3');
    await lesson.checks('exercise-1/s3/b1/L6');
    await lab.through(3);
    const show = await target.exec(['ip', 'link', 'show', plan.nsVeth]);
    expect(show.exitCode).not.toBe(0);
    const host = await interfaces(target);
    check(lesson, findIface(host, plan.nsVeth) === undefined && findIface(host, plan.hostVeth) !== undefined, {
      expected: `${plan.hostVeth} stays on the host and ${plan.nsVeth} is no longer listed there`,
      seen: host.map((i) => i.ifname).join(', '),
      commonError: fixes.invisibleAfterMove(plan),
    });
    if (!show.stderr.includes(CLAIMED_MISSING_DEVICE_TEXT)) {
      await lesson.erratum({
        id: 'E-missing-device-wording',
        where: 'Exercise 1 Step 3 (and Common Error 5)',
        claim: `"ip link show ${plan.nsVeth}" fails with: Cannot find device "${plan.nsVeth}"`,
        observed: 'the command fails as taught, but iproute2 words the error differently',
        evidence: show.stderr,
      });
    }
  });

  test('step 3: veth-container is inside the namespace and DOWN', async ({ target, plan, lab, lesson }) => {
    await lesson.step('Step 3');
    await lesson.checks('exercise-1/s3/b1/L10');
    await lab.through(3);
    const inside = findIface(await interfacesAsTheLessonAsks(target, plan.netns), plan.nsVeth);
    check(lesson, inside !== undefined, {
      expected: `"ip netns exec ${plan.netns} ip link show ${plan.nsVeth}" finds it`,
      seen: 'no such interface in the namespace',
      commonError: fixes.invisibleAfterMove(plan),
    });
    check(lesson, !isUp(inside) && inside.operstate === 'DOWN', {
      expected: `${plan.nsVeth} is DOWN right after the move`,
      seen: `flags ${inside.flags.join(',')}, state ${inside.operstate ?? '?'}`,
    });
  });

  test('step 4: veth-host has 10.0.0.1/24 and veth-container has 10.0.0.2/24', async ({ target, plan, lab, lesson }) => {
    await lesson.step('Step 4');
    await lab.through(4);
    const hostSide = findIface(await interfaces(target), plan.hostVeth);
    const nsSide = findIface(await interfaces(target, plan.netns), plan.nsVeth);
    check(lesson, hostSide?.inet.includes(formatCidr(plan.hostCidr)) === true, {
      expected: `${plan.hostVeth} has ${formatCidr(plan.hostCidr)}`,
      seen: hostSide?.inet.join(', ') ?? 'no such interface',
      commonError: fixes.noConnectivity(plan),
    });
    check(lesson, nsSide?.inet.includes(formatCidr(plan.nsCidr)) === true, {
      expected: `${plan.nsVeth} in ${plan.netns} has ${formatCidr(plan.nsCidr)}`,
      seen: nsSide?.inet.join(', ') ?? 'no such interface',
      commonError: fixes.noConnectivity(plan),
    });
  });

  test('step 5: veth-host, veth-container and the namespace loopback are up', async ({ target, plan, lab, lesson }) => {
    await lesson.step('Step 5');
    await lab.through(5);
    const host = await interfaces(target);
    const ns = await interfaces(target, plan.netns);
    const wanted = [
      { where: 'host', list: host, name: plan.hostVeth },
      { where: plan.netns, list: ns, name: plan.nsVeth },
      { where: plan.netns, list: ns, name: 'lo' },
    ];
    for (const w of wanted) {
      const i = findIface(w.list, w.name);
      check(lesson, i !== undefined && isUp(i), {
        expected: `${w.name} (${w.where}) has the UP flag`,
        seen: i ? `flags ${i.flags.join(',')}` : 'no such interface',
        commonError: fixes.noConnectivity(plan),
      });
    }
  });

  test('step 6: the host pings the namespace at 10.0.0.2', async ({ target, plan, lab, lesson }) => {
    await lesson.step('Step 6');
    await lesson.checks('exercise-1/s6/b1/L3');
    await lab.through(5);
    const r = await ping(target, plan.nsCidr.address, { count: 2 });
    check(lesson, r.ok, {
      expected: `"ping -c 2 ${plan.nsCidr.address}": 2 packets transmitted, 2 received`,
      seen: r.result.stdout + r.result.stderr,
      commonError: fixes.noConnectivity(plan),
    });
  });

  test('step 6: the namespace pings the host at 10.0.0.1', async ({ target, plan, lab, lesson }) => {
    await lesson.step('Step 6');
    await lesson.checks('exercise-1/s6/b1/L7');
    await lab.through(5);
    const r = await ping(target, plan.hostCidr.address, { count: 2, netns: plan.netns });
    check(lesson, r.ok, {
      expected: `"ip netns exec ${plan.netns} ping -c 2 ${plan.hostCidr.address}": 2 packets transmitted, 2 received`,
      seen: r.result.stdout + r.result.stderr,
      commonError: fixes.noConnectivity(plan),
    });
  });

  test('as written: Steps 1–6 in order, each command exactly as the lesson types it (minus sudo), with the output it states', async ({ target, plan, lab, lesson }) => {
    await lesson.step('Steps 1–6, as written');
    await lesson.checks('exercise-1/s1/b1/L6', 'exercise-1/s1/b1/L10', 'exercise-1/s3/b1/L10', 'exercise-1/s6/b1/L3', 'exercise-1/s6/b1/L7');
    // The lab builder runs each step's lesson commands as written (labStepCommands).
    const build = async (step: 1 | 2 | 3 | 4 | 5): Promise<void> => void (await lab.through(step));
    await build(1);
    const list = await target.must(['ip', 'netns', 'list']);
    const files = await target.must(['ls', '-la', '/var/run/netns/']);
    check(lesson, list.stdout.includes(plan.netns) && files.stdout.includes(plan.netns), {
      expected: `"ip netns list" and "ls -la /var/run/netns/" both show ${plan.netns}`,
      seen: `${list.stdout}\n${files.stdout}`,
      commonError: fixes.missingNetns(plan),
    });
    await build(2);
    const shown = [await target.exec(['ip', 'link', 'show', plan.hostVeth]), await target.exec(['ip', 'link', 'show', plan.nsVeth])];
    check(lesson, shown.every((r) => r.exitCode === 0), { expected: `before the move "ip link show" finds ${plan.hostVeth} and ${plan.nsVeth}`, seen: shown.map(outcomeText).join('\n') });
    await build(3);
    const gone = await target.exec(['ip', 'link', 'show', plan.nsVeth]);
    const inside = await target.exec(inNetns(plan.netns, ['ip', 'link', 'show', plan.nsVeth]));
    check(lesson, gone.exitCode !== 0 && inside.exitCode === 0 && / state DOWN /.test(inside.stdout), {
      expected: `after the move: not found on the host; inside ${plan.netns} it is shown in DOWN state`,
      seen: `host: ${outcomeText(gone)}\ninside: ${outcomeText(inside)}`,
      commonError: fixes.invisibleAfterMove(plan),
    });
    await build(4);
    await build(5);
    const pings = [await target.exec(['ping', '-c', '2', plan.nsCidr.address]), await target.exec(inNetns(plan.netns, ['ping', '-c', '2', plan.hostCidr.address]))];
    const summaries = pings.map((r) => parsePingSummary(r.stdout));
    check(lesson, summaries.every((p) => p?.transmitted === 2 && p.received === 2), {
      expected: 'both pings: 2 packets transmitted, 2 received',
      seen: pings.map(outcomeText).join('\n'),
      commonError: fixes.noConnectivity(plan),
    });
  });
});
