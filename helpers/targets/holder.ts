import { execa, type ResultPromise } from 'execa';
import { readFileSync, readlinkSync } from 'node:fs';
import { waitFor } from '../wait.js';
import { ExecChannel, type ChannelExecOptions, type FileOp } from './channel.js';
import type { ExecResult } from './exec.js';

export type NamespaceKind = 'mount' | 'net' | 'pid' | 'uts' | 'ipc' | 'cgroup';
const PROC_NAME: Record<NamespaceKind, string> = { mount: 'mnt', net: 'net', pid: 'pid', uts: 'uts', ipc: 'ipc', cgroup: 'cgroup' };

/**
 * The argv prefix that runs a program in fresh namespaces: `setpriv --pdeathsig KILL`, so it dies
 * with the worker even after a SIGKILL, then `unshare` (with a pid namespace, forking: a new pid
 * namespace applies to children only).
 */
function holdPrefix(kinds: readonly NamespaceKind[]): string[] {
  const fork = kinds.includes('pid') ? ['--fork', '--kill-child', '--mount-proc'] : [];
  return ['setpriv', '--pdeathsig', 'KILL', '--', 'unshare', ...kinds.map((k) => `--${k}`), ...fork, '--propagation', 'private', '--'];
}

/** Reads namespace links (`/proc/<pid>/ns/<name>`): undefined while they cannot be read. */
type LinkReader = (paths: readonly string[]) => Promise<readonly string[] | undefined>;

/** On this machine. */
const localLinks: LinkReader = (paths) => {
  try {
    return Promise.resolve(paths.map((p) => readlinkSync(p)));
  } catch {
    return Promise.resolve(undefined);
  }
};

/**
 * Waits until the process `locate` finds is in its own `kinds` namespaces, on the kernel's word
 * (its namespace links against the reader's own): mounting before it has left the namespaces it
 * was started from would cover that machine's (or lab container's) own directories.
 */
async function untilSeparated(
  locate: () => number,
  kinds: readonly NamespaceKind[],
  read: LinkReader,
  what: string,
  intervalMs?: number,
): Promise<number> {
  const names = kinds.map((k) => PROC_NAME[k]);
  let pid = 0;
  await waitFor(
    async () => {
      pid = locate();
      if (pid <= 0) return false;
      const links = await read([...names.map((n) => `/proc/${pid}/ns/${n}`), ...names.map((n) => `/proc/self/ns/${n}`)]);
      return links !== undefined && names.every((_, i) => links[i] !== links[i + names.length]);
    },
    { timeoutMs: 5_000, intervalMs, what },
  );
  return pid;
}

/**
 * The pid whose namespaces commands use, once it is in all of them: `top` itself, or with a pid
 * namespace unshare's child once it runs `comm` (until then unshare may still be mounting its
 * /proc, and /proc/1 would be the machine's).
 */
async function heldPid(top: number, kinds: readonly NamespaceKind[], comm: string): Promise<number> {
  const locate = (): number => {
    if (!kinds.includes('pid')) return top;
    try {
      const pid = Number(readFileSync(`/proc/${top}/task/${top}/children`, 'utf8').trim().split(' ')[0]) || 0;
      return pid > 0 && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm ? pid : 0;
    } catch {
      return 0;
    }
  };
  return untilSeparated(locate, kinds, localLinks, `process ${top} to enter its own ${kinds.join(', ')} namespaces`);
}

/** argv that runs `argv` in the namespaces `pid` holds. */
function enterArgv(pid: number, kinds: readonly NamespaceKind[], argv: readonly string[]): string[] {
  return ['nsenter', '-t', String(pid), ...kinds.map((k) => `--${k}`), '--', ...argv];
}

/**
 * A `sleep infinity` that holds fresh namespaces open; commands enter them with nsenter. Ended
 * only by its own PID. Used by grading (mount only: runc wrapped into the grader's private mount
 * namespace); sandboxes hold theirs with a command agent (AgentHolder).
 */
export class NamespaceHolder {
  readonly #process: ResultPromise;
  /** The process whose namespaces commands enter (with a pid namespace: unshare's child). */
  #pid = 0;

