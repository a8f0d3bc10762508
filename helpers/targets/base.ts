import { formatResult, succeeded, type ExecResult } from './exec.js';
import { Transcript } from './transcript.js';
import type { Target, TargetExecOptions, TargetKind } from './types.js';

export class CommandError extends Error {
  constructor(readonly result: ExecResult) {
    super(formatResult(result, 'message'));
    this.name = 'CommandError';
  }
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
    const result = await this.exec(argv, opts);
    if (!succeeded(result)) throw new CommandError(result);
    return result;
  }

  async readFile(path: string): Promise<string> {
    return (await this.must(['cat', '--', path])).stdout;
  }

  async writeFile(path: string, content: string, mode?: string): Promise<void> {
    // dd reads fd 0 directly; /dev/stdin cannot be opened when stdin is a socket.
    await this.must(['dd', `of=${path}`, 'status=none'], { input: content });
    if (mode !== undefined) await this.must(['chmod', mode, path]);
  }
}
