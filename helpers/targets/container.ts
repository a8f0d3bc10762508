import type { PrivilegeMode } from '../run-config.js';
import { waitFor } from '../wait.js';
import type { ExecChannel } from './channel.js';
import { openExecChannel, removeContainer } from './docker.js';
import type { ExecOptions, ExecResult } from './exec.js';
import type { TargetExecOptions } from './types.js';
import type { NamespaceKind } from './holder.js';
import { startLabContainer, type LabContainerSpec } from './lab-container.js';
import type { Holder, SandboxHost } from './sandbox.js';

/**
 * A namespace holder inside a lab container: the same `setpriv --pdeathsig KILL unshare … sleep
 * infinity` the sandbox target uses, started by the container's agent (so it dies with the
 * agent), ended by its pid. Pids are the container's own; nsenter runs inside the container too.
 */
class ChannelHolder implements Holder {
  private constructor(
    private readonly channel: ExecChannel,
    readonly pid: number,
    readonly kinds: readonly NamespaceKind[],
  ) {}

  static async start(channel: ExecChannel, kinds: readonly NamespaceKind[]): Promise<ChannelHolder> {
    // A pid namespace needs unshare --fork and the child's pid: only grading's hostile labs use one, never on this target.
    if (kinds.includes('pid')) throw new Error('lab container sandboxes hold mount, net, uts and ipc namespaces, not pid');
    const flags = kinds.map((k) => `--${k}`);
    const pid = await channel.start([
      'setpriv',
      '--pdeathsig',
      'KILL',
      '--',
      'unshare',
      ...flags,
      '--propagation',
      'private',
      '--',
      'sleep',
      'infinity',
    ]);
    const h = new ChannelHolder(channel, pid, kinds);
    const names = kinds.map((k) => (k === 'mount' ? 'mnt' : k));
    // Mounting before the holder has left the container's namespaces would cover the container's own directories.
    await waitFor(
      async () => {
        const r = await channel.run(['readlink', ...names.map((n) => `/proc/${pid}/ns/${n}`), ...names.map((n) => `/proc/self/ns/${n}`)], {
          timeoutMs: 5_000,
        });
        const links = r.stdout.trim().split('\n');
        return r.exitCode === 0 && names.every((_, i) => links[i] !== links[i + names.length]);
      },
      { timeoutMs: 5_000, intervalMs: 5, what: `process ${pid} in the lab container to enter its own ${kinds.join(', ')} namespaces` },
    );
    return h;
  }

  /** nsenter through the container's channel: the sandbox's pids and namespaces are the container's. */
  run(argv: readonly string[], opts: TargetExecOptions): Promise<ExecResult> {
    const who: string[] = [];
    if (opts.gid !== undefined) who.push('--setgid', String(opts.gid));
    if (opts.uid !== undefined) who.push('--setuid', String(opts.uid));
    const { uid: _u, gid: _g, ...rest } = opts;
    const entered = ['nsenter', '-t', String(this.pid), ...this.kinds.map((k) => `--${k}`), ...who, '--', ...argv];
    return this.channel.run(entered, rest).then((r) => {
      // nsenter reports a program it cannot execute as exit 127 and one line; the sandbox target's
      // agent, like execa, as a spawn error: the same outcome on both targets.
      const m = r.exitCode === 127 ? /^nsenter: failed to execute (.*): ([^\n]*)\n?$/.exec(r.stderr) : null;
      return m ? { ...r, argv: [...argv], exitCode: undefined, stderr: '', spawnError: `${m[2]}: ${m[1]}` } : { ...r, argv: [...argv] };
    });
  }

  stop(): Promise<void> {
    return this.channel.kill(this.pid);
  }
}

/**
 * One lab container per vitest worker: started once, removed when the worker ends, labelled with
 * the run (so the sweep finds it after Ctrl-C or kill -9). Each test gets its own sandbox inside
 * it; every command goes through one long-lived channel (see channel.ts), not an Engine API exec.
 */
export class LabContainer implements SandboxHost {
  readonly kind = 'container' as const;
  readonly home = '/root';
  readonly ownNetns = "the target's own namespace";

  private constructor(
    readonly id: string,
    private readonly channel: ExecChannel,
  ) {}

  static async start(spec: LabContainerSpec, mode: PrivilegeMode): Promise<LabContainer> {
    const id = await startLabContainer(spec, mode);
    try {
      return new LabContainer(id, await openExecChannel(id));
    } catch (e) {
      await removeContainer(id);
      throw e;
    }
  }

  hold(kinds: readonly NamespaceKind[]): Promise<Holder> {
    return ChannelHolder.start(this.channel, kinds);
  }

  run(argv: readonly string[], opts: Omit<ExecOptions, 'cwd' | 'uid' | 'gid'>): Promise<ExecResult> {
    return this.channel.run(argv, opts);
  }

  async stop(): Promise<void> {
    // The agent kills what it started when its stdin closes; removing the container ends the rest.
    this.channel.close();
    await this.channel.closed();
    await removeContainer(this.id);
  }
}
