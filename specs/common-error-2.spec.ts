import { check, describe, test } from '../fixtures/index.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { labStepCommands } from '../helpers/lesson/lab.js';
import { CLAIMED_PING_COUNT } from '../helpers/lesson/claims.js';
import { outcomeText, pingedAll } from '../helpers/net/views.js';
import { formatCidr } from '../helpers/net/cidr.js';
import { inNetns } from '../helpers/net/ops.js';
import { findIface, isUp, parseIpAddrText } from '../helpers/net/ip.js';

describe('common-error-2', { tags: ['common-error-2'] }, () => {
  test('interfaces not brought up: the container cannot ping the host; ip link set … up fixes it', async ({ plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('cause: interfaces not brought up');
    await lab.through(4);
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, !pingedAll(r, CLAIMED_PING_COUNT), { expected: 'with both ends DOWN the ping fails', seen: outcomeText(r) });
    await lab.through(5);
    const fixed = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, pingedAll(fixed, CLAIMED_PING_COUNT), { expected: 'after the fix: 3 received', seen: outcomeText(fixed), commonError: fixes.noConnectivity(plan) });
  });

  test('IP addresses not assigned: the ping fails; ip addr add fixes it', async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('cause: IP addresses not assigned');
    await lab.through(5, { skip: [4] });
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, !pingedAll(r, CLAIMED_PING_COUNT), { expected: 'without addresses the ping fails', seen: outcomeText(r) });
    for (const argv of labStepCommands(plan, 4)) await target.must(argv);
    const fixed = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, pingedAll(fixed, CLAIMED_PING_COUNT), { expected: 'after the fix: 3 received', seen: outcomeText(fixed), commonError: fixes.noConnectivity(plan) });
  });

  test('different subnets (10.0.0.1/24 and 10.0.1.2/24): the ping fails; the same /24 fixes it', async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('cause: wrong IP addresses or subnets');
    await lab.through(3);
    await target.must(['ip', 'addr', 'add', formatCidr(plan.hostCidr), 'dev', plan.hostVeth]);
    await target.must(inNetns(plan.netns, ['ip', 'addr', 'add', '10.0.1.2/24', 'dev', plan.nsVeth]));
    await lab.through(5, { skip: [4] });
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, !pingedAll(r, CLAIMED_PING_COUNT) && /unreachable/i.test(r.stdout + r.stderr), { expected: 'the ping fails: Network is unreachable', seen: outcomeText(r) });
    await target.must(inNetns(plan.netns, ['ip', 'addr', 'del', '10.0.1.2/24', 'dev', plan.nsVeth]));
    await target.must(inNetns(plan.netns, ['ip', 'addr', 'add', formatCidr(plan.nsCidr), 'dev', plan.nsVeth]));
    const fixed = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, pingedAll(fixed, CLAIMED_PING_COUNT), { expected: 'after the fix: 3 received', seen: outcomeText(fixed), commonError: fixes.noConnectivity(plan) });
  });

  test('fix as written: ip link show says DOWN; ip link set … up; ip addr show then gives UP ends on one /24', async ({ target, plan, lab, lesson }) => {
    await lesson.step('fix, as written');
    await lab.through(4);
    const states = [await target.exec(['ip', 'link', 'show', plan.hostVeth]), await target.exec(inNetns(plan.netns, ['ip', 'link', 'show', plan.nsVeth]))];
    check(lesson, states.every((r) => r.exitCode === 0 && / state DOWN /.test(r.stdout)), { expected: 'before the fix both ends show state DOWN', seen: states.map(outcomeText).join('\n') });
    await target.must(['ip', 'link', 'set', plan.hostVeth, 'up']);
    await target.must(inNetns(plan.netns, ['ip', 'link', 'set', plan.nsVeth, 'up']));
    const host = findIface(parseIpAddrText((await target.must(['ip', 'addr', 'show', plan.hostVeth])).stdout), plan.hostVeth);
    const ns = findIface(parseIpAddrText((await target.must(inNetns(plan.netns, ['ip', 'addr', 'show', plan.nsVeth]))).stdout), plan.nsVeth);
    check(lesson, host !== undefined && ns !== undefined && isUp(host) && isUp(ns) && host.inet.includes(formatCidr(plan.hostCidr)) && ns.inet.includes(formatCidr(plan.nsCidr)), {
      expected: `${plan.hostVeth} UP with ${formatCidr(plan.hostCidr)}, ${plan.nsVeth} UP with ${formatCidr(plan.nsCidr)}`,
      seen: `${plan.hostVeth}: ${host ? `${host.flags.join(',')} ${host.inet.join(',')}` : 'missing'}; ${plan.nsVeth}: ${ns ? `${ns.flags.join(',')} ${ns.inet.join(',')}` : 'missing'}`,
      commonError: fixes.noConnectivity(plan),
    });
  });
});


