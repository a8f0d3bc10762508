import { check, describe, test, testId } from '../fixtures/index.js';
import { checkPrintedView, checkRepliesCrossed, checkRunOutcome, countersOf, ipOutputOf, labPath, type ProofContext } from '../fixtures/proofs.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { labStepCommands } from '../helpers/lesson/lab.js';
import { formatCidr } from '../helpers/net/cidr.js';
import { inNetns, interfaces } from '../helpers/net/ops.js';
import { formatResult } from '../helpers/targets/exec.js';
import type { Bundle } from '../helpers/oci/bundle.js';
import { findIface, isUp, parseIpAddrText } from '../helpers/net/ip.js';

/**
 * The lesson's container in a broken lab: its ping must fail for want of a route, and
 * what it printed first must be container-net's own interfaces, so the failure is the lab's and
 * not the container's being elsewhere.
 */
async function brokenRun(cx: ProofContext, bundle: Bundle, what: string): Promise<void> {
  const r = await cx.runc.run(cx.plan.containerId, bundle.dir);
  checkPrintedView(cx, ipOutputOf(r.stdout), await interfaces(cx.target, cx.plan.netns), cx.plan.netns);
  await checkRunOutcome(cx, bundle, r, {
    symptoms: ['unreachable'],
    expected: `${what}: the container's ping fails at once with "Network is unreachable" (no route to ${cx.plan.hostCidr.address})`,
    whenOk: { commonError: fixes.noConnectivity(cx.plan), next: 'the ping worked although the lab is broken: the container did not use this lab' },
  });
}

/** After the lesson's fix: three replies, and they crossed veth-container. */
async function fixedRun(cx: ProofContext, bundle: Bundle): Promise<void> {
  const before = await countersOf(cx, labPath(cx.plan));
  const r = await cx.runc.run(cx.plan.containerId, bundle.dir);
  await checkRunOutcome(cx, bundle, r, { symptoms: ['ok'], expected: 'after the fix: exit 0 and 3 replies' });
  await checkRepliesCrossed(cx, before, r, labPath(cx.plan));
}

describe('common-error-2', { tags: ['common-error-2'] }, () => {
  test(
    'interfaces not brought up: the container cannot ping the host; ip link set … up fixes it',
    testId('common-error-2/interfaces-down'),
    async ({ lab, lessonBundle, lesson, cx }) => {
      await lesson.step('cause: interfaces not brought up');
      await lab.through(4);
      await brokenRun(cx, lessonBundle, 'with both ends DOWN');
      await lab.through(5);
      await fixedRun(cx, lessonBundle);
    },
  );

  test(
    'IP addresses not assigned: the ping fails; ip addr add fixes it',
    testId('common-error-2/addresses-missing'),
    async ({ target, plan, lab, lessonBundle, lesson, cx }) => {
      await lesson.step('cause: IP addresses not assigned');
      await lab.through(5, { skip: [4] });
      await brokenRun(cx, lessonBundle, 'without addresses');
      for (const argv of labStepCommands(plan, 4)) await target.must(argv);
      await fixedRun(cx, lessonBundle);
    },
  );

  test(
    'different subnets (10.0.0.1/24 and 10.0.1.2/24): the ping fails; the same /24 fixes it',
    testId('common-error-2/different-subnets'),
    async ({ target, plan, lab, lessonBundle, lesson, cx }) => {
      await lesson.step('cause: wrong IP addresses or subnets');
      await lab.through(3);
      await target.must(['ip', 'addr', 'add', formatCidr(plan.hostCidr), 'dev', plan.hostVeth]);
      await target.must(inNetns(plan.netns, ['ip', 'addr', 'add', '10.0.1.2/24', 'dev', plan.nsVeth]));
      await lab.through(5, { skip: [4] });
      await brokenRun(cx, lessonBundle, 'with 10.0.1.2/24 inside');
      await target.must(inNetns(plan.netns, ['ip', 'addr', 'del', '10.0.1.2/24', 'dev', plan.nsVeth]));
      await target.must(inNetns(plan.netns, ['ip', 'addr', 'add', formatCidr(plan.nsCidr), 'dev', plan.nsVeth]));
      await fixedRun(cx, lessonBundle);
    },
  );

  test(
    'fix as written: ip link show says DOWN; ip link set … up; ip addr show then gives UP ends on one /24',
    testId('common-error-2/fix-as-written'),
    async ({ target, plan, lab, lesson }) => {
      await lesson.step('fix, as written');
      await lab.through(4);
      const states = [
        await target.exec(['ip', 'link', 'show', plan.hostVeth]),
        await target.exec(inNetns(plan.netns, ['ip', 'link', 'show', plan.nsVeth])),
      ];
      check(
        lesson,
        states.every((r) => r.exitCode === 0 && / state DOWN /.test(r.stdout)),
        {
          id: 'common-error-2/before-fix-both-ends',
          expected: 'before the fix both ends show state DOWN',
          seen: states.map((r) => formatResult(r)).join('\n'),
          next: 'the lab is not as Exercise 1 Step 4 leaves it: the interfaces should be DOWN until Step 5',
        },
      );
      await target.must(['ip', 'link', 'set', plan.hostVeth, 'up']);
      await target.must(inNetns(plan.netns, ['ip', 'link', 'set', plan.nsVeth, 'up']));
      const host = findIface(parseIpAddrText((await target.must(['ip', 'addr', 'show', plan.hostVeth])).stdout), plan.hostVeth);
      const ns = findIface(parseIpAddrText((await target.must(inNetns(plan.netns, ['ip', 'addr', 'show', plan.nsVeth]))).stdout), plan.nsVeth);
      check(
        lesson,
        host !== undefined &&
          ns !== undefined &&
          isUp(host) &&
          isUp(ns) &&
          host.inet.includes(formatCidr(plan.hostCidr)) &&
          ns.inet.includes(formatCidr(plan.nsCidr)),
        {
          id: 'common-error-2/up-up',
          expected: `${plan.hostVeth} UP with ${formatCidr(plan.hostCidr)}, ${plan.nsVeth} UP with ${formatCidr(plan.nsCidr)}`,
          seen: `${plan.hostVeth}: ${host ? `${host.flags.join(',')} ${host.inet.join(',')}` : 'missing'}; ${plan.nsVeth}: ${ns ? `${ns.flags.join(',')} ${ns.inet.join(',')}` : 'missing'}`,
          commonError: fixes.noConnectivity(plan),
        },
      );
    },
  );
});
