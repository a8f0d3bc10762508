import { execa, type ResultPromise } from 'execa';
import { readlinkSync } from 'node:fs';
import { homedir } from 'node:os';
import { runArgv, type ExecResult } from './exec.js';
import { waitFor } from '../wait.js';
import { BaseTarget } from './base.js';
import type { TargetExecOptions } from './types.js';

const SANDBOX_FS_LABEL = 'lesson06-sandbox';

function sandboxHome(): string {
  const h = homedir();
  // Mounting a tmpfs on "/" (or a path that is not a plain home) would be absurd, so fall back.
  return h.startsWith('/') && h !== '/' && !h.startsWith('/run') && !h.startsWith('/tmp') ? h : '/root';
}

/**
 * A throwaway `unshare --mount --net` namespace per test. Private tmpfs on /run, /tmp and the
 * lesson's home make `ip netns add`, runc state and bundles invisible to the machine, so lesson-exact
 * names can be used by many tests at once.
 */
export class SandboxTarget extends BaseTarget {
  readonly kind = 'sandbox' as const;
  readonly home = sandboxHome();
  #holder: ResultPromise | undefined;
  #pid = 0;

  get pid(): number {
    return this.#pid;
  }

  /**
   * `privateDirs` defaults to /run, /tmp and the lesson's home. A sandbox that must still see
   * the real /tmp and home (a grader process started inside it) keeps only /run private.
   */
  static async start(opts: { privateDirs?: readonly string[] } = {}): Promise<SandboxTarget> {
    const t = new SandboxTarget();
    await t.#start(opts.privateDirs ?? ['/run', '/tmp', t.home]);
    return t;
  }

  async #start(privateDirs: readonly string[]): Promise<void> {
    // pdeathsig: if this worker dies (even by SIGKILL) the holder dies with it, releasing the sandbox.
    const holder = execa('setpriv', ['--pdeathsig', 'KILL', '--', 'unshare', '--mount', '--net', '--propagation', 'private', '--', 'sleep', 'infinity'], {
      stdio: 'ignore',
      reject: false,
    });
    this.#holder = holder;
    if (holder.pid === undefined) throw new Error('sandbox: unshare could not be started (is util-linux installed?)');
    this.#pid = holder.pid;
    // Mounting before the holder has left our namespaces would cover the real /run, /tmp and home.
    const own = (ns: string): string => readlinkSync(`/proc/self/ns/${ns}`);
    const separated = (): boolean => {
      try {
        return ['net', 'mnt'].every((ns) => readlinkSync(`/proc/${this.#pid}/ns/${ns}`) !== own(ns));
      } catch {
        return false;
      }
    };
    await waitFor(separated, {
      timeoutMs: 5_000,
      what: `sandbox process ${this.#pid} to enter its own network and mount namespaces`,
    });
    for (const dir of privateDirs) {
      await this.must(['mount', '-t', 'tmpfs', '-o', dir === '/tmp' ? 'mode=1777' : 'mode=755', SANDBOX_FS_LABEL, dir]);
    }
    // A real host has loopback up; a fresh namespace does not.
    await this.must(['ip', 'link', 'set', 'lo', 'up']);
  }

  protected rawExec(argv: readonly string[], opts: TargetExecOptions): Promise<ExecResult> {
    const who: string[] = [];
    if (opts.gid !== undefined) who.push('--setgid', String(opts.gid));
    if (opts.uid !== undefined) who.push('--setuid', String(opts.uid));
    const wrapped = ['nsenter', '-t', String(this.#pid), '--mount', '--net', ...who, '--', ...argv];
    const { uid: _u, gid: _g, ...rest } = opts;
    // A new session: no controlling terminal, so runc behaves the same from a TTY and from CI.
    return runArgv(wrapped, { ...rest, newSession: true }).then((r) => ({ ...r, argv: [...argv] }));
  }

  async dispose(): Promise<void> {
    if (this.#holder === undefined) return;
    try {
      // Namespaces and mounts die with the holder; only runc containers outlive it, so only they are deleted.
      await this.removeContainers();
    } finally {
      // Only the holder we started, by its PID; its death releases the private mounts.
      this.#holder.kill('SIGKILL');
      await this.#holder;
      this.#holder = undefined;
    }
  }
}
