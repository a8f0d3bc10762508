import { check, describe, test } from '../fixtures/index.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { findIface, isUp, parseIpAddrText } from '../helpers/net/ip.js';
import { EXERCISE_4_ARGS, IDLE_ARGS, NET_RAW } from '../helpers/lesson/claims.js';
import { nsInode } from '../helpers/net/ops.js';
import { networkNamespace, withArgs, withCapability, withCgroupsPath, withTerminal } from '../helpers/oci/config.js';
import { inDir, rootfsDirsArgv } from '../helpers/lesson/as-written.js';
import { Bundle } from '../helpers/oci/bundle.js';
import { RUN_TIMEOUT_MS } from '../helpers/oci/runtime.js';
import { harnessCgroupPath } from '../helpers/targets/run-id.js';

describe('exercise-4', { tags: ['exercise-4'] }, () => {
  test('step 3: with no path the container has only a loopback interface', async ({ plan, makeBundle, runc, lesson }) => {
    await lesson.step('Step 3');
    await lesson.checks('exercise-4/s3/out1', 'exercise-4/s3/observes/1', 'exercise-4/s3/observes/2', 'background-how-container-runtimes-handle-networking/cfg1');
    const bundle = await makeBundle(plan.newBundleDir);
    const config = await bundle.patch(withTerminal(false), withArgs(...EXERCISE_4_ARGS));
    check(lesson, networkNamespace(config)?.path === undefined, {
      expected: 'Step 2 keeps the default network entry without a path',
      seen: JSON.stringify(networkNamespace(config)),
    });
    const r = await runc.run(plan.newContainerId, bundle.dir);
    const ifaces = parseIpAddrText(r.stdout);
    const names = [...new Set(ifaces.map((i) => i.ifname))];
    check(lesson, r.exitCode === 0 && names.length === 1 && names[0] === 'lo', {
      expected: 'ip link and ip addr list lo and nothing else',
      seen: `exit ${r.exitCode}; ${r.stdout}${r.stderr}`,
      commonError: fixes.wrongInterfaces(plan),
    });
    const lo = findIface(ifaces, 'lo');
    if (lo && isUp(lo)) {
      await lesson.erratum({
        id: 'E-new-netns-lo-up',
        where: 'Exercise 4 Step 3 (and the Background section)',
        claim: 'a netns runc creates has only lo, DOWN, with no address',
        observed: 'runc brings lo UP with 127.0.0.1/8 in a network namespace it creates itself',
        evidence: r.stdout.split('\n').filter((l) => /^\d+: lo:|inet /.test(l)).join('\n'),
      });
    }
  });

  test('step 3: no address is assigned except loopback ones', async ({ plan, makeBundle, runc, lesson }) => {
    await lesson.step('Step 3');
    await lesson.checks('exercise-4/s3/observes/3');
    const bundle = await makeBundle(plan.newBundleDir);
    await bundle.patch(withTerminal(false), withArgs(...EXERCISE_4_ARGS));
    const r = await runc.run(plan.newContainerId, bundle.dir);
    const inet = parseIpAddrText(r.stdout).flatMap((i) => i.inet);
    const foreign = inet.filter((a) => !a.startsWith('127.'));
    check(lesson, r.exitCode === 0 && foreign.length === 0, {
      expected: 'no IPv4 address outside 127.0.0.0/8',
      seen: `exit ${r.exitCode}; inet: ${inet.join(', ') || 'none'}; ${r.stderr}`,
      commonError: fixes.wrongInterfaces(plan),
    });
  });

  test('step 3: the container cannot reach 10.0.0.1 even while the lab exists', async ({ plan, lab, makeBundle, runc, lesson }) => {
    await lesson.step('Step 3');
    await lesson.checks('exercise-4/s3/observes/4');
    await lab.through(5);
    const bundle = await makeBundle(plan.newBundleDir);
    // CAP_NET_RAW, so a failure can only mean "no route", never "ping not permitted".
    await bundle.patch(withTerminal(false), withCapability(NET_RAW), withArgs('ping', '-c', '1', '-W', '1', plan.hostCidr.address));
    const r = await runc.run(plan.newContainerId, bundle.dir);
    const out = r.stdout + r.stderr;
    check(lesson, r.exitCode !== 0 && /unreachable/i.test(out), {
      expected: `ping ${plan.hostCidr.address} fails with "Network is unreachable"`,
      seen: `exit ${r.exitCode}; ${out}`,
    });
  });

  test("step 3: runc created a new netns: the container's inode differs from the host's and from container-net", async ({ target, plan, lab, makeBundle, runc, lesson }) => {
    await lesson.step('Step 3');
    await lesson.checks('background-how-container-runtimes-handle-networking/cfg1');
    await lesson.runs('exercise-4/s3/b1/L1', { adjustment: 'idle-process', as: [['runc', 'run', '--detach', plan.newContainerId]] });
    await lab.through(1);
    const bundle = await makeBundle(plan.newBundleDir);
    await bundle.patch(withTerminal(false), withArgs(...IDLE_ARGS));
    const { pid, result, log } = await runc.runDetached(plan.newContainerId, bundle.dir);
    check(lesson, pid !== undefined, { expected: 'the container starts detached', seen: `${result.stderr}${log}` });
    const container = await nsInode(target, `/proc/${pid}/ns/net`);
    const host = await nsInode(target, '/proc/self/ns/net');
    const labNs = await nsInode(target, plan.netnsPath);
    check(lesson, container !== host && container !== labNs, {
      expected: `a netns of its own: inode differs from the host's (${host}) and ${plan.netns}'s (${labNs})`,
      seen: `container netns inode ${container}`,
    });
  });

  test("as written: Steps 1–3 with the lesson's commands: the container lists lo and nothing else, once for ip link and once for ip addr", async ({ target, plan, runc, config, lesson }) => {
    await lesson.step('Steps 1–3, as written');
    const dir = plan.newBundleDir;
    const argsFilter = `.process.args = ${JSON.stringify(EXERCISE_4_ARGS)}`;
    await lesson.runs('exercise-4/s1/b1/L2', { adjustment: 'cwd', as: [['env', '-C', dir]] });
    await lesson.runs('exercise-4/s1/b1/L4', { adjustment: 'brace-expansion', as: [inDir(dir, rootfsDirsArgv())] });
    await lesson.runs('exercise-4/s2/b1/L1', { adjustment: 'jq-redirect', as: [inDir(dir, ['jq', argsFilter, 'config.json']), inDir(dir, ['mv', 'config.json.tmp', 'config.json'])] });
    await lesson.runs('exercise-4/s3/b1/L1', { adjustment: 'unattended-bundle', as: [inDir(dir, ['runc', 'run', plan.newContainerId])] });
    await lesson.checks('exercise-4/s3/observes/1');
    await target.must(['mkdir', '-p', dir]);
    await target.must(inDir(dir, [runc.binary, 'spec']));
    await target.must(inDir(dir, rootfsDirsArgv()));
    await target.must(inDir(dir, ['cp', '/bin/busybox', 'rootfs/bin/']));
    const edited = await target.must(inDir(dir, ['jq', argsFilter, 'config.json']));
    await target.writeFile(`${dir}/config.json.tmp`, edited.stdout);
    await target.must(inDir(dir, ['mv', 'config.json.tmp', 'config.json']));
    // Unattended: applet links (sh, ip), no TTY, a cgroup of its own.
    await target.must(['chroot', `${dir}/rootfs`, '/bin/busybox', '--install', '-s', '/bin']);
    await new Bundle(target, runc, dir).patch(withTerminal(false), withCgroupsPath(harnessCgroupPath(config.runId)));
    const r = await target.exec(inDir(dir, [runc.binary, 'run', plan.newContainerId]), { timeoutMs: RUN_TIMEOUT_MS });
    const listed = parseIpAddrText(r.stdout).map((i) => i.ifname);
    check(lesson, r.exitCode === 0 && JSON.stringify(listed) === JSON.stringify(['lo', 'lo']), {
      expected: 'exit 0, and "1: lo: …" twice (ip link, then ip addr) with no other interface',
      seen: `exit ${r.exitCode}; ${r.stdout}${r.stderr}`,
      commonError: fixes.wrongInterfaces(plan),
    });
  });
});
