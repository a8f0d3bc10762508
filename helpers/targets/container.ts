import type { PrivilegeMode } from '../run-config.js';
import type { ExecChannel } from './channel.js';
import { openExecChannel, removeContainer } from './docker.js';
import type { ExecOptions, ExecResult } from './exec.js';
import { AgentHolder, type NamespaceKind } from './holder.js';
import type { LabContainerSpec } from './lab-container.js';
import type { Holder, SandboxHost } from './sandbox.js';

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
    // Loaded here: testcontainers costs about a CPU-second to import, and a worker that adopts a warm container needs none of it.
    const { startLabContainer } = await import('./lab-container.js');
    return LabContainer.adopt(await startLabContainer(spec, mode));
  }

  /** A lab container started already (by the launcher, for this worker to claim): this worker's from now on. */
  static async adopt(id: string): Promise<LabContainer> {
    try {
      return new LabContainer(id, await openExecChannel(id));
    } catch (e) {
      await removeContainer(id);
      throw e;
    }
  }

  hold(kinds: readonly NamespaceKind[]): Promise<Holder> {
    return AgentHolder.relayed(this.channel, kinds);
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
