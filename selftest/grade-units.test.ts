import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { GradeBudget, GradeTarget } from '../helpers/grade/budget.js';
import { clipOutput } from '../helpers/grade/clip.js';
import { hostMachines, parseElf, parseElfBytes } from '../helpers/oci/elf.js';
import { configFindings, HOOK_KINDS } from '../helpers/grade/findings.js';
import { readOnlyViolation } from '../helpers/grade/guard.js';
import { analyseProcess, type FaultKind } from '../helpers/grade/process-check.js';
import {
  describePingProbe,
  generatePingProbeConfig,
  generateProbeConfig,
  lowerdirProblem,
  netRawMissing,
  PING_PROBE_BUSYBOX,
  probeCapabilities,
  probeCapabilityAllowList,
  probeUser,
  PROBE_FORBIDDEN_CAPS,
  validateRootfsPath,
} from '../helpers/grade/probe-config.js';
import { formatPingDelta, pingDelta, replied, trustedBusybox } from '../helpers/grade/ping-probe.js';
import { fileLinkage } from '../helpers/oci/busybox.js';
import { runcLogErrors } from '../helpers/grade/probe.js';
import { resolveInRootfs } from '../helpers/grade/rootfs.js';
import { CONFIG_MAX_DEPTH, jsonDepth, readStudentConfig, runcRefusal } from '../helpers/grade/student-config.js';
import { studentArgv, asStudentPrefix } from '../helpers/grade/student-reader.js';
import { jsonErrorWithoutContent, openRegular } from '../helpers/grade/student-files.js';
import { parseConfig, withCapability, withHook, withNetnsPath, type OciConfig } from '../helpers/oci/config.js';
import { callerWriteProblem, handBackTree, reportPathProblem, writeReport } from '../helpers/report/safe-write.js';
import { runArgv } from '../helpers/targets/exec.js';
import { parseTestArgs } from '../scripts/cli/test-args.js';
import { buildElf } from './support/hostile-elf.js';

const dirs: string[] = [];
const scratch = (): string => {
  const d = mkdtempSync(join(tmpdir(), `grade-units-${process.pid}-`));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** runc spec's own output, as the grader gets it. */
async function runcSpec(): Promise<OciConfig> {
  const d = scratch();
  const r = await runArgv(['runc', 'spec', '--bundle', d]);
  expect(r.exitCode, r.stderr).toBe(0);
  return parseConfig(readFileSync(join(d, 'config.json'), 'utf8'));
}

describe('ELF reader (PT_INTERP, DT_NEEDED, DT_RUNPATH from the bytes)', () => {
  test('a 64-bit little-endian dynamic program', () => {
    const r = parseElfBytes(
      buildElf({
        bits: 64,
        littleEndian: true,
        machine: 62,
        interpreter: '/lib64/ld-x.so.2',
        needed: ['libfoo.so.1', 'libc.so.6'],
        runpath: '$ORIGIN/../lib:/opt/lib',
      }),
    );
    expect(r).toEqual({
      ok: true,
      elf: {
        bits: 64,
        littleEndian: true,
        type: 2,
        machine: 62,
        interpreter: '/lib64/ld-x.so.2',
        needed: ['libfoo.so.1', 'libc.so.6'],
        runpath: ['$ORIGIN/../lib', '/opt/lib'],
        rpath: [],
      },
    });
  });
  test('a 32-bit big-endian program with DT_RPATH', () => {
    const r = parseElfBytes(
      buildElf({ bits: 32, littleEndian: false, machine: 8, interpreter: '/lib/ld.so.1', needed: ['libc.so.6'], rpath: '/usr/lib/mips' }),
    );
    expect(r.ok && r.elf).toEqual({
      bits: 32,
      littleEndian: false,
      type: 2,
      machine: 8,
      interpreter: '/lib/ld.so.1',
      needed: ['libc.so.6'],
      runpath: [],
      rpath: ['/usr/lib/mips'],
    });
  });
  test('a static program has no interpreter and needs nothing', () => {
    const r = parseElfBytes(buildElf({ bits: 64, littleEndian: true, machine: 183 }));
    expect(r.ok && [r.elf.interpreter, r.elf.needed, r.elf.machine]).toEqual([undefined, [], 183]);
  });
  test('malformed or foreign bytes give a reason, never an exception', () => {
    const good = buildElf({ bits: 64, littleEndian: true, machine: 62, interpreter: '/lib/ld.so', needed: ['libc.so.6'] });
    expect(parseElfBytes(good.subarray(0, 40))).toEqual({ ok: false, error: '40 bytes: too short for an ELF header' });
    expect(parseElfBytes(Buffer.from('#!/bin/sh\necho hello, this is no ELF file at all, just a script\n'))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not an ELF file/),
    });
    expect(parseElfBytes(good.subarray(0, 100))).toMatchObject({ ok: false, error: expect.stringMatching(/^malformed ELF: /) });
    const badPhentsize = Uint8Array.from(good);
    new DataView(badPhentsize.buffer).setUint16(54, 40, true);
    expect(parseElfBytes(badPhentsize)).toMatchObject({ ok: false, error: expect.stringMatching(/program header entries are 40 bytes, not 56/) });
    const hugeOffset = Uint8Array.from(good);
    new DataView(hugeOffset.buffer).setBigUint64(32, 2n ** 62n, true);
    expect(parseElfBytes(hugeOffset)).toMatchObject({ ok: false, error: expect.stringMatching(/^malformed ELF/) });
    const noNul = Uint8Array.from(good);
    noNul.fill(0x41, 64 + 3 * 56, good.length);
    expect(parseElfBytes(noNul).ok).toBe(false);
  });
  test("this machine's /usr/bin/true reads as readelf reads it", async (ctx) => {
    const readelf = await runArgv(['readelf', '-lWd', '/usr/bin/true']);
    if (readelf.spawnError !== undefined) ctx.skip('readelf (binutils) is not installed: no second opinion on this machine');
    const bytes = readFileSync('/usr/bin/true');
    const r = parseElf((o, n) => bytes.subarray(o, o + n), bytes.length);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(readelf.stdout).toContain(`[Requesting program interpreter: ${r.elf.interpreter}]`);
    const needed = [...readelf.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
    expect(r.elf.needed).toEqual(needed);
    expect(hostMachines()).toContain(r.elf.machine);
  });
});

