import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, test, type TestContext } from 'vitest';
import { containerIds, engineReachable, execCount, imageExists, labImage, removeContainer } from '../helpers/targets/docker.js';
import { runArgv, type ExecResult } from '../helpers/targets/exec.js';
import { LabContainer } from '../helpers/targets/container.js';
import { detectPrivilegeMode } from '../helpers/targets/lab-container.js';
import { SandboxTarget } from '../helpers/targets/sandbox.js';
import { findLeftovers } from '../helpers/targets/sweep.js';
import type { Target } from '../helpers/targets/types.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The container target: one lab container per worker, a sandbox per test inside it, commands
 * over one long-lived channel. Needs a Docker engine and the bookworm lab image (npm run image);
 * without them each test is skipped and says why.
 */
// A live numeric run id: other runs' sweeps of dead runs must leave this container alone.
const RUN = String(process.pid);
let unavailable: string | undefined;
let lab: LabContainer | undefined;

beforeAll(async () => {
  const engine = await engineReachable();
  if (!engine.ok) unavailable = `no Docker engine (${engine.why}); start dockerd to run these`;
  else if (!(await imageExists(labImage('bookworm')))) unavailable = `no ${labImage('bookworm')} image; npm run image builds it`;
  else lab = await LabContainer.start({ distro: 'bookworm', runId: RUN }, await detectPrivilegeMode({ distro: 'bookworm', runId: RUN }));
}, 120_000);

afterAll(async () => {
  await lab?.stop();
  // Whatever a failed assertion left: only containers labelled with this selftest's own run.
  for (const id of await containerIds([`lesson06.run=${RUN}`])) await removeContainer(id).catch(() => undefined);
}, 60_000);

function requireLab(ctx: TestContext): LabContainer {
  if (!lab) ctx.skip(unavailable ?? 'lab container did not start');
  return lab!;
}

/** The parts of a result that must not depend on where the sandbox runs. */
const outcome = (r: ExecResult) => ({
  exitCode: r.exitCode,
  signal: r.signal,
  timedOut: r.timedOut,
  stdout: r.stdout,
  stderr: r.stderr,
  spawnError: r.spawnError,
});

/** Commands chosen to cover every way a command can end, as the specs rely on them. */
const PROBES: Array<{ what: string; argv: string[]; opts?: Parameters<Target['exec']>[1] }> = [
  { what: 'exit code, stdout and stderr', argv: ['sh', '-c', 'echo out; echo err >&2; exit 3'] },
  { what: 'stdin, byte for byte', argv: ['cat'], opts: { input: 'zwölf "quoted" \\ \n\n' + 'x'.repeat(70_000) } },
  { what: 'environment', argv: ['sh', '-c', 'echo "$LESSON_PROBE"'], opts: { env: { LESSON_PROBE: 'a=b c' } } },
  { what: 'another user (nsenter --setuid/--setgid)', argv: ['id', '-u', '-g'], opts: { uid: 65534, gid: 65534 } },
  { what: 'killed by a signal', argv: ['sh', '-c', 'kill -TERM $$'] },
  { what: 'timeout', argv: ['sleep', '5'], opts: { timeoutMs: 300 } },
  { what: 'no such program', argv: ['/no/such/program'] },
  {
    what: 'a new session, no controlling terminal',
    argv: ['sh', '-c', 'test "$(ps -o sid= -p $$)" -eq $$ && ! (: </dev/tty) 2>/dev/null && echo own-session'],
  },
];

describe('container target: the channel behaves as the sandbox target does', () => {
  test.for(PROBES)('$what: same outcome in a lab-container sandbox as in a sandbox on this machine', async ({ argv, opts }, ctx) => {
    const host = await SandboxTarget.start();
    const inLab = await SandboxTarget.start({}, requireLab(ctx));
    try {
      const [a, b] = await Promise.all([host.exec(argv, opts), inLab.exec(argv, opts)]);
      expect(outcome(b)).toEqual(outcome(a));
    } finally {
      await Promise.all([host.dispose(), inLab.dispose()]);
    }
  });

  test('the probes above can tell outcomes apart (a comparison that always matched would prove nothing)', async () => {
    const t = await SandboxTarget.start();
    try {
      const results = await Promise.all(PROBES.map((p) => t.exec(p.argv, p.opts)));
      expect(new Set(results.map((r) => JSON.stringify(outcome(r)))).size).toBe(PROBES.length);
    } finally {
      await t.dispose();
    }
  });
});

