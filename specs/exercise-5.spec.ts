import { findCgroupDirsArgv, netnsHolders } from '../helpers/oci/evidence.js';
import { check, describe, test, testId } from '../fixtures/index.js';
import { installHook, stateRecorder } from '../fixtures/hooks.js';
import { checkPrintedView, checkRunOutcome, ipOutputOf, NO_OUTPUT, startContainer, type ProofContext } from '../fixtures/proofs.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { findIface, parseIpJson, parsePingSummary, type Iface } from '../helpers/net/ip.js';
import { CLAIMED_PING_COUNT, exercise2Args, IDLE_ARGS } from '../helpers/lesson/claims.js';
import { formatCidr } from '../helpers/net/cidr.js';
import { linkExists, nsInode } from '../helpers/net/ops.js';
import { formatResult } from '../helpers/targets/exec.js';
import { withArgs, withHook, withNetnsPath, withoutNetnsPath } from '../helpers/oci/config.js';
import type { Target } from '../helpers/targets/types.js';
import type { Bundle } from '../helpers/oci/bundle.js';
import { waitFor } from '../helpers/wait.js';

interface HookState {
  ociVersion?: string;
  id?: string;
  pid?: number;
  status?: string;
  bundle?: string;
}

/** What a state-recording hook wrote, or undefined when the hook never ran. */
async function recordedState(t: Target, file: string): Promise<HookState | undefined> {
  const r = await t.read(file);
  if (r.exitCode !== 0) return undefined;
  try {
    return JSON.parse(r.stdout) as HookState;
  } catch {
    return {};
  }
}

/**
 * Exercise 5's pattern: a hook wires a veth pair into the new namespace the runtime created. The
 * container must see veth-container (and not veth-host), ping the host, and when it exits the
 * kernel must destroy its namespace and with it the pair: proof the interface lived there.
 */
