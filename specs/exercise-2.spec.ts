import { check, describe, expect, test } from '../fixtures/index.js';
import {
  CLAIMED_DEFAULT_NAMESPACES,
  exercise2Args,
  exercise2Namespaces,
} from '../helpers/lesson/claims.js';
import { networkNamespace, parseConfig, withArgs, withNetnsPath, withTerminal } from '../helpers/oci/config.js';
import { inDir, rootfsDirsArgv } from '../helpers/lesson/as-written.js';
import { ROOTFS_DIRS } from '../helpers/oci/bundle.js';
import { DYNAMIC_BUSYBOX, elfLinkage, odHexArgv, parseOdHex } from '../helpers/oci/busybox.js';
import type { Target } from '../helpers/targets/types.js';

/** `cat config.json | jq FILTER > config.json.tmp && mv config.json.tmp config.json`, in the bundle directory. */
async function jqEdit(t: Target, dir: string, filter: string): Promise<void> {
  const edited = await t.must(inDir(dir, ['jq', filter, 'config.json']));
  await t.writeFile(`${dir}/config.json.tmp`, edited.stdout);
  await t.must(inDir(dir, ['mv', 'config.json.tmp', 'config.json']));
}

const nsTypes = (list: ReadonlyArray<{ type: string }>): string => list.map((n) => n.type).join(', ');