describe('container target: one container, many sandboxes, one channel', () => {
  test('each sandbox has its own network namespace, not the container’s and not another sandbox’s (kernel inodes)', async (ctx) => {
    const l = requireLab(ctx);
    const [a, b] = await Promise.all([SandboxTarget.start({}, l), SandboxTarget.start({}, l)]);
    try {
      const link = ['readlink', '/proc/self/ns/net'];
      const [na, nb, nc] = (await Promise.all([a.exec(link), b.exec(link), l.run(link, {})])).map((r) => r.stdout.trim());
      expect(na).toMatch(/^net:\[\d+\]$/);
      expect(new Set([na, nb, nc]).size).toBe(3);
      // The lesson's exact names in both at once: no collision.
      await Promise.all([a, b].map((t) => t.must(['ip', 'netns', 'add', 'container-net'])));
      expect((await a.exec(['ip', 'netns', 'list'])).stdout).toMatch(/^container-net/);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });

  test('a hundred commands from two sandboxes reach the container through one engine exec', async (ctx) => {
    const l = requireLab(ctx);
    const before = await execCount(l.id);
    const ts = await Promise.all([SandboxTarget.start({}, l), SandboxTarget.start({}, l)]);
    try {
      const results = await Promise.all(ts.flatMap((t) => Array.from({ length: 50 }, (_, i) => t.exec(['echo', String(i)]))));
      expect(results.every((r, i) => r.exitCode === 0 && r.stdout === `${i % 50}\n`)).toBe(true);
    } finally {
      await Promise.all(ts.map((t) => t.dispose()));
    }
    const after = await execCount(l.id);
    // The channel itself is the one exec, opened when the container started.
    expect({ before, after }).toEqual({ before: 1, after: 1 });
  });

  test("a sandbox's commands are children of its own agent in the container (relayed, no nsenter), and the agent does its file operations itself", async (ctx) => {
    const l = requireLab(ctx);
    const t = await SandboxTarget.start({}, l);
    try {
      const r = await t.must(['sh', '-c', 'cut -d" " -f4 /proc/$$/stat; cat /proc/$PPID/comm; readlink /proc/self/ns/net; pwd']);
      const [ppid, parent, net, cwd] = r.stdout.trim().split('\n');
      expect({ ppid: Number(ppid), parent, cwd }).toEqual({ ppid: t.pid, parent: 'perl', cwd: '/' });
      // The container's own namespace is not the sandbox's (the kernel's inode).
      expect(net).not.toBe((await l.run(['readlink', '/proc/self/ns/net'], {})).stdout.trim());
      await t.writeFile('/tmp/relayed', 'written by the agent\n', '0600');
      expect((await t.must(['stat', '-c', '%a %s', '/tmp/relayed'])).stdout.trim()).toBe('600 21');
      expect(t.transcript.entries.filter((e) => e.byAgent).map((e) => e.argv[0])).toEqual(['mount', 'mount', 'mount', 'ip', 'dd', 'chmod']);
    } finally {
      await t.dispose();
    }
  });

  test('disposing a sandbox ends its namespace holder inside the container', async (ctx) => {
    const l = requireLab(ctx);
    const t = await SandboxTarget.start({}, l);
    const pid = t.pid;
    expect((await l.run(['kill', '-0', String(pid)], {})).exitCode).toBe(0);
    await t.dispose();
    expect((await l.run(['kill', '-0', String(pid)], {})).exitCode).not.toBe(0);
  });
});

/** `npm test` started as a terminal would: its own process group, its pid the run id. */
function startRun(args: readonly string[]): ResultPromise & { id: string } {
  const run = execa(process.execPath, ['--import', 'tsx', 'scripts/test.ts', ...args], { detached: true, reject: false, stdin: 'ignore' });
  return Object.assign(run, { id: String(run.pid) });
}

/** A worker's lab container (the privilege probe's container carries the run label too, not the worker label). */
async function untilLabContainer(run: string): Promise<void> {
  const labContainers = async (): Promise<string[]> => containerIds([`lesson06.run=${run}`, 'lesson06.worker'], { all: false });
  await waitFor(async () => (await labContainers()).length > 0, {
    timeoutMs: 90_000,
    intervalMs: 250,
    what: `run ${run} to start a worker's lab container`,
  });
}

describe('container target: interrupted runs leave nothing', () => {
  const args = ['--target', 'container', '--grep', '^exercise-(1|3) '];

  test('Ctrl-C while lab containers run: the run ends non-zero, then nothing of it remains', async (ctx) => {
    requireLab(ctx);
    const run = startRun(args);
    await untilLabContainer(run.id);
    process.kill(-run.pid!, 'SIGINT');
    const done = await run;
    expect(done.exitCode, 'an interrupted run must not report success').not.toBe(0);
    expect(await findLeftovers({ run: run.id })).toEqual([]);
  });

  test('kill -9 of the whole run: its lab containers stay until npm run clean removes them', async (ctx) => {
    requireLab(ctx);
    const run = startRun(args);
    await untilLabContainer(run.id);
    process.kill(-run.pid!, 'SIGKILL');
    await run;
    expect(
      (await findLeftovers({ run: run.id })).some((l) => l.what === 'container'),
      'kill -9 leaves the lab container behind',
    ).toBe(true);
    const clean = await runArgv([process.execPath, '--import', 'tsx', 'scripts/clean.ts'], { timeoutMs: 60_000 });
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(await findLeftovers({ run: run.id })).toEqual([]);
  });
});
