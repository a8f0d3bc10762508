import { readFileSync } from 'node:fs';
import { check, describe, test, testId } from '../fixtures/index.js';
import { checkPrintedView, checkRepliesCrossed, checkRunOutcome, countersOf, ipOutputOf, labPath } from '../fixtures/proofs.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { parsePingSummary } from '../helpers/net/ip.js';
import { readIcmp } from '../helpers/net/counters.js';
import { formatResult } from '../helpers/targets/exec.js';
import { inNetns, interfaces, ping } from '../helpers/net/ops.js';
import { withArgs } from '../helpers/oci/config.js';
import type { CommonErrorHint } from '../helpers/lesson/sections.js';
import type { LabPlan } from '../helpers/lesson/plan.js';
import type { Target } from '../helpers/targets/types.js';
import { applyNatFix, buildWan, forwardDropNext, forwardPolicyDrops, masqueradePackets, NAT_FIXES, WAN } from '../helpers/net/wan.js';

const WAN_PATH = `/var/run/netns/${WAN.netns}`;

/** Common Error 4 when the lab's forwarding fails, unless the host's firewall dropped the packets: that is said instead. */
async function natDiagnosis(target: Target, plan: LabPlan, ok: boolean): Promise<{ next: string } | { commonError: CommonErrorHint }> {
  const dropped = ok ? undefined : await forwardPolicyDrops(target);
  return dropped !== undefined && dropped > 0 ? { next: forwardDropNext(plan, dropped) } : { commonError: fixes.noExternal(plan) };
}

