import { SETNS_SYSCALL, type FileOp } from './channel.js';
import { formatResult, succeeded, type ExecResult } from './exec.js';
import { Transcript } from './transcript.js';
import type { Target, TargetExecOptions, TargetKind } from './types.js';

export class CommandError extends Error {
  constructor(readonly result: ExecResult) {
    super(formatResult(result, 'message'));
    this.name = 'CommandError';
  }
}

/** The result itself when the command succeeded; a CommandError otherwise (what `must` means). */
export function mustSucceed(r: ExecResult): ExecResult {
  if (!succeeded(r)) throw new CommandError(r);
  return r;
}

/** File access and strict execution built once on top of a target's raw exec. */
export abstract class BaseTarget implements Target {
  abstract readonly kind: TargetKind;
  abstract readonly home: string;
  abstract readonly ownNetns: string;
  abstract readonly readsLateReplies: boolean;
  readonly transcript = new Transcript();

  protected abstract rawExec(argv: readonly string[], opts: TargetExecOptions): Promise<ExecResult>;
  abstract dispose(): Promise<void>;

  async exec(argv: readonly string[], opts: TargetExecOptions = {}): Promise<ExecResult> {
    const result = await this.rawExec(argv, opts);
    this.transcript.add(result);
    return result;
  }

  async must(argv: readonly string[], opts: TargetExecOptions = {}): Promise<ExecResult> {
    return mustSucceed(await this.exec(argv, opts));
  }

  /**
   * A file operation as a command (`cat`, `dd`, `chmod`, `rm`); a target whose command channel can
   * do it without a process (the sandbox's agent) overrides this, with the same outcome.
   */
  protected fileOp(op: FileOp, argv: readonly string[], input?: string): Promise<ExecResult> {
    return this.rawExec(argv, input === undefined ? {} : { input });
  }

  private async fileLogged(op: FileOp, argv: readonly string[], input?: string): Promise<ExecResult> {
    const result = await this.fileOp(op, argv, input);
    this.transcript.add(result);
    return result;
  }

  /** A file operation that must succeed (a CommandError otherwise), in the transcript as `argv`. */
  protected async mustFile(op: FileOp, argv: readonly string[], input?: string): Promise<ExecResult> {
    return mustSucceed(await this.fileLogged(op, argv, input));
  }

  /** The file's text, whatever happens: a failed read is exit 1 with the reason on stderr. */
  read(path: string): Promise<ExecResult> {
    return this.fileLogged({ kind: 'read', path }, ['cat', '--', path]);
  }

  /** Removes a file if it is there (`rm -f`). */
  async remove(path: string): Promise<void> {
    await this.mustFile({ kind: 'remove', path }, ['rm', '-f', '--', path]);
  }

  /** Whether the path exists, links followed (`test -e`). */
  async exists(path: string): Promise<boolean> {
    return (await this.fileLogged({ kind: 'exists', path }, ['test', '-e', path])).exitCode === 0;
  }

  /** The inode of what the path names, links followed (`stat -L -c %i --`); a namespace file's is its namespace's. */
  inode(path: string): Promise<ExecResult> {
    return this.fileLogged({ kind: 'inode', path }, ['stat', '-L', '-c', '%i', '--', path]);
  }

  /** A link's text (`readlink --`): exit 1 when the path is not a link. */
  readlink(path: string): Promise<ExecResult> {
    return this.fileLogged({ kind: 'readlink', path }, ['readlink', '--', path]);
  }

  /** A file read in another network namespace, whatever happens (`nsenter --net=NETNS -- cat`): /proc/net follows the reader's. */
  readInNetns(netns: string, path: string): Promise<ExecResult> {
    return this.fileLogged({ kind: 'netread', path, netns, syscall: SETNS_SYSCALL }, ['nsenter', `--net=${netns}`, '--', 'cat', path]);
  }

  /** Each directory with its parents (`mkdir -p`, one path at a time). */
  async makeDirs(...paths: string[]): Promise<void> {
    for (const path of paths) await this.mustFile({ kind: 'mkdir', path }, ['mkdir', '-p', path]);
  }

  async readFile(path: string): Promise<string> {
    return (await this.mustFile({ kind: 'read', path }, ['cat', '--', path])).stdout;
  }

  async writeFile(path: string, content: string, mode?: string): Promise<void> {
    // dd reads fd 0 directly; /dev/stdin cannot be opened when stdin is a socket.
    await this.mustFile({ kind: 'write', path }, ['dd', `of=${path}`, 'status=none'], content);
    if (mode !== undefined) await this.mustFile({ kind: 'chmod', path, mode }, ['chmod', mode, path]);
  }
}
