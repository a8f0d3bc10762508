import { closeSync, openSync, readSync } from 'node:fs';
import { parseElfBytes } from './elf.js';

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
const ELF_HEAD_BYTES = 8192;

type ElfLinkage =
  { readonly kind: 'static' } | { readonly kind: 'dynamic'; readonly interpreter: string } | { readonly kind: 'not-elf'; readonly why: string };

/** An ELF file's PT_INTERP, read from its first bytes with the grader's ELF reader. */
export function elfLinkage(head: Uint8Array): ElfLinkage {
  const r = parseElfBytes(head, { libraries: false });
  if (!r.ok) return { kind: 'not-elf', why: r.error };
  return r.elf.interpreter === undefined ? { kind: 'static' } : { kind: 'dynamic', interpreter: r.elf.interpreter };
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
  return Uint8Array.from(
    text
      .split(/\s+/)
      .filter(Boolean)
      .map((h) => Number.parseInt(h, 16)),
  );
}

export function describeLinkage(path: string, l: ElfLinkage | undefined): string {
  if (l === undefined) return `${path} cannot be read`;
  if (l.kind === 'static') return `${path} is statically linked (no ELF interpreter): copied alone into a rootfs, it runs`;
  if (l.kind === 'dynamic') return `${path} is dynamically linked (interpreter ${l.interpreter}): copied alone into an empty rootfs it cannot start`;
  return `${path} is not an ELF executable (${l.why})`;
}
