import { existsSync, readdirSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { hostMachines, isElf, machineName, parseElf, type ElfInfo } from '../oci/elf.js';
import { resolveInRootfs, type Resolution, type Resolved } from './rootfs.js';
import { openRegular, readSmallText } from './student-files.js';

/**
 * Will the student's own process start? Answered statically, the way runc and the kernel decide
 * it, without running anything from the rootfs: `process.args[0]` looked up through the config's
 * PATH inside the rootfs (as runc's exec.LookPath does), then the file itself: executable, a
 * script whose interpreter exists, or an ELF whose machine, interpreter and libraries are there.
 */

export type FaultKind =
  | 'bad-args'
  | 'no-path'
  | 'not-found'
  | 'no-applets'
  | 'not-regular'
  | 'not-executable'
  | 'interpreter-missing'
  | 'library-missing'
  | 'bad-format'
  | 'wrong-machine';

export interface ProcessFault {
  readonly kind: FaultKind;
  /** The real cause, in the container's paths. */
  readonly cause: string;
  /** What to do, in the student's paths. */
  readonly fix: string;
  /** What runc (or the program's loader) says when this fault stops the container. */
  readonly symptom: RegExp;
}

export type ProcessAnalysis =
  | { readonly ok: true; readonly program: string; readonly chain: readonly string[] }
  | { readonly ok: false; readonly fault: ProcessFault; readonly chain: readonly string[] };

export interface StudentProcess {
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
}

interface AnalysisContext {
  /** The rootfs on this machine: a real directory. */
  readonly rootfs: string;
  /** The rootfs as the student names it (for fixes), e.g. /home/alice/oci-netns-test/rootfs. */
  readonly shown: string;
  /** e_machine values this kernel runs; defaults to this machine's. */
  readonly machines?: readonly number[];
  /** Whether a path exists on this machine, for "copy it from the host" fixes; defaults to existsSync. */
  readonly onHost?: (path: string) => boolean;
}

const SYMPTOM = {
  lookPath: /executable file not found in \$PATH/,
  noEntry: /no such file or directory/,
  permission: /permission denied/,
  loader: /error while loading shared libraries|cannot open shared object file/,
  format: /exec format error/,
  args: /args must not be empty|no such file or directory|executable file not found/,
};

const MAX_INTERPRETER_DEPTH = 4;
const MAX_LIBRARIES = 256;
const MULTIARCH: Readonly<Record<number, string>> = {
  3: 'i386-linux-gnu',
  40: 'arm-linux-gnueabihf',
  62: 'x86_64-linux-gnu',
  183: 'aarch64-linux-gnu',
  243: 'riscv64-linux-gnu',
  22: 's390x-linux-gnu',
  21: 'powerpc64le-linux-gnu',
};
const MUSL_ARCH: Readonly<Record<number, string>> = {
  3: 'i386',
  40: 'armhf',
  62: 'x86_64',
  183: 'aarch64',
  243: 'riscv64',
  22: 's390x',
  21: 'powerpc64le',
};

const octal = (mode: number): string => `0${(mode & 0o7777).toString(8)}`;
const isExecutable = (mode: number): boolean => (mode & 0o111) !== 0;

class Analysis {
  readonly chain: string[] = [];
  readonly machines: readonly number[];
  readonly onHost: (path: string) => boolean;

  constructor(
    readonly ctx: AnalysisContext,
    readonly proc: StudentProcess,
  ) {
    this.machines = ctx.machines ?? hostMachines();
    this.onHost = ctx.onHost ?? existsSync;
  }

  shown(inside: string): string {
    return `${this.ctx.shown.replace(/\/+$/, '')}${inside}`;
  }

  resolve(path: string): Resolution {
    return resolveInRootfs(this.ctx.rootfs, path, this.proc.cwd);
  }

  /** "(via /bin/sh -> busybox)" when links were followed. */
  via(r: { links: readonly string[] }): string {
    return r.links.length > 0 ? ` (via ${r.links.join(', ')})` : '';
  }

  /** Why a path does not resolve, naming a link whose target is missing inside the rootfs. */
  missing(r: Resolution, what = ''): string {
    if (r.ok) return `${r.inside} exists`;
    const why =
      r.reason === 'missing'
        ? 'does not exist'
        : r.reason === 'not a directory'
          ? 'has a component that is not a directory'
          : 'loops through too many symbolic links';
    const link = r.links.length > 0 ? ` (links resolve inside the rootfs, never on this machine: ${r.links.join(', ')})` : '';
    return `${what === '' ? '' : `${what}: `}${r.inside} ${why} in the rootfs${link}`;
  }
}

function fault(a: Analysis, kind: FaultKind, cause: string, fix: string, symptom: RegExp): ProcessAnalysis {
  return { ok: false, fault: { kind, cause, fix, symptom }, chain: a.chain };
}

/** The student's process: found, executable, and everything it needs to start present in the rootfs. */
export function analyseProcess(ctx: AnalysisContext, proc: StudentProcess): ProcessAnalysis {
  const a = new Analysis(ctx, proc);
  const name = proc.args[0];
  if (name === undefined || name === '')
    return fault(a, 'bad-args', 'process.args is empty: there is no program to run', 'set process.args, e.g. ["sh", "-c", "ip addr"]', SYMPTOM.args);
  const found = lookPath(a, name);
  if (!found.ok) return found.result;
  const checked = checkExecutable(a, found.file, name, 0);
  // The program is what runc looks up and execs, even when the kernel then runs its #! interpreter.
  return checked.ok ? { ...checked, program: found.file.inside } : checked;
}

type LookPathResult = { ok: true; file: Resolved; viaPath: boolean } | { ok: false; result: ProcessAnalysis };

/** runc's exec.LookPath, inside the rootfs: a name with a slash is used as is; others go through PATH. */
function lookPath(a: Analysis, name: string): LookPathResult {
  if (name.includes('/')) {
    const r = a.resolve(name);
    if (!r.ok)
      return {
        ok: false,
        result: fault(
          a,
          'not-found',
          a.missing(r, `process.args[0] "${name}"`),
          `put the program at ${a.shown(r.inside)} or change process.args[0]`,
          SYMPTOM.noEntry,
        ),
      };
    return regularExecutable(a, r, name, false);
  }
  const path = [...a.proc.env]
    .reverse()
    .find((e) => e.startsWith('PATH='))
    ?.slice(5);
  if (path === undefined || path === '')
    return {
      ok: false,
      result: fault(
        a,
        'no-path',
        `config.json's process has no PATH in its "env", so runc cannot look up "${name}"`,
        `add "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" to the "env" list of "process", or give process.args[0] as an absolute path`,
        SYMPTOM.lookPath,
      ),
    };
  const dirs = path.split(':').map((d) => (d === '' ? '.' : d));
  let blocked: { r: Resolved; why: string } | undefined;
  const misses: Resolution[] = [];
  for (const dir of dirs) {
    const r = a.resolve(posix.join(dir, name));
    if (!r.ok) {
      misses.push(r);
      continue;
    }
    if (r.stat.isFile() && isExecutable(r.stat.mode)) return { ok: true, file: r, viaPath: true };
    blocked ??= { r, why: r.stat.isFile() ? `has mode ${octal(r.stat.mode)}, no execute permission` : `is not a regular file` };
  }
  if (blocked) {
    const { r, why } = blocked;
    const kind = r.stat.isFile() ? 'not-executable' : 'not-regular';
    const fix = kind === 'not-executable' ? `chmod +x ${a.shown(r.inside)}` : `replace ${a.shown(r.inside)} with the program`;
    return { ok: false, result: fault(a, kind, `"${name}" is found in PATH at ${r.inside}${a.via(r)}, which ${why}`, fix, SYMPTOM.lookPath) };
  }
  const busybox = dirs.map((d) => a.resolve(posix.join(d, 'busybox'))).find((r) => r.ok) ?? a.resolve('/bin/busybox');
  const dangling = misses.find((m) => m.links.length > 0);
  const searched = `searched ${dirs.join(', ')} (the PATH in config.json's "env") inside the rootfs`;
  if (busybox.ok && !dangling)
    return {
      ok: false,
      result: fault(
        a,
        'no-applets',
        `"${name}" is not in the rootfs (${searched}); ${busybox.inside} is there, but without its applet links (erratum E-rootfs-needs-applets)`,
        `sudo chroot ${a.ctx.shown} /bin/busybox --install -s /bin`,
        SYMPTOM.lookPath,
      ),
    };
  const detail = dangling ? `; ${a.missing(dangling)}` : '';
  return {
    ok: false,
    result: fault(
      a,
      'not-found',
      `"${name}" is not in the rootfs (${searched})${detail}`,
      `put ${name} into ${a.shown('/bin')} (for busybox: cp /bin/busybox ${a.shown('/bin/')} && sudo chroot ${a.ctx.shown} /bin/busybox --install -s /bin)`,
      SYMPTOM.lookPath,
    ),
  };
}

function regularExecutable(a: Analysis, r: Resolved, name: string, viaPath: boolean): LookPathResult {
  if (!r.stat.isFile())
    return {
      ok: false,
      result: fault(
        a,
        'not-regular',
        `${name}: ${r.inside}${a.via(r)} is not a regular file`,
        `replace ${a.shown(r.inside)} with the program`,
        viaPath ? SYMPTOM.lookPath : /is a directory|permission denied|no such file/,
      ),
    };
  if (!isExecutable(r.stat.mode))
    return {
      ok: false,
      result: fault(
        a,
        'not-executable',
        `${name}: ${r.inside}${a.via(r)} has mode ${octal(r.stat.mode)}, no execute permission`,
        `chmod +x ${a.shown(r.inside)}`,
        viaPath ? SYMPTOM.lookPath : SYMPTOM.permission,
      ),
    };
  return { ok: true, file: r, viaPath };
}

/** The file the kernel will execute: a script (#!) or an ELF for this machine, with what it needs. */
function checkExecutable(a: Analysis, r: Resolved, name: string, depth: number): ProcessAnalysis {
  const opened = openRegular(r.host, r.stat);
  if (!opened.ok)
    return fault(
      a,
      'not-regular',
      `${name}: ${r.inside} cannot be read as a regular file`,
      `replace ${a.shown(r.inside)} with the program`,
      SYMPTOM.noEntry,
    );
  const file = opened.file;
  try {
    const head = file.readAt(0, 256);
    if (head[0] === 0x23 && head[1] === 0x21) return checkScript(a, r, head, depth);
    if (!isElf(head))
      return fault(
        a,
        'bad-format',
        `${r.inside}${a.via(r)} is neither an ELF program nor a script starting with #!; the kernel refuses it`,
        `replace ${a.shown(r.inside)} with a program built for ${machineName(a.machines[0] ?? 0)}`,
        SYMPTOM.format,
      );
    const parsed = parseElf(file.readAt, file.size);
    if (!parsed.ok)
      return fault(
        a,
        'bad-format',
        `${r.inside}: ${parsed.error}`,
        `replace ${a.shown(r.inside)} with a working copy of the program`,
        SYMPTOM.format,
      );
    return checkElf(a, r, parsed.elf);
  } finally {
    file.close();
  }
}

function checkScript(a: Analysis, r: Resolved, head: Uint8Array, depth: number): ProcessAnalysis {
  const line = Buffer.from(head.subarray(2)).toString('latin1').split('\n')[0]?.trim() ?? '';
  const interp = line.split(/[ \t]+/)[0] ?? '';
  if (interp === '')
    return fault(
      a,
      'bad-format',
      `${r.inside} starts with "#!" but names no interpreter`,
      `write the interpreter's path after #! in ${a.shown(r.inside)}`,
      SYMPTOM.format,
    );
  if (depth >= MAX_INTERPRETER_DEPTH)
    return fault(
      a,
      'bad-format',
      `${r.inside}: more than ${MAX_INTERPRETER_DEPTH} nested #! interpreters`,
      `point the #! line of ${a.shown(r.inside)} at a program`,
      SYMPTOM.format,
    );
  a.chain.push(`${r.inside}${a.via(r)}: script for ${interp}`);
  const ir = a.resolve(interp);
  if (!ir.ok)
    return fault(
      a,
      'interpreter-missing',
      `${r.inside} is a script for ${interp}; ${a.missing(ir)}`,
      `install ${interp} at ${a.shown(ir.inside)} or change the #! line of ${a.shown(r.inside)}`,
      SYMPTOM.noEntry,
    );
  if (!ir.stat.isFile() || !isExecutable(ir.stat.mode))
    return fault(
      a,
      'not-executable',
      `${r.inside} is a script for ${interp}, and ${ir.inside}${a.via(ir)} is not an executable file (mode ${octal(ir.stat.mode)})`,
      `chmod +x ${a.shown(ir.inside)}`,
      SYMPTOM.permission,
    );
  return checkExecutable(a, ir, interp, depth + 1);
}

function checkElf(a: Analysis, r: Resolved, elf: ElfInfo): ProcessAnalysis {
  const what = `ELF ${elf.bits}-bit ${machineName(elf.machine)}, ${elf.interpreter ? `interpreter ${elf.interpreter}` : 'static'}`;
  a.chain.push(`${r.inside}${a.via(r)}: ${what}`);
  if (!a.machines.includes(elf.machine))
    return fault(
      a,
      'wrong-machine',
      `${r.inside} is built for ${machineName(elf.machine)}; this machine runs ${a.machines.map(machineName).join(', ')}`,
      `replace ${a.shown(r.inside)} with a ${machineName(a.machines[0] ?? 0)} build`,
      SYMPTOM.format,
    );
  if (elf.interpreter === undefined) return { ok: true, program: r.inside, chain: a.chain };
  const ir = a.resolve(elf.interpreter);
  const copy = (host: string, inside: string): string =>
    a.onHost(host) ? `cp -L ${host} ${a.shown(dirname(inside))}/` : `install ${host} at ${a.shown(inside)}`;
  if (!ir.ok)
    return fault(
      a,
      'interpreter-missing',
      `${r.inside} is dynamically linked with the ELF interpreter ${elf.interpreter}; ${a.missing(ir)}`,
      `${copy(elf.interpreter, elf.interpreter)} (and the libraries it needs), or use a static program such as busybox-static`,
      SYMPTOM.noEntry,
    );
  if (!ir.stat.isFile() || !isExecutable(ir.stat.mode))
    return fault(
      a,
      'not-executable',
      `${r.inside}'s ELF interpreter ${ir.inside}${a.via(ir)} is not an executable file (mode ${octal(ir.stat.mode)})`,
      `chmod +x ${a.shown(ir.inside)}`,
      SYMPTOM.permission,
    );
  const missing = missingLibrary(a, r, elf);
  if (missing) return missing;
  return { ok: true, program: r.inside, chain: a.chain };
}

/** The loader's search, inside the rootfs: RPATH, LD_LIBRARY_PATH, RUNPATH, ld.so.conf, musl's path file, the defaults. */
function libraryDirs(a: Analysis, elf: ElfInfo, origin: string): string[] {
  const expand = (d: string): string => d.replaceAll('$ORIGIN', origin).replaceAll('${ORIGIN}', origin);
  const ldLibraryPath =
    [...a.proc.env]
      .reverse()
      .find((e) => e.startsWith('LD_LIBRARY_PATH='))
      ?.slice(16)
      .split(':')
      .filter(Boolean) ?? [];
  const multiarch = MULTIARCH[elf.machine];
  const defaults = [
    ...(multiarch ? [`/lib/${multiarch}`, `/usr/lib/${multiarch}`] : []),
    ...(elf.bits === 64 ? ['/lib64', '/usr/lib64'] : []),
    '/lib',
    '/usr/lib',
    '/usr/local/lib',
  ];
  const dirs = [
    ...(elf.runpath.length === 0 ? elf.rpath.map(expand) : []),
    ...ldLibraryPath,
    ...elf.runpath.map(expand),
    ...ldSoConf(a),
    ...muslPath(a, elf),
    ...defaults,
  ];
  return [...new Set(dirs)];
}

/** Directories listed in the rootfs's /etc/ld.so.conf, with one level of `include` globs. */
function ldSoConf(a: Analysis): string[] {
  const read = (inside: string): string[] => {
    const r = a.resolve(inside);
    if (!r.ok) return [];
    const t = readSmallText(r.host, 64 * 1024, r.stat);
    return t.ok
      ? t.text
          .split('\n')
          .map((l) => l.replace(/#.*/, '').trim())
          .filter(Boolean)
      : [];
  };
  const out: string[] = [];
  for (const line of read('/etc/ld.so.conf')) {
    if (!line.startsWith('include ')) {
      out.push(line);
      continue;
    }
    const pattern = line.slice(8).trim();
    const dir = a.resolve(posix.dirname(pattern));
    if (!dir.ok || !dir.stat.isDirectory()) continue;
    const glob = new RegExp(
      `^${posix
        .basename(pattern)
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replaceAll('*', '.*')}$`,
    );
    for (const n of readdirSync(dir.host)
      .filter((f) => glob.test(f))
      .sort())
      out.push(...read(posix.join(dir.inside, n)).filter((l) => !l.startsWith('include ')));
  }
  return out.filter((d) => d.startsWith('/'));
}

function muslPath(a: Analysis, elf: ElfInfo): string[] {
  const arch = MUSL_ARCH[elf.machine];
  if (!arch) return [];
  const r = a.resolve(`/etc/ld-musl-${arch}.path`);
  if (!r.ok) return [];
  const t = readSmallText(r.host, 64 * 1024, r.stat);
  return t.ok
    ? t.text
        .split(/[\n:]/)
        .map((l) => l.trim())
        .filter((l) => l.startsWith('/'))
    : [];
}

/** A library file the loader would accept: an ELF of the program's class and machine. */
function loadable(r: Resolved, elf: ElfInfo): ElfInfo | undefined {
  if (!r.stat.isFile()) return undefined;
  const o = openRegular(r.host, r.stat);
  if (!o.ok) return undefined;
  try {
    const p = parseElf(o.file.readAt, o.file.size);
    return p.ok && p.elf.bits === elf.bits && p.elf.machine === elf.machine ? p.elf : undefined;
  } finally {
    o.file.close();
  }
}

/** Every DT_NEEDED, transitively, must be found; the first that is not names the fault. */
function missingLibrary(a: Analysis, program: Resolved, elf: ElfInfo): ProcessAnalysis | undefined {
  const queue: Array<{ who: string; elf: ElfInfo; origin: string }> = [{ who: program.inside, elf, origin: posix.dirname(program.inside) }];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const { who, elf: e, origin } = queue.shift() as { who: string; elf: ElfInfo; origin: string };
    const dirs = libraryDirs(a, e, origin);
    for (const lib of e.needed) {
      if (seen.has(lib)) continue;
      seen.add(lib);
      if (seen.size > MAX_LIBRARIES) return undefined;
      const candidates = lib.includes('/') ? [lib] : dirs.map((d) => posix.join(d, lib));
      let found: { r: Resolved; elf: ElfInfo } | undefined;
      for (const c of candidates) {
        const r = a.resolve(c);
        const libElf = r.ok ? loadable(r, e) : undefined;
        if (r.ok && libElf) {
          found = { r, elf: libElf };
          break;
        }
      }
      if (!found) {
        const hostCopy = dirs.map((d) => posix.join(d, lib)).find((p) => a.onHost(p));
        const fix = hostCopy
          ? `cp -L ${hostCopy} ${a.shown(posix.dirname(hostCopy))}/`
          : `install ${lib} into one of those directories under ${a.ctx.shown}`;
        return fault(
          a,
          'library-missing',
          `${who} needs the library ${lib} (DT_NEEDED), which is in none of ${dirs.join(', ')} inside the rootfs`,
          `${fix}, or use a static program such as busybox-static`,
          SYMPTOM.loader,
        );
      }
      a.chain.push(`${lib} => ${found.r.inside}`);
      queue.push({ who: found.r.inside, elf: found.elf, origin: posix.dirname(found.r.inside) });
    }
  }
  return undefined;
}