describe('paths inside a rootfs resolve inside it', () => {
  const root = scratch();
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'usr/lib'), { recursive: true });
  writeFileSync(join(root, 'bin/busybox'), 'x');
  symlinkSync('/bin/busybox', join(root, 'bin/sh'));
  symlinkSync('../../../../../../etc/passwd', join(root, 'bin/escape'));
  symlinkSync('/bin/loop-b', join(root, 'bin/loop-a'));
  symlinkSync('/bin/loop-a', join(root, 'bin/loop-b'));
  symlinkSync('../usr/lib', join(root, 'lib'));
  test("an absolute link means the rootfs's file, not this machine's", () => {
    const r = resolveInRootfs(root, '/bin/sh');
    expect(r.ok && [r.inside, r.host, r.links]).toEqual(['/bin/busybox', `${root}/bin/busybox`, ['/bin/sh -> /bin/busybox']]);
  });
  test('".." stops at the rootfs top; the host /etc/passwd is never reached', () => {
    expect(existsSync('/etc/passwd')).toBe(true);
    const r = resolveInRootfs(root, '/bin/escape');
    expect(r).toMatchObject({ ok: false, inside: '/etc', reason: 'missing' });
    expect(resolveInRootfs(root, '../../../bin/busybox')).toMatchObject({ ok: true, inside: '/bin/busybox' });
  });
  test('relative links, relative paths against cwd, loops and files used as directories', () => {
    expect(resolveInRootfs(root, '/lib')).toMatchObject({ ok: true, inside: '/usr/lib' });
    expect(resolveInRootfs(root, 'busybox', '/bin')).toMatchObject({ ok: true, inside: '/bin/busybox' });
    expect(resolveInRootfs(root, '/bin/loop-a')).toMatchObject({ ok: false, reason: 'too many links' });
    expect(resolveInRootfs(root, '/bin/busybox/x')).toMatchObject({ ok: false, reason: 'not a directory' });
  });
});

describe("static check of the student's process", () => {
  const PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  const dynamic = readFileSync('/usr/bin/true');
  const parsed = parseElfBytes(dynamic);
  const interp = parsed.ok ? (parsed.elf.interpreter ?? '') : '';
  /** A rootfs made by `setup`; the analysis of `args` there. */
  const analyse = (setup: (root: string) => void, args: string[], env = [PATH]) => {
    const root = scratch();
    mkdirSync(join(root, 'bin'));
    setup(root);
    return analyseProcess({ rootfs: root, shown: '/home/alice/b/rootfs', onHost: () => true }, { args, env, cwd: '/' });
  };
  const put = (root: string, path: string, content: Uint8Array | string, mode = 0o755): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    chmodSync(join(root, path), mode);
  };
  const busybox = (root: string): void => copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
  const kind = (a: ReturnType<typeof analyseProcess>): FaultKind | 'ok' => (a.ok ? 'ok' : a.fault.kind);

  test('busybox with its applet link: found through PATH, static, ready', () => {
    const a = analyse(
      (r) => {
        busybox(r);
        symlinkSync('/bin/busybox', join(r, 'bin/sh'));
      },
      ['sh', '-c', 'ip addr'],
    );
    expect(a).toMatchObject({ ok: true, program: '/bin/busybox' });
  });
  test("each fault is named, with the fix in the student's paths", () => {
    const cases: Array<[string, ReturnType<typeof analyseProcess>, FaultKind, RegExp]> = [
      ['empty args', analyse(() => undefined, []), 'bad-args', /process\.args is empty/],
      ['no PATH', analyse(busybox, ['sh'], []), 'no-path', /has no PATH in its "env"/],
      ['applets missing', analyse(busybox, ['sh']), 'no-applets', /chroot \/home\/alice\/b\/rootfs \/bin\/busybox --install -s \/bin/],
      ['absent', analyse(() => undefined, ['/bin/prog']), 'not-found', /\/home\/alice\/b\/rootfs\/bin\/prog/],
      [
        'not executable',
        analyse((r) => put(r, '/bin/prog', dynamic, 0o644), ['/bin/prog']),
        'not-executable',
        /chmod \+x \/home\/alice\/b\/rootfs\/bin\/prog/,
      ],
      ['a directory', analyse((r) => mkdirSync(join(r, 'bin/prog')), ['/bin/prog']), 'not-regular', /not a regular file/],
      [
        'interpreter missing',
        analyse((r) => put(r, '/bin/prog', dynamic), ['/bin/prog']),
        'interpreter-missing',
        new RegExp(`cp -L ${interp} /home/alice/b/rootfs/`),
      ],
      [
        'libc missing',
        analyse(
          (r) => {
            put(r, '/bin/prog', dynamic);
            put(r, interp, readFileSync(interp));
          },
          ['/bin/prog'],
        ),
        'library-missing',
        /libc\.so\.6/,
      ],
      [
        'script, interpreter missing',
        analyse((r) => put(r, '/bin/prog', '#!/bin/bash -e\necho\n'), ['/bin/prog']),
        'interpreter-missing',
        /script for \/bin\/bash/,
      ],
      [
        'neither ELF nor script',
        analyse((r) => put(r, '/bin/prog', 'MZ\x90\x00 not for this kernel'), ['/bin/prog']),
        'bad-format',
        /neither an ELF program nor a script/,
      ],
      [
        'another machine',
        analyse((r) => put(r, '/bin/prog', buildElf({ bits: 64, littleEndian: true, machine: 243 })), ['/bin/prog']),
        'wrong-machine',
        /built for RISC-V/,
      ],
    ];
    for (const [name, a, k, says] of cases) {
      expect(kind(a), name).toBe(k);
      if (!a.ok) expect(`${a.fault.cause}\n${a.fault.fix}`, name).toMatch(says);
    }
  });
  test('a dynamic program whose interpreter and libraries are in the rootfs, libc found through ld.so.conf', () => {
    if (!parsed.ok) throw new Error('/usr/bin/true is not ELF here');
    const a = analyse(
      (r) => {
        put(r, '/bin/prog', dynamic);
        put(r, interp, readFileSync(interp));
        // libc and what it needs, in a directory only ld.so.conf names.
        for (const lib of parsed.elf.needed) {
          const host = [
            '/lib/x86_64-linux-gnu',
            '/usr/lib/x86_64-linux-gnu',
            '/lib/aarch64-linux-gnu',
            '/usr/lib/aarch64-linux-gnu',
            '/lib64',
            '/lib',
          ]
            .map((d) => join(d, lib))
            .find(existsSync);
          if (host) put(r, `/opt/vendor/${lib}`, readFileSync(host));
        }
        put(r, '/etc/ld.so.conf', 'include /etc/ld.so.conf.d/*.conf\n', 0o644);
        put(r, '/etc/ld.so.conf.d/vendor.conf', '# vendor\n/opt/vendor\n', 0o644);
      },
      ['/bin/prog'],
    );
    expect(a.ok ? 'ok' : a.fault.cause).toBe('ok');
  });
  test('a script runs through its #! interpreter, which is checked in turn', () => {
    const a = analyse(
      (r) => {
        busybox(r);
        put(r, '/bin/netcheck', '#!/bin/busybox sh\nip addr\n');
      },
      ['/bin/netcheck'],
    );
    expect(a).toMatchObject({ ok: true, program: '/bin/netcheck' });
    expect(a.chain[0]).toMatch(/script for \/bin\/busybox/);
  });
});

