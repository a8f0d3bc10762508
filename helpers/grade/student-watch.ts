import { createHash } from 'node:crypto';
import { lstatSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { readStudentConfig } from './student-config.js';
import { hookPaths } from './student-reader.js';

/**
 * The live checklist's eyes on the student's files (npm run grade -- --watch), run in the same child
 * as the reader of the student's files (helpers/grade/student-child.ts), with the student's uid and
 * gid: it sees only what the student can see. It never reads a file's content except config.json
 * through the grader's own safe reader (for the hook paths), and prints only a digest of what it saw
 * (one JSON line each time it changes), never a name or a byte of the files.
 */
export interface WatchRequest {
  readonly kind: 'watch';
  readonly bundles: readonly string[];
  /** The bundle whose config.json names the hooks (Exercise 5). */
  readonly hooksBundle: string;
  readonly pollMs: number;
}

/** What lstat shows of a path: enough to notice an edit, a chmod, a link swapped in, a file made or removed. */
function statOf(path: string): string {
  try {
    const st = lstatSync(path);
    return `${st.mode}:${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'error';
  }
}

/** The paths whose state decides a step: each bundle, its config.json, rootfs and rootfs/bin, their parents, the hook scripts. */
export function watchedPaths(req: WatchRequest): string[] {
  const inBundles = req.bundles.flatMap((b) => [dirname(b), b, `${b}/config.json`, `${b}/rootfs`, `${b}/rootfs/bin`]);
  const read = readStudentConfig(req.hooksBundle);
  const hooks = read.ok ? hookPaths(read.config.hooks) : [];
  return [...new Set([...inBundles, ...hooks.flatMap((h) => [dirname(h), h])])];
}

export function fingerprint(paths: readonly string[]): string {
  return createHash('sha256')
    .update(paths.map((p) => `${p}\0${statOf(p)}`).join('\n'))
    .digest('hex');
}

/** Runs until killed: a line `{"fingerprint": …}` at start and whenever it changes (file events, or the poll). */
export function watchStudentFiles(req: WatchRequest, write: (line: string) => void): void {
  let last = '';
  let watchers: FSWatcher[] = [];
  // Its parent (the live checklist) gone, even killed outright: this child ends too instead of watching for nobody.
  const parent = process.ppid;
  const look = (): void => {
    if (process.ppid !== parent) process.exit(0);
    const paths = watchedPaths(req);
    const now = fingerprint(paths);
    // Directories come and go (the student makes the bundle, removes it): watch the ones there now.
    for (const w of watchers) w.close();
    watchers = [];
    for (const p of paths) {
      try {
        if (lstatSync(p).isDirectory()) watchers.push(watch(p, { persistent: false }, () => schedule()));
      } catch {
        // not there (yet), or not visible to the student
      }
    }
    if (now !== last) {
      last = now;
      write(`${JSON.stringify({ fingerprint: now })}\n`);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  // A burst of events (jq writing config.json.tmp, then mv) is one change.
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(look, 100);
  };
  look();
  setInterval(look, req.pollMs);
}
