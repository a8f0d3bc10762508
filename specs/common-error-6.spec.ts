import { check, describe, test, testId } from '../fixtures/index.js';
import { checkNewNetns, checkPrintedView, checkRunOutcome, startIdle } from '../fixtures/proofs.js';
import { inDir } from '../helpers/lesson/as-written.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { findIface, parseIpAddrText } from '../helpers/net/ip.js';
import { interfaces, linkExists } from '../helpers/net/ops.js';
import { formatResult } from '../helpers/targets/exec.js';
import { withArgs, withNetnsPath, withoutNetnsPath } from '../helpers/oci/config.js';

/** jq's pretty-printed object, or undefined when it printed none. */
const jsonOf = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

describe('common-error-6', { tags: ['common-error-6'] }, () => {
  test(
    'no path: the container gets a new namespace with only loopback; adding the path fixes it',
    testId('common-error-6/no-path'),
    async ({ target, plan, lab, lessonBundle, runc, lesson, cx }) => {
      await lesson.step('cause: path missing');
      await lab.through(5);
      await lessonBundle.patch(withoutNetnsPath, withArgs('ip', 'addr'));
      const r = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, r, { symptoms: ['ok'], expected: 'without a path the container still runs "ip addr"' });
      const names = [...new Set(parseIpAddrText(r.stdout).map((i) => i.ifname))];
      check(lesson, names.join(',') === 'lo', {
        id: 'common-error-6/container-lists-lo',
        expected: 'the container lists only lo',
        seen: formatResult(r),
        commonError: fixes.wrongInterfaces(plan),
      });
      const c = await startIdle(cx, plan.containerId, lessonBundle);
      checkNewNetns(cx, c);
      await runc.delete(plan.containerId);
      await lessonBundle.patch(withNetnsPath(plan.netnsPath), withArgs('ip', 'addr'));
      const fixed = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, fixed, { symptoms: ['ok'], expected: 'with the path the container runs "ip addr"' });
      const printed = parseIpAddrText(fixed.stdout);
      check(lesson, findIface(printed, plan.nsVeth) !== undefined && findIface(printed, plan.hostVeth) === undefined, {
        id: 'common-error-6/fixed-lists-veth-container',
        expected: `with the path: ${plan.nsVeth}, not ${plan.hostVeth}`,
        seen: formatResult(fixed),
        commonError: fixes.wrongInterfaces(plan),
      });
      checkPrintedView(cx, printed, await interfaces(target, plan.netns), plan.netns);
    },
  );

  test(
    'wrong path: runc fails to start, naming the missing path',
    testId('common-error-6/wrong-path'),
    async ({ plan, lab, lessonBundle, runc, lesson, cx }) => {
      await lesson.step('cause: path wrong');
      await lab.through(5);
      const wrong = '/var/run/netns/no-such-net';
      await lessonBundle.patch(withNetnsPath(wrong), withArgs('ip', 'addr'));
      const r = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, r, {
        symptoms: ['netns-missing'],
        expected: `runc fails before the process starts: namespace path ${wrong} does not exist`,
        whenRan: {
          commonError: fixes.wrongInterfaces(plan),
          next: `the runtime started the container although ${wrong} does not exist: it ignored the path`,
        },
      });
      check(lesson, r.stdout === '' && r.stderr.includes(wrong), {
        id: 'common-error-6/process-output-error-names',
        expected: `no process output, and the error names ${wrong}`,
        seen: formatResult(r),
        commonError: fixes.missingNetns(plan),
      });
    },
  );

  test(
    "the lesson's jq query shows the network entry with its path",
    testId('common-error-6/jq-query-shows-path'),
    async ({ target, plan, lessonBundleAsWritten, lesson }) => {
      await lesson.step('fix: verify config.json');
      const query = inDir(lessonBundleAsWritten.dir, ['jq', '.linux.namespaces[] | select(.type == "network")', 'config.json']);
      await lesson.runs('common-error-6/b1/L2', { adjustment: 'file-argument', as: [query] });
      await lesson.checks('common-error-6/b1/L4');
      const r = await target.exec(query);
      check(lesson, r.exitCode === 0 && JSON.stringify(jsonOf(r.stdout)) === JSON.stringify({ type: 'network', path: plan.netnsPath }), {
        id: 'common-error-6/jq-shows-network-entry',
        expected: JSON.stringify({ type: 'network', path: plan.netnsPath }),
        seen: formatResult(r),
        commonError: fixes.wrongInterfaces(plan),
      });
    },
  );

  test(
    "the container's addresses equal the namespace's, never the host's",
    testId('common-error-6/addresses-are-the-namespaces'),
    async ({ target, plan, lab, lessonBundle, runc, lesson, cx }) => {
      await lesson.step('symptom: host interfaces instead of namespace interfaces');
      await lab.through(5);
      await lessonBundle.patch(withArgs('ip', 'addr'));
      const r = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, r, { symptoms: ['ok'], expected: 'the container runs "ip addr"' });
      const printed = parseIpAddrText(r.stdout);
      check(lesson, findIface(printed, plan.hostVeth) === undefined, {
        id: 'common-error-6/container-does-list',
        expected: `the container does not list ${plan.hostVeth}`,
        seen: formatResult(r),
        commonError: fixes.wrongInterfaces(plan),
      });
      checkPrintedView(cx, printed, await interfaces(target, plan.netns), plan.netns);
      check(lesson, await linkExists(target, plan.hostVeth), {
        id: 'common-error-6/veth-host-still-on-host',
        expected: `${plan.hostVeth} is still on the host`,
        seen: 'missing',
        next: `${plan.hostVeth} left the host during the run (deleted or moved elsewhere): the runtime under test (${runc.binary}) touched a host interface config.json never gave it`,
      });
    },
  );
});