describe('exercise-2', { tags: ['exercise-2'] }, () => {
  test('step 2: runc spec writes a network namespace with no path', async ({ plan, makeBundle, lesson }) => {
    await lesson.step('Step 2');
    await lesson.checks('exercise-2/s2/out1');
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
    await lesson.checks('exercise-2/s3/cfg1');
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
    await lesson.checks('exercise-2/s4/cfg1');
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
    await lesson.checks('exercise-2/s4/cfg1');
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

  test("as written: Steps 1–4 build the bundle with the lesson's own commands (mkdir, cd, runc spec, cp, jq … > tmp && mv)", async ({ target, plan, runc, lesson }) => {
    await lesson.step('Steps 1–4, as written');
    const dir = plan.bundleDir;
    const nsFilter = `.linux.namespaces = ${JSON.stringify(exercise2Namespaces(plan.netnsPath))}`;
    const argsFilter = `.process.args = ${JSON.stringify(exercise2Args(plan))}`;
    await lesson.runs('exercise-2/s1/b1/L3', { adjustment: 'cwd', as: [['env', '-C', dir]] });
    await lesson.runs('exercise-2/s1/b1/L9', { adjustment: 'brace-expansion', as: [inDir(dir, rootfsDirsArgv())] });
    await lesson.runs('exercise-2/s2/b1/L2', { adjustment: 'file-argument', as: [inDir(dir, ['jq', '.linux.namespaces', 'config.json'])] });
    await lesson.runs('exercise-2/s3/b1/L2', { adjustment: 'jq-redirect', as: [inDir(dir, ['jq', nsFilter, 'config.json']), inDir(dir, ['mv', 'config.json.tmp', 'config.json'])] });
    await lesson.runs('exercise-2/s4/b1/L1', { adjustment: 'jq-redirect', as: [inDir(dir, ['jq', argsFilter, 'config.json']), inDir(dir, ['mv', 'config.json.tmp', 'config.json'])] });
    await target.must(['mkdir', '-p', dir]);
    await target.must(inDir(dir, [runc.binary, 'spec']));
    await target.must(inDir(dir, rootfsDirsArgv()));
    await target.must(inDir(dir, ['cp', '/bin/busybox', 'rootfs/bin/']));
    const defaults = JSON.parse((await target.must(inDir(dir, ['jq', '.linux.namespaces', 'config.json']))).stdout) as Array<{ type: string; path?: string }>;
    check(lesson, defaults.some((n) => n.type === 'network' && n.path === undefined), {
      expected: 'Step 2: the network entry has no path (runc would create a new namespace)',
      seen: JSON.stringify(defaults),
    });
    await jqEdit(target, dir, nsFilter);
    await jqEdit(target, dir, argsFilter);
    const config = parseConfig(await target.readFile(`${dir}/config.json`));
    const missing = (await Promise.all([...ROOTFS_DIRS.map((d) => `rootfs/${d}`), 'rootfs/bin/busybox'].map(async (p) => ((await target.exec(['test', '-e', `${dir}/${p}`])).exitCode === 0 ? '' : p)))).filter(Boolean);
    check(lesson, networkNamespace(config)?.path === plan.netnsPath && JSON.stringify(config.process.args) === JSON.stringify(exercise2Args(plan)) && missing.length === 0, {
      expected: `config.json joins ${plan.netnsPath} and runs ${JSON.stringify(exercise2Args(plan))}; the rootfs has its directories and bin/busybox`,
      seen: `network ${JSON.stringify(networkNamespace(config))}; args ${JSON.stringify(config.process.args)}; missing in rootfs: ${missing.join(', ') || 'nothing'}`,
    });
  });

  test('step 1: a dynamically linked busybox copied alone into the rootfs cannot start: its ELF interpreter is not there', async ({ target, plan, makeBundle, runc, lesson }) => {
    await lesson.step('Step 1');
    const bundle = await makeBundle(plan.bundleDir, { applets: false });
    await bundle.patch(withTerminal(false), withArgs('/bin/busybox', 'true'));
    const linkage = async (path: string) => elfLinkage(parseOdHex((await target.must(odHexArgv(path))).stdout));
    const copied = await linkage(`${bundle.rootfs}/bin/busybox`);
    const asCopied = await runc.run(plan.containerId, bundle.dir);
    check(lesson, copied.kind === 'static' && asCopied.exitCode === 0, {
      expected: "the busybox the harness copies (the lesson's cp /bin/busybox rootfs/bin/) is static and runs alone in the rootfs",
      seen: `${copied.kind}; exit ${asCopied.exitCode}; ${asCopied.stderr}`,
    });
    const dynamic = await target.exec(['test', '-x', DYNAMIC_BUSYBOX]);
    check(lesson, dynamic.exitCode === 0, {
      expected: `Debian's dynamic busybox unpacked at ${DYNAMIC_BUSYBOX} (npm run setup, or npm run image for --target container)`,
      seen: 'missing: run npm run setup',
    });
    await target.must(['cp', DYNAMIC_BUSYBOX, `${bundle.rootfs}/bin/busybox`]);
    const elf = await linkage(`${bundle.rootfs}/bin/busybox`);
    const interpreter = elf.kind === 'dynamic' ? elf.interpreter : '(none)';
    const interpInRootfs = await target.exec(['test', '-e', `${bundle.rootfs}${interpreter}`]);
    const r = await runc.run(plan.containerId, bundle.dir);
    check(lesson, elf.kind === 'dynamic' && interpInRootfs.exitCode !== 0 && r.exitCode !== 0 && /no such file or directory/i.test(r.stderr) && r.stderr.includes('/bin/busybox'), {
      expected: `runc cannot exec /bin/busybox: it exists in the rootfs, but its ELF interpreter ${interpreter} does not (ENOENT)`,
      seen: `ELF ${JSON.stringify(elf)}; interpreter in rootfs: ${interpInRootfs.exitCode === 0 ? 'present' : 'absent'}; exit ${r.exitCode}; ${r.stderr}`,
    });
    await lesson.erratum({
      id: 'E-busybox-must-be-static',
      where: 'Exercise 2 Step 1 (and Exercise 4 Step 1)',
      claim: 'cp /bin/busybox rootfs/bin/ gives the container a working busybox',
      observed: `only when /bin/busybox is statically linked (Debian: busybox-static). Debian's busybox package is dynamic: alone in the rootfs it cannot start, because its ELF interpreter ${interpreter} is missing (npm run doctor says which one this machine has)`,
      evidence: `PT_INTERP of Debian's busybox: ${interpreter}\n${r.stderr.trim()}`,
    });
  });
});
