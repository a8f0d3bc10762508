import { check, describe, test } from '../fixtures/index.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { interfaceNames, outcomeText } from '../helpers/net/views.js';
import { withArgs, withNetnsPath } from '../helpers/oci/config.js';

describe('common-error-1', { tags: ['common-error-1'] }, () => {
  test('namespace path does not exist: runc refuses to start; ip netns add fixes it', async ({ plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('symptom and fix');
    await lesson.checks('common-error-1/out1');
    await lessonBundle.patch(withArgs('ip', 'addr'));
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, r.exitCode !== 0 && r.stderr.includes(plan.netnsPath) && /no such file|does not exist/i.test(r.stderr), {
      expected: `runc fails and names ${plan.netnsPath} as missing`,
      seen: outcomeText(r),
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
    check(lesson, fixed.exitCode === 0, { expected: `after "ip netns add ${plan.netns}" the container runs`, seen: outcomeText(fixed), commonError: fixes.missingNetns(plan) });
  });

  test('a typo in the name: runc refuses; the name from ip netns list fixes it', async ({ plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('symptom and fix (typo)');
    await lab.through(5);
    const typo = plan.netnsPath.replace(/(.)(.)$/, '$2$1');
    await lessonBundle.patch(withArgs('ip', 'addr'), withNetnsPath(typo));
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, r.exitCode !== 0 && r.stderr.includes(typo), { expected: `runc fails naming ${typo}`, seen: outcomeText(r) });
    await lessonBundle.patch(withNetnsPath(plan.netnsPath));
    const fixed = await runc.run(plan.containerId, lessonBundle.dir);
    const names = interfaceNames(fixed.stdout);
    check(lesson, fixed.exitCode === 0 && names.includes(plan.nsVeth), {
      expected: `with the exact name the container runs and sees ${plan.nsVeth}`,
      seen: outcomeText(fixed),
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
      seen: outcomeText(r),
    });
    await lessonBundle.patch(withNetnsPath(plan.netnsPath));
    const fixed = await runc.run(plan.containerId, lessonBundle.dir);
    check(lesson, fixed.exitCode === 0, { expected: `pointing at ${plan.netnsPath} (made by ip netns add) works`, seen: outcomeText(fixed), commonError: fixes.missingNetns(plan) });
  });

  test('fix as written: ls -la finds no file; ip netns add creates it; ls -la and ip netns list then show it', async ({ target, plan, lesson }) => {
    await lesson.step('fix, as written');
    const before = await target.exec(['ls', '-la', plan.netnsPath]);
    await target.must(['ip', 'netns', 'add', plan.netns]);
    const after = await target.exec(['ls', '-la', plan.netnsPath]);
    const list = await target.must(['ip', 'netns', 'list']);
    check(lesson, before.exitCode !== 0 && /no such file/i.test(before.stderr) && after.exitCode === 0 && list.stdout.split('\n').some((l) => l.split(' ')[0] === plan.netns), {
      expected: `before: ls fails (No such file or directory); after ip netns add: ls shows ${plan.netnsPath} and ip netns list shows ${plan.netns}`,
      seen: `before: ${outcomeText(before)}\nafter: ${outcomeText(after)}\nlist: ${list.stdout}`,
      commonError: fixes.missingNetns(plan),
    });
  });
});

