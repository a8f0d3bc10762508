import { describe, expect, test } from 'vitest';
import { DYNAMIC_BUSYBOX, describeLinkage, elfLinkage, fileLinkage, odHexArgv, parseOdHex } from '../../helpers/oci/busybox.js';
import { runArgv } from '../../helpers/targets/exec.js';

/** A minimal little-endian ELF64 image: header, one program header, and the interpreter string. */
function elf64(interp: string | undefined): Uint8Array {
  const buf = new Uint8Array(0x100);
  const v = new DataView(buf.buffer);
  buf.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setBigUint64(0x20, 64n, true); // e_phoff
  v.setUint16(0x36, 56, true); // e_phentsize
  v.setUint16(0x38, 1, true); // e_phnum
  v.setUint32(64, interp === undefined ? 1 : 3, true); // PT_LOAD or PT_INTERP
  if (interp !== undefined) {
    v.setBigUint64(64 + 8, 0x80n, true);
    v.setBigUint64(64 + 32, BigInt(interp.length + 1), true);
    buf.set(new TextEncoder().encode(interp), 0x80);
  }
  return buf;
}

describe('ELF linkage from PT_INTERP', () => {
  test('a program header of type PT_INTERP names the interpreter; none means static; no magic is not ELF', () => {
    expect(elfLinkage(elf64('/lib64/ld-linux-x86-64.so.2'))).toEqual({ kind: 'dynamic', interpreter: '/lib64/ld-linux-x86-64.so.2' });
    expect(elfLinkage(elf64(undefined))).toEqual({ kind: 'static' });
    expect(elfLinkage(new TextEncoder().encode('#!/bin/sh\necho hi\n'.repeat(4))).kind).toBe('not-elf');
  });
  test("this machine's /bin/busybox is static (busybox-static) and the unpacked Debian busybox is dynamic", () => {
    expect(describeLinkage('/bin/busybox', fileLinkage('/bin/busybox'))).toMatch(/statically linked/);
    const dynamic = fileLinkage(DYNAMIC_BUSYBOX);
    expect(dynamic, `${DYNAMIC_BUSYBOX} missing: run npm run setup`).toMatchObject({ kind: 'dynamic' });
  });
  test('the od hex dump the specs read through a target gives the same bytes as reading the file', async () => {
    const r = await runArgv(odHexArgv('/bin/busybox'));
    expect(elfLinkage(parseOdHex(r.stdout))).toEqual(fileLinkage('/bin/busybox'));
    expect(elfLinkage(parseOdHex((await runArgv(odHexArgv(DYNAMIC_BUSYBOX))).stdout))).toEqual(fileLinkage(DYNAMIC_BUSYBOX));
  });
});
