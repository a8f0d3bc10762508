import { ROOTFS_DIRS } from '../oci/bundle.js';

/**
 * The lesson's commands that depend on the directory it `cd`s into, as the "as written" specs
 * run them: in that directory through `env -C DIR` (coreutils), because a test cannot change
 * its own directory and the Target seam takes absolute paths only.
 */
export const inDir = (dir: string, cmd: readonly string[]): string[] => ['env', '-C', dir, ...cmd];

/** `mkdir -p rootfs/{bin,proc,…}` with the shell's brace expansion written out. */
export const rootfsDirsArgv = (): string[] => ['mkdir', '-p', ...ROOTFS_DIRS.map((d) => `rootfs/${d}`)];
