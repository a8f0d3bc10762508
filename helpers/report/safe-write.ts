import { execaSync } from 'execa';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchownSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Invoker } from '../run-config.js';
import { TRUSTED_PATH } from '../toolchain.js';

/**
 * Reports are written with the rights of whoever asked for them. Under sudo the file is created by
 * a child process running as the invoking user (so it lands only where that user may write, and is
 * theirs from the start: nothing is chowned after a write). As root without sudo, every component
 * of the path is opened without following a link, so a link planted anywhere on the way is refused.
 */

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

const errno = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? 'EIO';
const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
/** A path relative to an open directory: the kernel resolves /proc/self/fd/N to that very directory. */
const at = (dirFd: number, name: string): string => `/proc/self/fd/${dirFd}/${name}`;

/**
 * The directory `abs` opened component by component, none of them through a symbolic link; missing
 * ones are created (0755). The caller closes the descriptor.
 */
function openDirNoFollow(abs: string, create: boolean): number {
  let fd = openSync('/', DIR_FLAGS);
  let done = '';
  try {
    for (const name of abs.split('/').filter(Boolean)) {
      if (name === '..' || name === '.') throw new Error(`${abs} is not a normalised absolute path`);
      done += `/${name}`;
      let next: number;
      try {
        next = openSync(at(fd, name), DIR_FLAGS);
      } catch (e) {
        const code = errno(e);
        // With O_DIRECTORY a link is ENOTDIR, like any other non-directory: lstat tells them apart.
        const link = (code === 'ELOOP' || code === 'ENOTDIR') && lstatSync(at(fd, name), { throwIfNoEntry: false })?.isSymbolicLink() === true;
        if (code !== 'ENOENT' || !create)
          throw new Error(
            link
              ? `${done} is a symbolic link; reports are never written through links`
              : code === 'ENOTDIR'
                ? `${done} is not a directory`
                : `${done}: ${code}`,
          );
        mkdirSync(at(fd, name), { mode: 0o755 });
        next = openSync(at(fd, name), DIR_FLAGS);
      }
      closeSync(fd);
      fd = next;
    }
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Writes `content` at `abs` through no link at all: a new file under an unguessable name in the opened directory, then rename. */
function writeNoFollow(abs: string, content: string): void {
  const dir = openDirNoFollow(dirname(abs), true);
  const tmp = `.${basename(abs)}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    // O_EXCL never follows a link; the name is ours only once this succeeds.
    const fd = openSync(at(dir, tmp), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      writeSync(fd, content);
    } finally {
      closeSync(fd);
    }
    try {
      renameSync(at(dir, tmp), at(dir, basename(abs)));
    } catch (e) {
      unlinkSync(at(dir, tmp));
      throw e;
    }
  } finally {
    closeSync(dir);
  }
}

/**
 * What the child running as the invoking user does: mkdir -p, a new file beside the report, rename.
 * A program for node -e (not a shell), taking the path as its argument and the content on stdin;
 * the kernel checks every step against that user's rights.
 */
const AS_CALLER = `
const fs = require('node:fs'), path = require('node:path'), crypto = require('node:crypto');
const abs = process.argv[1], check = process.argv[2] === 'check';
try {
  if (check) {
    let p = path.dirname(abs);
    while (!fs.existsSync(p)) p = path.dirname(p);
    fs.accessSync(p, fs.constants.W_OK | fs.constants.X_OK);
    process.exit(0);
  }
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const tmp = path.join(path.dirname(abs), '.' + path.basename(abs) + '.' + crypto.randomBytes(8).toString('hex') + '.tmp');
  fs.writeFileSync(tmp, fs.readFileSync(0), { flag: 'wx', mode: 0o644 });
  try { fs.renameSync(tmp, abs); } catch (e) { fs.rmSync(tmp, { force: true }); throw e; }
} catch (e) {
  process.stderr.write((e.code || 'EIO') + ' ' + (e.path || abs));
  process.exit(1);
}
`;

function asCaller(abs: string, invoker: Invoker, mode: 'write' | 'check', content = ''): string | undefined {
  const r = execaSync(
    'setpriv',
    [`--reuid=${invoker.uid}`, `--regid=${invoker.gid}`, '--init-groups', '--', process.execPath, '-e', AS_CALLER, abs, mode],
    {
      input: content,
      env: { PATH: TRUSTED_PATH },
      extendEnv: false,
      timeout: 20_000,
      killSignal: 'SIGKILL',
      reject: false,
    },
  );
  if (r.exitCode === 0) return undefined;
  const why = r.timedOut
    ? 'timed out'
    : r.signal
      ? `killed by ${r.signal}`
      : (String(r.stderr).trim() || (r.shortMessage ?? 'failed')).replace(/^EACCES /, 'permission denied: ');
  return `${abs} cannot be written by uid ${invoker.uid}, the user who ran sudo (${why}); reports are written with that user's rights`;
}

const runningAsRoot = (): boolean => process.getuid?.() === 0;

/**
 * Why a report could not be created at `path` (checked before a run starts), or undefined: under
 * sudo, the invoking user may not write there; as root, a component of the existing part of the
 * path is a link (the write would refuse it after the run).
 */
export function callerWriteProblem(path: string, invoker: Invoker | undefined): string | undefined {
  if (!runningAsRoot()) return undefined;
  const abs = resolve(path);
  if (invoker) return asCaller(abs, invoker, 'check');
  let existing = dirname(abs);
  while (lstatSync(existing, { throwIfNoEntry: false }) === undefined) existing = dirname(existing);
  try {
    closeSync(openDirNoFollow(existing, false));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Writes a report without following a link at its path, with the rights of `invoker` when a root
 * run was started through sudo, or through no link in any component when root runs it directly.
 */
export function writeReport(path: string, content: string, invoker?: Invoker, forbidden: readonly string[] = []): void {
  const problem = reportPathProblem(path, forbidden);
  if (problem) throw new Error(`report not written: ${problem}`);
  const abs = resolve(path);
  if (runningAsRoot() && invoker) {
    const denied = asCaller(abs, invoker, 'write', content);
    if (denied) throw new Error(`report not written: ${denied}`);
    return;
  }
  if (runningAsRoot()) return writeNoFollow(abs, content);
  // A user writes with their own rights anyway; a link of theirs on the way is theirs to make.
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = join(dirname(abs), `.${basename(abs)}.${randomBytes(8).toString('hex')}.tmp`);
  let ours = false;
  try {
    writeFileSync(tmp, content, { flag: 'wx', mode: 0o644 });
    ours = true;
    renameSync(tmp, abs);
    ours = false;
  } finally {
    if (ours) rmSync(tmp, { force: true });
  }
}

/**
 * Gives root-owned files under `dir` (caches a root run left in the user's clone) to the user,
 * through descriptors opened without following links: a file swapped for a link is skipped, never
 * chowned through, and a directory swapped for one is never entered.
 */
export function handBackTree(dir: string, invoker: Invoker): void {
  let top: number;
  try {
    top = openDirNoFollow(resolve(dir), false);
  } catch {
    return;
  }
  const walk = (fd: number): void => {
    if (fstatSync(fd).uid === 0) fchownSync(fd, invoker.uid, invoker.gid);
    for (const name of readdirSync(at(fd, '.'))) {
      let child: number;
      try {
        child = openSync(at(fd, name), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY);
      } catch {
        continue; // a link (ELOOP), or gone
      }
      try {
        if (fstatSync(child).isDirectory()) walk(child);
        else if (fstatSync(child).uid === 0) fchownSync(child, invoker.uid, invoker.gid);
      } finally {
        closeSync(child);
      }
    }
  };
  try {
    walk(top);
  } finally {
    closeSync(top);
  }
}
