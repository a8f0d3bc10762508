import { execa, type ResultPromise } from 'execa';
import { readFileSync, readlinkSync } from 'node:fs';
import { waitFor } from '../wait.js';

export type NamespaceKind = 'mount' | 'net' | 'pid' | 'uts' | 'ipc' | 'cgroup';
const PROC_NAME: Record<NamespaceKind, string> = { mount: 'mnt', net: 'net', pid: 'pid', uts: 'uts', ipc: 'ipc', cgroup: 'cgroup' };

/**
 * A `sleep infinity` that holds fresh namespaces open; commands enter them with nsenter. Started
 * through `setpriv --pdeathsig KILL`, so it dies with the worker even after a SIGKILL, and ended
 * only by its own PID. Used by the sandbox target (mount + net) and grading (mount only).
 */
export class NamespaceHolder {
  readonly #process: ResultPromise;
  /** The process whose namespaces commands enter (with a pid namespace: unshare's child). */
  #pid = 0;

  private constructor(proc: ResultPromise, readonly kinds: readonly NamespaceKind[]) {
    this.#process = proc;
  }

  get pid(): number {
    return this.#pid;
  }

  static async start(kinds: readonly NamespaceKind[]): Promise<NamespaceHolder> {
    // --fork: a new pid namespace applies to children only, so the holder must be one.
    const fork = kinds.includes('pid') ? ['--fork', '--kill-child', '--mount-proc'] : [];
    const flags = kinds.map((k) => `--${k}`);
    const proc = execa('setpriv', ['--pdeathsig', 'KILL', '--', 'unshare', ...flags, ...fork, '--propagation', 'private', '--', 'sleep', 'infinity'], {
      stdio: 'ignore',
      reject: false,
    });
    if (proc.pid === undefined) throw new Error('namespace holder: unshare could not be started (is util-linux installed?)');
    const holder = new NamespaceHolder(proc, kinds);
    const top = proc.pid;
    // Mounting before the holder has left our namespaces would cover the machine's own directories.
    await waitFor(() => holder.#locate(top) && holder.#separated(), {
      timeoutMs: 5_000,
      what: `process ${proc.pid} to enter its own ${kinds.join(', ')} namespaces`,
    });
    return holder;
  }

  /** With a pid namespace only unshare's forked child (the `sleep`) lives in all the new namespaces. */
  #locate(top: number): boolean {
    if (!this.kinds.includes('pid')) {
      this.#pid = top;
      return true;
    }
    try {
      this.#pid = Number(readFileSync(`/proc/${top}/task/${top}/children`, 'utf8').trim().split(' ')[0]) || 0;
      // Until the child has exec'd sleep, unshare may still be mounting its /proc: /proc/1 would be the machine's.
      return this.#pid > 0 && readFileSync(`/proc/${this.#pid}/comm`, 'utf8').trim() === 'sleep';
    } catch {
      this.#pid = 0;
      return false;
    }
  }

  #separated(): boolean {
    try {
      return this.kinds
        .every((k) => readlinkSync(`/proc/${this.pid}/ns/${PROC_NAME[k]}`) !== readlinkSync(`/proc/self/ns/${PROC_NAME[k]}`));
    } catch {
      return false;
    }
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
