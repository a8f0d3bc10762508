import { check, describe, test, testId } from '../fixtures/index.js';
import { containerTraces, startTraced, type KernelContainer, type ProofContext } from '../fixtures/proofs.js';
import type { ExecResult } from '../helpers/targets/exec.js';
import { cleanupCommands } from '../helpers/lesson/claims.js';
import { installShims, scriptEnv, scriptSaysWhenAllGone } from '../helpers/lesson/script.js';
import type { LabPlan } from '../helpers/lesson/plan.js';
import { linkExists, listNetns } from '../helpers/net/ops.js';
import type { Runc } from '../helpers/oci/runtime.js';
import { processAlive } from '../helpers/oci/evidence.js';
import type { Target } from '../helpers/targets/types.js';
import type { Bundle } from '../helpers/oci/bundle.js';
import type { BundleFactory } from '../fixtures/index.js';

/** Everything the lesson leaves on a machine: the lab, both bundles, both containers running. Returns the containers. */
async function wholeLesson(cx: ProofContext, lessonBundle: Bundle, makeBundle: BundleFactory): Promise<KernelContainer[]> {
  const fresh = await makeBundle(cx.plan.newBundleDir);
  return [await startTraced(cx, cx.plan.containerId, lessonBundle), await startTraced(cx, cx.plan.newContainerId, fresh)];
}

/** Where a clean-up block written from the document goes (the sandbox's private /tmp). */
const SCRIPT_DIR = '/tmp/lesson06-scripts';

type CleanupPart = keyof ReturnType<typeof cleanupCommands>;

/** The lesson's Clean Up lines, with the runtime under test as their runc. */
const runCleanup = async (
  t: Target,
  plan: LabPlan,
  runtime: string,
  parts: readonly CleanupPart[] = ['containers', 'lab', 'bundles'],
): Promise<ExecResult[]> => {
  const results: ExecResult[] = [];
  const all = cleanupCommands(plan, runtime);
  for (const part of parts) for (const argv of all[part]) results.push(await t.exec(argv));
  return results;
};

/** What is left, as the runtime lists it and as the kernel shows it (processes, links, namespaces, files). */
async function leftovers(t: Target, plan: LabPlan, runc: Runc, pids: readonly number[] = []): Promise<string[]> {
  const left: string[] = [];
  const containers = await runc.list();
  if (containers === undefined) left.push(`containers: "${runc.binary} list" failed`);
  else if (containers.length > 0) left.push(`containers: ${containers.join(', ')}`);
  const alive = [];
  for (const pid of pids) if (await processAlive(t, pid)) alive.push(pid);
  if (alive.length > 0) left.push(`container processes: ${alive.join(', ')}`);
  if (await linkExists(t, plan.hostVeth)) left.push(`interface ${plan.hostVeth}`);
  if ((await listNetns(t)).includes(plan.netns)) left.push(`namespace ${plan.netns}`);
  for (const dir of [plan.bundleDir, plan.newBundleDir]) if (await t.exists(dir)) left.push(`bundle ${dir}`);
  return left;
}

