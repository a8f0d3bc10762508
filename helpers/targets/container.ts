import type { StartedTestContainer } from 'testcontainers';
import type { PrivilegeMode } from '../run-config.js';
import { DEFAULT_TIMEOUT_MS, runArgv, type ExecResult } from './exec.js';
import { BaseTarget } from './base.js';
import { startLabContainer, type LabContainerSpec } from './lab-container.js';
import type { TargetExecOptions } from './types.js';

/** One privileged lab container per test, driven with `docker exec` (argv, stdin when needed). */
export class ContainerTarget extends BaseTarget {
  readonly kind = 'container' as const;
  readonly home = '/root';
  #container: StartedTestContainer | undefined;

  static async start(spec: LabContainerSpec, mode: PrivilegeMode): Promise<ContainerTarget> {
    const t = new ContainerTarget();
    t.#container = await startLabContainer(spec, mode);
    await t.must(['ip', 'link', 'set', 'lo', 'up']);
    return t;
  }

  protected rawExec(argv: readonly string[], opts: TargetExecOptions): Promise<ExecResult> {
    if (!this.#container) throw new Error('lab container is not running');
    // The Engine API is about twice as fast as the CLI; the CLI stays for stdin and --detach.
    return opts.input !== undefined || opts.discardOutput ? this.#cliExec(this.#container, argv, opts) : this.#apiExec(this.#container, argv, opts);
  }

  async #apiExec(c: StartedTestContainer, argv: readonly string[], opts: TargetExecOptions): Promise<ExecResult> {
    const started = performance.now();
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const user = opts.uid !== undefined ? `${opts.uid}:${opts.gid ?? opts.uid}` : undefined;
    const run = c.exec([...argv], { env: { ...opts.env }, ...(user ? { user } : {}) });
    try {
      const r = await Promise.race([run, timeout]);
      const durationMs = Math.round(performance.now() - started);
      if (r === 'timeout') {
        run.catch(() => undefined);
        return { argv: [...argv], exitCode: undefined, signal: undefined, timedOut: true, stdout: '', stderr: '', durationMs, spawnError: undefined };
      }
      // 126/127 from the engine mean "not executable"/"not found", as a shell would report.
      return { argv: [...argv], exitCode: r.exitCode, signal: undefined, timedOut: false, stdout: r.stdout, stderr: r.stderr, durationMs, spawnError: undefined };
    } finally {
      clearTimeout(timer);
    }
  }

  async #cliExec(c: StartedTestContainer, argv: readonly string[], opts: TargetExecOptions): Promise<ExecResult> {
    const flags: string[] = [];
    if (opts.input !== undefined) flags.push('--interactive');
    // A detached runc container would hold docker exec's streams open forever; -d returns at once.
    if (opts.discardOutput) flags.push('--detach');
    if (opts.uid !== undefined) flags.push('--user', `${opts.uid}:${opts.gid ?? opts.uid}`);
    for (const [k, v] of Object.entries(opts.env ?? {})) flags.push('--env', `${k}=${v}`);
    const { uid: _u, gid: _g, env: _e, ...rest } = opts;
    const r = await runArgv(['docker', 'exec', ...flags, c.getId(), ...argv], rest);
    return { ...r, argv: [...argv] };
  }

  async dispose(): Promise<void> {
    if (!this.#container) return;
    // runc's cgroups live on the host's hierarchy: the runc fixture deletes its containers first.
    await this.#container.stop({ remove: true, timeout: 0 });
    this.#container = undefined;
  }
}
