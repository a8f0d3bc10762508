import { execa, type ResultPromise } from 'execa';
import { describe, expect, test } from 'vitest';
import { runArgv } from '../helpers/exec.js';
import { findLeftovers, type Leftover } from '../helpers/sweep.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Starts `npm test` as a terminal would: its own process group, so a Ctrl-C (SIGINT to the
 * group) reaches the whole run. `node --import tsx` keeps the run in this one process, whose
 * pid is the run id that names everything the run leaves outside its sandboxes.
 */
function startRun(args: readonly string[], env: Record<string, string> = {}): ResultPromise & { id: string } {
  const run = execa(process.execPath, ['--import', 'tsx', 'scripts/test.ts', ...args], { detached: true, reject: false, stdin: 'ignore', env });
  return Object.assign(run, { id: String(run.pid) });
}

/** A run that is certainly busy with a runc container alive (selftest/specs/hold.spec.ts). */
const startHolding = (): ResultPromise & { id: string } => startRun(['--grep', '^hold'], { LESSON06_SELFTEST_SPECS: '1' });

const leftoversOf = (run: string): Promise<Leftover[]> => findLeftovers({ run });

async function untilContainerRuns(run: string): Promise<void> {
  await waitFor(async () => (await leftoversOf(run)).some((l) => l.kind === 'process'), {
    timeoutMs: 60_000,
    intervalMs: 200,
    what: `run ${run} to have a runc container running`,
  });
}

describe('leak-proof under interruption and concurrency', () => {
  test('Ctrl-C during npm test: the run ends, then nothing of it remains', async () => {
    const run = startHolding();
    await untilContainerRuns(run.id);
    process.kill(-run.pid!, 'SIGINT');
    const done = await run;
    expect(done.exitCode, 'an interrupted run must not report success').not.toBe(0);
    expect(await leftoversOf(run.id)).toEqual([]);
  });

  test('kill -9 of a whole run: npm run clean removes its leftovers, not those of a live run', async () => {
    const dead = startHolding();
    const live = startHolding();
    await Promise.all([untilContainerRuns(dead.id), untilContainerRuns(live.id)]);
    process.kill(-dead.pid!, 'SIGKILL');
    await dead;
    const orphaned = await leftoversOf(dead.id);
    expect(orphaned.some((l) => l.kind === 'process'), 'kill -9 leaves its runc container behind').toBe(true);
    const clean = await runArgv([process.execPath, '--import', 'tsx', 'scripts/clean.ts'], { timeoutMs: 60_000 });
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(await leftoversOf(dead.id)).toEqual([]);
    expect((await leftoversOf(live.id)).some((l) => l.kind === 'process'), "the live run's container is untouched").toBe(true);
    process.kill(-live.pid!, 'SIGINT');
    await live;
    expect(await leftoversOf(live.id)).toEqual([]);
  });

  test('kill -9, then the next npm test sweeps the dead run before it starts', async () => {
    const dead = startHolding();
    await untilContainerRuns(dead.id);
    process.kill(-dead.pid!, 'SIGKILL');
    await dead;
    expect((await leftoversOf(dead.id)).length).toBeGreaterThan(0);
    const next = await startRun(['--grep', 'exercise-1 step 1:']);
    expect(next.exitCode, String(next.stdout).slice(-1500)).toBe(0);
    expect(String(next.stdout)).toContain('removed leftovers of earlier runs that died');
    expect(await leftoversOf(dead.id)).toEqual([]);
  });

  test('two concurrent npm test runs both pass and leave nothing', async () => {
    const a = startRun(['--grep', 'exercise-3']);
    const b = startRun(['--grep', 'exercise-3']);
    const [ra, rb] = await Promise.all([a, b]);
    for (const r of [ra, rb]) {
      expect(r.exitCode, String(r.stdout).slice(-2000)).toBe(0);
      expect(String(r.stdout)).toContain('lesson06: 6 passed, 0 failed');
    }
    expect([...(await leftoversOf(a.id)), ...(await leftoversOf(b.id))]).toEqual([]);
  });
});
