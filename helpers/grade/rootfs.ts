import { lstatSync, readlinkSync, type Stats } from 'node:fs';

/**
 * Paths inside a container's rootfs, resolved the way the container will see them: relative to the
 * rootfs, never to this machine. A symbolic link `rootfs/bin/sh -> /bin/busybox` means the rootfs's
 * busybox; `..` stops at the rootfs's top. Each component is looked at with lstat, so no link is
 * ever followed by the kernel on the grader's behalf.
 */

/** Linux gives up after 40 links in one lookup (ELOOP); so does this. */
const MAX_LINKS = 40;

export interface Resolved {
  readonly ok: true;
  /** The path as the container sees it, links resolved. */
  readonly inside: string;
  /** Where that is on this machine (always under the rootfs). */
  readonly host: string;
  readonly stat: Stats;
  /** Links followed on the way, as "link -> target" (inside paths). */
  readonly links: readonly string[];
}

interface Unresolved {
  readonly ok: false;
  /** The path that does not exist (or is not a directory) inside the rootfs. */
  readonly inside: string;
  readonly reason: 'missing' | 'not a directory' | 'too many links';
  readonly links: readonly string[];
}

export type Resolution = Resolved | Unresolved;

const split = (p: string): string[] => p.split('/').filter((c) => c !== '' && c !== '.');
const join = (parts: readonly string[]): string => `/${parts.join('/')}`;

/**
 * Resolves `path` (absolute, or relative to `cwd`) inside `rootfs`, a real directory on this
 * machine. The result's `host` never leaves the rootfs.
 */
export function resolveInRootfs(rootfs: string, path: string, cwd = '/'): Resolution {
  const top = rootfs.replace(/\/+$/, '');
  const done: string[] = [];
  const todo = [...(path.startsWith('/') ? [] : split(cwd)), ...split(path)];
  const links: string[] = [];
  let st: Stats | undefined = lstatSync(top);
  while (todo.length > 0) {
    const c = todo.shift() as string;
    if (c === '..') {
      done.pop();
      st = lstatSync(top + join(done));
      continue;
    }
    if (!st.isDirectory()) return { ok: false, inside: join(done), reason: 'not a directory', links };
    const next = [...done, c];
    try {
      st = lstatSync(top + join(next));
    } catch {
      return { ok: false, inside: join(next), reason: 'missing', links };
    }
    if (st.isSymbolicLink()) {
      if (links.length >= MAX_LINKS) return { ok: false, inside: join(next), reason: 'too many links', links };
      const target = readlinkSync(top + join(next));
      links.push(`${join(next)} -> ${target}`);
      // An absolute target starts again at the rootfs's top, a relative one at the link's directory.
      if (target.startsWith('/')) done.length = 0;
      todo.unshift(...split(target));
      st = lstatSync(top + join(done));
      continue;
    }
    done.push(c);
  }
  return { ok: true, inside: join(done), host: top + join(done), stat: st, links };
}