describe('common-error-4', { tags: ['common-error-4'] }, () => {
  test(
    'the container reaches the host (10.0.0.1) but not the external address: Network is unreachable',
    testId('common-error-4/external-unreachable'),
    async ({ target, plan, lab, lessonBundle, runc, lesson, cx }) => {
      await lesson.step('symptom');
      await lab.through(5);
      await buildWan(target);
      const before = await countersOf(cx, labPath(plan));
      const host = await runc.run(plan.containerId, lessonBundle.dir);
      checkPrintedView(cx, ipOutputOf(host.stdout), await interfaces(target, plan.netns), plan.netns);
      await checkRunOutcome(cx, lessonBundle, host, { symptoms: ['ok'], expected: `the container pings ${plan.hostCidr.address}: 3 replies` });
      await checkRepliesCrossed(cx, before, host, labPath(plan));
      await lessonBundle.patch(withArgs('ping', '-c', '1', '-W', '1', WAN.remoteCidr.address));
      const wan = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, wan, {
        symptoms: ['unreachable'],
        expected: `ping ${WAN.remoteCidr.address} fails at once: "Network is unreachable" (${plan.netns} has no default route)`,
        whenOk: {
          commonError: fixes.wrongInterfaces(plan),
          next: `the container reached ${WAN.remoteCidr.address} without NAT or a default route: it is not in ${plan.netns}`,
        },
      });
    },
  );

  test(
    'no single fix is enough: route only, then route + ip_forward without MASQUERADE, still no reply',
    testId('common-error-4/no-single-fix-enough'),
    async ({ target, plan, lab, lesson }) => {
      await lesson.step('cause: missing NAT/routing');
      await lesson.runs('common-error-4/b1/L2', { adjustment: 'file-write', as: [['dd', 'of=/proc/sys/net/ipv4/ip_forward']] });
      await lab.through(5);
      await buildWan(target);
      // The WAN namespace (the harness's, nothing runs in it) is the only one that could answer.
      const probe = () => ping(target, WAN.remoteCidr.address, { netns: plan.netns, count: 1, waitSeconds: 1, responder: WAN_PATH });
      const noReply = (p: Awaited<ReturnType<typeof probe>>): boolean => p.summary?.transmitted === 1 && p.summary.received === 0;
      // Echo requests the WAN namespace received: whether the lab host forwarded the probe at all.
      const wanEchos = async (): Promise<number> => (await readIcmp(target, WAN_PATH))?.inEchos ?? NaN;
      // The lab host's own ip_forward before any fix: a new namespace may inherit the machine's.
      const forwarding = (await target.readFile('/proc/sys/net/ipv4/ip_forward')).trim() === '1';
      await applyNatFix(target, plan, 'default-route');
      const w0 = await wanEchos();
      const routeOnly = await probe();
      const w1 = await wanEchos();
      const routeOnlyOk = noReply(routeOnly) && (forwarding ? w1 - w0 >= 1 : w1 - w0 === 0);
      check(lesson, routeOnlyOk, {
        id: 'common-error-4/default-route-1-packet',
        expected: `with the default route only: 1 packet transmitted, 0 received; ${forwarding ? 'the lab host already forwards (ip_forward is 1 here), so the request reaches the WAN and no reply finds its way back' : 'nothing reaches the WAN (ip_forward is 0: the lab host does not forward)'}`,
        seen: `ping: ${formatResult(routeOnly.result)}\nWAN echo requests received +${w1 - w0}`,
        ...(await natDiagnosis(target, plan, routeOnlyOk)),
      });
      await applyNatFix(target, plan, 'ip_forward');
      const noMasq = await probe();
      const w2 = await wanEchos();
      const routeBack = await target.exec(inNetns(WAN.netns, ['ip', 'route', 'get', plan.nsCidr.address]));
      const noMasqOk = noReply(noMasq) && w2 - w1 >= 1 && routeBack.exitCode !== 0;
      check(lesson, noMasqOk, {
        id: 'common-error-4/route-ip-forward-echo',
        expected: 'with route + ip_forward: the echo request reaches the WAN, no reply comes back, and the WAN has no route to the lab subnet',
        seen: `ping: ${formatResult(noMasq.result)}\nWAN echo requests received +${w2 - w1}\nWAN route to ${plan.nsCidr.address}: ${formatResult(routeBack)}`,
        ...(await natDiagnosis(target, plan, noMasqOk)),
      });
    },
  );

  test(
    "after the lesson's three fixes the container reaches 203.0.113.8, and only through NAT",
    testId('common-error-4/three-fixes-reach-through-nat'),
    async ({ target, plan, lab, lessonBundle, runc, lesson, cx }) => {
      await lesson.step('fix: ip_forward, MASQUERADE, default route');
      await lesson.runs('common-error-4/b1/L2', { adjustment: 'file-write', as: [['dd', 'of=/proc/sys/net/ipv4/ip_forward']] });
      await lab.through(5);
      await buildWan(target);
      const hostForwardBefore = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
      for (const fix of NAT_FIXES) await applyNatFix(target, plan, fix);
      await lessonBundle.patch(withArgs('sh', '-c', `ip addr && ping -c 1 -W 2 ${WAN.remoteCidr.address}`));
      const toWan = { from: plan.netnsPath, via: plan.nsVeth, to: WAN_PATH };
      const before = await countersOf(cx, toWan);
      const r = await runc.run(plan.containerId, lessonBundle.dir);
      checkPrintedView(cx, ipOutputOf(r.stdout), await interfaces(target, plan.netns), plan.netns);
      const pinged = r.exitCode === 0 && parsePingSummary(r.stdout)?.received === 1;
      check(lesson, pinged, {
        id: 'common-error-4/container-pings',
        expected: `the container pings ${WAN.remoteCidr.address}`,
        seen: formatResult(r),
        ...(await natDiagnosis(target, plan, pinged)),
      });
      await checkRepliesCrossed(cx, before, r, toWan);
      const masq = await masqueradePackets(target);
      const routeBack = await target.exec(inNetns(WAN.netns, ['ip', 'route', 'get', plan.nsCidr.address]));
      check(lesson, masq > 0 && routeBack.exitCode !== 0, {
        id: 'common-error-4/masquerade-rule-counted-packets',
        expected: 'the MASQUERADE rule counted packets and the WAN still has no route to 10.0.0.0/24',
        seen: `MASQUERADE packets ${masq}; WAN route: ${formatResult(routeBack)}`,
        // Replies came back with the MASQUERADE rule idle: another rule or route did the lesson's fix's work.
        ...(masq > 0 || routeBack.exitCode === 0 ? { commonError: fixes.noExternal(plan) } : {}),
        next:
          routeBack.exitCode === 0
            ? `the WAN has a route back to ${plan.nsCidr.address}: the reply needed no NAT; this lab is not the lesson's`
            : `an earlier rule translated the packets before the lesson's MASQUERADE rule: read "iptables -t nat -L POSTROUTING -v -n" and remove the rule above it`,
      });
      const sandboxForward = (await target.readFile('/proc/sys/net/ipv4/ip_forward')).trim();
      const hostForwardAfter = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
      check(lesson, sandboxForward === '1' && hostForwardAfter === hostForwardBefore, {
        id: 'common-error-4/ip-forward-1-lab',
        expected: "ip_forward is 1 in the lab's own namespace and unchanged on the real host",
        seen: `lab: ${sandboxForward}; real host before ${hostForwardBefore.trim()}, after ${hostForwardAfter.trim()}`,
        next: 'the harness changed the real host: report this as a harness bug',
      });
    },
  );
});