describe('config.json is read as data only', () => {
  const bundle = (): string => {
    const d = join(scratch(), 'b');
    mkdirSync(d);
    return d;
  };
  const secret = 'SECRET-do-not-print-me';
  test('a valid config parses', () => {
    const d = bundle();
    writeFileSync(
      join(d, 'config.json'),
      JSON.stringify({ process: { args: ['sh'], cwd: '/' }, root: { path: 'rootfs' }, linux: { namespaces: [] } }),
    );
    expect(readStudentConfig(d)).toMatchObject({ ok: true, size: expect.any(Number) });
  });
  test('refused: a symbolic link, a FIFO, a device, a directory, more than 1 MiB, a linked bundle directory', async () => {
    const link = bundle();
    writeFileSync(join(dirname(link), 'secret'), secret);
    symlinkSync(join(dirname(link), 'secret'), join(link, 'config.json'));
    expect(readStudentConfig(link)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/is a symbolic link; the grader reads only the file itself/),
    });
    const fifo = bundle();
    expect((await runArgv(['mkfifo', join(fifo, 'config.json')])).exitCode).toBe(0);
    expect(readStudentConfig(fifo)).toMatchObject({ ok: false, problem: expect.stringMatching(/is a FIFO \(named pipe\), not a regular file/) });
    const dev = bundle();
    expect((await runArgv(['mknod', join(dev, 'config.json'), 'c', '1', '5'])).exitCode).toBe(0);
    expect(readStudentConfig(dev)).toMatchObject({ ok: false, problem: expect.stringMatching(/is a character device/) });
    const dir = bundle();
    mkdirSync(join(dir, 'config.json'));
    expect(readStudentConfig(dir)).toMatchObject({ ok: false, problem: expect.stringMatching(/is a directory/) });
    const big = bundle();
    writeFileSync(join(big, 'config.json'), '');
    truncateSync(join(big, 'config.json'), 2 * 1024 ** 3);
    expect(readStudentConfig(big)).toMatchObject({ ok: false, problem: expect.stringMatching(/is 2147483648 bytes, more than the 1048576 bytes/) });
    const real = bundle();
    writeFileSync(join(real, 'config.json'), '{}');
    const linked = join(scratch(), 'linked');
    symlinkSync(real, linked);
    expect(readStudentConfig(linked)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(new RegExp(`is a symbolic link \\(to ${real}\\); .*--bundle ${real}`)),
    });
  });
  test("a parse error names the place and the size, never the file's text", () => {
    for (const text of [secret, `{"a": ${secret}}`, `{"a": "x"} ${secret}`, `{"${secret}`, `{"a":\n  "b" ${secret}}`]) {
      const d = bundle();
      writeFileSync(join(d, 'config.json'), text);
      const r = readStudentConfig(d);
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.problem, text).not.toContain('SECRET');
      expect(r.problem).toMatch(new RegExp(`\\(${Buffer.byteLength(text)} bytes\\) is not valid JSON`));
    }
    expect(jsonErrorWithoutContent('Unexpected token \'S\', "SECRET" is not valid JSON at position 10', '{\n"a": 1, SECRET')).toBe(
      'unexpected character at line 2, column 9',
    );
  });
  test('JSON that is not an OCI config says which field is wrong', () => {
    const d = bundle();
    writeFileSync(join(d, 'config.json'), JSON.stringify({ process: { args: 'sh' }, root: { path: 'rootfs' }, linux: { namespaces: [] } }));
    expect(readStudentConfig(d)).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/not an OCI runtime config: process\.args is not a list of strings/),
    });
  });
  test('an open checks that it reached the file a check looked at', () => {
    const d = scratch();
    writeFileSync(join(d, 'a'), 'a');
    writeFileSync(join(d, 'b'), 'b');
    const seen = lstatSync(join(d, 'a'));
    expect(openRegular(join(d, 'b'), { dev: seen.dev, ino: seen.ino })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/changed while the grader looked at it/),
    });
  });
});

