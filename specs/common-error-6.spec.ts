import { check, describe, test } from '../fixtures/index.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { addressView, findIface, parseIpAddrText } from '../helpers/net/ip.js';
import { NET_RAW } from '../helpers/lesson/claims.js';
import { interfaceNames, outcomeText } from '../helpers/net/views.js';
import { interfaces, linkExists } from '../helpers/net/ops.js';
import { withArgs, withCapability, withNetnsPath, withoutNetnsPath, withTerminal } from '../helpers/oci/config.js';

describe('common-error-6', { tags: ['common-error-6'] }, () => {
  test('no path: the container gets a new namespace with only loopback; adding the path fixes it', async ({ plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('cause: path missing');
    await lab.through(5);
    await lessonBundle.patch(withoutNetnsPath, withArgs('ip', 'addr'));
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    const names = interfaceNames(r.stdout);
    check(lesson, r.exitCode === 0 && names.join(',') === 'lo', { expected: 'only lo', seen: outcomeText(r) });
    await lessonBundle.patch(withNetnsPath(plan.netnsPath));
    const fixed = await runc.run(plan.containerId, lessonBundle.dir);
    const fixedNames = interfaceNames(fixed.stdout);
    check(lesson, fixedNames.includes(plan.nsVeth) && !fixedNames.includes(plan.hostVeth), {
      expected: `with the path: ${plan.nsVeth}, not ${plan.hostVeth}`,
      seen: outcomeText(fixed),
      commonError: fixes.wrongInterfaces(plan),
    });
  });

  test('wrong path: runc fails to start', async ({ plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('cause: path wrong');
    await lab.through(5);
    await lessonBundle.patch(withNetnsPath('/var/run/netns/no-such-net'), withArgs('ip', 'addr'));
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, r.exitCode !== 0 && r.stdout === '', { expected: 'runc fails before the process prints anything', seen: outcomeText(r) });
  });

  test("the lesson's jq query shows the network entry with its path", async ({ target, plan, lessonBundle, lesson }) => {
    await lesson.step('fix: verify config.json');
    await lesson.runs('common-error-6/b1/L2', { adjustment: 'file-argument', as: [['jq', '-c', '.linux.namespaces[] | select(.type == "network")', lessonBundle.configPath]] });
    await lesson.checks('common-error-6/b1/L4');
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
