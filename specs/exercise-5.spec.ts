import { check, describe, test } from '../fixtures/index.js';
import { installHook, stateRecorder } from '../fixtures/hooks.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { findIface, parseIpAddrText, parsePingSummary } from '../helpers/net/ip.js';
import { exercise2Args, IDLE_ARGS, NET_RAW } from '../helpers/lesson/claims.js';
import { formatCidr } from '../helpers/net/cidr.js';
import { linkExists } from '../helpers/net/ops.js';
import { withArgs, withCapability, withHook, withNetnsPath, withoutNetnsPath, withTerminal } from '../helpers/oci/config.js';

interface HookState {
  ociVersion?: string;
  id?: string;
  pid?: number;
  status?: string;
  bundle?: string;
}

for (const stage of ['prestart', 'createRuntime'] as const) {
  describe('exercise-5', { tags: ['exercise-5'] }, () => {
    test(`a ${stage} hook receives the container state on stdin (ociVersion, id, pid, bundle, status)`, async ({ target, plan, makeBundle, runc, lesson }) => {
      await lesson.step(`config.json with hooks (${stage})`);
      await lesson.checks('exercise-5/cfg1');
      const bundle = await makeBundle(plan.newBundleDir);
      const file = `/tmp/${stage}-state.json`;
      await bundle.patch(withTerminal(false), withArgs(...IDLE_ARGS), withHook(stage, await stateRecorder(target, file)));
      const { pid, result, log } = await runc.runDetached(plan.newContainerId, bundle.dir);
      check(lesson, pid !== undefined, { expected: 'the container starts', seen: `${result.stderr}${log}` });
      const state = JSON.parse(await target.readFile(file)) as HookState;
      const live = await runc.state(plan.newContainerId);
      check(lesson, state.id === plan.newContainerId && state.pid === live?.pid && state.pid === pid && state.bundle === bundle.dir, {
        expected: `id "${plan.newContainerId}", pid ${pid} (as runc state says), bundle "${bundle.dir}"`,
        seen: JSON.stringify(state),
      });
      check(lesson, typeof state.ociVersion === 'string' && state.ociVersion !== '' && ['creating', 'created'].includes(state.status ?? ''), {
        expected: 'a non-empty ociVersion and a status before "running" ("creating" or "created": the user process has not started)',
        seen: JSON.stringify(state),
      });
    });
  });
}

