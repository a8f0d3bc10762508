import { readFileSync } from 'node:fs';
import { check, describe, test } from '../fixtures/index.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { parsePingSummary } from '../helpers/net/ip.js';
import { CLAIMED_PING_COUNT } from '../helpers/lesson/claims.js';
import { outcomeText, pingedAll } from '../helpers/net/views.js';
import { inNetns, ping } from '../helpers/net/ops.js';
import { withArgs } from '../helpers/oci/config.js';
import { applyNatFix, buildWan, masqueradePackets, NAT_FIXES, WAN } from '../helpers/net/wan.js';

describe('common-error-4', { tags: ['common-error-4'] }, () => {
  test('the container reaches the host (10.0.0.1) but not the external address', async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('symptom');
    await lab.through(5);
    await buildWan(target);
    const host = await runc.run(plan.containerId, lessonBundle.dir);
    await lessonBundle.patch(withArgs('ping', '-c', '1', '-W', '1', WAN.remoteCidr.address));
    const wan = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, pingedAll(host, CLAIMED_PING_COUNT) && wan.exitCode !== 0, {
      expected: `host ping works, ${WAN.remoteCidr.address} fails`,
      seen: `host: ${outcomeText(host)}\nexternal: ${outcomeText(wan)}`,
    });
  });

  test('no single fix is enough: route only, then route + ip_forward without MASQUERADE, still no reply', async ({ target, plan, lab, lesson }) => {
    await lesson.step('cause: missing NAT/routing');
    await lesson.runs('common-error-4/b1/L2', { adjustment: 'file-write', as: [['dd', 'of=/proc/sys/net/ipv4/ip_forward']] });
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
      seen: `route only: ${routeOnly.result.stdout}\nroute+forward: ${noMasq.result.stdout}\nWAN route to ${plan.nsCidr.address}: ${outcomeText(routeBack)}`,
    });
  });

  test("after the lesson's three fixes the container reaches 203.0.113.8, and only through NAT", async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('fix: ip_forward, MASQUERADE, default route');
    await lesson.runs('common-error-4/b1/L2', { adjustment: 'file-write', as: [['dd', 'of=/proc/sys/net/ipv4/ip_forward']] });
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
      seen: outcomeText(r),
      commonError: fixes.noExternal(plan),
    });
    check(lesson, masq > 0 && routeBack.exitCode !== 0, {
      expected: 'the MASQUERADE rule counted packets and the WAN still has no route to 10.0.0.0/24',
      seen: `MASQUERADE packets ${masq}; WAN route: ${outcomeText(routeBack)}`,
    });
    const sandboxForward = (await target.readFile('/proc/sys/net/ipv4/ip_forward')).trim();
    const hostForwardAfter = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
    check(lesson, sandboxForward === '1' && hostForwardAfter === hostForwardBefore, {
      expected: "ip_forward is 1 in the lab's own namespace and unchanged on the real host",
      seen: `lab: ${sandboxForward}; real host before ${hostForwardBefore.trim()}, after ${hostForwardAfter.trim()}`,
    });
  });
});

