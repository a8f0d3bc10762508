import { execa, type ResultPromise } from 'execa';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { IDLE_ARGS } from '../helpers/lesson/claims.js';
import { Bundle } from '../helpers/oci/bundle.js';
import { describeOutcome, runArgv } from '../helpers/targets/exec.js';
import { withArgs, withTerminal } from '../helpers/oci/config.js';
import { harnessCgroupPath } from '../helpers/targets/run-id.js';
import { Runc } from '../helpers/oci/runtime.js';
import { SandboxTarget } from '../helpers/targets/sandbox.js';
import { findLeftovers, type Leftover } from '../helpers/targets/sweep.js';
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

/** A run that is certainly busy with a runc container alive (selftest/fakes/hold-runc). */
const HOLD_RUNC = resolve('selftest/fakes/hold-runc');
const startHolding = (): ResultPromise & { id: string } => startRun(['--grep', 'exercise-3 proof of joining', '--runtime', HOLD_RUNC]);

const leftoversOf = (run: string): Promise<Leftover[]> => findLeftovers({ run });

/** The held container's own process (its idle `sleep 600`), not a short-lived one such as the runtime probe's. */
const holdsIdleContainer = (leftovers: readonly Leftover[]): boolean =>
  leftovers.some((l) => {
    if (l.what !== 'process') return false;
    try {
      return readFileSync(`/proc/${l.id}/cmdline`, 'utf8').split('\0').join(' ').trim() === IDLE_ARGS.join(' ');
    } catch {
      return false;
    }
  });

async function untilContainerRuns(run: string): Promise<void> {
  await waitFor(async () => holdsIdleContainer(await leftoversOf(run)), {
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
    expect(holdsIdleContainer(orphaned), 'kill -9 leaves its runc container behind').toBe(true);
    const clean = await runArgv([process.execPath, '--import', 'tsx', 'scripts/clean.ts'], { timeoutMs: 60_000 });
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(await leftoversOf(dead.id)).toEqual([]);
    expect(holdsIdleContainer(await leftoversOf(live.id)), "the live run's container is untouched").toBe(true);
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
    const closing = (out: unknown): string | undefined => /^lesson06: .*$/m.exec(String(out))?.[0];
    for (const r of [ra, rb]) {
      expect(r.exitCode, String(r.stdout).slice(-2000)).toBe(0);
      expect(closing(r.stdout)).toMatch(/^lesson06: [1-9]\d* passed, 0 failed, 0 skipped$/);
    }
    expect(closing(ra.stdout), 'both runs ran the same selection').toBe(closing(rb.stdout));
    expect([...(await leftoversOf(a.id)), ...(await leftoversOf(b.id))]).toEqual([]);
  });
});

describe('hung processes', () => {
  test('every command has a timeout: a command that hangs is killed and says so', async () => {
    const r = await runArgv(['sleep', '30'], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(describeOutcome(r)).toMatch(/^timed out after \d+ ms$/);
  });

  test('a container whose process never exits is killed and deleted, and the error says so', async () => {
    const t = await SandboxTarget.start();
    try {
      const runc = new Runc(t);
      const b = await new Bundle(t, runc, `${t.home}/hung`).create({ applets: true, cgroupsPath: harnessCgroupPath(String(process.pid)) });
      await b.patch(withTerminal(false), withArgs('sleep', '600'));
      await expect(runc.run('hung', b.dir, 1_500)).rejects.toThrow(/container "hung" was still running after 1500 ms .*it was killed and deleted/);
      expect(await runc.list()).toEqual([]);
    } finally {
      await new Runc(t).deleteAll();
      await t.dispose();
    }
  });
});

describe('bad configuration: one clear error before anything is created', () => {
  const cases: Array<{ argv: string[]; says: RegExp; ranVitest?: boolean }> = [
    { argv: ['scripts/test.ts', '--target', 'moon'], says: /--target "moon" must be one of: sandbox, container/ },
    { argv: ['scripts/test.ts', '--target', 'host'], says: /read-only grading target/ },
    { argv: ['scripts/test.ts', '--frobnicate'], says: /unknown option "--frobnicate"/ },
    { argv: ['scripts/test.ts', '--grep', 'zz-no-such-section'], says: /--grep "zz-no-such-section" selects no test/, ranVitest: true },
    { argv: ['scripts/clean.ts', '--dryrun'], says: /unknown option "--dryrun" for npm run clean/ },
    { argv: ['scripts/test.ts', '--grep', '('], says: /--grep "\(" is not a valid regular expression/ },
    { argv: ['scripts/test.ts', '--runtime', '/nonexistent/runc'], says: /--runtime "\/nonexistent\/runc" is not an executable file/ },
    { argv: ['scripts/grade.ts', '--host-veth', 'veth-host-is-too-long'], says: /at most 15/ },
    { argv: ['scripts/grade.ts', '--ns-ip', '10.0.0.2'], says: /not an IPv4 address with a prefix length/ },
    { argv: ['scripts/bench.ts', '--labs', 'many'], says: /--labs needs a whole number/ },
  ];
  for (const c of cases) {
    test(`${c.argv.slice(1).join(' ')}`, async () => {
      const netnsBefore = (await runArgv(['ip', 'netns', 'list'])).stdout;
      const run = execa(process.execPath, ['--import', 'tsx', ...c.argv], { reject: false, stdin: 'ignore', timeout: 60_000 });
      const r = await run;
      expect(r.exitCode).toBe(2);
      expect(String(r.stderr)).toMatch(c.says);
      expect(String(r.stderr).match(/^error:/gm)).toHaveLength(1);
      // An empty selection is found by running vitest's collection; no closing count is printed either way.
      expect(String(r.stdout)).not.toMatch(c.ranVitest ? /lesson06:/ : /RUN|lesson06:/);
      // Only what this run could have made is looked at: other runs may come and go on the machine meanwhile.
      expect(await findLeftovers({ run: String(run.pid) })).toEqual([]);
      expect((await runArgv(['ip', 'netns', 'list'])).stdout).toBe(netnsBefore);
    });
  }
});
