import { check, describe, test, testId } from '../fixtures/index.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { formatResult } from '../helpers/targets/exec.js';
import { inNetns } from '../helpers/net/ops.js';

/** The command failed, as taught, but not for the reason taught. */
const REWORDED =
  'the command fails, but its error does not say the device does not exist: read it in the transcript (the "ip" on this machine words it otherwise, or failed for another reason)';

describe('common-error-5', { tags: ['common-error-5'] }, () => {
  test(
    'wrong: from the host, ip link show veth-container fails after the move',
    testId('common-error-5/wrong-from-host'),
    async ({ target, plan, lab, lesson }) => {
      await lesson.step('wrong (from host)');
      await lab.through(3);
      const r = await target.exec(['ip', 'link', 'show', plan.nsVeth]);
      check(lesson, r.exitCode !== 0 && r.stderr.includes(plan.nsVeth) && /does not exist|Cannot find device/.test(r.stderr), {
        id: 'common-error-5/fails-saying-does-exist',
        expected: `fails saying ${plan.nsVeth} does not exist`,
        seen: formatResult(r),
        next:
          r.exitCode === 0
            ? `${plan.nsVeth} is still on the host: move it with "ip link set ${plan.nsVeth} netns ${plan.netns}" (Exercise 1 Step 3)`
            : REWORDED,
      });
    },
  );

  test(
    'right: ip netns exec container-net ip link show veth-container works',
    testId('common-error-5/right-inside-netns'),
    async ({ target, plan, lab, lesson }) => {
      await lesson.step('right (inside namespace)');
      await lab.through(3);
      const r = await target.exec(inNetns(plan.netns, ['ip', 'link', 'show', plan.nsVeth]));
      check(lesson, r.exitCode === 0 && r.stdout.includes(plan.nsVeth), {
        id: 'common-error-5/exit-0-line',
        expected: `exit 0 and a line for ${plan.nsVeth}`,
        seen: formatResult(r),
        commonError: fixes.invisibleAfterMove(plan),
        next: `if it is not inside either, recreate and move it (Exercise 1 Steps 2-3)`,
      });
    },
  );
});
