import { describe, expect, test } from 'vitest';
import { VERSION_PATTERNS } from '../../helpers/report/environment.js';
import { parseRuntimeVersion, runtimeInfo } from '../../helpers/oci/runtime-info.js';

/** The tools' own version output, as the bookworm and trixie lab images print it. */
const SEEN = {
  runtime: ['runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1\nspec: 1.0.2-dev', 'runc version 1.1.15+ds1\ncommit: 1.1.15+ds1-2\nspec: 1.2.0'],
  busybox: ['BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.', 'BusyBox v1.37.0 (Debian 1:1.37.0-6+b9) multi-call binary.'],
  iproute2: ['ip utility, iproute2-6.1.0, libbpf 1.1.2', 'ip utility, iproute2-6.15.0, libbpf 1.5.0'],
  distro: [
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"',
    'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nNAME="Debian GNU/Linux"',
  ],
};

describe('the runtime names itself', () => {
  test.each([
    [SEEN.runtime[0] ?? '', { name: 'runc', version: '1.1.5+ds1' }],
    [SEEN.runtime[1] ?? '', { name: 'runc', version: '1.1.15+ds1' }],
    ['runc version 1.3.6\ncommit: v1.3.6-0-g1a2b3c4\nspec: 1.2.1\ngo: go1.24.4\nlibseccomp: 2.6.0', { name: 'runc', version: '1.3.6' }],
    [
      'crun version 1.8.1\ncommit: f8a096be060b22ccd3d5f3ebe44108517fbf6c30\nrundir: /run/crun\nspec: 1.0.0\n+SYSTEMD +SELINUX',
      { name: 'crun', version: '1.8.1' },
    ],
  ])('%j', (text, want) => expect(parseRuntimeVersion(text)).toEqual(want));

  test('crun, and only crun, gets the unified mount covered, and only on a hybrid host without --cgroup v2', () => {
    const crun = { name: 'crun', version: '1.8.1' };
    expect(runtimeInfo(crun, 'hybrid', 'host').hideUnified).toBe(true);
    expect(runtimeInfo(crun, 'hybrid', 'v2').hideUnified).toBe(false);
    expect(runtimeInfo(crun, 'v2', 'host').hideUnified).toBe(false);
    expect(runtimeInfo(crun, 'v1', 'host').hideUnified).toBe(false);
    expect(runtimeInfo({ name: 'runc', version: '1.1.5' }, 'hybrid', 'host').hideUnified).toBe(false);
  });
});

describe('version facts for the report', () => {
  test.each([
    ['busybox', SEEN.busybox, ['BusyBox v1.35.0', 'BusyBox v1.37.0']],
    ['iproute2', SEEN.iproute2, ['6.1.0', '6.15.0']],
    ['distro', SEEN.distro, ['Debian GNU/Linux 12 (bookworm)', 'Debian GNU/Linux 13 (trixie)']],
  ] as const)('%s is read from bookworm and trixie output', (what, outputs, expected) => {
    expect(outputs.map((o) => VERSION_PATTERNS[what].exec(o)?.[1])).toEqual(expected);
  });
  test('output that names no version yields no match (the report then says "not found")', () => {
    expect(parseRuntimeVersion('sh: 1: runc: not found')).toBeUndefined();
    expect(VERSION_PATTERNS.iproute2.exec('ip: command not found')).toBeNull();
  });
});