  private constructor(
    proc: ResultPromise,
    readonly kinds: readonly NamespaceKind[],
  ) {
    this.#process = proc;
  }

  get pid(): number {
    return this.#pid;
  }

  static async start(kinds: readonly NamespaceKind[]): Promise<NamespaceHolder> {
    const proc = execa(holdPrefix(kinds)[0] ?? 'setpriv', [...holdPrefix(kinds).slice(1), 'sleep', 'infinity'], { stdio: 'ignore', reject: false });
    if (proc.pid === undefined) throw new Error('namespace holder: unshare could not be started (is util-linux installed?)');
    const holder = new NamespaceHolder(proc, kinds);
    holder.#pid = await heldPid(proc.pid, kinds, 'sleep');
    return holder;
  }

  /** argv that runs `argv` inside the held namespaces. */
  enter(argv: readonly string[]): string[] {
    return enterArgv(this.pid, this.kinds, argv);
  }

  async stop(): Promise<void> {
    this.#process.kill('SIGKILL');
    await this.#process;
  }
}

/**
 * A sandbox's namespaces held by its command agent (agent.pl, started by `unshare` in them): the
 * holder is also the one command channel into the sandbox, so a command costs one fork+exec
 * there instead of execa + nsenter + the command. Timeouts, output caps and user switches are
 * the channel's, as runArgv and nsenter gave them.
 */
export class AgentHolder {
  private constructor(
    private readonly channel: ExecChannel,
    readonly pid: number,
    readonly kinds: readonly NamespaceKind[],
  ) {}

  static async start(kinds: readonly NamespaceKind[]): Promise<AgentHolder> {
    // Working directory "/", as nsenter --mount gave every command: no command inherits the harness's.
    const channel = await ExecChannel.through(holdPrefix(kinds), { timeoutMs: 10_000, label: 'sandbox channel', cwd: '/' });
    try {
      if (channel.pid === undefined) throw new Error('sandbox channel: unshare could not be started (is util-linux installed?)');
      return new AgentHolder(channel, await heldPid(channel.pid, kinds, 'perl'), kinds);
    } catch (e) {
      channel.close();
      await channel.closed();
      throw e;
    }
  }

  /**
   * A sandbox in a lab container: its agent started there by the container's agent, which relays
   * its bytes (no process here, no Engine API call). Pids are the container's own.
   */
  static async relayed(parent: ExecChannel, kinds: readonly NamespaceKind[]): Promise<AgentHolder> {
    // A pid namespace needs unshare --fork and the child's pid: only grading's hostile labs use one, never on this target.
    if (kinds.includes('pid')) throw new Error('lab container sandboxes hold mount, net, uts and ipc namespaces, not pid');
    const channel = await parent.relay(holdPrefix(kinds), { timeoutMs: 10_000, label: 'sandbox channel' });
    try {
      const pid = channel.pid;
      if (pid === undefined) throw new Error('sandbox channel: the lab container agent reported no pid for the sandbox agent');
      const links: LinkReader = async (paths) => {
        const r = await parent.run(['readlink', ...paths], { timeoutMs: 5_000 });
        return r.exitCode === 0 ? r.stdout.trim().split('\n') : undefined;
      };
      await untilSeparated(() => pid, kinds, links, `process ${pid} in the lab container to enter its own ${kinds.join(', ')} namespaces`, 5);
      return new AgentHolder(channel, pid, kinds);
    } catch (e) {
      channel.close();
      await channel.closed();
      throw e;
    }
  }

  run(argv: readonly string[], opts: ChannelExecOptions): Promise<ExecResult> {
    return this.channel.run(argv, opts);
  }

  file(op: FileOp, argv: readonly string[], input?: string): Promise<ExecResult> {
    return this.channel.file(op, argv, input);
  }

  /** Closing the channel makes the agent kill what it runs and exit; its death releases the namespaces. */
  async stop(): Promise<void> {
    this.channel.close();
    await this.channel.closed(5_000);
  }
}
