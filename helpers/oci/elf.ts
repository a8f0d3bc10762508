/**
 * Just enough of an ELF reader to know what the kernel and the dynamic loader will need before a
 * program runs: its class and machine, its interpreter (PT_INTERP) and the libraries it names
 * (DT_NEEDED, DT_RUNPATH, DT_RPATH). Read from the bytes, never by running anything (`ldd` runs
 * the program's own loader). Every offset is checked against the file's size: the file belongs
 * to the student and may be truncated or crafted.
 */

/** Reads `length` bytes at `offset`; returns fewer at the end of the file. */
type ReadAt = (offset: number, length: number) => Uint8Array;

export interface ElfInfo {
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  /** e_type: 2 executable, 3 shared object (PIE executables are 3 as well). */
  readonly type: number;
  /** e_machine, e.g. 62 for x86-64. */
  readonly machine: number;
  readonly interpreter: string | undefined;
  readonly needed: readonly string[];
  readonly runpath: readonly string[];
  readonly rpath: readonly string[];
}

type ElfResult = { readonly ok: true; readonly elf: ElfInfo } | { readonly ok: false; readonly error: string };

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_RPATH = 15;
const DT_RUNPATH = 29;
/** Bounds that no real program reaches; beyond them the file is treated as malformed. */
const MAX_PHNUM = 4096;
const MAX_DYNAMIC = 8192;
const MAX_STRING = 4096;

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

const MACHINES: Readonly<Record<number, string>> = {
  3: 'x86 (i386)',
  8: 'MIPS',
  20: 'PowerPC',
  21: 'PowerPC64',
  22: 's390',
  40: 'ARM',
  62: 'x86-64',
  183: 'AArch64',
  243: 'RISC-V',
};

export const machineName = (m: number): string => MACHINES[m] ?? `machine ${m}`;

/** e_machine values this machine's kernel executes natively (x86-64 kernels also run i386). */
export function hostMachines(arch: string = process.arch): number[] {
  const map: Record<string, number[]> = { x64: [62, 3], ia32: [3], arm64: [183], arm: [40], riscv64: [243], s390x: [22], ppc64: [21], mips: [8] };
  return map[arch] ?? [];
}

export function isElf(head: Uint8Array): boolean {
  return ELF_MAGIC.every((b, i) => head[i] === b);
}

class Reader {
  constructor(
    private readonly readAt: ReadAt,
    readonly size: number,
    private readonly le: boolean,
    readonly bits: 32 | 64,
  ) {}

  bytes(offset: number, length: number): Uint8Array {
    if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > this.size)
      throw new ElfError(`reads past the end of the file (offset ${offset}, ${length} bytes, file ${this.size} bytes)`);
    const b = this.readAt(offset, length);
    if (b.length < length) throw new ElfError(`file ends at ${offset + b.length}, before the ${length} bytes at offset ${offset}`);
    return b;
  }

  private view(offset: number, length: number): DataView {
    const b = this.bytes(offset, length);
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  u16(offset: number): number {
    return this.view(offset, 2).getUint16(0, this.le);
  }

  u32(offset: number): number {
    return this.view(offset, 4).getUint32(0, this.le);
  }

  /** A 64-bit field as a number; values beyond 2^53 cannot be real offsets and are refused. */
  u64(offset: number): number {
    const v = this.view(offset, 8).getBigUint64(0, this.le);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(`a 64-bit field at offset ${offset} is larger than any file`);
    return Number(v);
  }

  /** Word-sized field: 4 bytes in ELF32, 8 in ELF64. */
  word(offset: number): number {
    return this.bits === 64 ? this.u64(offset) : this.u32(offset);
  }

  /** A NUL-terminated string, at most MAX_STRING bytes, within the file. */
  cstring(offset: number, limit = MAX_STRING): string {
    const length = Math.min(limit, this.size - offset);
    const b = this.bytes(offset, Math.max(0, length));
    const end = b.indexOf(0);
    if (end < 0) throw new ElfError(`string at offset ${offset} has no terminating NUL within ${limit} bytes`);
    return Buffer.from(b.subarray(0, end)).toString('latin1');
  }
}

class ElfError extends Error {}

interface Segment {
  readonly type: number;
  readonly offset: number;
  readonly vaddr: number;
  readonly filesz: number;
}

function segments(r: Reader): Segment[] {
  const b = r.bits === 64;
  const phoff = r.word(b ? 32 : 28);
  const phentsize = r.u16(b ? 54 : 42);
  const phnum = r.u16(b ? 56 : 44);
  if (phnum === 0) return [];
  const expected = b ? 56 : 32;
  if (phentsize !== expected) throw new ElfError(`program header entries are ${phentsize} bytes, not ${expected}`);
  if (phnum > MAX_PHNUM) throw new ElfError(`${phnum} program headers`);
  const out: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    out.push(
      b
        ? { type: r.u32(at), offset: r.u64(at + 8), vaddr: r.u64(at + 16), filesz: r.u64(at + 32) }
        : { type: r.u32(at), offset: r.u32(at + 4), vaddr: r.u32(at + 8), filesz: r.u32(at + 16) },
    );
  }
  return out;
}

