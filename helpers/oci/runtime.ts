import { formatArgv, succeeded, type ExecResult } from '../targets/exec.js';
import type { Target, TargetExecOptions } from '../targets/types.js';
import { waitFor } from '../wait.js';
import type { RunResult } from './outcome.js';
import { witnessedRun } from './witness.js';

interface ContainerState {
  readonly id: string;
  readonly pid: number;
  readonly status: string;
  readonly bundle: string;
}

export class ContainerTimeoutError extends Error {
  override name = 'ContainerTimeoutError';
}

export const RUN_TIMEOUT_MS = 20_000;

export interface RuncOptions {
  /** runc's state directory (`--root`); runc's own default when absent. */
  readonly root?: string;
  /** Wraps every invocation, e.g. to run it in the grader's private mount namespace. */
  readonly wrap?: (argv: readonly string[]) => string[];
}

/** runc driven through the target, with absolute bundle paths (the lesson's `cd` is `--bundle`). */
export class Runc {
  constructor(
    private readonly t: Target,
    readonly binary = 'runc',
    private readonly opts: RuncOptions = {},
    /** What the runtime calls itself ("crun 1.8.1"), for messages and errata; the binary until the launcher asked. */
    readonly label = binary,
  ) {}

  /** The runtime's own name ("runc", "crun"). */
  get name(): string {
    return this.label.split(' ')[0] ?? this.binary;
  }

  /** One invocation: the binary, its global flags (`--root` first), then `args`. */
  argv(...args: string[]): string[] {
    const argv = [this.binary, ...(this.opts.root !== undefined ? ['--root', this.opts.root] : []), ...args];
    return this.opts.wrap ? this.opts.wrap(argv) : argv;
  }

  /** Exercise 2 Step 1's `runc spec`; its outcome is judged by the caller (Bundle.create). */
  spec(bundleDir: string): Promise<ExecResult> {
    return this.t.exec(this.argv('spec', '--bundle', bundleDir));
  }

  /** Foreground `runc run`; a container that never exits is killed, deleted and reported. */
  run(id: string, bundleDir: string, timeoutMs = RUN_TIMEOUT_MS): Promise<RunResult> {
    return this.runArgv(id, bundleDir, this.argv('run', '--bundle', bundleDir, id), { timeoutMs });
  }

  /**
   * Any foreground invocation that starts `id` from the bundle in `bundleDir` (the lesson's own
   * `runc run` in the bundle directory, or one as another user), observed by the witness: the
   * result says whether the runtime started the container, not only what it printed.
   */
  async runArgv(id: string, bundleDir: string, argv: readonly string[], opts: TargetExecOptions = {}): Promise<RunResult> {
    const timeoutMs = opts.timeoutMs ?? RUN_TIMEOUT_MS;
    const r = await witnessedRun(this.t, bundleDir, () => this.t.exec(argv, { ...opts, timeoutMs }), opts);
    if (r.timedOut) {
      await this.delete(id);
      throw new ContainerTimeoutError(`container "${id}" was still running after ${timeoutMs} ms (${formatArgv(argv)}); it was killed and deleted`);
    }
    return r;
  }

  /**
   * `runc run -d`: the container keeps runc's stdio open, so output is discarded and runc's own
   * errors go to a log file. Some targets return before runc does (docker exec --detach), so the
   * outcome is read back: the pid file on success, an error line in the log on failure. A runtime
   * that reports success but writes no pid file leaves `pid` undefined (with a note in `log`).
   */
  async runDetached(id: string, bundleDir: string): Promise<{ result: ExecResult; pid: number | undefined; log: string }> {
    const logFile = `/tmp/runc-${id}.log`;
    const pidFile = `/tmp/runc-${id}.pid`;
    const argv = this.argv('--log', logFile, 'run', '--detach', '--pid-file', pidFile, '--bundle', bundleDir, id);
    const result = await this.t.exec(argv, { discardOutput: true });
    let pid: number | undefined;
    let log = '';
    const what = `runc to start "${id}" (${formatArgv(argv)})`;
    try {
      await waitFor(
        async () => {
          const p = await this.t.read(pidFile);
          const n = Number(p.stdout.trim());
          if (p.exitCode === 0 && Number.isInteger(n) && n > 0) {
            pid = n;
            return true;
          }
          log = (await this.t.read(logFile)).stdout;
          return !succeeded(result) || /level=(error|fatal)/.test(log);
        },
        { timeoutMs: RUN_TIMEOUT_MS, intervalMs: 50, what },
      );
    } catch (e) {
      log += `\n${(e as Error).message}: the runtime wrote no pid file to ${pidFile}`;
    }
    return { result, pid, log };
  }

  /**
   * `runc create`: every namespace set up, the init waiting before the program is executed (the
   * grader's probe never starts it). The init keeps runc's stdio, so runc logs to a file.
   */
  create(id: string, bundleDir: string, files: { readonly pidFile: string; readonly logFile: string }): Promise<ExecResult> {
    return this.t.exec(this.argv('--log', files.logFile, 'create', '--pid-file', files.pidFile, '--bundle', bundleDir, id), { discardOutput: true });
  }

  async state(id: string): Promise<ContainerState | undefined> {
    const r = await this.t.exec(this.argv('state', id));
    return r.exitCode === 0 ? (JSON.parse(r.stdout) as ContainerState) : undefined;
  }

  /**
   * The runtime's own list. Not a promise of the lesson: runc 1.3 fails (`open /run/runc: no such
   * file or directory`) where no container was ever made, runc 1.1 creates the directory and lists
   * nothing. A state directory that does not exist is an empty list; any other failure is
   * `undefined`, for the caller to judge (it is a claim, the kernel is asked for proof).
   */
  async list(): Promise<string[] | undefined> {
    const r = await this.t.exec(this.argv('list', '-q'));
    if (r.exitCode === 0) return r.stdout.split('\n').filter(Boolean);
    return /no such file or directory/i.test(r.stderr) ? [] : undefined;
  }

  exec(id: string, argv: readonly string[]): Promise<ExecResult> {
    return this.t.exec(this.argv('exec', id, ...argv), { timeoutMs: RUN_TIMEOUT_MS });
  }

  delete(id: string, force = true): Promise<ExecResult> {
    return this.t.exec(this.argv('delete', ...(force ? ['--force'] : []), id));
  }

  /** Deletes every container this runtime lists on the target (a target sees only its own). */
  async deleteAll(): Promise<void> {
    for (const id of (await this.list()) ?? []) await this.delete(id);
  }
}
