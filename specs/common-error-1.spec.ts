import { check, describe, test, testId } from '../fixtures/index.js';
import { checkPrintedView, checkRunOutcome } from '../fixtures/proofs.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { parseIpAddrText } from '../helpers/net/ip.js';
import { interfaces } from '../helpers/net/ops.js';
import { formatResult } from '../helpers/targets/exec.js';
import { withArgs, withNetnsPath } from '../helpers/oci/config.js';

/** What the runtime did when it should have refused a path: it ran the container anyway. */
const ranAnyway = (path: string) => ({
  next: `the runtime started the container although ${path} is not a network namespace it could join: it ignored the path`,
});

describe('common-error-1', { tags: ['common-error-1'] }, () => {
  test(
    'namespace path does not exist: runc refuses to start; ip netns add fixes it',
    testId('common-error-1/path-does-not-exist'),
    async ({ target, plan, lab, lessonBundle, runc, lesson, cx }) => {
      await lesson.step('symptom and fix');
      await lesson.checks('common-error-1/out1');
      await lessonBundle.patch(withArgs('ip', 'addr'));
      const r = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, r, {
        symptoms: ['netns-missing'],
        expected: `runc refuses to start: namespace path "${plan.netnsPath}" does not exist`,
        whenRan: { commonError: fixes.wrongInterfaces(plan), ...ranAnyway(plan.netnsPath) },
      });
      check(lesson, r.stderr.includes(plan.netnsPath), {
        id: 'common-error-1/error-names',
        expected: `the error names ${plan.netnsPath}`,
        seen: r.stderr,
        commonError: fixes.missingNetns(plan),
      });
      if (!r.stderr.includes('does not exist')) {
        await lesson.erratum({
          id: 'E-missing-netns-wording',
          where: 'Common Error 1',
          claim: `runc says: namespace path "${plan.netnsPath}" does not exist`,
          observed: `${runc.label} refuses to start as taught, with different wording`,
          evidence: r.stderr,
        });
      }
      await lab.through(1);
      const fixed = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, fixed, { symptoms: ['ok'], expected: `after "ip netns add ${plan.netns}" the container runs` });
      checkPrintedView(cx, parseIpAddrText(fixed.stdout), await interfaces(target, plan.netns), `the new ${plan.netns}`);
    },
  );

  test(
    'a typo in the name: runc refuses; the name from ip netns list fixes it',
    testId('common-error-1/typo-in-name'),
    async ({ target, plan, lab, lessonBundle, runc, lesson, cx }) => {
      await lesson.step('symptom and fix (typo)');
      await lab.through(5);
      const typo = plan.netnsPath.replace(/(.)(.)$/, '$2$1');
      await lessonBundle.patch(withArgs('ip', 'addr'), withNetnsPath(typo));
      const r = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, r, {
        symptoms: ['netns-missing'],
        expected: `runc refuses to start: namespace path "${typo}" does not exist`,
        whenRan: { commonError: fixes.wrongInterfaces(plan), ...ranAnyway(typo) },
      });
      check(lesson, r.stderr.includes(typo), {
        id: 'common-error-1/error-names-2',
        expected: `the error names ${typo}`,
        seen: r.stderr,
        commonError: fixes.missingNetns(plan),
      });
      await lessonBundle.patch(withNetnsPath(plan.netnsPath));
      const fixed = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, fixed, { symptoms: ['ok'], expected: 'with the exact name the container runs' });
      checkPrintedView(cx, parseIpAddrText(fixed.stdout), await interfaces(target, plan.netns), plan.netns);
    },
  );

  test(
    'a path that is not a network namespace file: runc refuses to join it',
    testId('common-error-1/not-a-namespace-file'),
    async ({ target, plan, lab, lessonBundle, runc, lesson, cx }) => {
      await lesson.step('symptom (not a namespace file)');
      await lab.through(5);
      await lessonBundle.patch(withArgs('ip', 'addr'), withNetnsPath(lessonBundle.configPath));
      const r = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, r, {
        symptoms: ['not-a-netns'],
        expected: `runc fails to setns into ${lessonBundle.configPath}, a file that is not a network namespace`,
        whenRan: { commonError: fixes.wrongInterfaces(plan), ...ranAnyway(lessonBundle.configPath) },
      });
      await lessonBundle.patch(withNetnsPath(plan.netnsPath));
      const fixed = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, fixed, { symptoms: ['ok'], expected: `pointing at ${plan.netnsPath} (made by ip netns add) works` });
      checkPrintedView(cx, parseIpAddrText(fixed.stdout), await interfaces(target, plan.netns), plan.netns);
    },
  );

  test(
    'fix as written: ls -la finds no file; ip netns add creates it; ls -la and ip netns list then show it',
    testId('common-error-1/fix-as-written'),
    async ({ target, plan, lesson }) => {
      await lesson.step('fix, as written');
      const before = await target.exec(['ls', '-la', plan.netnsPath]);
      // Not a must: "ip netns add creates it" is the lesson's claim here, judged with the rest.
      const add = await target.exec(['ip', 'netns', 'add', plan.netns]);
      const after = await target.exec(['ls', '-la', plan.netnsPath]);
      const list = await target.must(['ip', 'netns', 'list']);
      check(
        lesson,
        before.exitCode !== 0 &&
          /no such file/i.test(before.stderr) &&
          add.exitCode === 0 &&
          after.exitCode === 0 &&
          list.stdout.split('\n').some((l) => l.split(' ')[0] === plan.netns),
        {
          id: 'common-error-1/before-ls-fails-such',
          expected: `before: ls fails (No such file or directory); after ip netns add: ls shows ${plan.netnsPath} and ip netns list shows ${plan.netns}`,
          seen: `before: ${formatResult(before)}\nip netns add: ${formatResult(add)}\nafter: ${formatResult(after)}\nlist: ${list.stdout}`,
          // A file already there is no Common Error 1: the fix was run on a machine that has a leftover.
          ...(before.exitCode === 0
            ? {
                next: `${plan.netnsPath} already existed before "ip netns add": a leftover of an earlier attempt; remove it (sudo ip netns delete ${plan.netns}, or sudo rm ${plan.netnsPath} if it is no namespace) and run the fix again`,
              }
            : { commonError: fixes.missingNetns(plan) }),
        },
      );
    },
  );
});
