import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isPrivateRunDir } from './run-dir.js';

/**
 * Resources the launcher starts beside vitest (the container target's lab containers), so that a
 * worker claims a ready one instead of paying the start-up itself. The launcher makes
 * `<workDir>/warm/` before vitest starts; each resource is a file `<n>.id` there (renamed into
 * place, so never seen half written), claimed by creating `<n>.claimed` (O_EXCL: one worker
 * each); `done` says that no more will come. Only in the launcher's private run directory.
 */
const warmDir = (workDir: string): string => join(workDir, 'warm');

/** How long a worker waits for the launcher's warm-up before it starts its own resource. */
const CLAIM_WAIT_MS = 60_000;

/** Before vitest starts: says to the workers that a warm-up is coming (they wait for it). */
export function openWarm(workDir: string): void {
  mkdirSync(warmDir(workDir), { mode: 0o700 });
}

export function offerWarm(workDir: string, index: number, id: string): void {
  const file = join(warmDir(workDir), `${index}.id`);
  writeFileSync(`${file}.tmp`, id, { mode: 0o600, flag: 'wx' });
  renameSync(`${file}.tmp`, file);
}

export function warmDone(workDir: string): void {
  writeFileSync(join(warmDir(workDir), 'done'), '', { mode: 0o600 });
}

/** A warm resource's id, claimed for this worker; undefined when the launcher warms none up (or none is left). */
export async function claimWarm(workDir: string): Promise<string | undefined> {
  const dir = warmDir(workDir);
  if (!isPrivateRunDir(workDir) || !existsSync(dir)) return undefined;
  const until = Date.now() + CLAIM_WAIT_MS;
  for (;;) {
    const finished = existsSync(join(dir, 'done'));
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.id'))) {
      try {
        closeSync(openSync(join(dir, name.replace(/\.id$/, '.claimed')), 'wx', 0o600));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw e;
      }
      return readFileSync(join(dir, name), 'utf8').trim();
    }
    if (finished || Date.now() > until) return undefined;
    await sleep(50);
  }
}

/** The warm resources no worker claimed (a run whose selection left a worker without a test that needed one). */
export function unclaimedWarm(workDir: string): string[] {
  const dir = warmDir(workDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.id') && !existsSync(join(dir, n.replace(/\.id$/, '.claimed'))))
    .map((n) => readFileSync(join(dir, n), 'utf8').trim());
}
