import { check, describe, test } from '../fixtures/index.js';
import type { ExecResult } from '../helpers/targets/exec.js';
import { cleanupCommands, IDLE_ARGS } from '../helpers/lesson/claims.js';
import type { LabPlan } from '../helpers/lesson/plan.js';
import { linkExists, listNetns, pathExists } from '../helpers/net/ops.js';
import { withArgs, withTerminal } from '../helpers/oci/config.js';
import type { Runc } from '../helpers/oci/runtime.js';
import type { Target } from '../helpers/targets/types.js';
import type { Bundle } from '../helpers/oci/bundle.js';
import type { BundleFactory } from '../fixtures/index.js';

/** Everything the lesson leaves on a machine: the lab, both bundles, both containers running. */
async function wholeLesson(plan: LabPlan, lessonBundle: Bundle, makeBundle: BundleFactory, runc: Runc): Promise<void> {
  await lessonBundle.patch(withArgs(...IDLE_ARGS));
  const fresh = await makeBundle(plan.newBundleDir);
  await fresh.patch(withTerminal(false), withArgs(...IDLE_ARGS));
  for (const [id, dir] of [[plan.containerId, lessonBundle.dir], [plan.newContainerId, fresh.dir]] as const) {
    const { pid, log } = await runc.runDetached(id, dir);
    if (pid === undefined) throw new Error(`could not start ${id} for the clean-up test: ${log}`);
  }
}

const runCleanup = async (t: Target, plan: LabPlan): Promise<ExecResult[]> => {
  const results: ExecResult[] = [];
  for (const argv of cleanupCommands(plan)) results.push(await t.exec(argv));
  return results;
};

async function leftovers(t: Target, plan: LabPlan, runc: Runc): Promise<string[]> {
  const left: string[] = [];
  const containers = await runc.list();
  if (containers.length > 0) left.push(`containers: ${containers.join(', ')}`);
  if (await linkExists(t, plan.hostVeth)) left.push(`interface ${plan.hostVeth}`);
  if ((await listNetns(t)).includes(plan.netns)) left.push(`namespace ${plan.netns}`);
  for (const dir of [plan.bundleDir, plan.newBundleDir]) if (await pathExists(t, dir)) left.push(`bundle ${dir}`);
  return left;
}

describe('cleanup', { tags: ['cleanup'] }, () => {
  test('after the clean-up commands no container, veth, namespace or bundle remains', async ({ target, plan, lab, lessonBundle, makeBundle, runc, lesson }) => {
    await lesson.step('clean-up commands');
    await lesson.runs('cleanup/b1/L2', { adjustment: 'ignore-failure', as: [['runc', 'delete', '-f', plan.containerId]] });
    await lesson.runs('cleanup/b1/L3', { adjustment: 'ignore-failure', as: [['runc', 'delete', '-f', plan.newContainerId]] });
    await lesson.runs('cleanup/b1/L6', { adjustment: 'ignore-failure', as: [['ip', 'link', 'del', plan.hostVeth]] });
    await lesson.runs('cleanup/b1/L9', { adjustment: 'ignore-failure', as: [['ip', 'netns', 'del', plan.netns]] });
    await lab.through(5);
    await wholeLesson(plan, lessonBundle, makeBundle, runc);
    const before = await leftovers(target, plan, runc);
    const inPlace = [
      `containers: ${plan.containerId}, ${plan.newContainerId}`,
      `interface ${plan.hostVeth}`,
      `namespace ${plan.netns}`,
      `bundle ${plan.bundleDir}`,
      `bundle ${plan.newBundleDir}`,
    ];
    check(lesson, JSON.stringify(before) === JSON.stringify(inPlace), { expected: `before clean-up: ${inPlace.join('; ')}`, seen: before.join('; ') });
    await runCleanup(target, plan);
    const left = await leftovers(target, plan, runc);
    check(lesson, left.length === 0, { expected: 'nothing left', seen: left.join('; ') });
  });

  test("deleting veth-host removes its peer veth-container from the namespace too", async ({ target, plan, lab, lesson }) => {
    await lesson.step('clean-up commands (ip link del)');
    await lab.through(5);
    await target.must(['ip', 'link', 'del', plan.hostVeth]);
    const peer = await linkExists(target, plan.nsVeth, plan.netns);
    check(lesson, !peer, { expected: `${plan.nsVeth} is gone from ${plan.netns}`, seen: `${plan.nsVeth} still exists` });
  });

  test("the lesson's verify-cleanup lines report OK for both the namespace and the veth", async ({ target, plan, lab, lesson }) => {
    await lesson.step('verify cleanup');
    await lesson.runs('cleanup/b1/L12', { adjustment: 'condition-by-harness', as: [['ip', 'netns', 'list']] });
    await lesson.runs('cleanup/b1/L13', { adjustment: 'condition-by-harness', as: [['ip', 'link', 'show', plan.hostVeth]] });
    await lab.through(5);
    await runCleanup(target, plan);
    const list = await target.must(['ip', 'netns', 'list']);
    const show = await target.exec(['ip', 'link', 'show', plan.hostVeth]);
    check(lesson, !list.stdout.includes(plan.netns) && show.exitCode !== 0, {
      expected: '"OK: namespace deleted" and "OK: veth deleted" (grep finds nothing, ip link show fails)',
      seen: `ip netns list: ${list.stdout || '(empty)'}; ip link show exit ${show.exitCode}`,
    });
  });

  test('a second clean-up is harmless: it only reports what is already gone', async ({ target, plan, lab, lessonBundle, makeBundle, runc, lesson }) => {
    await lesson.step('clean-up commands, run twice');
    await lab.through(5);
    await wholeLesson(plan, lessonBundle, makeBundle, runc);
    await runCleanup(target, plan);
    const hostBefore = (await target.must(['ip', '-j', 'addr', 'show'])).stdout;
    const again = await runCleanup(target, plan);
    const unexpected = again.filter((r) => r.exitCode !== 0 && !/does not exist|cannot find|no such|not found/i.test(r.stderr));
    const hostAfter = (await target.must(['ip', '-j', 'addr', 'show'])).stdout;
    check(lesson, unexpected.length === 0 && hostBefore === hostAfter, {
      expected: 'every second-run failure only says the thing is gone, and the host network is unchanged',
      seen: unexpected.map((r) => `${r.argv.join(' ')}: ${r.stderr}`).join('\n') || 'host network changed',
    });
  });
});