async function wiresTheNetwork(cx: ProofContext, bundle: Bundle, stage: 'prestart' | 'createRuntime'): Promise<void> {
  const { lesson, target, runc, plan } = cx;
  const hook = await installHook(target, 'wire-network.sh', [plan.hostVeth, plan.nsVeth, formatCidr(plan.hostCidr), formatCidr(plan.nsCidr)]);
  const record = '/tmp/hooks/netns-after-wiring';
  const recorder = await installHook(target, 'record-netns.sh', [record]);
  await bundle.patch(withoutNetnsPath, withArgs(...exercise2Args(plan)), withHook(stage, hook), withHook(stage, recorder));
  await lesson.adjustment(
    `a second ${stage} hook records the container's netns as the kernel shows it after the wiring, so the container's output is compared with the kernel's (it changes nothing)`,
  );
  const r = await runc.run(plan.newContainerId, bundle.dir);
  const seen = ipOutputOf(r.stdout);
  if (seen.length === 0)
    await checkRunOutcome(cx, bundle, r, {
      symptoms: [],
      expected: 'the container runs and prints its interfaces',
      whenOk: { next: NO_OUTPUT },
    });
  // The container's output alone proves nothing (a runtime could print the lesson's text): the
  // hook must have run, in a namespace that is not this one, and the output must be that namespace's.
  const [recorded, own] = await Promise.all([target.read(record), nsInode(target, '/proc/self/ns/net')]);
  const [inode = '', ...json] = recorded.stdout.split('\n');
  check(lesson, recorded.exitCode === 0 && /^\d+$/.test(inode) && inode !== own, {
    id: 'exercise-5/hooks-ran-network-namespace',
    expected: `the ${stage} hooks ran in a network namespace of the container's own (not this one, inode ${own})`,
    seen: recorded.exitCode !== 0 ? 'the hooks never ran' : `the container's netns has inode ${inode}`,
    // Hooks that never ran say nothing about the namespace: only a hook that ran in the wrong one is Common Error 6's.
    ...(recorded.exitCode === 0 ? { commonError: fixes.wrongInterfaces(plan) } : {}),
    next:
      recorded.exitCode !== 0
        ? `the runtime never ran config.json's ${stage} hooks: check "${runc.binary} --version" (some runtimes drop deprecated prestart hooks; createRuntime replaces them)`
        : `the runtime did not run config.json's ${stage} hooks in a new network namespace of the container: check "${runc.binary} --version"`,
  });
  // The wired interface only: lo's state may still change after the hooks (a runtime may leave it DOWN, as the lesson says).
  const wired = (list: readonly Iface[]): Iface[] => list.filter((i) => i.ifname === plan.nsVeth);
  checkPrintedView(cx, wired(seen), wired(parseIpJson(json.join('\n'))), `the container's netns after the wiring hook (${plan.nsVeth})`);
  const veth = findIface(seen, plan.nsVeth);
  check(lesson, veth?.inet.includes(formatCidr(plan.nsCidr)) === true && findIface(seen, plan.hostVeth) === undefined, {
    id: 'exercise-5/hook-put-into-container',
    expected: `the ${stage} hook put ${plan.nsVeth} with ${formatCidr(plan.nsCidr)} into the container's netns, and ${plan.hostVeth} is not there`,
    seen: `${seen.map((i) => `${i.ifname} ${i.inet.join(',')}`).join('; ')}; ${formatResult(r)}`,
    commonError: fixes.wrongInterfaces(plan),
  });
  check(lesson, r.exitCode === 0 && parsePingSummary(r.stdout)?.received === CLAIMED_PING_COUNT, {
    id: 'exercise-5/container-pings-received',
    expected: `the container pings ${plan.hostCidr.address}: ${CLAIMED_PING_COUNT} received`,
    seen: formatResult(r),
    commonError: fixes.noConnectivity(plan),
  });
  // veth-container lived in the container's own namespace: when the container exited, the kernel
  // destroyed that namespace, the interface, and with it its peer on this side.
  let gone = false;
  await waitFor(async () => (gone = !(await linkExists(target, plan.hostVeth))), {
    timeoutMs: 5_000,
    intervalMs: 100,
    what: `${plan.hostVeth} to go`,
  }).catch(() => undefined);
  // The checks above proved the peer lived in the container's own namespace: if the pair stays, something outlived the container in it.
  const holders = gone ? [] : await netnsHolders(target, inode);
  check(lesson, gone, {
    id: 'exercise-5/disappears-once-container-exits',
    expected: `${plan.hostVeth} disappears once the container exits (its peer lived in the container's namespace, which the kernel destroyed)`,
    seen: `${plan.hostVeth} still exists 5 s after the run; processes in the container's namespace (inode ${inode}): ${holders.join(', ') || 'none'}`,
    next:
      holders.length > 0
        ? `the container's network namespace outlived the container: ${holders.join(', ')} still run in it, left there by the runtime under test (${runc.binary}); the lesson's runc leaves nothing behind`
        : `the container's network namespace outlived the container, held by no process: a mount of it (or an open file) keeps it; check the runtime under test (${runc.binary})`,
  });
}

/** The ids of the two hook-state tests below, one per stage. */
const STATE_TEST_IDS = { prestart: 'exercise-5/prestart-state', createRuntime: 'exercise-5/create-runtime-state' } as const;

for (const stage of ['prestart', 'createRuntime'] as const) {
  describe('exercise-5', { tags: ['exercise-5'] }, () => {
    test(
      `a ${stage} hook receives the container state on stdin (ociVersion, id, pid, bundle, status)`,
      testId(STATE_TEST_IDS[stage]),
      async ({ target, plan, makeBundle, runc, lesson, cx }) => {
        await lesson.step(`config.json with hooks (${stage})`);
        await lesson.checks('exercise-5/cfg1');
        const bundle = await makeBundle(plan.newBundleDir);
        const file = `/tmp/${stage}-state.json`;
        await bundle.patch(withArgs(...IDLE_ARGS), withHook(stage, await stateRecorder(target, file)));
        await lesson.adjustment(`process: "${IDLE_ARGS.join(' ')}", so the pid the hook received can be compared with the running container's`);
        const c = await startContainer(cx, plan.newContainerId, bundle);
        const state = await recordedState(target, file);
        check(lesson, state !== undefined, {
          id: 'exercise-5/hook-ran-wrote-state',
          expected: `the ${stage} hook ran and wrote the state it received to ${file}`,
          seen: 'no file: the hook never ran',
          next: `check config.json's hooks.${stage} entry (Exercise 5)`,
        });
        const live = await runc.state(plan.newContainerId);
        check(lesson, state.id === plan.newContainerId && state.pid === c.pid && live?.pid === c.pid && state.bundle === bundle.dir, {
          id: 'exercise-5/id-pid-container-process',
          expected: `id "${plan.newContainerId}", pid ${c.pid} (the container's process, as runc state says), bundle "${bundle.dir}"`,
          seen: `hook: ${JSON.stringify(state)}; runc state pid ${live?.pid ?? '?'}`,
          next: 'the runtime passed hooks a state that does not describe the container',
        });
        check(lesson, typeof state.ociVersion === 'string' && state.ociVersion !== '' && ['creating', 'created'].includes(state.status ?? ''), {
          id: 'exercise-5/non-empty-ociversion-status',
          expected: 'a non-empty ociVersion and a status before "running" ("creating" or "created": the user process has not started)',
          seen: JSON.stringify(state),
          next: 'the runtime ran the hook at the wrong point of the lifecycle',
        });
      },
    );
  });
}

