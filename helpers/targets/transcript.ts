import { formatArgv, formatResult, type ExecResult } from './exec.js';

/** Every command a test caused, in order; printed only when the test fails. */
export class Transcript {
  readonly #entries: ExecResult[] = [];

  add(entry: ExecResult): void {
    this.#entries.push(entry);
  }

  get entries(): readonly ExecResult[] {
    return this.#entries;
  }

  /** `labels`: entry number (1-based) → notes printed under it, e.g. the lesson line it ran. */
  format(labels?: ReadonlyMap<number, readonly string[]>): string {
    return formatTranscript(this.#entries, labels);
  }
}

export function formatTranscript(entries: readonly ExecResult[], labels?: ReadonlyMap<number, readonly string[]>): string {
  if (entries.length === 0) return '(no commands were run)';
  return entries
    .map((e, i) => {
      return [`[${i + 1}] $ ${formatArgv(e.argv)}`, ...(labels?.get(i + 1) ?? []).map((l) => `    = ${l}`), formatResult(e, 'transcript')].join('\n');
    })
    .join('\n');
}
