import { randomBytes } from 'node:crypto';
import { chownSync, lstatSync, mkdirSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Invoker } from '../run-config.js';

const isInside = (path: string, dir: string): boolean => path === dir || path.startsWith(`${dir.replace(/\/+$/, '')}/`);

/** The nearest existing ancestor, resolved: where a report would really land. */
function realAncestor(path: string): string {
  for (let p = path; ; p = dirname(p)) {
    try {
      return join(realpathSync(p), path.slice(p.length));
    } catch {
      if (p === dirname(p)) return path;
    }
  }
}

/**
 * Why a report must not be written at `path`, or undefined: it must not be a symlink or anything
 * but a regular file, and must not land inside any of `forbidden` (a student's bundle).
 */
export function reportPathProblem(path: string, forbidden: readonly string[] = []): string | undefined {
  const abs = resolve(path);
  try {
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) return `${abs} is a symbolic link; reports are never written through links`;
    if (!st.isFile()) return `${abs} exists and is not a regular file`;
  } catch {
    // does not exist yet: fine
  }
  const real = realAncestor(abs);
  for (const dir of forbidden) {
    const realDir = realAncestor(resolve(dir));
    if (isInside(real, realDir)) return `${abs} lies inside ${dir}, which the report must not touch`;
  }
  return undefined;
}

/**
 * Writes a report without following a link at its path: a new file beside it, then rename.
 * Under sudo the file (and any directory made for it) goes back to the invoking user.
 */
export function writeReport(path: string, content: string, invoker?: Invoker, forbidden: readonly string[] = []): void {
  const problem = reportPathProblem(path, forbidden);
  if (problem) throw new Error(`report not written: ${problem}`);
  const abs = resolve(path);
  const made = mkdirSync(dirname(abs), { recursive: true });
  // An unguessable name, created exclusively (O_EXCL never follows a link); removed only if it is ours.
  const tmp = join(dirname(abs), `.${basename(abs)}.${randomBytes(8).toString('hex')}.tmp`);
  let ours = false;
  try {
    writeFileSync(tmp, content, { flag: 'wx', mode: 0o644 });
    ours = true;
    if (invoker) chownSync(tmp, invoker.uid, invoker.gid);
    renameSync(tmp, abs);
    ours = false;
  } finally {
    if (ours) rmSync(tmp, { force: true });
  }
  if (invoker && made) for (let d = dirname(abs); isInside(d, made); d = dirname(d)) chownSync(d, invoker.uid, invoker.gid);
}
