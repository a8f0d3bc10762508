import { check, describe, test, testId } from '../fixtures/index.js';
import { checkPrintedView, checkRunOutcome } from '../fixtures/proofs.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { COMMON_ERROR_3_CONTAINER, UNPRIVILEGED } from '../helpers/lesson/claims.js';
import { parseIpAddrText } from '../helpers/net/ip.js';
import { interfaces } from '../helpers/net/ops.js';
import { formatResult } from '../helpers/targets/exec.js';
import { withArgs } from '../helpers/oci/config.js';

describe('common-error-3', { tags: ['common-error-3'] }, () => {
  test(
    'ip netns add as an unprivileged user is refused; as root it works',
    testId('common-error-3/ip-netns-add-unprivileged'),
    async ({ target, plan, lesson }) => {
      await lesson.step('cause: not root');
      const r = await target.exec(['ip', 'netns', 'add', plan.netns], UNPRIVILEGED);
      check(lesson, r.exitCode !== 0 && /permission denied|not permitted/i.test(r.stderr), {
        id: 'common-error-3/refused-permission-denied-operation',
        expected: 'refused with "Permission denied" or "Operation not permitted"',
        seen: formatResult(r),
        next: 'an unprivileged user could create a network namespace: this machine does not behave as the lesson assumes',
      });
      const root = await target.exec(['ip', 'netns', 'add', plan.netns]);
      check(lesson, root.exitCode === 0, {
        id: 'common-error-3/root-works',
        expected: 'as root it works',
        seen: formatResult(root),
        commonError: fixes.permission(),
      });
    },
  );

  test(
    'runc run as an unprivileged user is refused; as root (sudo) it works',
    testId('common-error-3/runc-run-unprivileged'),
    async ({ target, plan, lab, lessonBundle, runc, lesson, cx }) => {
      await lesson.step('cause: running runc without root');
      await lesson.runs('common-error-3/b1/L2', {
        adjustment: 'bundle-flag',
        as: [['runc', 'run', '--bundle', lessonBundle.dir, COMMON_ERROR_3_CONTAINER]],
      });
      await lesson.checks('common-error-3/out1');
      await lab.through(5);
      await lessonBundle.patch(withArgs('ip', 'addr'));
      const r = await runc.runArgv(
        COMMON_ERROR_3_CONTAINER,
        lessonBundle.dir,
        [runc.binary, 'run', '--bundle', lessonBundle.dir, COMMON_ERROR_3_CONTAINER],
        UNPRIVILEGED,
      );
      await checkRunOutcome(cx, lessonBundle, r, {
        symptoms: ['permission'],
        expected: 'runc refuses with "permission denied"',
        whenRan: { commonError: fixes.permission(), next: 'the runtime ran a container for an unprivileged user' },
      });
      const left = await runc.state(COMMON_ERROR_3_CONTAINER);
      check(lesson, left === undefined, {
        id: 'common-error-3/container-exists-after-refusal',
        expected: 'no container exists after the refusal',
        seen: `"${runc.binary} state ${COMMON_ERROR_3_CONTAINER}": ${JSON.stringify(left)}`,
        next: `delete it: "runc delete -f ${COMMON_ERROR_3_CONTAINER}"`,
      });
      if (!(r.stderr.includes(plan.netnsPath) && /permission denied/i.test(r.stderr))) {
        await lesson.erratum({
          id: 'E-unprivileged-runc-wording',
          where: 'Common Error 3',
          claim: `the symptom is "open ${plan.netnsPath}: permission denied"`,
          observed: `${runc.label} run as a normal user is refused before it ever opens the namespace file`,
          evidence: r.stderr,
        });
      }
      const root = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, root, { symptoms: ['ok'], expected: 'as root the container runs' });
      checkPrintedView(cx, parseIpAddrText(root.stdout), await interfaces(target, plan.netns), plan.netns);
    },
  );

  test(
    'the namespace file under /var/run/netns is owned by root',
    testId('common-error-3/netns-file-owned-by-root'),
    async ({ target, plan, lab, lesson }) => {
      await lesson.step('fix: ls -la /var/run/netns/');
      await lab.through(1);
      const dir = plan.netnsPath.slice(0, plan.netnsPath.lastIndexOf('/') + 1);
      const listing = await target.exec(['ls', '-la', dir]);
      // ls -l: mode, links, owner, group, size, date (three words), name.
      const entry = listing.stdout
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .find((w) => w.length >= 9 && w.slice(8).join(' ') === plan.netns);
      check(lesson, listing.exitCode === 0 && entry !== undefined, {
        id: 'common-error-3/netns-file-exists',
        expected: `"ls -la ${dir}" lists ${plan.netns}`,
        seen: formatResult(listing),
        commonError: fixes.missingNetns(plan),
      });
      check(lesson, entry[2] === 'root', {
        id: 'common-error-3/owner-root',
        expected: 'owner root',
        seen: entry.join(' '),
        next: `"ip netns add" should run as root (sudo); delete and recreate ${plan.netns}`,
      });
    },
  );
});
