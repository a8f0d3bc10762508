/**
 * Builds small ELF images byte by byte, so the ELF reader is tested against files whose every
 * field the test chose (not against the output of another tool on this machine).
 */
export interface ElfSpec {
  readonly bits: 32 | 64;
  readonly littleEndian: boolean;
  readonly machine: number;
  readonly interpreter?: string;
  readonly needed?: readonly string[];
  readonly runpath?: string;
  readonly rpath?: string;
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const BASE = 0x400000;

export function buildElf(spec: ElfSpec): Uint8Array {
  const b64 = spec.bits === 64;
  const ehsize = b64 ? 64 : 52;
  const phentsize = b64 ? 56 : 32;
  const dynEntry = b64 ? 16 : 8;
  const dynamic = (spec.needed?.length ?? 0) > 0 || spec.runpath !== undefined || spec.rpath !== undefined;
  const phnum = 1 + (spec.interpreter ? 1 : 0) + (dynamic ? 1 : 0);

  // Layout: header, program headers, interpreter string, string table, dynamic section.
  const interpAt = ehsize + phnum * phentsize;
  const interpBytes = spec.interpreter ? Buffer.from(`${spec.interpreter}\0`, 'latin1') : Buffer.alloc(0);
  const strings: string[] = [
    '',
    ...(spec.needed ?? []),
    ...(spec.runpath !== undefined ? [spec.runpath] : []),
    ...(spec.rpath !== undefined ? [spec.rpath] : []),
  ];
  const strOffsets: number[] = [];
  let strtabSize = 0;
  for (const s of strings) {
    strOffsets.push(strtabSize);
    strtabSize += Buffer.byteLength(s, 'latin1') + 1;
  }
  const strtabAt = interpAt + interpBytes.length;
  const dynAt = strtabAt + strtabSize;
  const tags: Array<[number, number]> = [];
  (spec.needed ?? []).forEach((_, i) => tags.push([1, strOffsets[1 + i] ?? 0]));
  let next = 1 + (spec.needed?.length ?? 0);
  if (spec.runpath !== undefined) tags.push([29, strOffsets[next++] ?? 0]);
  if (spec.rpath !== undefined) tags.push([15, strOffsets[next++] ?? 0]);
  tags.push([5, BASE + strtabAt], [10, strtabSize], [0, 0]);
  const size = dynAt + (dynamic ? tags.length * dynEntry : 0);

  const buf = new Uint8Array(size);
  const v = new DataView(buf.buffer);
  const le = spec.littleEndian;
  const word = (at: number, n: number): void => (b64 ? v.setBigUint64(at, BigInt(n), le) : v.setUint32(at, n, le));
  buf.set([0x7f, 0x45, 0x4c, 0x46, b64 ? 2 : 1, le ? 1 : 2, 1], 0);
  v.setUint16(16, 2, le);
  v.setUint16(18, spec.machine, le);
  v.setUint32(20, 1, le);
  if (b64) {
    v.setBigUint64(32, BigInt(ehsize), le);
    v.setUint16(52, ehsize, le);
    v.setUint16(54, phentsize, le);
    v.setUint16(56, phnum, le);
  } else {
    v.setUint32(28, ehsize, le);
    v.setUint16(40, ehsize, le);
    v.setUint16(42, phentsize, le);
    v.setUint16(44, phnum, le);
  }
  let ph = ehsize;
  const phdr = (type: number, offset: number, filesz: number): void => {
    v.setUint32(ph, type, le);
    if (b64) {
      v.setBigUint64(ph + 8, BigInt(offset), le);
      v.setBigUint64(ph + 16, BigInt(BASE + offset), le);
      v.setBigUint64(ph + 32, BigInt(filesz), le);
      v.setBigUint64(ph + 40, BigInt(filesz), le);
    } else {
      v.setUint32(ph + 4, offset, le);
      v.setUint32(ph + 8, BASE + offset, le);
      v.setUint32(ph + 16, filesz, le);
      v.setUint32(ph + 20, filesz, le);
    }
    ph += phentsize;
  };
  phdr(PT_LOAD, 0, size);
  if (spec.interpreter) phdr(PT_INTERP, interpAt, interpBytes.length);
  if (dynamic) phdr(PT_DYNAMIC, dynAt, tags.length * dynEntry);
  buf.set(interpBytes, interpAt);
  strings.forEach((s, i) => buf.set(Buffer.from(s, 'latin1'), strtabAt + (strOffsets[i] ?? 0)));
  if (dynamic)
    tags.forEach(([tag, val], i) => {
      word(dynAt + i * dynEntry, tag);
      word(dynAt + i * dynEntry + dynEntry / 2, val);
    });
  return buf;
}