describe("the probe's config is generated, never copied", () => {
  test("runc spec's output plus exactly the grader's args, id-free cgroupsPath, read-only rootfs and the network path", async () => {
    const spec = await runcSpec();
    const probe = generateProbeConfig(spec, { netnsPath: '/var/run/netns/container-net', args: ['/bin/busybox'], cgroupsPath: '/lesson06-1-2-3' });
    expect(probe.hooks).toBeUndefined();
    expect(probe.root).toEqual({ path: 'rootfs', readonly: true });
    expect(probe.process.terminal).toBe(false);
    expect(probe.process.args).toEqual(['/bin/busybox']);
    expect(probe.linux.namespaces).toEqual(
      spec.linux.namespaces.map((n) => (n.type === 'network' ? { type: 'network', path: '/var/run/netns/container-net' } : { type: n.type })),
    );
    for (const caps of Object.values(probe.process.capabilities ?? {})) for (const c of PROBE_FORBIDDEN_CAPS) expect(caps).not.toContain(c);
    // Everything else is byte for byte what runc spec wrote.
    const strip = (c: OciConfig): unknown => ({
      ...c,
      process: { ...c.process, terminal: null, args: null },
      root: null,
      linux: { ...c.linux, namespaces: null, cgroupsPath: null },
    });
    expect(strip(probe)).toEqual(strip(spec));
  });
  test('root.path: an existing directory inside the bundle, never "/", never overlay option characters', () => {
    const b = scratch();
    mkdirSync(join(b, 'rootfs'));
    writeFileSync(join(b, 'file'), '');
    symlinkSync('/', join(b, 'to-root'));
    const elsewhere = scratch();
    symlinkSync(elsewhere, join(b, 'to-elsewhere'));
    expect(validateRootfsPath('rootfs', b)).toEqual({ ok: true, real: join(b, 'rootfs'), shown: join(b, 'rootfs') });
    expect(validateRootfsPath(join(b, 'rootfs'), b)).toEqual({ ok: true, real: join(b, 'rootfs'), shown: join(b, 'rootfs') });
    for (const [p, says] of [
      ['rootfs,upperdir=/x', /contains ","/],
      ['root:fs', /contains/],
      ['rootfs\\', /contains/],
      ['root"fs', /contains/],
      ['/', /resolves to "\/"/],
      ['to-root', /resolves to "\/"/],
      ['file', /is not a directory/],
      ['nope', /does not exist/],
      ['/root', /resolves to \/root, outside the bundle .*; the grader reads a rootfs only inside the bundle/],
      ['to-elsewhere', /outside the bundle/],
      [7, /missing or not a string/],
    ] as Array<[unknown, RegExp]>)
      expect(validateRootfsPath(p, b), String(p)).toMatchObject({ ok: false, problem: expect.stringMatching(says) });
  });
  test("runc's log errors are read from its logfmt lines", () => {
    const log = 'time="t" level=warning msg="x"\ntime="t" level=error msg="runc create failed: exec: \\"sh\\": executable file not found in $PATH"\n';
    expect(runcLogErrors(log)).toBe('runc create failed: exec: "sh": executable file not found in $PATH');
  });
});

