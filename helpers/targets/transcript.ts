import { describeOutcome, formatArgv, type ExecResult } from './exec.js';

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

const indent = (text: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `        ${l}`)
    .join('\n');

export function formatTranscript(entries: readonly ExecResult[], labels?: ReadonlyMap<number, readonly string[]>): string {
  if (entries.length === 0) return '(no commands were run)';
  return entries
    .map((e, i) => {
      const lines = [`[${i + 1}] $ ${formatArgv(e.argv)}`, ...(labels?.get(i + 1) ?? []).map((l) => `    = ${l}`), `    -> ${describeOutcome(e)}, ${e.durationMs} ms`];
      if (e.stdout.trim()) lines.push('    stdout:', indent(e.stdout));
      if (e.stderr.trim()) lines.push('    stderr:', indent(e.stderr));
      return lines.join('\n');
    })
    .join('\n');
}
