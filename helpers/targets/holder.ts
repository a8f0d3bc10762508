import { execa, type ResultPromise } from 'execa';
import { readFileSync, readlinkSync } from 'node:fs';
import { waitFor } from '../wait.js';
import { ExecChannel, type ChannelExecOptions } from './channel.js';
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

/**
 * The pid whose namespaces commands use, once it is in all of them: `top` itself, or with a pid
 * namespace unshare's child once it runs `comm` (until then unshare may still be mounting its
 * /proc, and /proc/1 would be the machine's). Mounting before the process has left our
 * namespaces would cover the machine's own directories, so this waits on the kernel's word.
 */
async function heldPid(top: number, kinds: readonly NamespaceKind[], comm: string): Promise<number> {
  let pid = 0;
  const locate = (): boolean => {
    if (!kinds.includes('pid')) {
      pid = top;
      return true;
    }
    try {
      pid = Number(readFileSync(`/proc/${top}/task/${top}/children`, 'utf8').trim().split(' ')[0]) || 0;
      return pid > 0 && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm;
    } catch {
      pid = 0;
      return false;
    }
  };
  const separated = (): boolean => {
    try {
      return kinds.every((k) => readlinkSync(`/proc/${pid}/ns/${PROC_NAME[k]}`) !== readlinkSync(`/proc/self/ns/${PROC_NAME[k]}`));
    } catch {
      return false;
    }
  };
  await waitFor(() => locate() && separated(), { timeoutMs: 5_000, what: `process ${top} to enter its own ${kinds.join(', ')} namespaces` });
  return pid;
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
  enter(argv: readonly string[], who: readonly string[] = []): string[] {
    const flags = this.kinds.map((k) => `--${k}`);
    return ['nsenter', '-t', String(this.pid), ...flags, ...who, '--', ...argv];
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

  run(argv: readonly string[], opts: ChannelExecOptions): Promise<ExecResult> {
    return this.channel.run(argv, opts);
  }

  /** Closing the channel makes the agent kill what it runs and exit; its death releases the namespaces. */
  async stop(): Promise<void> {
    this.channel.close();
    await this.channel.closed(5_000);
  }
}
