import { execa, type ResultPromise } from 'execa';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { cutNote, DEFAULT_TIMEOUT_MS, type ExecOptions, type ExecResult } from './exec.js';

/** The agent's source (agent.pl beside this file); it travels in argv, so no image holds a stale copy. */
const AGENT = readFileSync(new URL('./agent.pl', import.meta.url), 'utf8');

/** How long the agent may take to answer beyond a command's own timeout before the channel counts as broken. */
const ANSWER_GRACE_MS = 10_000;

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, n]) => [n, name]));

interface Answer {
  readonly kind: string;
  readonly value: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  /** Bytes an output cap read and dropped. */
  readonly outCut: number;
  readonly errCut: number;
}

/** What agent.pl does to a file itself (see its F request). */
export type FileOp =
  | { readonly kind: 'read' | 'write' | 'remove' | 'exists' | 'inode' | 'readlink' | 'mkdir'; readonly path: string }
  | { readonly kind: 'chmod'; readonly path: string; readonly mode: string }
  | {
      readonly kind: 'mount';
      readonly path: string;
      readonly fstype: string;
      readonly source: string;
      readonly options: string;
      readonly syscall: number | undefined;
    }
  /** The interface `path` names, set up (loopback in a new sandbox). */
  | { readonly kind: 'up'; readonly path: string }
  /** The file `path` read in the network namespace `netns` names, by setns(2) and back. */
  | { readonly kind: 'netread'; readonly path: string; readonly netns: string; readonly syscall: number | undefined };

/**
 * The syscall numbers the agent uses instead of a program or Perl's POSIX module, for the
 * architectures the harness knows (x86_64, arm64). Elsewhere there are none: a sandbox mounts with
 * the mount command, reads another namespace with nsenter + cat, and the agent loads POSIX.
 */
const SYSCALLS = (
  { x64: { mount: 165, setns: 308, setsid: 112 }, arm64: { mount: 40, setns: 268, setsid: 157 } } as Record<
    string,
    { readonly mount: number; readonly setns: number; readonly setsid: number }
  >
)[process.arch];
export const MOUNT_SYSCALL: number | undefined = SYSCALLS?.mount;
export const SETNS_SYSCALL: number | undefined = SYSCALLS?.setns;

/** The agent's arguments: syscall numbers it may use instead of loading POSIX (see agent.pl). */
const AGENT_ARGS: readonly string[] = SYSCALLS ? [`setsid=${SYSCALLS.setsid}`] : [];

const opFields = (op: FileOp): string[] => {
  switch (op.kind) {
    case 'chmod':
      return [op.kind, op.path, op.mode];
    case 'mount':
      return [op.kind, op.path, op.fstype, op.source, op.options, String(op.syscall ?? '')];
    case 'netread':
      return [op.kind, op.path, op.netns, String(op.syscall ?? '')];
    default:
      return [op.kind, op.path];
  }
};

/** Options of one command through the channel: those of runArgv, less the working directory. */
export type ChannelExecOptions = Omit<ExecOptions, 'cwd'>;

interface Pending {
  readonly resolve: (a: Answer) => void;
  readonly reject: (e: Error) => void;
}

const field = (s: string): Buffer => {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from(`${b.length}:`), b]);
};

/** The byte stream an agent talks over: an agent process's own stdio, or one relayed by another agent. */
interface Transport {
  /** The agent's pid where it runs (this machine, or the lab container that relays it). */
  readonly pid: number | undefined;
  write(b: Buffer): void;
  /** Ends the agent's stdin: the agent then kills what it started and exits. */
  end(): void;
  /** Ends the agent by force (by its pid). */
  kill(): void;
  /** Resolves once the agent has ended. */
  readonly done: Promise<void>;
}

interface TransportEvents {
  readonly data: (chunk: Buffer) => void;
  readonly closed: (why: string) => void;
}

type AgentProcess = ResultPromise<{ buffer: false; reject: false; stdin: 'pipe' }>;

