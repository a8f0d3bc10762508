import { runArgv, type ExecResult } from './exec.js';
import { BaseTarget } from './base.js';
import { NamespaceHolder } from './holder.js';
import type { TargetExecOptions } from './types.js';

/** Says why argv must not run on the student's machine, or undefined when it may. */
export type CommandGuard = (argv: readonly string[]) => string | undefined;

class ReadOnlyViolation extends Error {
  override name = 'ReadOnlyViolation';
}

/**
 * The machine itself, behind a guard the caller supplies (grading passes its read-only guard):
 * every argv is checked before it runs. `privateMounts` gives a mount namespace of the caller's
 * own (network shared with the host) for mounts that must never appear on the machine.
 */
export class HostTarget extends BaseTarget {
  readonly kind = 'host' as const;
  readonly ownNetns = "the target's own namespace";
  /** The student's machine: its counters are not the harness's to interpret. */
  readonly readsLateReplies = false;
  #mounts: NamespaceHolder | undefined;

  constructor(
    readonly home: string,
    private readonly guard: CommandGuard,
  ) {
    super();
  }

  protected rawExec(argv: readonly string[], opts: TargetExecOptions): Promise<ExecResult> {
    const why = this.guard(argv);
    if (why !== undefined) throw new ReadOnlyViolation(`refused to run "${argv.join(' ')}" on this machine: ${why}`);
    return runArgv(argv, opts);
  }

  /** argv wrapped to run in the private mount namespace (started on first use). */
  async privateMounts(): Promise<(argv: readonly string[]) => string[]> {
    this.#mounts ??= await NamespaceHolder.start(['mount']);
    const holder = this.#mounts;
    return (argv) => holder.enter(argv);
  }

  async dispose(): Promise<void> {
    await this.#mounts?.stop();
    this.#mounts = undefined;
  }
}
