import type { TargetKind } from '../run-config.js';
import type { ExecOptions, ExecResult } from './exec.js';
import type { Transcript } from './transcript.js';

export type { TargetKind };

/** Options a spec may give; `cwd` is deliberately absent: lesson paths are passed absolute. */
export type TargetExecOptions = Omit<ExecOptions, 'cwd'>;

/**
 * The one seam every command goes through. Specs never learn where they run:
 * a throwaway namespace sandbox, a lab container, or (read-only) the host.
 */
export interface Target {
  readonly kind: TargetKind;
  /** What the lesson's `~` means inside the target. */
  readonly home: string;
  /** How a verdict names the network namespace the target's commands start in. */
  readonly ownNetns: string;
  /**
   * Whether a failed ping with a deadline is checked for late replies in the namespaces' ICMP
   * counters (the harness's own sandboxes); grading's host keeps the plain verdict.
   */
  readonly readsLateReplies: boolean;
  readonly transcript: Transcript;
  /** Runs argv; resolves with the outcome whatever the exit code. */
  exec(argv: readonly string[], opts?: TargetExecOptions): Promise<ExecResult>;
  /** Runs argv and throws a CommandError unless it exits 0. */
  must(argv: readonly string[], opts?: TargetExecOptions): Promise<ExecResult>;
  /** The file's text, whatever happens: a failed read is exit 1 with the reason on stderr (as `cat --`). */
  read(path: string): Promise<ExecResult>;
  /** Removes a file if it is there (as `rm -f --`). */
  remove(path: string): Promise<void>;
  readFile(path: string): Promise<string>;
  writeFile(path: string, content: string, mode?: string): Promise<void>;
  dispose(): Promise<void>;
}
