import { closeSync, openSync, readSync } from 'node:fs';

/**
 * The lesson copies /bin/busybox alone into an empty rootfs. That works only for a statically
 * linked busybox: a dynamic one names an ELF interpreter (PT_INTERP, e.g.
 * /lib64/ld-linux-x86-64.so.2) that the rootfs does not have, and exec fails with ENOENT.
 */
/**
 * Debian's dynamically linked `busybox` package, unpacked (not installed: it conflicts with
 * busybox-static) by `npm run setup` and by the lab image, so the specs can show it failing.
 */
export const DYNAMIC_BUSYBOX_DIR = '/var/cache/lesson06/busybox-dynamic';
export const DYNAMIC_BUSYBOX = `${DYNAMIC_BUSYBOX_DIR}/bin/busybox`;

/** How many leading bytes to read: program headers and the interpreter path sit near the start. */
export const ELF_HEAD_BYTES = 8192;

const PT_INTERP = 3;

export type ElfLinkage =
  | { readonly kind: 'static' }
  | { readonly kind: 'dynamic'; readonly interpreter: string }
  | { readonly kind: 'not-elf'; readonly why: string };

/** Reads the program headers of an ELF file's first bytes and reports its PT_INTERP, if any. */
export function elfLinkage(head: Uint8Array): ElfLinkage {
  if (head.length < 52 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) return { kind: 'not-elf', why: 'no ELF magic number' };
  const is64 = head[4] === 2;
  const little = head[5] === 1;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const u16 = (o: number): number => view.getUint16(o, little);
  const u32 = (o: number): number => view.getUint32(o, little);
  const word = (o: number): number => (is64 ? Number(view.getBigUint64(o, little)) : u32(o));
  const phoff = word(is64 ? 0x20 : 0x1c);
  const phentsize = u16(is64 ? 0x36 : 0x2a);
  const phnum = u16(is64 ? 0x38 : 0x2c);
  if (phoff + phentsize * phnum > head.length) return { kind: 'not-elf', why: `program headers end past the ${head.length} bytes read` };
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (u32(ph) !== PT_INTERP) continue;
    const offset = word(ph + (is64 ? 8 : 4));
    const size = word(ph + (is64 ? 32 : 16));
    if (offset + size > head.length) return { kind: 'not-elf', why: `PT_INTERP lies past the ${head.length} bytes read` };
    const interpreter = new TextDecoder().decode(head.subarray(offset, offset + size)).replace(/\0+$/, '');
    return { kind: 'dynamic', interpreter };
  }
  return { kind: 'static' };
}

/** The linkage of a file on this machine; undefined when it cannot be read. */
export function fileLinkage(path: string): ElfLinkage | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buf = new Uint8Array(ELF_HEAD_BYTES);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return elfLinkage(buf.subarray(0, n));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** argv that prints a file's first bytes as hex on any target (`od`, coreutils), for `parseOdHex`. */
export const odHexArgv = (path: string): string[] => ['od', '-A', 'n', '-v', '-t', 'x1', '-N', String(ELF_HEAD_BYTES), path];

export function parseOdHex(text: string): Uint8Array {
  return Uint8Array.from(text.split(/\s+/).filter(Boolean).map((h) => Number.parseInt(h, 16)));
}

export function describeLinkage(path: string, l: ElfLinkage | undefined): string {
  if (l === undefined) return `${path} cannot be read`;
  if (l.kind === 'static') return `${path} is statically linked (no ELF interpreter): copied alone into a rootfs, it runs`;
  if (l.kind === 'dynamic') return `${path} is dynamically linked (interpreter ${l.interpreter}): copied alone into an empty rootfs it cannot start`;
  return `${path} is not an ELF executable (${l.why})`;
}