describe('cleanup', { tags: ['cleanup'] }, () => {
  test(
    'after the clean-up commands no container, veth, namespace or bundle remains',
    testId('cleanup/nothing-remains'),
    async ({ target, plan, lab, lessonBundle, makeBundle, runc, lesson, cx }) => {
      await lesson.step('clean-up commands');
      const block = lesson.block('cleanup/b1');
      const file = `${SCRIPT_DIR}/cleanup-b1.sh`;
      if (block === undefined) {
        await lesson.runs('cleanup/b1/L2', { adjustment: 'ignore-failure', as: [['runc', 'delete', '-f', plan.containerId]] });
        await lesson.runs('cleanup/b1/L3', { adjustment: 'ignore-failure', as: [['runc', 'delete', '-f', plan.newContainerId]] });
        await lesson.runs('cleanup/b1/L6', { adjustment: 'ignore-failure', as: [['ip', 'link', 'del', plan.hostVeth]] });
        await lesson.runs('cleanup/b1/L9', { adjustment: 'ignore-failure', as: [['ip', 'netns', 'del', plan.netns]] });
      } else await lesson.runsScript('cleanup/b1', file);
      await lab.through(5);
      const containers = await wholeLesson(cx, lessonBundle, makeBundle);
      const pids = containers.map((c) => c.pid);
      const before = await leftovers(target, plan, runc, pids);
      const inPlace = [
        `containers: ${plan.containerId}, ${plan.newContainerId}`,
        `container processes: ${pids.join(', ')}`,
        `interface ${plan.hostVeth}`,
        `namespace ${plan.netns}`,
        `bundle ${plan.bundleDir}`,
        `bundle ${plan.newBundleDir}`,
      ];
      check(lesson, JSON.stringify(before) === JSON.stringify(inPlace), {
        id: 'cleanup/before-clean-up',
        expected: `before clean-up: ${inPlace.join('; ')}`,
        seen: before.join('; '),
        next: `"${runc.binary} list" does not show the containers it started: check the runtime under test`,
      });
      // The kernel shows each container (process and cgroup at least), so its absence afterwards means something.
      const traced = await containerTraces(cx, containers);
      const shown = containers.filter((c) => traced.includes(`${c.id}: process ${c.pid}`) && traced.some((l) => l.startsWith(`${c.id}: cgroup `)));
      check(lesson, shown.length === containers.length, {
        id: 'cleanup/kernel-shows-containers',
        expected: `before clean-up the kernel shows both containers: a live process and a cgroup at each bundle's cgroupsPath`,
        seen: traced.join('; ') || '(nothing)',
        next: `the runtime under test (${runc.binary}) does not put its containers where the bundle says: check it with --version`,
      });
      if (block === undefined) await runCleanup(target, plan, runc.binary);
      else {
        // With the document: the block as written, in one bash, as typed in a terminal in ~.
        await lesson.adjustment(await installShims(target, runc.binary));
        await target.must(['mkdir', '-p', SCRIPT_DIR]);
        await target.writeFile(file, block);
        const r = await target.exec([...scriptEnv(target.home, target.home), 'bash', file]);
        const says = scriptSaysWhenAllGone(block);
        check(lesson, r.exitCode === 0 && r.stdout === says, {
          id: 'cleanup/script-as-written-says-ok',
          expected: `exit 0, and the verify-cleanup lines print ${JSON.stringify(says)}`,
          seen: `exit ${r.exitCode ?? '?'}; stdout ${JSON.stringify(r.stdout)}${r.stderr ? `; stderr ${JSON.stringify(r.stderr)}` : ''}`,
          next: 'run the Clean Up commands again one by one and read their errors (the transcript has them)',
        });
      }
      const gone = await containerTraces(cx, containers);
      check(lesson, gone.length === 0, {
        id: 'cleanup/kernel-nothing-left',
        expected: 'after the clean-up commands the kernel holds nothing of either container: no process, no cgroup, no state directory, no mount',
        seen: gone.join('; '),
        next: `"${runc.binary} delete -f" did not remove what it started: the runtime under test leaves containers behind (the transcript has its output)`,
      });
      const left = await leftovers(target, plan, runc, pids);
      check(lesson, left.length === 0, {
        id: 'cleanup/nothing-left-containers-processes',
        expected: "nothing left, and the containers' processes gone",
        seen: left.join('; '),
        next: `run the Clean Up commands again one by one and read their errors (the transcript has them)`,
      });
    },
  );

  test(
    'deleting veth-host removes its peer veth-container from the namespace too',
    testId('cleanup/peer-goes-with-veth-host'),
    async ({ target, plan, lab, lesson }) => {
      await lesson.step('clean-up commands (ip link del)');
      await lab.through(5);
      const before = await linkExists(target, plan.nsVeth, plan.netns);
      await target.must(['ip', 'link', 'del', plan.hostVeth]);
      const peer = await linkExists(target, plan.nsVeth, plan.netns);
      check(lesson, before && !peer, {
        id: 'cleanup/before-gone-after-ip',
        expected: `${plan.nsVeth} is in ${plan.netns} before, and gone after "ip link del ${plan.hostVeth}"`,
        seen: `before: ${before ? 'present' : 'absent'}; after: ${peer ? 'still there' : 'gone'}`,
        next: `the two ends are not one veth pair: recreate it with "ip link add ${plan.hostVeth} type veth peer name ${plan.nsVeth}" (Exercise 1 Step 2)`,
      });
    },
  );

  test(
    "after ip link del and ip netns del the lesson's verify-cleanup lines report OK for both",
    testId('cleanup/verify-cleanup-reports-ok'),
    async ({ target, plan, lab, config, lesson }) => {
      await lesson.step('verify cleanup');
      await lesson.runs('cleanup/b1/L12', { adjustment: 'condition-by-harness', as: [['ip', 'netns', 'list']] });
      await lesson.runs('cleanup/b1/L13', { adjustment: 'condition-by-harness', as: [['ip', 'link', 'show', plan.hostVeth]] });
      await lab.through(5);
      // No container runs in this test: only the clean-up lines for the lab itself.
      await runCleanup(target, plan, config.runtime, ['lab']);
      const list = await target.must(['ip', 'netns', 'list']);
      const show = await target.exec(['ip', 'link', 'show', plan.hostVeth]);
      check(lesson, !list.stdout.includes(plan.netns) && show.exitCode !== 0, {
        id: 'cleanup/ok-namespace-deleted-ok',
        expected: '"OK: namespace deleted" and "OK: veth deleted" (grep finds nothing, ip link show fails)',
        seen: `ip netns list: ${list.stdout || '(empty)'}; ip link show exit ${show.exitCode}`,
        next: `delete them by hand: "ip link del ${plan.hostVeth}" and "ip netns del ${plan.netns}"`,
      });
    },
  );

  test(
    'a second clean-up is harmless: it only reports what is already gone',
    testId('cleanup/second-clean-up-harmless'),
    async ({ target, plan, lab, lessonBundle, makeBundle, runc, lesson, cx }) => {
      await lesson.step('clean-up commands, run twice');
      await lab.through(5);
      await wholeLesson(cx, lessonBundle, makeBundle);
      await runCleanup(target, plan, runc.binary);
      const hostBefore = (await target.must(['ip', '-j', 'addr', 'show'])).stdout;
      const again = await runCleanup(target, plan, runc.binary);
      const unexpected = again.filter((r) => r.exitCode !== 0 && !/does not exist|cannot find|no such|not found/i.test(r.stderr));
      const hostAfter = (await target.must(['ip', '-j', 'addr', 'show'])).stdout;
      check(lesson, unexpected.length === 0 && hostBefore === hostAfter, {
        id: 'cleanup/every-second-run-failure',
        expected: 'every second-run failure only says the thing is gone, and the host network is unchanged',
        seen: unexpected.map((r) => `${r.argv.join(' ')}: ${r.stderr}`).join('\n') || 'host network changed',
        next: 'read the failing command above: the Clean Up lines should be safe to repeat',
      });
    },
  );
});