/** File offset of a virtual address, through the PT_LOAD segment that maps it. */
function fileOffset(loads: readonly Segment[], vaddr: number): number {
  const seg = loads.find((s) => vaddr >= s.vaddr && vaddr < s.vaddr + s.filesz);
  if (!seg) throw new ElfError(`address 0x${vaddr.toString(16)} is in no loaded segment`);
  return vaddr - seg.vaddr + seg.offset;
}

function dynamicSection(r: Reader, dyn: Segment, loads: readonly Segment[]): Pick<ElfInfo, 'needed' | 'runpath' | 'rpath'> {
  const entry = r.bits === 64 ? 16 : 8;
  const count = Math.min(Math.floor(dyn.filesz / entry), MAX_DYNAMIC);
  const tags: Array<{ tag: number; val: number }> = [];
  for (let i = 0; i < count; i++) {
    const at = dyn.offset + i * entry;
    const tag = r.word(at);
    if (tag === DT_NULL) break;
    tags.push({ tag, val: r.word(at + entry / 2) });
  }
  const strtab = tags.find((t) => t.tag === DT_STRTAB);
  const strs = tags.filter((t) => [DT_NEEDED, DT_RPATH, DT_RUNPATH].includes(t.tag));
  if (strs.length === 0) return { needed: [], runpath: [], rpath: [] };
  if (!strtab) throw new ElfError('dynamic section names libraries but has no string table (DT_STRTAB)');
  const base = fileOffset(loads, strtab.val);
  const strsz = tags.find((t) => t.tag === DT_STRSZ)?.val;
  const str = (off: number): string => {
    if (strsz !== undefined && off >= strsz) throw new ElfError(`string offset ${off} is outside the string table (${strsz} bytes)`);
    return r.cstring(base + off);
  };
  const list = (tag: number): string[] => strs.filter((t) => t.tag === tag).map((t) => str(t.val));
  const paths = (tag: number): string[] =>
    list(tag)
      .flatMap((p) => p.split(':'))
      .filter(Boolean);
  return { needed: list(DT_NEEDED), runpath: paths(DT_RUNPATH), rpath: paths(DT_RPATH) };
}

/**
 * Parses an ELF file's headers; a file that is not ELF, or is malformed, gives the reason.
 * `libraries: false` stops after the program headers and PT_INTERP, for a caller that holds only
 * the file's first bytes (the dynamic section usually lies further in).
 */
export function parseElf(readAt: ReadAt, size: number, opts: { readonly libraries?: boolean } = {}): ElfResult {
  try {
    if (size < 52) return { ok: false, error: `${size} bytes: too short for an ELF header` };
    const ident = readAt(0, 16);
    if (!isElf(ident)) return { ok: false, error: 'not an ELF file (no \\x7fELF magic)' };
    const cls = ident[4];
    const data = ident[5];
    if (cls !== 1 && cls !== 2) return { ok: false, error: `unknown ELF class ${cls ?? '?'}` };
    if (data !== 1 && data !== 2) return { ok: false, error: `unknown ELF byte order ${data ?? '?'}` };
    const bits = cls === 2 ? 64 : 32;
    if (bits === 64 && size < 64) return { ok: false, error: `${size} bytes: too short for an ELF64 header` };
    const r = new Reader(readAt, size, data === 1, bits);
    const phs = segments(r);
    const loads = phs.filter((s) => s.type === PT_LOAD);
    const interp = phs.find((s) => s.type === PT_INTERP);
    const dyn = phs.find((s) => s.type === PT_DYNAMIC);
    const interpreter = interp ? r.cstring(interp.offset, Math.min(interp.filesz, MAX_STRING)) : undefined;
    const libs = dyn && opts.libraries !== false ? dynamicSection(r, dyn, loads) : { needed: [], runpath: [], rpath: [] };
    return { ok: true, elf: { bits, littleEndian: data === 1, type: r.u16(16), machine: r.u16(18), interpreter, ...libs } };
  } catch (e) {
    if (e instanceof ElfError) return { ok: false, error: `malformed ELF: ${e.message}` };
    throw e;
  }
}

/** Parses an ELF held in memory (tests, small files, or a file's first bytes with `libraries: false`). */
export function parseElfBytes(bytes: Uint8Array, opts: { readonly libraries?: boolean } = {}): ElfResult {
  return parseElf((offset, length) => bytes.subarray(offset, offset + length), bytes.length, opts);
}
