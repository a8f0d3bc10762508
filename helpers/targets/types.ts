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
  /** Whether the path exists, links followed (as `test -e`). */
  exists(path: string): Promise<boolean>;
  /** The inode of what the path names, links followed, whatever happens (as `stat -L -c %i --`). */
  inode(path: string): Promise<ExecResult>;
  /** A link's text, whatever happens: exit 1 when the path is not a link (as `readlink --`). */
  readlink(path: string): Promise<ExecResult>;
  /** A file read in another network namespace, whatever happens (as `nsenter --net=NETNS cat FILE`). */
  readInNetns(netns: string, path: string): Promise<ExecResult>;
  /** Makes each directory with its parents, or throws a CommandError (as `mkdir -p`). */
  makeDirs(...paths: string[]): Promise<void>;
  /** Removes a file if it is there (as `rm -f --`). */
  remove(path: string): Promise<void>;
  readFile(path: string): Promise<string>;
  writeFile(path: string, content: string, mode?: string): Promise<void>;
  dispose(): Promise<void>;
}
