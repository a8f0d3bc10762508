import { lstatSync } from 'node:fs';

/**
 * Whether `dir` can be the launcher's private run directory (mkdtemp, mode 0700): a real directory,
 * not a link, owned by this process's user, open to no one else. Workers share files there (the
 * runtime profile, warm lab containers); vitest started by hand names a predictable path in /tmp
 * that another user could have made, so there nothing is shared.
 */
export function isPrivateRunDir(dir: string): boolean {
  try {
    const st = lstatSync(dir);
    return st.isDirectory() && st.uid === process.geteuid?.() && (st.mode & 0o077) === 0;
  } catch {
    return false;
  }
}
