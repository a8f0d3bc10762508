import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { parseElfBytes } from '../../helpers/oci/elf.js';
import type { FaultKind } from '../../helpers/grade/process-check.js';
import { lessonBundle } from '../../helpers/oci/lesson-bundle.js';
import { Runc } from '../../helpers/oci/runtime.js';
import { withArgs, withCapability } from '../../helpers/oci/config.js';
import { NET_RAW } from '../../helpers/lesson/claims.js';
import { lessonLab, type StudentLab } from './grade-lab.js';

/** A rootfs whose program cannot start, the fault the static check must name, and what it must say. */
export interface RootfsFault {
  readonly name: string;
  readonly build: (s: StudentLab) => Promise<void>;
  readonly kind: FaultKind;
  readonly says: RegExp;
}

/** A dynamically linked program of this machine: /usr/bin/true needs an ELF interpreter and libc. */
const DYNAMIC = '/usr/bin/true';

function interpreterOf(path: string): string {
  const p = parseElfBytes(readFileSync(path));
  if (!p.ok || p.elf.interpreter === undefined) throw new Error(`${path} is not a dynamically linked ELF here; the rootfs faults need one`);
  return p.elf.interpreter;
}

const ROOTFS = '/tmp/lab/oci-netns-test/rootfs';

export const ROOTFS_FAULTS: readonly RootfsFault[] = [
  {
    name: "busybox without its applet links (the lesson's rootfs taken literally; CAP_NET_RAW added, so this is the one fault)",
    build: async (s) => {
      await s.lab.through(5);
      await lessonBundle(s.t, new Runc(s.t), s.plan, { cgroupsPath: '/lesson06-selftest-unused' });
      await s.bundle.patch(withCapability(NET_RAW));
    },
    kind: 'no-applets',
    says: new RegExp(
      `"sh" is not in the rootfs[\\s\\S]*without its applet links \\(erratum E-rootfs-needs-applets\\)[\\s\\S]*chroot ${ROOTFS} /bin/busybox --install -s /bin`,
    ),
  },
  {
    name: 'the program is absent',
    build: async (s) => {
      await lessonLab(s);
      await s.bundle.patch(withArgs('/bin/netcheck', '10.0.0.1'));
    },
    kind: 'not-found',
    says: /"\/bin\/netcheck": \/bin\/netcheck does not exist in the rootfs[\s\S]*put the program at \/tmp\/lab\/oci-netns-test\/rootfs\/bin\/netcheck/,
  },
  {
    name: 'a dynamic program without its ELF interpreter',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['cp', DYNAMIC, `${s.bundle.rootfs}/bin/netcheck`]);
      await s.bundle.patch(withArgs('/bin/netcheck'));
    },
    kind: 'interpreter-missing',
    says: new RegExp(`dynamically linked with the ELF interpreter /\\S+; /\\S+ does not exist in the rootfs[\\s\\S]*cp -L /\\S+ ${ROOTFS}/`),
  },
  {
    name: 'a dynamic program with its interpreter but without libc',
    build: async (s) => {
      await lessonLab(s);
      const interp = interpreterOf(DYNAMIC);
      await s.t.must(['mkdir', '-p', `${s.bundle.rootfs}${posix.dirname(interp)}`]);
      await s.t.must(['cp', '-L', interp, `${s.bundle.rootfs}${interp}`]);
      await s.t.must(['cp', DYNAMIC, `${s.bundle.rootfs}/bin/netcheck`]);
      await s.bundle.patch(withArgs('/bin/netcheck'));
    },
    kind: 'library-missing',
    says: new RegExp(`/bin/netcheck needs the library libc\\.so\\.6 \\(DT_NEEDED\\)[\\s\\S]*cp -L /\\S+/libc\\.so\\.6 ${ROOTFS}/`),
  },
  {
    name: 'busybox is not executable (mode 0644)',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['chmod', '644', `${s.bundle.rootfs}/bin/busybox`]);
    },
    kind: 'not-executable',
    says: new RegExp(
      `"sh" is found in PATH at /bin/busybox \\(via /bin/sh -> /bin/busybox\\), which has mode 0644, no execute permission[\\s\\S]*chmod \\+x ${ROOTFS}/bin/busybox`,
    ),
  },
  {
    name: 'rootfs/bin/sh links to /bin/dash, which only this machine has',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ln', '-sf', '/bin/dash', `${s.bundle.rootfs}/bin/sh`]);
    },
    kind: 'not-found',
    says: /\/bin\/dash does not exist in the rootfs \(links resolve inside the rootfs, never on this machine: \/bin\/sh -> \/bin\/dash\)/,
  },
  {
    name: 'a script whose #! interpreter is not in the rootfs',
    build: async (s) => {
      await lessonLab(s);
      await s.t.writeFile(`${s.bundle.rootfs}/bin/netcheck`, '#!/bin/bash\nip addr\n', '755');
      await s.bundle.patch(withArgs('/bin/netcheck'));
    },
    kind: 'interpreter-missing',
    says: /\/bin\/netcheck is a script for \/bin\/bash; \/bin\/bash does not exist in the rootfs/,
  },
];