describe('exercise-5', { tags: ['exercise-5'] }, () => {
  test(
    'a prestart hook wires the network: the container in a new netns gets veth-container and pings the host',
    testId('exercise-5/prestart-wires-network'),
    async ({ plan, makeBundle, lesson, cx }) => {
      await lesson.step('hook sets up networking');
      await lesson.checks('exercise-5/cfg1');
      await wiresTheNetwork(cx, await makeBundle(plan.newBundleDir), 'prestart');
    },
  );

  test(
    'a poststop hook receives the state (no pid) and removes the host end',
    testId('exercise-5/poststop-removes-host-end'),
    async ({ target, plan, lab, lessonBundle, runc, lesson, cx }) => {
      await lesson.step('config.json with hooks (poststop)');
      await lesson.checks('exercise-5/cfg1');
      // A pre-made netns outlives the container, so only the hook can make veth-host disappear.
      await lab.through(5);
      const file = '/tmp/poststop-state.json';
      const cleanup = await installHook(target, 'cleanup-network.sh', [plan.hostVeth]);
      await lessonBundle.patch(
        withNetnsPath(plan.netnsPath),
        withArgs('true'),
        withHook('poststop', await stateRecorder(target, file)),
        withHook('poststop', cleanup),
      );
      const before = await linkExists(target, plan.hostVeth);
      // Before the run: a hook that deletes a missing link fails, and the run with it.
      check(lesson, before, {
        id: 'exercise-5/host-end-exists-before',
        expected: `${plan.hostVeth} exists before the run`,
        seen: 'absent',
        next: `build the lab first (Exercise 1 Steps 2–5): ip link add ${plan.hostVeth} type veth peer name ${plan.nsVeth}`,
      });
      const r = await runc.run(plan.containerId, lessonBundle.dir);
      await checkRunOutcome(cx, lessonBundle, r, { symptoms: ['ok'], expected: 'the container runs "true" and exits 0' });
      const state = await recordedState(target, file);
      check(lesson, state !== undefined, {
        id: 'exercise-5/poststop-hook-ran-wrote',
        expected: `the poststop hook ran and wrote the state to ${file}`,
        seen: 'no file: the hook never ran',
        next: "check config.json's hooks.poststop entry (Exercise 5)",
      });
      check(lesson, state.id === plan.containerId && state.status === 'stopped' && !state.pid, {
        id: 'exercise-5/state-id-status-stopped',
        expected: `state with id "${plan.containerId}", status "stopped" and no pid`,
        seen: JSON.stringify(state),
        next: 'the runtime ran the poststop hook with a state that does not describe a stopped container',
      });
      const after = await linkExists(target, plan.hostVeth);
      check(lesson, !after, {
        id: 'exercise-5/exists-before-run-gone',
        expected: `${plan.hostVeth}, there before the run, is gone after the poststop hook`,
        seen: `after: ${after ? 'present' : 'absent'}`,
        next: 'the cleanup hook did not run or failed: read its output in the transcript',
      });
    },
  );

  test(
    'a failing prestart hook stops the container from starting and leaves nothing behind',
    testId('exercise-5/failing-prestart-leaves-nothing'),
    async ({ target, plan, makeBundle, runc, lesson, cx }) => {
      await lesson.step('config.json with hooks (prestart fails)');
      const bundle = await makeBundle(plan.newBundleDir);
      const falseBin = (await target.must(['which', 'false'])).stdout.trim();
      const config = await bundle.patch(withArgs(...IDLE_ARGS), withHook('prestart', { path: falseBin, args: ['false'] }));
      const r = await runc.run(plan.newContainerId, bundle.dir);
      await checkRunOutcome(cx, bundle, r, {
        symptoms: ['hook-failed'],
        expected: 'runc run fails and names the failing hook',
        whenRan: { next: 'the runtime started the container although its prestart hook failed' },
      });
      const containers = (await runc.list()) ?? [`("${runc.binary} list" failed)`];
      const cgroups = await target.exec(findCgroupDirsArgv(config.linux.cgroupsPath ?? '/none'));
      check(lesson, containers.length === 0 && cgroups.stdout.trim() === '', {
        id: 'exercise-5/container-runc-list-cgroup',
        expected: 'no container in runc list and no cgroup left for it',
        seen: `containers [${containers.join(', ')}]; cgroups ${cgroups.stdout.trim() || 'none'}`,
        next: 'the runtime left a half-created container behind: delete it with "runc delete -f"',
      });
    },
  );

  test(
    'prestart and createRuntime hooks in one config both run, at the same point; prestart is deprecated',
    testId('exercise-5/prestart-and-create-runtime'),
    async ({ target, plan, makeBundle, runc, lesson, cx }) => {
      await lesson.step('config.json with hooks (prestart and createRuntime)');
      await lesson.checks('exercise-5/cfg1');
      const bundle = await makeBundle(plan.newBundleDir);
      const files = { prestart: '/tmp/both-prestart.json', createRuntime: '/tmp/both-createRuntime.json' };
      await bundle.patch(
        withArgs(...IDLE_ARGS),
        withHook('prestart', await stateRecorder(target, files.prestart)),
        withHook('createRuntime', await stateRecorder(target, files.createRuntime)),
      );
      await lesson.adjustment(`process: "${IDLE_ARGS.join(' ')}", so the pid the hooks received can be compared with the running container's`);
      const c = await startContainer(cx, plan.newContainerId, bundle);
      const states = { prestart: await recordedState(target, files.prestart), createRuntime: await recordedState(target, files.createRuntime) };
      const same = (s: HookState | undefined): boolean =>
        s?.id === plan.newContainerId && s.pid === c.pid && ['creating', 'created'].includes(s.status ?? '');
      check(lesson, same(states.prestart) && same(states.createRuntime), {
        id: 'exercise-5/both-hooks-received-state',
        expected: `both hooks received the state of "${plan.newContainerId}" with pid ${c.pid} (the container's process) before the process started`,
        seen: `prestart: ${JSON.stringify(states.prestart) ?? 'never ran'}\ncreateRuntime: ${JSON.stringify(states.createRuntime) ?? 'never ran'}`,
        next: "check config.json's hooks entries (Exercise 5); a hook that never ran wrote no file",
      });
      await lesson.erratum({
        id: 'E-prestart-deprecated',
        where: 'Exercise 5 (config.json with hooks)',
        claim: 'pre-start hooks ("prestart") are where a runtime hook sets up networking',
        observed: `${runc.label} still runs prestart, but the OCI runtime spec marks it DEPRECATED (config.md, POSIX-platform Hooks: createRuntime, createContainer and startContainer replace it); a createRuntime hook ran at the same point with the same state`,
        evidence: `ociVersion ${states.prestart?.ociVersion ?? '?'}\nprestart hook stdin:      ${JSON.stringify(states.prestart)}\ncreateRuntime hook stdin: ${JSON.stringify(states.createRuntime)}`,
      });
    },
  );

  test(
    'a createRuntime hook, the replacement for prestart, wires the network the same way',
    testId('exercise-5/create-runtime-wires-network'),
    async ({ plan, makeBundle, lesson, cx }) => {
      await lesson.step('hook sets up networking (createRuntime)');
      await lesson.checks('exercise-5/cfg1');
      await wiresTheNetwork(cx, await makeBundle(plan.newBundleDir), 'createRuntime');
    },
  );
});
