import { statfsSync } from 'node:fs';
import type { CgroupLayout } from '../run-config.js';

const CGROUP2_SUPER_MAGIC = 0x63677270;

function fsType(path: string): number | undefined {
  try {
    return statfsSync(path).type;
  } catch {
    return undefined;
  }
}

/**
 * The machine's cgroup layout, from the kernel's filesystem types: cgroup2 at /sys/fs/cgroup is
 * v2; a tmpfs of v1 controllers is v1, or hybrid when a cgroup2 is also mounted at
 * /sys/fs/cgroup/unified (systemd's hybrid mode). A lab container binds the host's hierarchy, so
 * the answer holds for both targets.
 */
export function hostCgroupLayout(root = '/sys/fs/cgroup'): CgroupLayout {
  if (fsType(root) === CGROUP2_SUPER_MAGIC) return 'v2';
  return fsType(`${root}/unified`) === CGROUP2_SUPER_MAGIC ? 'hybrid' : 'v1';
}
