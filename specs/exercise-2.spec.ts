import { check, describe, expect, test } from '../fixtures/index.js';
import {
  CLAIMED_DEFAULT_NAMESPACES,
  exercise2Args,
  exercise2Namespaces,
} from '../helpers/lesson/claims.js';
import { networkNamespace, parseConfig, withArgs, withNetnsPath, withTerminal } from '../helpers/oci/config.js';

const nsTypes = (list: ReadonlyArray<{ type: string }>): string => list.map((n) => n.type).join(', ');

describe('exercise-2', { tags: ['exercise-2'] }, () => {
  test('step 2: runc spec writes a network namespace with no path', async ({ plan, makeBundle, lesson }) => {
    await lesson.step('Step 2');
    const config = await (await makeBundle(plan.bundleDir)).config();
    const net = networkNamespace(config);
    check(lesson, net !== undefined && net.path === undefined, {
      expected: 'linux.namespaces has {"type":"network"} with no path (runc would create a new netns)',
      seen: JSON.stringify(config.linux.namespaces),
    });
    if (nsTypes(config.linux.namespaces) !== nsTypes(CLAIMED_DEFAULT_NAMESPACES)) {
      await lesson.erratum({
        id: 'E-default-namespaces',
        where: 'Exercise 2 Step 2',
        claim: `runc spec's namespaces are: ${nsTypes(CLAIMED_DEFAULT_NAMESPACES)}`,
        observed: `this runc writes: ${nsTypes(config.linux.namespaces)}`,
        evidence: JSON.stringify(config.linux.namespaces),
      });
    }
  });

  test("step 3: the lesson's jq edit points the network namespace at /var/run/netns/container-net", async ({ target, plan, makeBundle, lesson }) => {
    await lesson.step('Step 3');
    const bundle = await makeBundle(plan.bundleDir);
    const before = await bundle.config();
    const filter = `.linux.namespaces = ${JSON.stringify(exercise2Namespaces(plan.netnsPath))}`;
    const edited = parseConfig((await target.must(['jq', filter, bundle.configPath])).stdout);
    check(lesson, networkNamespace(edited)?.path === plan.netnsPath, {
      expected: `network entry with "path": "${plan.netnsPath}"`,
      seen: JSON.stringify(edited.linux.namespaces),
    });
    // The lesson rewrites the whole array; the typed patch changes only the network entry.
    const patched = withNetnsPath(plan.netnsPath)(before).linux.namespaces;
    if (JSON.stringify(edited.linux.namespaces) !== JSON.stringify(patched)) {
      await lesson.erratum({
        id: 'E-jq-rewrites-namespaces',
        where: 'Exercise 2 Step 3',
        claim: 'the jq command only adds the path to the network namespace',
        observed: "it replaces the whole array, so namespaces this runc's spec has beyond the lesson's five are lost",
        evidence: `runc spec: ${JSON.stringify(before.linux.namespaces)}\nafter jq:  ${JSON.stringify(edited.linux.namespaces)}`,
      });
    }
    const { linux: _a, ...restEdited } = edited;
    const { linux: _b, ...restBefore } = before;
    expect(restEdited).toEqual(restBefore);
  });

  test("step 4: the lesson's jq edit sets the process to ip addr && ping -c 3 10.0.0.1", async ({ target, plan, makeBundle, lesson }) => {
    await lesson.step('Step 4');
    const bundle = await makeBundle(plan.bundleDir);
    const args = exercise2Args(plan);
    const edited = parseConfig((await target.must(['jq', `.process.args = ${JSON.stringify(args)}`, bundle.configPath])).stdout);
    check(lesson, JSON.stringify(edited.process.args) === JSON.stringify(args), {
      expected: JSON.stringify(args),
      seen: JSON.stringify(edited.process.args),
    });
    expect(withArgs(...args)(await bundle.config()).process.args).toEqual(edited.process.args);
  });

  test('step 1: a rootfs holding only the busybox binary cannot run sh; busybox applet links fix it', async ({ target, runc, plan, makeBundle, lesson }) => {
    await lesson.step('Step 1');
    const bundle = await makeBundle(plan.bundleDir, { applets: false });
    await bundle.patch(withTerminal(false), withArgs('sh', '-c', 'ip addr'));
    const bare = await runc.run(plan.containerId, bundle.dir);
    check(lesson, bare.exitCode !== 0 && /executable file not found/.test(bare.stderr), {
      expected: 'runc refuses to start: "sh" is not in the rootfs when only /bin/busybox was copied',
      seen: `exit ${bare.exitCode}; ${bare.stderr}`,
    });
    await lesson.erratum({
      id: 'E-rootfs-needs-applets',
      where: 'Exercise 2 Step 1 (and Exercise 4 Step 1)',
      claim: 'copying /bin/busybox into rootfs/bin provides ip, ping and sh',
      observed: 'only the busybox binary exists; runc cannot find "sh". Installing the applet links (chroot rootfs /bin/busybox --install -s /bin) fixes it',
      evidence: bare.stderr,
    });
    await target.must(['chroot', bundle.rootfs, '/bin/busybox', '--install', '-s', '/bin']);
    const fixed = await runc.run(plan.containerId, bundle.dir);
    check(lesson, fixed.exitCode === 0 && /\blo\b/.test(fixed.stdout), {
      expected: 'with applet links the container runs sh -c "ip addr" and prints lo',
      seen: `exit ${fixed.exitCode}; ${fixed.stdout}${fixed.stderr}`,
    });
  });

  test("step 4: runc spec's default terminal: true makes runc run fail without a TTY; terminal: false runs", async ({ runc, plan, makeBundle, lesson }) => {
    await lesson.step('Step 4');
    const bundle = await makeBundle(plan.bundleDir);
    const config = await bundle.patch(withArgs('true'));
    expect(config.process.terminal).toBe(true);
    const tty = await runc.run(plan.containerId, bundle.dir);
    check(lesson, tty.exitCode !== 0 && /tty|console/i.test(tty.stderr), {
      expected: 'without a controlling terminal, runc run with terminal: true fails with a tty error',
      seen: `exit ${tty.exitCode}; ${tty.stderr}`,
    });
    await lesson.erratum({
      id: 'E-terminal-needs-tty',
      where: 'Exercise 2 Step 4 / Exercise 3 Step 1',
      claim: 'the edited config runs with "sudo runc run netns-test" (terminal: true is kept)',
      observed: 'that works only from an interactive terminal; from a script or CI runc fails until process.terminal is false',
      evidence: tty.stderr,
    });
    await bundle.patch(withTerminal(false));
    const plain = await runc.run(plan.containerId, bundle.dir);
    check(lesson, plain.exitCode === 0, {
      expected: 'with terminal: false the same container runs and exits 0',
      seen: `exit ${plain.exitCode}; ${plain.stderr}`,
    });
  });
});