describe("the ping probe's config: the machine's busybox, the student's process settings within bounds", () => {
  const capsOf = (c: OciConfig, caps: Record<string, unknown>): OciConfig => ({
    ...c,
    process: { ...c.process, capabilities: caps as Record<string, string[]> },
  });
  test("capabilities: the student's sets cut to runc spec's plus CAP_NET_RAW; never more than asked, never a forbidden one", async () => {
    const spec = await runcSpec();
    const allowed = probeCapabilityAllowList(spec);
    expect(allowed).toContain('CAP_NET_RAW');
    for (const c of PROBE_FORBIDDEN_CAPS) expect(allowed).not.toContain(c);
    // The lesson's config as runc spec writes it: exactly its own sets, no CAP_NET_RAW.
    const asWritten = probeCapabilities(spec, spec);
    for (const [set, caps] of Object.entries(spec.process.capabilities ?? {})) expect(asWritten[set], set).toEqual(caps);
    expect(netRawMissing(spec)).toEqual(['bounding', 'effective', 'permitted']);
    const withRaw = withCapability('CAP_NET_RAW')(spec);
    expect(netRawMissing(withRaw)).toEqual([]);
    expect(probeCapabilities(withRaw, spec).bounding).toContain('CAP_NET_RAW');
    // A hostile student: every dangerous capability in every set, odd sets, non-strings.
    const hostile = capsOf(spec, {
      bounding: ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN', 'CAP_SYS_PTRACE', 'CAP_DAC_OVERRIDE', 'CAP_NET_RAW', 'CAP_KILL', 7, null],
      effective: ['CAP_SYS_ADMIN', 'CAP_NET_RAW'],
      permitted: 'CAP_SYS_ADMIN',
      ambient: ['CAP_SYS_MODULE', 'CAP_NET_RAW', 'CAP_NET_RAW'],
      inheritable: ['CAP_SYS_RAWIO'],
      bogus: ['CAP_SYS_ADMIN'],
    });
    const granted = probeCapabilities(hostile, spec);
    expect(granted).toEqual({
      bounding: ['CAP_NET_RAW', 'CAP_KILL'],
      effective: ['CAP_NET_RAW'],
      permitted: [],
      inheritable: [],
      ambient: ['CAP_NET_RAW'],
    });
    expect(netRawMissing(hostile)).toEqual(['permitted']);
    // Nothing at all: nothing granted, all three sets named.
    const none = capsOf(spec, {});
    expect(Object.values(probeCapabilities(none, spec)).flat()).toEqual([]);
    expect(netRawMissing({ ...spec, process: { ...spec.process, capabilities: undefined } })).toEqual(['bounding', 'effective', 'permitted']);
  });
  test("user: numbers only, runc's default 0 for anything else", () => {
    const u = (user: unknown): OciConfig =>
      ({ ociVersion: '1', process: { args: ['sh'], user }, root: { path: 'rootfs' }, linux: { namespaces: [] } }) as unknown as OciConfig;
    expect(probeUser(u({ uid: 0, gid: 0 }))).toEqual({ uid: 0, gid: 0 });
    expect(probeUser(u({ uid: 1000, gid: 100, additionalGids: [5, 'x', -1, 6] }))).toEqual({ uid: 1000, gid: 100, additionalGids: [5, 6] });
    expect(probeUser(u({ uid: '0; rm -rf /', gid: 1.5, username: 'root' }))).toEqual({ uid: 0, gid: 0 });
    expect(probeUser(u(undefined))).toEqual({ uid: 0, gid: 0 });
  });
  test("the generated config: runc spec's, an empty read-only rootfs, the busybox bound read-only, the grader's args, no hook, the student's settings as bounded", async () => {
    const spec = await runcSpec();
    const student = withHook('prestart', { path: '/usr/bin/touch' })(withCapability('CAP_SYS_ADMIN')(withCapability('CAP_NET_RAW')(spec)));
    const v = {
      netnsPath: '/var/run/netns/container-net',
      busybox: '/usr/bin/busybox',
      hostIp: '10.0.0.1',
      cgroupsPath: '/lesson06-1-2-3',
      capabilities: probeCapabilities(student, spec),
      user: probeUser(student),
      noNewPrivileges: true,
    };
    const c = generatePingProbeConfig(spec, v);
    expect(c.hooks).toBeUndefined();
    expect(c.root).toEqual({ path: 'rootfs', readonly: true });
    expect(c.process.args).toEqual([PING_PROBE_BUSYBOX, 'ping', '-c', '1', '-W', '2', '10.0.0.1']);
    expect(c.process.terminal).toBe(false);
    expect(c.process.user).toEqual({ uid: 0, gid: 0 });
    expect(c.process.noNewPrivileges).toBe(true);
    const caps = Object.values(c.process.capabilities ?? {}).flat();
    expect(caps).toContain('CAP_NET_RAW');
    expect(caps).not.toContain('CAP_SYS_ADMIN');
    expect(c.linux.namespaces).toEqual(
      spec.linux.namespaces.map((n) => (n.type === 'network' ? { type: 'network', path: '/var/run/netns/container-net' } : { type: n.type })),
    );
    expect(c.linux.cgroupsPath).toBe('/lesson06-1-2-3');
    expect(c.mounts).toEqual([
      ...(spec.mounts as unknown[]),
      { destination: '/bin/busybox', type: 'bind', source: '/usr/bin/busybox', options: ['bind', 'ro', 'nosuid', 'nodev'] },
    ]);
    expect(describePingProbe(v)).toMatch(
      /^ping probe: \/bin\/busybox ping -c 1 -W 2 10\.0\.0\.1 \(this machine's \/usr\/bin\/busybox, .* as uid 0 gid 0, noNewPrivileges true, capabilities bounding=\[[A-Z_,]*CAP_NET_RAW\]/,
    );
    expect(describePingProbe(v)).not.toContain('CAP_SYS_ADMIN');
  });
  test("the busybox it binds is this machine's, from a trusted directory, statically linked", () => {
    const b = trustedBusybox();
    expect(b).toMatch(/^\/(usr\/)?(s?bin)\/busybox$/);
    expect(statSync(b).uid).toBe(0);
    expect(fileLinkage(b)?.kind).toBe('static');
  });
  test("a reply is proven by both ends' ICMP counters, not by ping's output", () => {
    const n = (outEchos: number, inEchoReps: number, inEchos: number, outEchoReps: number) => ({
      outEchos,
      inEchoReps,
      inEchos,
      outEchoReps,
      inDestUnreachs: 0,
    });
    const before = { container: n(3, 3, 1, 1), host: n(5, 5, 9, 9) };
    const d = pingDelta(before, { container: n(4, 4, 1, 1), host: n(5, 5, 10, 10) });
    expect(replied(d)).toBe(true);
    expect(formatPingDelta(d)).toBe(
      'in the namespace: echo requests sent +1, replies received +1, replies sent +0; on this machine: requests received +1, replies sent +1',
    );
    // Answered inside the namespace itself (the host address also there): this machine counted nothing.
    expect(replied(pingDelta(before, { container: n(4, 4, 2, 2), host: before.host }))).toBe(false);
    expect(replied(pingDelta(before, { container: n(4, 3, 1, 1), host: n(5, 5, 10, 10) }))).toBe(false);
    expect(replied(pingDelta(before, { container: undefined, host: before.host }))).toBe(false);
    expect(formatPingDelta(undefined)).toMatch(/could not be read/);
  });
});

describe('findings: what the student asks for and the grader does not do', () => {
  test("the lesson's own config has none; each hostile field is one sentence", async () => {
    const spec = await runcSpec();
    const lesson = withNetnsPath('/var/run/netns/container-net')(spec);
    expect(configFindings(lesson, spec)).toEqual([]);
    // CAP_NET_RAW, the fix of erratum E-ping-needs-net-raw, is granted to the ping probe: not a finding.
    expect(configFindings(withCapability('CAP_NET_RAW')(lesson), spec)).toEqual([]);
    let hostile = withCapability('CAP_SYS_ADMIN')(lesson);
    for (const kind of HOOK_KINDS) hostile = withHook(kind, { path: `/usr/bin/${kind}` })(hostile);
    hostile = {
      ...hostile,
      hostname: 'pwned',
      mounts: [...((hostile.mounts as unknown[]) ?? []), { destination: '/srv', type: 'bind', source: '/srv', options: ['rbind', 'rw'] }],
      linux: {
        ...hostile.linux,
        namespaces: hostile.linux.namespaces.map((n) => (n.type === 'mount' ? { type: 'mount', path: '/proc/1/ns/mnt' } : n)),
        sysctl: { 'net.ipv4.ip_forward': '1' },
        seccomp: { defaultAction: 'SCMP_ACT_ALLOW' },
        maskedPaths: [],
      },
    };
    const f = configFindings(hostile, spec);
    for (const kind of HOOK_KINDS) expect(f).toContain(`config.json has 1 ${kind} hook (/usr/bin/${kind}): not run by the grader`);
    expect(f).toContain('mounts /srv read-write (bind) into the container at /srv: not mounted by the grader');
    expect(f).toContain("process.capabilities adds CAP_SYS_ADMIN beyond runc spec's defaults: not granted by the grader");
    expect(f).toContain('joins the mount namespace at /proc/1/ns/mnt: not joined by the grader (its probe gets a new one)');
    expect(f).toContain('sets sysctl net.ipv4.ip_forward=1: not applied by the grader');
    expect(f).toContain('sets hostname "pwned": not applied by the grader');
    expect(f).toContain('has a seccomp profile: not applied by the grader');
    expect(f.some((x) => /removes \/proc\/acpi.* from linux\.maskedPaths/.test(x))).toBe(true);
  });
});

describe('config.json as runc validates it, and bounded', () => {
  const base = (): OciConfig =>
    ({
      ociVersion: '1.0.2',
      process: { args: ['sh'], cwd: '/' },
      root: { path: 'rootfs' },
      linux: { namespaces: [{ type: 'pid' }, { type: 'network', path: '/var/run/netns/x' }, { type: 'mount' }] },
    }) as unknown as OciConfig;
  test("runc's refusals, in runc's words (runc 1.1 libcontainer/specconv and its process validation)", () => {
    expect(runcRefusal(base())).toBeUndefined();
    const dup = base();
    dup.linux.namespaces.push({ type: 'network' });
    expect(runcRefusal(dup)?.words).toBe('malformed spec file: duplicated ns {"network" ""}');
    const bogus = base();
    bogus.linux.namespaces.push({ type: 'bogus' });
    expect(runcRefusal(bogus)?.words).toBe('namespace {"bogus" ""} does not exist');
    const rel = base();
    rel.process.cwd = 'tmp';
    expect(runcRefusal(rel)).toEqual({ words: 'Cwd must be an absolute path', fix: 'make "cwd" absolute, e.g. "/tmp" or "/"' });
    const none = base();
    delete (none.process as { cwd?: string }).cwd;
    expect(runcRefusal(none)?.words).toBe('Cwd property must not be empty');
  });
  test('nesting is measured without parsing, strings and escapes skipped, stopping past the limit', () => {
    expect(jsonDepth('{"a":[1,{"b":"[[[[\\"]]"}]}')).toBe(3);
    expect(jsonDepth('['.repeat(200_000))).toBe(CONFIG_MAX_DEPTH + 1);
    const d = scratch();
    writeFileSync(join(d, 'config.json'), `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    const r = readStudentConfig(d);
    expect(r.ok ? '' : r.problem).toMatch(/nests arrays and objects more than 64 levels deep/);
  });
  test('the rootfs path the reader returns is checked again before it becomes a mount option', () => {
    expect(lowerdirProblem('/home/a/b/rootfs')).toBeUndefined();
    for (const bad of ['rootfs', '/a/../b', '/a,upperdir=/x', '/a:b', '/', '/a/b/'.slice(0, -1) + '\n'])
      expect(lowerdirProblem(bad), bad).toBeDefined();
  });
});

describe('read-only guard: the probe is the only thing runc does', () => {
  const ctx = { scratch: '/tmp/lesson06-grade-abc', ownIdPrefix: 'lesson06-grade-' };
  const enter = (argv: string[]): string[] => ['nsenter', '-t', '9', '--mount', '--', ...argv];
  const runc = (...a: string[]): string[] => enter(['runc', '--root', '/tmp/lesson06-grade-abc/runc', ...a]);
  test("the grader's own steps pass", () => {
    for (const argv of [
      runc(
        '--log',
        '/tmp/lesson06-grade-abc/runc.log',
        'create',
        '--pid-file',
        '/tmp/lesson06-grade-abc/pid',
        '--bundle',
        '/tmp/lesson06-grade-abc/bundle',
        'lesson06-grade-1',
      ),
      runc('delete', '--force', 'lesson06-grade-1'),
      ['runc', '--root', '/tmp/lesson06-grade-abc/runc', 'spec', '--bundle', '/tmp/lesson06-grade-abc/spec'],
      enter([
        'mount',
        '-n',
        '-t',
        'overlay',
        'overlay',
        '-o',
        'lowerdir=/home/a/b/rootfs,upperdir=/tmp/lesson06-grade-abc/upper,workdir=/tmp/lesson06-grade-abc/work',
        '/tmp/lesson06-grade-abc/bundle/rootfs',
      ]),
      ['nsenter', '--net=/proc/123/ns/net', '--', 'ip', '-j', 'addr', 'show'],
      ['ip', '-j', '-d', 'link', 'show', 'dev', 'veth-host'],
      ['ip', '-n', 'container-net', '-j', '-d', 'link', 'show', 'dev', 'veth-container'],
      ['ip', '-j', 'netns', 'list'],
      studentArgv({ uid: 1000, gid: 1000 }),
      // The ping probe: its own generated bundle, in the foreground, and the ICMP counters around it.
      runc(
        '--log',
        '/tmp/lesson06-grade-abc/ping.log',
        'run',
        '--pid-file',
        '/tmp/lesson06-grade-abc/ping.pid',
        '--bundle',
        '/tmp/lesson06-grade-abc/ping',
        'lesson06-grade-1-ping',
      ),
      ['nsenter', '--net=/var/run/netns/container-net', '--', 'cat', '/proc/net/snmp'],
      ['nsenter', '--net=/run/netns/container-net', '--', 'cat', '/proc/net/snmp'],
      ['cat', '/proc/net/snmp'],
      // Verify check 5's facts about the student's network path, with the student's rights.
      [...asStudentPrefix({ uid: 1000, gid: 1000 }), 'stat', '-L', '-f', '-c', '%T', '--', '/proc/1/ns/net'],
      [...asStudentPrefix({ uid: 1000, gid: 1000 }), 'stat', '-L', '-c', '%i', '--', '/var/run/netns/container-net'],
      [...asStudentPrefix({ uid: 1000, gid: 1000 }), 'realpath', '-m', '--', '/run/netns/container-net'],
    ])
      expect(readOnlyViolation(argv, ctx), argv.join(' ')).toBeUndefined();
  });
  test("refused: the student's bundle, runc run/exec/start, foreign overlay dirs, writes inside a netns", () => {
    for (const argv of [
      runc('create', '--bundle', '/home/a/b', 'lesson06-grade-1'),
      runc('run', '--bundle', '/tmp/lesson06-grade-abc/bundle', 'lesson06-grade-1'),
      runc('run', '--bundle', '/home/a/b', 'lesson06-grade-1'),
      runc('run', '--bundle', '/tmp/lesson06-grade-abc/ping/../bundle', 'lesson06-grade-1'),
      runc('run', '--detach', '--bundle', '/tmp/lesson06-grade-abc/ping', 'lesson06-grade-1'),
      runc('run', '--bundle', '/tmp/lesson06-grade-abc/ping', 'someone-else'),
      runc('run', '--pid-file', '/etc/pid', '--bundle', '/tmp/lesson06-grade-abc/ping', 'lesson06-grade-1'),
      ['nsenter', '--net=/var/run/netns/container-net', '--', 'cat', '/etc/shadow'],
      ['nsenter', '--net=/var/run/netns/container-net', '--', 'sh'],
      ['nsenter', '--net=/home/a/ns', '--', 'cat', '/proc/net/snmp'],
      ['nsenter', '--net=/run/netns/..', '--', 'cat', '/proc/net/snmp'],
      runc('start', 'lesson06-grade-1'),
      runc('exec', 'lesson06-grade-1', 'sh'),
      runc('--log', '/home/a/log', 'create', '--bundle', '/tmp/lesson06-grade-abc/bundle', 'lesson06-grade-1'),
      runc('create', '--pid-file', '/etc/pid', '--bundle', '/tmp/lesson06-grade-abc/bundle', 'lesson06-grade-1'),
      ['runc', '--root', '/tmp/lesson06-grade-abc/runc', 'spec', '--bundle', '/home/a/b'],
      enter([
        'mount',
        '-t',
        'overlay',
        'overlay',
        '-o',
        'lowerdir=/x,upperdir=/tmp/lesson06-grade-abc/upper,workdir=/tmp/lesson06-grade-abc/work,upperdir=/home/a',
        '/tmp/lesson06-grade-abc/bundle/rootfs',
      ]),
      enter(['mount', '--bind', '/', '/tmp/lesson06-grade-abc/bundle/rootfs']),
      ['nsenter', '--net=/proc/123/ns/net', '--', 'ip', 'link', 'set', 'lo', 'down'],
      ['nsenter', '--net=/proc/123/ns/net', '--', 'sh'],
      ['nsenter', '-t', '1', '--mount', '--uts', '--', 'hostname', 'x'],
      ['ip', '-j', 'netns', 'list', 'x'],
      ['setpriv', '--reuid=0', '--regid=0', '--', 'sh'],
      [...asStudentPrefix({ uid: 1000, gid: 1000 }), 'cat', '/etc/shadow'],
      [...asStudentPrefix({ uid: 1000, gid: 1000 }), 'stat', '-L', '-c', '%i', '--', '/a', '/b'],
      ['setpriv', '--reuid=1000', '--regid=1000', '--keep-groups', '--', 'stat', '-L', '-c', '%i', '--', '/a'],
      [...studentArgv({ uid: 1000, gid: 1000 }).slice(0, -1), '/home/alice/evil.ts'],
      ['setpriv', '--reuid=1000', '--regid=1000', '--keep-groups', ...studentArgv({ uid: 1000, gid: 1000 }).slice(4)],
    ])
      expect(readOnlyViolation(argv, ctx), argv.join(' ')).toBeDefined();
  });
});

describe('bounds: time and output', () => {
  test('a budget cuts every timeout to what is left and names the first command that hung', () => {
    let now = 0;
    const b = new GradeBudget(10_000, () => now);
    expect(b.timeoutFor(30_000, ['ping'])).toBe(10_000);
    now = 9_000;
    expect(b.timeoutFor(30_000, ['ping'])).toBe(1_000);
    expect(b.overrun).toBeUndefined();
    b.record({
      argv: ['cat', '/x/fifo'],
      exitCode: undefined,
      signal: 'SIGKILL',
      timedOut: true,
      stdout: '',
      stderr: '',
      durationMs: 1000,
      spawnError: undefined,
    });
    expect(b.overrun).toBe('"cat /x/fifo" hung: timed out after 1000 ms');
    now = 20_000;
    const fresh = new GradeBudget(10_000, () => 0);
    expect(fresh.overrun).toBeUndefined();
    b.teardown();
    expect(b.timeoutFor(30_000, ['runc'])).toBe(5_000);
  });
  test('the grading target stops a hanging command at the budget and says which', async () => {
    const target = new GradeTarget('/', () => undefined, new GradeBudget(400));
    const r = await target.exec(['sleep', '5']);
    expect(r.timedOut).toBe(true);
    expect(r.durationMs).toBeLessThan(5_000);
    expect(target.budget.overrun).toMatch(/^"sleep 5" hung: timed out after \d+ ms$/);
    await target.dispose();
  });
  test('output beyond the cap is drained and counted, not kept; a flood ends at its timeout', async () => {
    const r = await runArgv(['head', '-c', '300000', '/dev/zero'], { maxOutputBytes: 1000 });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.length).toBeLessThan(1100);
    expect(r.stdout.endsWith('\n… 299000 bytes cut')).toBe(true);
    const flood = await runArgv(['yes', 'flood'], { maxOutputBytes: 100, timeoutMs: 500 });
    expect(flood.timedOut).toBe(true);
    expect(flood.stdout).toMatch(/^(flood\n){16}floo\n… \d+ bytes cut$/);
    expect(clipOutput('x'.repeat(70_000))).toBe(`${'x'.repeat(65_536)}\n… 4464 bytes cut`);
  });
});

describe('reports are written safely', () => {
  const ctx = (cwd: string) => ({ pid: 4242, cwd, env: { HOME: '/root' } });
  test('the report path: never a link (dangling or not), never inside the bundle, never through a directory link into it', () => {
    const d = scratch();
    const bundle = join(d, 'bundle');
    mkdirSync(bundle);
    writeFileSync(join(d, 'victim'), 'keep');
    symlinkSync(join(d, 'victim'), join(d, 'link.xml'));
    symlinkSync(join(d, 'nowhere'), join(d, 'dangling.xml'));
    symlinkSync(bundle, join(d, 'reports'));
    expect(reportPathProblem(join(d, 'link.xml'))).toMatch(/is a symbolic link/);
    expect(reportPathProblem(join(d, 'dangling.xml'))).toMatch(/is a symbolic link/);
    expect(reportPathProblem(join(bundle, 'r.xml'), [bundle])).toMatch(/lies inside/);
    expect(reportPathProblem(join(d, 'reports', 'r.xml'), [bundle])).toMatch(/lies inside/);
    expect(reportPathProblem(join(d, 'ok', 'r.xml'), [bundle])).toBeUndefined();
    expect(() => writeReport(join(d, 'link.xml'), '<x/>')).toThrow(/report not written/);
    expect(readFileSync(join(d, 'victim'), 'utf8')).toBe('keep');
  });
  test('the parser refuses --junit at a link or inside the bundle before anything runs', () => {
    const d = scratch();
    mkdirSync(join(d, 'b'));
    symlinkSync('/etc/passwd', join(d, 'r.xml'));
    expect(() => parseTestArgs(['--lab', 'existing', '--bundle', join(d, 'b'), '--junit', join(d, 'r.xml')], ctx(d))).toThrow(
      /--junit: .* is a symbolic link/,
    );
    expect(() => parseTestArgs(['--lab', 'existing', '--bundle', join(d, 'b'), '--junit', join(d, 'b', 'g.xml')], ctx(d))).toThrow(
      /--junit: .* lies inside/,
    );
  });
  test('a report replaces the file by rename: a link put at the temp name is neither followed nor removed', () => {
    const d = scratch();
    writeFileSync(join(d, 'victim'), 'keep');
    writeReport(join(d, 'r.xml'), '<a/>');
    writeReport(join(d, 'r.xml'), '<b/>');
    expect(readFileSync(join(d, 'r.xml'), 'utf8')).toBe('<b/>');
    symlinkSync(join(d, 'victim'), join(d, `.r.xml.${process.pid}.tmp`));
    writeReport(join(d, 'r.xml'), '<c/>');
    expect(readFileSync(join(d, 'r.xml'), 'utf8')).toBe('<c/>');
    expect(readFileSync(join(d, 'victim'), 'utf8')).toBe('keep');
    expect(lstatSync(join(d, `.r.xml.${process.pid}.tmp`)).isSymbolicLink()).toBe(true);
  });

  // uid 65534 (nobody) stands for the student who ran sudo.
  const student = { uid: 65534, gid: 65534 };
  const rootOnlyAndStudentLink = (): { d: string; rootonly: string; own: string } => {
    const d = scratch();
    chmodSync(d, 0o755);
    const rootonly = join(d, 'rootonly');
    mkdirSync(rootonly, { mode: 0o700 });
    const own = join(d, 'student');
    mkdirSync(own);
    chownSync(own, student.uid, student.gid);
    // The student's own link in a parent directory of the report path, into the root-only directory.
    symlinkSync(rootonly, join(own, 'out'));
    return { d, rootonly, own };
  };

  test('under sudo the report is created by the invoking user: not into a root-only directory, not through their link into one; theirs without a chown', () => {
    const { rootonly, own } = rootOnlyAndStudentLink();
    expect(() => writeReport(join(rootonly, 'x.xml'), '<x/>', student)).toThrow(
      /cannot be written by uid 65534, the user who ran sudo \(permission denied/,
    );
    expect(() => writeReport(join(own, 'out', 'alice.xml'), '<x/>', student)).toThrow(/cannot be written by uid 65534/);
    expect(callerWriteProblem(join(own, 'out', 'alice.xml'), student)).toMatch(/cannot be written by uid 65534/);
    expect(readdirSync(rootonly)).toEqual([]);
    writeReport(join(own, 'reports', 'alice.xml'), '<ok/>', student);
    expect(readFileSync(join(own, 'reports', 'alice.xml'), 'utf8')).toBe('<ok/>');
    expect([statSync(join(own, 'reports', 'alice.xml')).uid, statSync(join(own, 'reports')).uid]).toEqual([65534, 65534]);
    expect(callerWriteProblem(join(own, 'reports', 'b.xml'), student)).toBeUndefined();
  });

  test('as root without sudo, a link in any component of the report path is refused; nothing lands behind it', () => {
    const { rootonly, own } = rootOnlyAndStudentLink();
    expect(() => writeReport(join(own, 'out', 'alice.xml'), '<x/>')).toThrow(
      /student\/out is a symbolic link; reports are never written through links/,
    );
    expect(() => writeReport(join(own, 'out', 'sub', 'alice.xml'), '<x/>')).toThrow(/is a symbolic link/);
    expect(readdirSync(rootonly)).toEqual([]);
    writeReport(join(own, 'new', 'r.xml'), '<ok/>');
    expect(readFileSync(join(own, 'new', 'r.xml'), 'utf8')).toBe('<ok/>');
  });

  test("handing caches back chowns root-owned files through no link: a link to a root file stays root's", () => {
    const { d, own } = rootOnlyAndStudentLink();
    const victim = join(d, 'victim');
    writeFileSync(victim, 'root');
    mkdirSync(join(own, 'cache', 'sub'), { recursive: true });
    writeFileSync(join(own, 'cache', 'sub', 'f'), 'x');
    symlinkSync(victim, join(own, 'cache', 'sub', 'link'));
    symlinkSync(d, join(own, 'cache', 'dirlink'));
    handBackTree(join(own, 'cache'), student);
    expect(statSync(join(own, 'cache', 'sub', 'f')).uid).toBe(65534);
    expect(statSync(join(own, 'cache', 'sub')).uid).toBe(65534);
    expect([statSync(victim).uid, statSync(d).uid, lstatSync(join(own, 'cache', 'sub', 'link')).uid]).toEqual([0, 0, 0]);
  });
});