describe('exercise-5', { tags: ['exercise-5'] }, () => {
  test('a prestart hook wires the network: the container in a new netns gets veth-container and pings the host', async ({ target, plan, makeBundle, runc, lesson }) => {
    await lesson.step('hook sets up networking');
    await lesson.checks('exercise-5/cfg1');
    const bundle = await makeBundle(plan.newBundleDir);
    const hook = await installHook(target, 'wire-network.sh', [plan.hostVeth, plan.nsVeth, formatCidr(plan.hostCidr), formatCidr(plan.nsCidr)]);
    await bundle.patch(withTerminal(false), withCapability(NET_RAW), withoutNetnsPath, withArgs(...exercise2Args(plan)), withHook('prestart', hook));
    const r = await runc.run(plan.newContainerId, bundle.dir);
    const veth = findIface(parseIpAddrText(r.stdout.split(/^PING /m)[0] ?? ''), plan.nsVeth);
    check(lesson, veth?.inet.includes(formatCidr(plan.nsCidr)) === true, {
      expected: `the hook put ${plan.nsVeth} with ${formatCidr(plan.nsCidr)} into the container's netns`,
      seen: `exit ${r.exitCode}; ${r.stdout}${r.stderr}`,
    });
    check(lesson, r.exitCode === 0 && parsePingSummary(r.stdout)?.received === 3, {
      expected: `the container pings ${plan.hostCidr.address}: 3 received`,
      seen: `exit ${r.exitCode}; ${r.stdout}${r.stderr}`,
      commonError: fixes.noConnectivity(plan),
    });
  });

  test('a poststop hook receives the state (no pid) and removes the host end', async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('config.json with hooks (poststop)');
    await lesson.checks('exercise-5/cfg1');
    // A pre-made netns outlives the container, so only the hook can make veth-host disappear.
    await lab.through(5);
    const file = '/tmp/poststop-state.json';
    const cleanup = await installHook(target, 'cleanup-network.sh', [plan.hostVeth]);
    await lessonBundle.patch(withNetnsPath(plan.netnsPath), withArgs('true'), withHook('poststop', await stateRecorder(target, file)), withHook('poststop', cleanup));
    const before = await linkExists(target, plan.hostVeth);
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    const state = JSON.parse(await target.readFile(file)) as HookState;
    check(lesson, r.exitCode === 0 && state.id === plan.containerId && state.status === 'stopped' && !state.pid, {
      expected: `state with id "${plan.containerId}", status "stopped" and no pid`,
      seen: `runc exit ${r.exitCode}; state ${JSON.stringify(state)}; ${r.stderr}`,
    });
    const after = await linkExists(target, plan.hostVeth);
    check(lesson, before && !after, {
      expected: `${plan.hostVeth} exists before the run and is gone after the poststop hook`,
      seen: `before: ${before ? 'present' : 'absent'}, after: ${after ? 'present' : 'absent'}`,
    });
  });

  test('a failing prestart hook stops the container from starting and leaves nothing behind', async ({ target, plan, makeBundle, runc, lesson }) => {
    await lesson.step('config.json with hooks (prestart fails)');
    const bundle = await makeBundle(plan.newBundleDir);
    const falseBin = (await target.must(['which', 'false'])).stdout.trim();
    const config = await bundle.patch(withTerminal(false), withArgs(...IDLE_ARGS), withHook('prestart', { path: falseBin, args: ['false'] }));
    const r = await runc.run(plan.newContainerId, bundle.dir);
    check(lesson, r.exitCode !== 0 && /hook/i.test(r.stderr), {
      expected: 'runc run fails and names the hook',
      seen: `exit ${r.exitCode}; ${r.stderr}`,
    });
    const containers = await runc.list();
    const cgroups = await target.exec(['find', '/sys/fs/cgroup', '-maxdepth', '3', '-path', `*${config.linux.cgroupsPath ?? '/none'}`]);
    check(lesson, containers.length === 0 && cgroups.stdout.trim() === '', {
      expected: 'no container in runc list and no cgroup left for it',
      seen: `containers [${containers.join(', ')}]; cgroups ${cgroups.stdout.trim() || 'none'}`,
    });
  });

  test('prestart and createRuntime hooks in one config both run, at the same point; prestart is deprecated', async ({ target, plan, makeBundle, runc, lesson }) => {
    await lesson.step('config.json with hooks (prestart and createRuntime)');
    await lesson.checks('exercise-5/cfg1');
    const bundle = await makeBundle(plan.newBundleDir);
    const files = { prestart: '/tmp/both-prestart.json', createRuntime: '/tmp/both-createRuntime.json' };
    await bundle.patch(
      withTerminal(false),
      withArgs(...IDLE_ARGS),
      withHook('prestart', await stateRecorder(target, files.prestart)),
      withHook('createRuntime', await stateRecorder(target, files.createRuntime)),
    );
    const { pid, result, log } = await runc.runDetached(plan.newContainerId, bundle.dir);
    check(lesson, pid !== undefined, { expected: 'the container starts', seen: `${result.stderr}${log}` });
    const got = {
      prestart: await target.exec(['cat', files.prestart]),
      createRuntime: await target.exec(['cat', files.createRuntime]),
    };
    const states = Object.fromEntries(Object.entries(got).map(([k, r]) => [k, r.exitCode === 0 ? (JSON.parse(r.stdout) as HookState) : undefined])) as Record<keyof typeof files, HookState | undefined>;
    const same = (s: HookState | undefined): boolean => s?.id === plan.newContainerId && s.pid === pid && ['creating', 'created'].includes(s.status ?? '');
    check(lesson, same(states.prestart) && same(states.createRuntime), {
      expected: `both hooks received the state of "${plan.newContainerId}" with pid ${pid ?? '?'} before the process started`,
      seen: `prestart: ${got.prestart.stdout || got.prestart.stderr}\ncreateRuntime: ${got.createRuntime.stdout || got.createRuntime.stderr}`,
    });
    await lesson.erratum({
      id: 'E-prestart-deprecated',
      where: 'Exercise 5 (config.json with hooks)',
      claim: 'pre-start hooks ("prestart") are where a runtime hook sets up networking',
      observed: 'runc still runs prestart, but the OCI runtime spec marks it DEPRECATED (config.md, POSIX-platform Hooks: createRuntime, createContainer and startContainer replace it); a createRuntime hook ran at the same point with the same state',
      evidence: `ociVersion ${states.prestart?.ociVersion ?? '?'}\nprestart hook stdin:      ${got.prestart.stdout.trim()}\ncreateRuntime hook stdin: ${got.createRuntime.stdout.trim()}`,
    });
  });

  test('a createRuntime hook, the replacement for prestart, wires the network the same way', async ({ target, plan, makeBundle, runc, lesson }) => {
    await lesson.step('hook sets up networking (createRuntime)');
    await lesson.checks('exercise-5/cfg1');
    const bundle = await makeBundle(plan.newBundleDir);
    const hook = await installHook(target, 'wire-network.sh', [plan.hostVeth, plan.nsVeth, formatCidr(plan.hostCidr), formatCidr(plan.nsCidr)]);
    await bundle.patch(withTerminal(false), withCapability(NET_RAW), withoutNetnsPath, withArgs(...exercise2Args(plan)), withHook('createRuntime', hook));
    const r = await runc.run(plan.newContainerId, bundle.dir);
    const veth = findIface(parseIpAddrText(r.stdout.split(/^PING /m)[0] ?? ''), plan.nsVeth);
    check(lesson, veth?.inet.includes(formatCidr(plan.nsCidr)) === true && r.exitCode === 0 && parsePingSummary(r.stdout)?.received === 3, {
      expected: `the createRuntime hook put ${plan.nsVeth} with ${formatCidr(plan.nsCidr)} into the container's netns, and the container pings ${plan.hostCidr.address}: 3 received`,
      seen: `exit ${r.exitCode}; ${r.stdout}${r.stderr}`,
      commonError: fixes.noConnectivity(plan),
    });
  });
});