/** An agent process started here, talking over its own stdin and stdout. */
function processTransport(proc: AgentProcess, label: string, on: TransportEvents): Transport {
  let stderr = '';
  proc.stdout.on('data', on.data);
  proc.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-2000)));
  proc.stdin.on('error', (e) => on.closed(`${label}: cannot write to ${proc.spawnargs[0] ?? 'the agent'}: ${e.message}`));
  const done = proc.then((r) => {
    const how = r.signal ? `killed by ${r.signal}` : r.exitCode === undefined ? `could not start: ${r.shortMessage}` : `exit code ${r.exitCode}`;
    on.closed(`${label} closed (${proc.spawnargs[0] ?? 'agent'} ${how})${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
  });
  return {
    pid: proc.pid,
    write: (b) => proc.stdin.write(b),
    end: () => proc.stdin.end(),
    kill: () => proc.kill('SIGKILL'),
    done,
  };
}

/** A stream's answers from the agent that relays it (a P request): its pid, its stdout as it comes, then how it ended. */
interface StreamListener {
  readonly pid: (pid: number) => void;
  readonly data: (chunk: Buffer) => void;
  readonly end: (a: Answer | Error) => void;
}

/**
 * One long-lived command channel: a single agent.pl, which forks each command where it runs and
 * answers with its exit status and output. Into a lab container it is one `docker exec -i` (one
 * Engine API round trip per container instead of one per command); a sandbox's channel is the
 * agent that holds the sandbox's namespaces (one fork+exec per command, no nsenter), started
 * here or, in a lab container, by the container's agent, which relays its bytes. Many commands
 * may be in flight at once (the agent multiplexes them).
 */
export class ExecChannel {
  #transport!: Transport;
  /** Names the channel in its errors ("lab container channel", "sandbox channel"). */
  readonly #label: string;
  readonly #pending = new Map<number, Pending>();
  readonly #streams = new Map<number, StreamListener>();
  #seq = 0;
  #buffer: Buffer = Buffer.alloc(0);
  #broken: Error | undefined;

  private constructor(label: string) {
    this.#label = label;
  }

  /** The pid of the agent's process where it runs (the first word of its prefix). */
  get pid(): number | undefined {
    return this.#transport.pid;
  }

  /** Waits for the agent's first answer; a channel that never answers is closed and thrown away. */
  async #ready(timeoutMs: number): Promise<number> {
    const ready = new Promise<Answer>((resolve, reject) => this.#pending.set(0, { resolve, reject }));
    const timer = setTimeout(() => this.#break(new Error(`${this.#label}: the agent did not answer within ${timeoutMs} ms`)), timeoutMs);
    try {
      const a = await ready;
      if (a.kind !== 'ready') throw new Error(`${this.#label}: unexpected first answer "${a.kind}"`);
      return a.value;
    } catch (e) {
      this.close();
      await this.closed();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * An agent started by this channel's agent (`prefix` then agent.pl, where this agent runs), its
   * bytes relayed by this agent: a lab container's sandbox gets its own agent without a process
   * or an Engine API call on this side. Resolves with the new channel and its agent's pid there.
   */
  async relay(prefix: readonly string[], opts: { timeoutMs?: number; label?: string } = {}): Promise<ExecChannel> {
    const { timeoutMs = 30_000, label = 'relayed channel' } = opts;
    const argv = [...prefix, 'perl', '-e', AGENT, ...AGENT_ARGS];
    const inner = new ExecChannel(label);
    const { id, answer } = this.#request('P', [0, 0, argv.length], Buffer.concat(argv.map(field)));
    let pid: number | undefined;
    let finished = false;
    let onEnd: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (onEnd = resolve));
    this.#pending.delete(id);
    void answer.catch(() => undefined);
    this.#streams.set(id, {
      pid: (p) => (pid = p),
      data: (chunk) => inner.#onData(chunk),
      end: (a) => {
        finished = true;
        onEnd();
        const how =
          a instanceof Error
            ? a.message
            : a.kind === 'exit'
              ? `exit code ${a.value}`
              : a.kind === 'signal'
                ? `killed by signal ${a.value}`
                : `${a.kind} ${a.value}`;
        const err = a instanceof Error ? '' : a.stderr.toString('utf8').trim();
        inner.#break(new Error(`${label} closed (${argv[0] ?? 'agent'} ${how})${err ? `: ${err}` : ''}`));
      },
    });
    inner.#transport = {
      get pid() {
        return pid;
      },
      write: (b) => {
        if (!finished) this.#send('W', id, [0, 0, 0], b);
      },
      end: () => {
        if (!finished && this.#broken === undefined) this.#send('W', id, [1, 0, 0]);
      },
      kill: () => {
        if (!finished && this.#broken === undefined) this.#send('T', id, [0, 0, 0]);
      },
      done,
    };
    await inner.#ready(timeoutMs);
    return inner;
  }

  /**
   * The agent started through `prefix` (`docker exec -i <id>`, from docker.ts; `setpriv … unshare …`: a sandbox's
   * holder; empty: on this machine, for selftest).
   */
  static async through(prefix: readonly string[], opts: { timeoutMs?: number; label?: string; cwd?: string } = {}): Promise<ExecChannel> {
    const { timeoutMs = 30_000, label = 'lab container channel', cwd } = opts;
    const [file = 'perl', ...args] = [...prefix, 'perl', '-e', AGENT, ...AGENT_ARGS];
    const proc = execa(file, args, { buffer: false, reject: false, stdin: 'pipe', cwd });
    const ch = new ExecChannel(label);
    ch.#transport = processTransport(proc, label, { data: (chunk) => ch.#onData(chunk), closed: (why) => ch.#break(new Error(why)) });
    await ch.#ready(timeoutMs);
    return ch;
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const nl = this.#buffer.indexOf(10);
      if (nl < 0) return;
      const m = /^R (\d+) ([a-z]+) (-?\d+) (\d+) (\d+) (\d+) (\d+)$/.exec(this.#buffer.subarray(0, nl).toString('latin1'));
      if (!m)
        return this.#break(
          new Error(`${this.#label}: garbled answer ${JSON.stringify(this.#buffer.subarray(0, Math.min(nl, 80)).toString('latin1'))}`),
        );
      const outLen = Number(m[4]);
      const errLen = Number(m[5]);
      const end = nl + 1 + outLen + errLen;
      if (this.#buffer.length < end) return;
      const answer: Answer = {
        kind: m[2] ?? '',
        value: Number(m[3]),
        stdout: this.#buffer.subarray(nl + 1, nl + 1 + outLen),
        stderr: this.#buffer.subarray(nl + 1 + outLen, end),
        outCut: Number(m[6]),
        errCut: Number(m[7]),
      };
      this.#buffer = this.#buffer.subarray(end);
      const id = Number(m[1]);
      const stream = this.#streams.get(id);
      if (stream) {
        if (answer.kind === 'data') stream.data(answer.stdout);
        else if (answer.kind === 'pid') stream.pid(answer.value);
        else {
          this.#streams.delete(id);
          stream.end(answer);
        }
        continue;
      }
      const p = this.#pending.get(id);
      this.#pending.delete(id);
      p?.resolve(answer);
    }
  }

  #break(e: Error): void {
    this.#broken ??= e;
    for (const p of this.#pending.values()) p.reject(this.#broken);
    this.#pending.clear();
    // Relayed agents end with the agent that relays them.
    for (const st of this.#streams.values()) st.end(this.#broken);
    this.#streams.clear();
  }

  #send(op: string, id: number, nums: readonly [number, number, number], payload: Buffer = Buffer.alloc(0)): void {
    this.#transport.write(Buffer.concat([Buffer.from(`${op} ${id} ${nums.join(' ')} ${payload.length}\n`), payload]));
  }

  #request(op: string, nums: readonly [number, number, number], payload?: Buffer): { id: number; answer: Promise<Answer> } {
    if (this.#broken) throw this.#broken;
    const id = ++this.#seq;
    const answer = new Promise<Answer>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#send(op, id, nums, payload);
    return { id, answer };
  }

  /**
   * Runs argv where the agent runs; resolves with the outcome whatever the exit code, as runArgv
   * does, with the same timeout, output cap and (as nsenter --setuid/--setgid) user and group.
   */
  async run(argv: readonly string[], opts: ChannelExecOptions = {}): Promise<ExecResult> {
    const started = performance.now();
    const env = Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`);
    const who = opts.uid !== undefined || opts.gid !== undefined;
    const flags =
      (opts.discardOutput ? 1 : 0) |
      (opts.newSession ? 2 : 0) |
      (opts.input !== undefined ? 4 : 0) |
      (opts.maxOutputBytes !== undefined ? 8 : 0) |
      (who ? 16 : 0);
    const payload = Buffer.concat([
      ...env.map(field),
      ...argv.map(field),
      ...(opts.maxOutputBytes !== undefined ? [field(String(Math.max(0, Math.floor(opts.maxOutputBytes))))] : []),
      ...(who ? [field(`${opts.uid ?? -1} ${opts.gid ?? -1}`)] : []),
      ...(opts.input !== undefined ? [Buffer.from(opts.input, 'utf8')] : []),
    ]);
    const { id, answer } = this.#request('X', [flags, env.length, argv.length], payload);
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // The agent has no clock of its own: this side decides when a command has run too long.
    const kill = setTimeout(() => this.#send('T', id, [0, 0, 0]), timeoutMs);
    const guard = setTimeout(
      () => this.#break(new Error(`${this.#label}: no answer for "${argv.join(' ')}" ${ANSWER_GRACE_MS} ms after its ${timeoutMs} ms timeout`)),
      timeoutMs + ANSWER_GRACE_MS,
    );
    try {
      const a = await answer;
      const text = (b: Buffer, cut: number): string => b.toString('utf8') + (cut > 0 ? cutNote(cut) : '');
      const base = {
        argv: [...argv],
        durationMs: Math.round(performance.now() - started),
        stdout: text(a.stdout, a.outCut),
        stderr: text(a.stderr, a.errCut),
      };
      switch (a.kind) {
        case 'exit':
          return { ...base, exitCode: a.value, signal: undefined, timedOut: false, spawnError: undefined };
        case 'signal':
          return { ...base, exitCode: undefined, signal: SIGNAL_NAMES.get(a.value) ?? `signal ${a.value}`, timedOut: false, spawnError: undefined };
        case 'timeout':
          return { ...base, exitCode: undefined, signal: 'SIGKILL', timedOut: true, spawnError: undefined };
        case 'spawn':
          return { ...base, stderr: '', exitCode: undefined, signal: undefined, timedOut: false, spawnError: base.stderr || `errno ${a.value}` };
        default:
          throw new Error(`${this.#label}: unexpected answer "${a.kind}" to a command`);
      }
    } finally {
      clearTimeout(kill);
      clearTimeout(guard);
    }
  }

  /**
   * A file operation the agent does itself, without starting a process (agent.pl's F request);
   * answered as `equivalent` (the command that would do the same) would have been: exit 0 with a
   * read's bytes as stdout, or exit 1 with "<path>: <error>". Regular files only.
   */
  async file(op: FileOp, equivalent: readonly string[], data = ''): Promise<ExecResult> {
    const started = performance.now();
    const fields = opFields(op);
    const { answer } = this.#request('F', [0, 0, fields.length], Buffer.concat([...fields.map(field), Buffer.from(data, 'utf8')]));
    const guard = setTimeout(
      () => this.#break(new Error(`${this.#label}: no answer to its own ${op.kind} of ${op.path} within ${DEFAULT_TIMEOUT_MS} ms`)),
      DEFAULT_TIMEOUT_MS,
    );
    try {
      const a = await answer;
      if (a.kind !== 'exit') throw new Error(`${this.#label}: ${a.kind} answer to its own ${op.kind}: ${a.stderr.toString('utf8')}`);
      return {
        argv: [...equivalent],
        durationMs: Math.round(performance.now() - started),
        stdout: a.stdout.toString('utf8'),
        stderr: a.stderr.toString('utf8'),
        exitCode: a.value,
        signal: undefined,
        timedOut: false,
        spawnError: undefined,
        byAgent: true,
      };
    } finally {
      clearTimeout(guard);
    }
  }

  /** Closing stdin makes the agent kill everything it started and exit. */
  close(): void {
    this.#transport.end();
    this.#break(new Error(`${this.#label} was closed`));
  }

  /** Resolves when the agent's process has ended (after close); kills it, by its pid, if it does not end in time. */
  async closed(timeoutMs = 10_000): Promise<void> {
    const timer = setTimeout(() => this.#transport.kill(), timeoutMs);
    try {
      await this.#transport.done;
    } finally {
      clearTimeout(timer);
    }
  }
}
