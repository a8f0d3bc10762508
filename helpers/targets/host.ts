import { execa, type ResultPromise } from 'execa';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runArgv, type ExecResult } from './exec.js';
import { currentRunId } from './run-id.js';
import { readOnlyViolation, type GuardContext } from '../grade/guard.js';
import { waitFor } from '../wait.js';
import { BaseTarget } from './base.js';
import type { TargetExecOptions } from './types.js';

export class ReadOnlyViolation extends Error {
  override name = 'ReadOnlyViolation';
}

/**
 * The student's own machine, read-only. Commands run directly, but each argv must pass the
 * guard: reads anywhere, writes only in the grader's scratch directory, and runc only with its
 * own state root inside a private mount namespace (see `scratchNamespace`).
 */
export class HostTarget extends BaseTarget {
  readonly kind = 'host' as const;
  readonly home: string;
  readonly scratch: string;
  readonly guard: GuardContext;
  #holder: ResultPromise | undefined;
  #holderPid = 0;

  constructor(home: string, ownIdPrefix: string) {
    super();
    this.home = home;
    this.scratch = mkdtempSync(join(tmpdir(), `lesson06-grade-${currentRunId()}-`));
    this.guard = { scratch: this.scratch, ownIdPrefix };
  }

  protected rawExec(argv: readonly string[], opts: TargetExecOptions): Promise<ExecResult> {
    const why = readOnlyViolation(argv, this.guard);
    if (why !== undefined) throw new ReadOnlyViolation(`grading refused to run "${argv.join(' ')}": ${why}`);
    return runArgv(argv, opts);
  }

  /**
   * A mount namespace of the grader's own (net namespace shared with the host), so the
   * overlay over the student's rootfs and runc's mounts never appear on the machine.
   */
  async scratchNamespace(): Promise<(argv: readonly string[]) => string[]> {
    if (this.#holder === undefined) {
      const holder = execa('setpriv', ['--pdeathsig', 'KILL', '--', 'unshare', '--mount', '--propagation', 'private', '--', 'sleep', 'infinity'], {
        stdio: 'ignore',
        reject: false,
      });
      this.#holder = holder;
      this.#holderPid = holder.pid ?? 0;
      const own = readlinkSync('/proc/self/ns/mnt');
      await waitFor(
        () => {
          try {
            return readlinkSync(`/proc/${this.#holderPid}/ns/mnt`) !== own;
          } catch {
            return false;
          }
        },
        { timeoutMs: 5_000, what: 'the grader mount namespace' },
      );
    }
    return (argv) => ['nsenter', '-t', String(this.#holderPid), '--mount', '--', ...argv];
  }

  async dispose(): Promise<void> {
    try {
      if (this.#holder) {
        const enter = await this.scratchNamespace();
        const state = `${this.scratch}/runc`;
        const list = await this.exec(enter(['runc', '--root', state, 'list', '-q']));
        for (const id of list.stdout.split('\n').filter(Boolean)) await this.exec(enter(['runc', '--root', state, 'delete', '-f', id]));
        this.#holder.kill('SIGKILL');
        await this.#holder;
        this.#holder = undefined;
      }
    } finally {
      rmSync(this.scratch, { recursive: true, force: true });
    }
  }
}
