import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ExecChannel, SETNS_SYSCALL } from '../../helpers/targets/channel.js';
import { existsSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../helpers/wait.js';
import { runArgv, type ExecOptions, type ExecResult } from '../../helpers/targets/exec.js';
import { SandboxTarget } from '../../helpers/targets/sandbox.js';

/**
 * The command channel's agent (helpers/targets/agent.pl) run on this machine instead of inside a
 * lab container: no Docker needed. Whatever it reports must be what execa reports for the same
 * command, because the container target's verdicts rest on it.
 */
let ch: ExecChannel;
beforeAll(async () => {
  ch = await ExecChannel.through([]);
});
afterAll(async () => {
  ch.close();
  await ch.closed();
});

const outcome = (r: ExecResult) => ({
  exitCode: r.exitCode,
  signal: r.signal,
  timedOut: r.timedOut,
  stdout: r.stdout,
  stderr: r.stderr,
  failedToStart: r.spawnError !== undefined,
});

const CASES: Array<{ what: string; argv: string[]; opts?: ExecOptions }> = [
  { what: 'exit code, stdout and stderr', argv: ['sh', '-c', 'echo out; echo err >&2; exit 3'] },
  { what: 'stdin larger than a pipe, multibyte', argv: ['cat'], opts: { input: `zwölf ${'ü'.repeat(100_000)}\n` } },
  { what: 'output larger than a pipe', argv: ['head', '-c', '300000', '/dev/zero'] },
  { what: 'a program that ignores its stdin', argv: ['true'], opts: { input: 'x'.repeat(200_000) } },
  {
    what: 'environment added to the inherited one',
    argv: ['sh', '-c', 'echo "$LESSON_PROBE" "${PATH:+path-kept}"'],
    opts: { env: { LESSON_PROBE: 'a=b c' } },
  },
  { what: 'killed by a signal', argv: ['sh', '-c', 'kill -TERM $$'] },
  { what: 'timeout', argv: ['sleep', '5'], opts: { timeoutMs: 300 } },
  { what: 'no such program', argv: ['/no/such/program'] },
  { what: 'output discarded', argv: ['sh', '-c', 'echo gone; exit 4'], opts: { discardOutput: true } },
  {
    what: 'output cap: the first bytes kept, the rest counted',
    argv: ['sh', '-c', 'yes out | head -c 200000; yes err | head -c 3000 >&2; exit 5'],
    opts: { maxOutputBytes: 1000 },
  },
  { what: 'output under its cap is whole', argv: ['sh', '-c', 'echo small; echo e >&2; exit 6'], opts: { maxOutputBytes: 1000 } },
  {
    what: 'another user and group, supplementary groups dropped',
    argv: ['sh', '-c', 'id -u; id -g; id -G; exit 7'],
    opts: { uid: 65534, gid: 65534 },
  },
  { what: 'another user only', argv: ['sh', '-c', 'id -u; id -g; exit 8'], opts: { uid: 65534 } },
];

describe('command channel agent: the same outcome as execa', () => {
  test.each(CASES)('$what', async ({ argv, opts }) => {
    const [viaExeca, viaChannel] = await Promise.all([runArgv(argv, opts), ch.run(argv, opts)]);
    expect(outcome(viaChannel)).toEqual(outcome(viaExeca));
  });

  test('the cases above end in distinct ways (the comparison can fail)', async () => {
    const results = await Promise.all(CASES.map((c) => ch.run(c.argv, c.opts)));
    expect(new Set(results.map((r) => JSON.stringify(outcome(r)))).size).toBe(CASES.length);
  });

  test('a new session: no controlling terminal, its own session id', async () => {
    const r = await ch.run(['sh', '-c', 'test "$(ps -o sid= -p $$)" -eq $$ && echo own-session'], { newSession: true });
    expect(r.stdout).toBe('own-session\n');
  });

  test('a hundred commands in flight at once each get their own answer', async () => {
    const rs = await Promise.all(Array.from({ length: 100 }, (_, i) => ch.run(['sh', '-c', `sleep 0.0$((${i} % 5)); echo ${i}; echo e${i} >&2`])));
    expect(rs.map((r) => `${r.stdout}|${r.stderr}`)).toEqual(Array.from({ length: 100 }, (_, i) => `${i}\n|e${i}\n`));
  });

  test('a process that exits but leaves a child holding its output still times out, and says so', async () => {
    const r = await ch.run(['sh', '-c', 'sleep 30 & echo started'], { timeoutMs: 500 });
    expect(r.timedOut).toBe(true);
  });

  test('a closed channel refuses further commands with a clear error, and its agent kills what it started', async () => {
    const own = await ExecChannel.through([]);
    const pidFile = join(tmpdir(), `lesson06-channel-close-${process.pid}`);
    rmSync(pidFile, { force: true });
    const pending = own.run(['sh', '-c', `echo $$ > ${pidFile}; exec sleep 600`]);
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', { timeoutMs: 5_000, what: 'the command to start' });
    const pid = readFileSync(pidFile, 'utf8').trim();
    rmSync(pidFile, { force: true });
    own.close();
    await expect(pending).rejects.toThrow(/lab container channel was closed/);
    await expect(own.run(['true'])).rejects.toThrow(/lab container channel was closed/);
    await own.closed();
    expect((await runArgv(['kill', '-0', pid])).exitCode).not.toBe(0);
  });
});

/**
 * The sandbox target's commands go through one such agent per sandbox, started in the sandbox's
 * namespaces: every command is the agent's own child there (no nsenter in between), in the
 * sandbox's network and mount namespaces, with the same caps, timeouts and user switch.
 */
describe('sandbox channel: one agent per sandbox runs every command inside it', () => {
  let t: SandboxTarget;
  beforeAll(async () => {
    t = await SandboxTarget.start();
  });
  afterAll(() => t.dispose());

  test('commands run in the sandbox namespaces as children of the holder, not through nsenter', async () => {
    const r = await t.must(['sh', '-c', 'readlink /proc/self/ns/net /proc/self/ns/mnt; cut -d" " -f4 /proc/$$/stat; cat /proc/$PPID/comm; pwd']);
    const [net, mnt, ppid, parent, cwd] = r.stdout.trim().split('\n');
    // As under nsenter --mount: the sandbox's root, not the harness's working directory.
    expect(cwd).toBe('/');
    expect(net).toBe(readlinkSync(`/proc/${t.pid}/ns/net`));
    expect(mnt).toBe(readlinkSync(`/proc/${t.pid}/ns/mnt`));
    expect(net).not.toBe(readlinkSync('/proc/self/ns/net'));
    expect(mnt).not.toBe(readlinkSync('/proc/self/ns/mnt'));
    expect(Number(ppid)).toBe(t.pid);
    expect(parent).toBe('perl');
  });

  test('the same outcome as nsenter + execa for each case above', async () => {
    const viaNsenter = (c: (typeof CASES)[number]): Promise<ExecResult> => {
      const who = [
        ...(c.opts?.gid !== undefined ? ['--setgid', String(c.opts.gid)] : []),
        ...(c.opts?.uid !== undefined ? ['--setuid', String(c.opts.uid)] : []),
      ];
      const { uid: _u, gid: _g, ...rest } = c.opts ?? {};
      return runArgv(['nsenter', '-t', String(t.pid), '--mount', '--net', ...who, '--', ...c.argv], rest);
    };
    // A program that cannot start is nsenter's exit 127 on that path, a spawn error here.
    for (const c of CASES.filter((k) => k.argv[0] !== '/no/such/program')) {
      const [old, now] = await Promise.all([viaNsenter(c), t.exec(c.argv, c.opts)]);
      expect(outcome(now), c.what).toEqual(outcome(old));
    }
  });

  test('a timed-out command in the sandbox is killed and reported, and the channel stays usable', async () => {
    const r = await t.exec(['sleep', '30'], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect((await t.exec(['true'])).exitCode).toBe(0);
  });

  test("the agent's own file operations give what cat, dd, chmod and rm give, in the sandbox's mounts, and say so in the transcript", async () => {
    const file = '/tmp/agent-file-op';
    const text = `zwölf ${'ü'.repeat(100_000)}\n`;
    await t.writeFile(file, text, '0741');
    // Read back by real processes in the sandbox: the same bytes and mode, in the sandbox's private /tmp only.
    expect((await t.must(['cat', '--', file])).stdout).toBe(text);
    expect((await t.must(['stat', '-c', '%a', file])).stdout.trim()).toBe('741');
    expect((await runArgv(['test', '-e', file])).exitCode).not.toBe(0);
    await t.must(['sh', '-c', `printf 'from a process' > ${file}`]);
    expect(await t.readFile(file)).toBe('from a process');
    // Failures as the commands fail: exit 1 and the reason, the same for a missing file on both paths.
    const missing = await t.read('/tmp/no-such-file');
    const cat = await t.exec(['cat', '--', '/tmp/no-such-file']);
    expect([missing.exitCode, cat.exitCode]).toEqual([1, 1]);
    expect(missing.stderr).toMatch(/No such file or directory/);
    await expect(t.readFile('/tmp/no-such-file')).rejects.toThrow(/No such file or directory/);
    // A FIFO would block the loop every command goes through: refused, not waited on.
    await t.must(['mkfifo', '/tmp/agent-fifo']);
    expect((await t.read('/tmp/agent-fifo')).stderr).toMatch(/not a regular file/);
    await t.remove(file);
    await t.remove(file);
    expect((await t.exec(['test', '-e', file])).exitCode).toBe(1);
    const entries = t.transcript.entries.filter((e) => e.byAgent);
    expect(entries.map((e) => e.argv[0])).toEqual(expect.arrayContaining(['dd', 'chmod', 'cat', 'rm']));
    expect(t.transcript.format()).toMatch(/done by the sandbox's agent itself, as this command would; no process ran/);
  });

  test("the agent's path queries give what test -e, stat -L -c %i, readlink and mkdir -p give, links followed, and say so in the transcript", async () => {
    await t.must(['mkdir', '-p', '/tmp/q/dir']);
    await t.must(['ln', '-s', 'dir', '/tmp/q/rel']);
    await t.must(['ln', '-s', '/tmp/q/none', '/tmp/q/dangling']);
    await t.must(['mkfifo', '/tmp/q/fifo']);
    const paths = ['/tmp/q/dir', '/tmp/q/rel', '/tmp/q/dangling', '/tmp/q/fifo', '/tmp/q/missing', '/proc/self/ns/net', '/run/netns'];
    for (const p of paths) {
      const [exists, test] = await Promise.all([t.exists(p), t.exec(['test', '-e', p])]);
      expect(exists, `exists ${p}`).toBe(test.exitCode === 0);
      const [inode, stat] = await Promise.all([t.inode(p), t.exec(['stat', '-L', '-c', '%i', '--', p])]);
      expect([inode.exitCode, inode.stdout], `inode ${p}`).toEqual([stat.exitCode, stat.stdout]);
      const [link, readlink] = await Promise.all([t.readlink(p), t.exec(['readlink', '--', p])]);
      expect([link.exitCode, link.stdout], `readlink ${p}`).toEqual([readlink.exitCode, readlink.stdout]);
    }
    // /proc/self/ns/net followed is the sandbox's netns, as a process of the sandbox sees it.
    expect((await t.inode('/proc/self/ns/net')).stdout.trim()).toBe(String(statSync(`/proc/${t.pid}/ns/net`).ino));
    await t.makeDirs('/tmp/q/a/b/c', '/tmp/q/dir', '/tmp/q//d/');
    expect((await t.exec(['test', '-d', '/tmp/q/a/b/c'])).exitCode).toBe(0);
    expect((await t.exec(['test', '-d', '/tmp/q/d'])).exitCode).toBe(0);
    // Where mkdir -p fails (a file in the way), so does the agent, with the reason.
    await t.writeFile('/tmp/q/file', 'x');
    for (const p of ['/tmp/q/file/sub', '/tmp/q/file']) {
      const [agent, mkdir] = await Promise.allSettled([t.makeDirs(p), t.must(['mkdir', '-p', p])]);
      expect([agent.status, mkdir.status], p).toEqual(['rejected', 'rejected']);
      const reason = (r: PromiseSettledResult<unknown>): string | undefined =>
        /(Not a directory|File exists)/.exec(String((r as PromiseRejectedResult).reason))?.[1];
      expect(reason(agent), p).toBe(reason(mkdir));
      expect(reason(agent), p).toBeDefined();
    }
    const kinds = new Set(t.transcript.entries.filter((e) => e.byAgent).map((e) => e.argv[0]));
    expect([...kinds]).toEqual(expect.arrayContaining(['test', 'stat', 'readlink', 'mkdir']));
  });

  test("the agent's read in another network namespace is what nsenter --net … cat reads there, and the agent comes back to its own", async () => {
    await t.must(['ip', 'netns', 'add', 'agent-netread']);
    try {
      const own = await t.inode('/proc/self/ns/net');
      // Distinct in the other namespace only: its loopback up, its own address, pinged once.
      await t.must(['ip', '-n', 'agent-netread', 'link', 'set', 'lo', 'up']);
      await t.must(['ip', 'netns', 'exec', 'agent-netread', 'ping', '-c', '1', '-W', '1', '127.0.0.1']);
      const [agent, nsenter] = await Promise.all([
        t.readInNetns('/run/netns/agent-netread', '/proc/net/snmp'),
        t.exec(['nsenter', '--net=/run/netns/agent-netread', '--', 'cat', '/proc/net/snmp']),
      ]);
      // The agent's own where this machine's setns(2) number is known (x86_64, arm64); nsenter elsewhere.
      expect(agent.byAgent === true).toBe(SETNS_SYSCALL !== undefined);
      expect(agent.exitCode).toBe(0);
      expect(agent.stdout).toBe(nsenter.stdout);
      expect(agent.stdout).not.toBe((await t.read('/proc/net/snmp')).stdout);
      // Back in its own namespace: the next command and the agent's own reads start there.
      expect((await t.inode('/proc/self/ns/net')).stdout).toBe(own.stdout);
      expect((await t.must(['readlink', '/proc/self/ns/net'])).stdout.trim()).toBe(readlinkSync(`/proc/${t.pid}/ns/net`));
      // A path that names no namespace fails as the read of a missing file does: exit 1, the reason.
      // A FIFO is refused at once, never waited on (the agent's loop runs every command of the sandbox).
      await t.must(['mkfifo', '/tmp/netread-fifo']);
      for (const bad of ['/run/netns/no-such', '/tmp', '/tmp/netread-fifo', '/proc/self/ns/mnt']) {
        const r = await t.readInNetns(bad, '/proc/net/snmp');
        expect([r.exitCode, r.stdout], bad).toEqual([1, '']);
        expect(r.stderr, bad).toMatch(/No such file|Invalid argument|not a namespace file/);
      }
      expect((await t.inode('/proc/self/ns/net')).stdout).toBe(own.stdout);
    } finally {
      await t.exec(['ip', 'netns', 'del', 'agent-netread']);
    }
  });

  test('the holder mounted its private directories and set loopback up itself: the kernel shows them', async () => {
    const mounts = (await t.readFile('/proc/self/mountinfo')).split('\n');
    for (const dir of ['/run', '/tmp', t.home])
      expect(
        mounts.some((m) => m.split(' ')[4] === dir && / - tmpfs lesson06-sandbox /.test(m)),
        dir,
      ).toBe(true);
    expect((await t.must(['ip', '-o', 'link', 'show', 'lo'])).stdout).toMatch(/<LOOPBACK,UP,LOWER_UP>/);
    const starts = t.transcript.entries.slice(0, 4);
    expect(starts.map((e) => [e.argv[0], e.byAgent])).toEqual([
      ['mount', true],
      ['mount', true],
      ['mount', true],
      ['ip', true],
    ]);
  });

  test('disposing the sandbox ends its agent, by its pid', async () => {
    const own = await SandboxTarget.start();
    const pid = own.pid;
    expect((await runArgv(['kill', '-0', String(pid)])).exitCode).toBe(0);
    await own.dispose();
    expect((await runArgv(['kill', '-0', String(pid)])).exitCode).not.toBe(0);
    await expect(own.exec(['true'])).rejects.toThrow(/sandbox channel was closed/);
  });
});
