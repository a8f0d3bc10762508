import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Resources the launcher starts beside vitest (the container target's lab containers), so that a
 * worker claims a ready one instead of paying the start-up itself: each is a file `<n>.id` in
 * `<workDir>/warm/`, claimed by creating `<n>.claimed` (O_EXCL: one worker each), and `done` says
 * that no more will come. The directory is the run's private one (mode 0700, root's).
 */
const warmDir = (workDir: string): string => join(workDir, 'warm');

/** How long a worker waits for the launcher's warm-up before it starts its own resource. */
const CLAIM_WAIT_MS = 60_000;

export function offerWarm(workDir: string, index: number, id: string): void {
  mkdirSync(warmDir(workDir), { recursive: true, mode: 0o700 });
  writeFileSync(join(warmDir(workDir), `${index}.id`), id, { mode: 0o600 });
}

export function warmDone(workDir: string): void {
  mkdirSync(warmDir(workDir), { recursive: true, mode: 0o700 });
  writeFileSync(join(warmDir(workDir), 'done'), '', { mode: 0o600 });
}

/** A warm resource's id, claimed for this worker; undefined when the launcher started none (or none is left). */
export async function claimWarm(workDir: string): Promise<string | undefined> {
  const dir = warmDir(workDir);
  const until = Date.now() + CLAIM_WAIT_MS;
  for (;;) {
    if (!existsSync(dir)) return undefined;
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
