import { check, describe, test } from '../fixtures/index.js';
import { checkPrintedView, checkRunOutcome, ipOutputOf } from '../fixtures/proofs.js';
import { CLAIMED_DEFAULT_NAMESPACES, exercise2Args, exercise2Namespaces } from '../helpers/lesson/claims.js';
import { interfaces } from '../helpers/net/ops.js';
import { networkNamespace, parseConfig, withArgs, withNamespaces, withNetnsPath, withTerminal } from '../helpers/oci/config.js';

const nsTypes = (list: ReadonlyArray<{ type: string }>): string => list.map((n) => n.type).join(', ');
const withoutLinux = (c: object): string => JSON.stringify({ ...c, linux: undefined });

describe('exercise-2', { tags: ['exercise-2'] }, () => {
  test('step 2: runc spec writes a network namespace with no path', async ({ plan, makeBundle, lesson }) => {
    await lesson.step('Step 2');
    const config = await (await makeBundle(plan.bundleDir, { adjust: 'none' })).config();
    const net = networkNamespace(config);
    check(lesson, net !== undefined && net.path === undefined, {
      expected: 'linux.namespaces has {"type":"network"} with no path (runc would create a new netns)',
      seen: JSON.stringify(config.linux.namespaces),
      next: 'the runtime under test does not write the default spec the lesson describes: check "runc --version"',
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
    const bundle = await makeBundle(plan.bundleDir, { adjust: 'none' });
    const before = await bundle.config();
    const filter = `.linux.namespaces = ${JSON.stringify(exercise2Namespaces(plan.netnsPath))}`;
    const edited = parseConfig((await target.must(['jq', filter, bundle.configPath])).stdout);
    check(lesson, networkNamespace(edited)?.path === plan.netnsPath, {
      expected: `network entry with "path": "${plan.netnsPath}"`,
      seen: JSON.stringify(edited.linux.namespaces),
      next: "compare the jq filter with the lesson's Step 3",
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
    check(lesson, withoutLinux(edited) === withoutLinux(before), {
      expected: 'the jq edit leaves everything outside linux as runc spec wrote it',
      seen: withoutLinux(edited),
      next: "compare the jq filter with the lesson's Step 3",
    });
  });

  test("step 4: the lesson's jq edit sets the process to ip addr && ping -c 3 10.0.0.1", async ({ target, plan, makeBundle, lesson }) => {
    await lesson.step('Step 4');
    const bundle = await makeBundle(plan.bundleDir, { adjust: 'none' });
    const args = exercise2Args(plan);
    const edited = parseConfig((await target.must(['jq', `.process.args = ${JSON.stringify(args)}`, bundle.configPath])).stdout);
    check(lesson, JSON.stringify(edited.process.args) === JSON.stringify(args), {
      expected: JSON.stringify(args),
      seen: JSON.stringify(edited.process.args),
      next: "compare the jq filter with the lesson's Step 4",
    });
    const typed = withArgs(...args)(await bundle.config());
    check(lesson, JSON.stringify(typed) === JSON.stringify(edited), {
      expected: "the jq edit changes process.args and nothing else (the harness's typed patch gives the same file)",
      seen: JSON.stringify(edited.process),
      next: "compare the jq filter with the lesson's Step 4",
    });
  });

  test('step 1: a rootfs holding only the busybox binary runs sh, or (erratum) needs busybox applet links', async ({ target, runc, plan, lab, makeBundle, lesson }) => {
    await lesson.step('Step 1');
    await lab.through(5);
    const bundle = await makeBundle(plan.bundleDir, { adjust: { except: ['applets'] } });
    await bundle.patch(withNamespaces(exercise2Namespaces(plan.netnsPath)), withArgs('sh', '-c', 'ip addr'));
    const bare = await runc.run(plan.containerId, bundle.dir);
    const cx = { lesson, target, runc, plan };
    const symptom = await checkRunOutcome(cx, bundle, bare, {
      symptoms: ['ok', 'exec-not-found'],
      expected: 'the container runs "sh -c \'ip addr\'" (the lesson), or runc cannot find "sh" in a rootfs holding only /bin/busybox (erratum)',
    });
    if (symptom === 'exec-not-found') {
      await lesson.erratum({
        id: 'E-rootfs-needs-applets',
        where: 'Exercise 2 Step 1 (and Exercise 4 Step 1)',
        claim: 'copying /bin/busybox into rootfs/bin provides ip, ping and sh',
        observed: 'only the busybox binary exists; runc cannot find "sh". Installing the applet links (chroot rootfs /bin/busybox --install -s /bin) fixes it',
        evidence: bare.stderr,
      });
      await bundle.installApplets();
    }
    const r = symptom === 'ok' ? bare : await runc.run(plan.containerId, bundle.dir);
    await checkRunOutcome(cx, bundle, r, { symptoms: ['ok'], expected: 'the container runs sh -c "ip addr" and exits 0' });
    checkPrintedView(cx, ipOutputOf(r.stdout), await interfaces(target, plan.netns), plan.netns);
  });

  test("step 4: runc spec's default terminal: true runs without a TTY, or (erratum) needs terminal: false", async ({ target, runc, plan, lab, makeBundle, lesson }) => {
    await lesson.step('Step 4');
    await lab.through(5);
    const bundle = await makeBundle(plan.bundleDir, { adjust: { except: ['terminal'] } });
    const config = await bundle.patch(withNamespaces(exercise2Namespaces(plan.netnsPath)), withArgs('ip', 'addr'));
    check(lesson, config.process.terminal === true, {
      expected: 'runc spec writes "terminal": true, as the lesson\'s Step 4 shows',
      seen: `"terminal": ${String(config.process.terminal)}`,
      next: 'the runtime under test does not write the default spec the lesson describes: check "runc --version"',
    });
    const tty = await runc.run(plan.containerId, bundle.dir);
    const cx = { lesson, target, runc, plan };
    const symptom = await checkRunOutcome(cx, bundle, tty, {
      symptoms: ['ok', 'no-tty'],
      expected: 'the container runs with terminal: true (the lesson), or runc fails for want of a terminal (erratum)',
    });
    if (symptom === 'no-tty') {
      await lesson.erratum({
        id: 'E-terminal-needs-tty',
        where: 'Exercise 2 Step 4 / Exercise 3 Step 1',
        claim: 'the edited config runs with "sudo runc run netns-test" (terminal: true is kept)',
        observed: 'that works only from an interactive terminal; from a script or CI runc fails until process.terminal is false',
        evidence: tty.stderr,
      });
      await bundle.patch(withTerminal(false));
    }
    const r = symptom === 'ok' ? tty : await runc.run(plan.containerId, bundle.dir);
    await checkRunOutcome(cx, bundle, r, { symptoms: ['ok'], expected: 'the container runs "ip addr" and exits 0' });
    checkPrintedView(cx, ipOutputOf(r.stdout), await interfaces(target, plan.netns), plan.netns);
  });
});
