import { execa } from 'execa';
import { childEnv } from '../run-config.js';

/** One finished process, exactly as the transcript and the diagnosis need it. */
export interface ExecResult {
  readonly argv: readonly string[];
  readonly exitCode: number | undefined;
  readonly signal: string | undefined;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  /** Set when the binary could not be started at all (ENOENT, EACCES). */
  readonly spawnError: string | undefined;
  /**
   * The sandbox's agent did this file operation itself (no process ran); argv is the command
   * that does the same, as the transcript shows it.
   */
  readonly byAgent?: boolean;
}

export interface ExecOptions {
  readonly input?: string;
  readonly timeoutMs?: number;
  readonly cwd?: string;
  readonly uid?: number;
  readonly gid?: number;
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Do not capture stdout/stderr. Needed for `runc run --detach`: the container inherits
   * runc's stdio, so captured pipes would never close while it runs.
   */
  readonly discardOutput?: boolean;
  /** Start in a new session (setsid): no controlling terminal, so runc acts the same from a TTY and CI. */
  readonly newSession?: boolean;
  /**
   * Keep at most this many bytes of stdout and of stderr; the rest is read and counted, not kept,
   * so a flood of output neither blocks the process nor fills memory or a report.
   */
  readonly maxOutputBytes?: number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** The note that replaces what an output cap dropped. */
export const cutNote = (bytes: number): string => `\n… ${bytes} bytes cut`;

/** An execa transform that keeps the first `max` bytes of a stream and appends how many it dropped. */
function capStream(max: number) {
  let kept = 0;
  let cut = 0;
  return {
    binary: true,
    *transform(chunk: unknown) {
      const bytes = chunk as Uint8Array;
      const room = Math.max(0, max - kept);
      if (bytes.length > room) cut += bytes.length - room;
      if (room === 0) return;
      kept += Math.min(room, bytes.length);
      yield bytes.length > room ? bytes.subarray(0, room) : bytes;
    },
    *final() {
      if (cut > 0) yield cutNote(cut);
    },
  };
}

/** SIGKILL to the process group `pid` leads; one that is already gone is fine. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group has already ended.
  }
}

/** Runs argv (never a shell string) and resolves with the outcome; it does not throw on failure. */
export async function runArgv(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('runArgv: empty argv');
  const started = performance.now();
  const sink = (): 'ignore' | 'pipe' | ReturnType<typeof capStream> =>
    opts.discardOutput ? 'ignore' : opts.maxOutputBytes === undefined ? 'pipe' : capStream(opts.maxOutputBytes);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const group = opts.newSession ?? false;
  const child = execa(file, args, {
    reject: false,
    stdin: opts.input === undefined ? 'ignore' : 'pipe',
    stdout: sink(),
    stderr: sink(),
    input: opts.input,
    // A process in its own session leads its process group: the timeout below kills the group.
    ...(group ? {} : { timeout: timeoutMs }),
    // SIGKILL so a hung namespace tool cannot ignore the timeout.
    killSignal: 'SIGKILL',
    cwd: opts.cwd,
    detached: opts.newSession ?? false,
    uid: opts.uid,
    gid: opts.gid,
    // Never the caller's PATH, NODE_OPTIONS, LD_* …: whatever runs here may run as root.
    env: { ...childEnv(), ...opts.env },
    extendEnv: false,
    stripFinalNewline: false,
    encoding: 'utf8',
  });
  // The whole group, not only the process we started: a wrapper's children (a runtime behind a
  // shell script, the container it started) hold the output pipes open and would outlive the budget.
  let groupTimedOut = false;
  const timer = group
    ? setTimeout(() => {
        groupTimedOut = true;
        killGroup(child.pid);
      }, timeoutMs)
    : undefined;
  const result = await child.finally(() => clearTimeout(timer));
  const timedOut = result.timedOut || groupTimedOut;
  const spawnFailed = result.exitCode === undefined && !timedOut && result.signal === undefined;
  return {
    argv: [...argv],
    exitCode: timedOut ? undefined : result.exitCode,
    signal: result.signal,
    timedOut,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    durationMs: Math.round(performance.now() - started),
    spawnError: spawnFailed ? result.shortMessage : undefined,
  };
}

/** Quotes one argument the way a person would retype it; for messages only, never executed. */
export function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function formatArgv(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}

/** Most specific reason first, as execa does: timeout, signal, spawn failure, exit code. */
export function describeOutcome(r: ExecResult): string {
  if (r.timedOut) return `timed out after ${r.durationMs} ms`;
  if (r.signal !== undefined) return `killed by signal ${r.signal}`;
  if (r.spawnError !== undefined) return `could not start: ${r.spawnError}`;
  return `exit code ${r.exitCode ?? '?'}`;
}

const indent = (text: string, by: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n');

/**
 * The one text of a command's outcome, in the layout its reader needs:
 * - `line` (a check's "seen"): `exit 1; <stdout><stderr>`, the output as it came (a run that did not
 *   exit says how it ended instead: `timed out after 30000 ms; …`);
 * - `message` (a CommandError): `Command failed (exit code 1): argv`, then `stderr:` and `stdout:` lines;
 * - `transcript` (one entry's body): `    -> exit code 1, 5 ms`, then the output indented under `stdout:`/`stderr:`.
 */
export function formatResult(r: ExecResult, layout: 'line' | 'message' | 'transcript' = 'line'): string {
  switch (layout) {
    case 'line':
      return `${r.exitCode === undefined ? describeOutcome(r) : `exit ${r.exitCode}`}; ${r.stdout}${r.stderr}`;
    case 'message': {
      const parts = [`Command failed (${describeOutcome(r)}): ${formatArgv(r.argv)}`];
      if (r.stderr.trim()) parts.push(`stderr: ${r.stderr.trim()}`);
      if (r.stdout.trim()) parts.push(`stdout: ${r.stdout.trim()}`);
      return parts.join('\n');
    }
    case 'transcript': {
      const lines = [
        `    -> ${describeOutcome(r)}, ${r.durationMs} ms${r.byAgent ? " (done by the sandbox's agent itself, as this command would; no process ran)" : ''}`,
      ];
      if (r.stdout.trim()) lines.push('    stdout:', indent(r.stdout, '        '));
      if (r.stderr.trim()) lines.push('    stderr:', indent(r.stderr, '        '));
      return lines.join('\n');
    }
  }
}

export function succeeded(r: ExecResult): boolean {
  return r.exitCode === 0 && !r.timedOut;
}
