import type { AdjustmentName, RunDeclaration } from './adjustments.js';
import type { LessonDocument } from './document.js';
import { changeInLesson } from './transforms.js';

/**
 * Links between a test's transcript and the lesson's command lines. Pure: the worker computes
 * them when a test ends (so the transcript can show them) and the lesson reporter reads them.
 */

/** One simple command of the lesson, as workers receive it (no prose). */
export interface IndexedCommand {
  readonly id: string;
  readonly section: string;
  readonly step: number | undefined;
  readonly line: number;
  /** The words as written (sudo, ~ and relative paths included); undefined for a pipeline, list or compound command. */
  readonly argv: readonly string[] | undefined;
  /** The command as the document writes it, all its lines. */
  readonly text: string;
  /** The directory of the section's last `cd`, as written. */
  readonly cwd: string | undefined;
}

export function commandIndex(doc: LessonDocument): IndexedCommand[] {
  return doc.items.flatMap((i) =>
    i.kind === 'command' ? [{ id: i.id, section: i.section, step: i.step, line: i.line, argv: i.argv, text: i.text, cwd: i.cwd }] : [],
  );
}

export interface LessonLink {
  readonly id: string;
  /** verbatim: the lesson's command ran as written (minus sudo, with the plan's names). */
  readonly how: 'verbatim' | 'adjusted';
  readonly adjustment: AdjustmentName | undefined;
  /** Declared by the test (lesson.runs), or found by comparing the transcript with the lesson. */
  readonly declared: boolean;
  /** 1-based numbers of the transcript entries that ran it (as the transcript numbers them). */
  readonly entries: readonly number[];
  /** The transcript shows it: a matching command, or an adjustment that runs nothing. */
  readonly proven: boolean;
  /**
   * Adjusted lines, with the document: how the line's text, through its adjustment, now differs
   * from what the test ran (the line changed in the lesson). Undefined when they agree.
   */
  readonly changed?: string;
}

const expandHome = (word: string, home: string): string => (word === '~' ? home : word.startsWith('~/') ? `${home}${word.slice(1)}` : word);

/** The lesson's command as this target would type it: without sudo (the run is root), ~ expanded. */
export function lessonForm(argv: readonly string[], home: string): string[] {
  const words = argv[0] === 'sudo' ? argv.slice(1) : argv;
  return words.map((w) => expandHome(w, home));
}

/**
 * A transcript argv with the runtime under test called `runc`, and `env -C DIR` taken as its
 * directory (with the environment it sets, `NAME=VALUE`, which the harness declares on the test).
 */
export function runForm(argv: readonly string[], runtime: string): { cwd: string | undefined; argv: string[] } {
  const inDir = argv[0] === 'env' && argv[1] === '-C' && argv[2] !== undefined;
  const words = inDir ? argv.slice(3) : [...argv];
  while (inDir && /^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? '')) words.shift();
  if (words[0] === runtime) words[0] = 'runc';
  return { cwd: inDir ? argv[2] : undefined, argv: words };
}

const sameWords = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((w, i) => w === b[i]);

function matches(cmd: IndexedCommand, run: { cwd: string | undefined; argv: readonly string[] }, home: string): boolean {
  if (cmd.argv === undefined || !sameWords(lessonForm(cmd.argv, home), run.argv)) return false;
  // A command run in a directory stands for the lesson's only if the lesson was in that directory
  // (in a section that never cd'd, the terminal's own: ~).
  return run.cwd === undefined || expandHome(cmd.cwd ?? '~', home) === run.cwd;
}

/** `pattern` appears in `argv` in order (other words may sit between): how adjusted runs are proven. */
export function isSubsequence(pattern: readonly string[], argv: readonly string[]): boolean {
  let i = 0;
  for (const w of argv) if (w === pattern[i]) i++;
  return pattern.length > 0 && i === pattern.length;
}

export interface LinkInput {
  readonly argvs: ReadonlyArray<readonly string[]>;
  readonly index: readonly IndexedCommand[];
  readonly declarations: readonly RunDeclaration[];
  readonly home: string;
  /** Exercise 2's bundle on the target: where the lesson's bare config.json and runc run are. */
  readonly bundleDir: string;
  readonly runtime: string;
  readonly section: string;
  /** The test's lesson step number ("Step 3" → 3): auto-links stay within steps up to it. */
  readonly step: number | undefined;
}

/**
 * Declared lines are proven from the transcript, and, with the document, an adjusted line's text
 * through its adjustment must give what the test declared it ran (else `changed`); every other command of the transcript that
 * equals a lesson command line of the test's own section (and steps up to its own) is linked as
 * run verbatim. A command written several times in the lesson is linked to the next occurrence
 * after the previous link, so a test that walks the lesson in order is read in order.
 */
export function linkTranscript(input: LinkInput): LessonLink[] {
  const runs = input.argvs.map((a) => runForm(a, input.runtime));
  const links: LessonLink[] = [];
  const declared = new Set(input.declarations.map((d) => d.id));
  for (const d of input.declarations) {
    if (d.inScript !== undefined) {
      const entries = runs.flatMap((r, i) => (r.argv.includes(d.inScript ?? '') ? [i + 1] : []));
      links.push({ id: d.id, how: 'verbatim', adjustment: undefined, declared: true, entries, proven: entries.length > 0 });
      continue;
    }
    if (d.adjustment === undefined) {
      const cmd = input.index.find((c) => c.id === d.id);
      const entries = cmd ? runs.flatMap((r, i) => (matches(cmd, r, input.home) ? [i + 1] : [])) : [];
      links.push({ id: d.id, how: 'verbatim', adjustment: undefined, declared: true, entries, proven: entries.length > 0 });
      continue;
    }
    const named = input.argvs.map((a) => a.map((w) => (w === input.runtime ? 'runc' : w)));
    const hits = (d.as ?? []).map((p) => named.flatMap((a, i) => (isSubsequence(p, a) ? [i + 1] : [])));
    const proven = hits.length > 0 && hits.every((h) => h.length > 0);
    const line = input.index.find((c) => c.id === d.id);
    const changed = line && changeInLesson(d.adjustment, line.text, d.as ?? [], { home: input.home, cwd: line.cwd, bundleDir: input.bundleDir });
    links.push({
      id: d.id,
      how: 'adjusted',
      adjustment: d.adjustment,
      declared: true,
      entries: [...new Set(hits.flat())].sort((a, b) => a - b),
      proven,
      ...(changed === undefined ? {} : { changed }),
    });
  }
  const scope = input.index.filter(
    (c) => c.section === input.section && !declared.has(c.id) && (input.step === undefined || c.step === undefined || c.step <= input.step),
  );
  const auto = new Map<string, number[]>();
  let cursor = 0;
  runs.forEach((r, i) => {
    const candidates = scope.filter((c) => matches(c, r, input.home));
    if (candidates.length === 0) return;
    const chosen = candidates.find((c) => c.line > cursor) ?? candidates.filter((c) => c.line <= cursor).at(-1) ?? candidates[0];
    if (!chosen) return;
    cursor = chosen.line;
    auto.set(chosen.id, [...(auto.get(chosen.id) ?? []), i + 1]);
  });
  for (const [id, entries] of auto) links.push({ id, how: 'verbatim', adjustment: undefined, declared: false, entries, proven: true });
  return links;
}

/** Transcript entry number → what it ran of the lesson, for the transcript's own lines. */
export function transcriptLabels(links: readonly LessonLink[]): Map<number, string[]> {
  const labels = new Map<number, string[]>();
  for (const l of links)
    for (const n of l.entries)
      labels.set(n, [...(labels.get(n) ?? []), `lesson ${l.id}${l.how === 'verbatim' ? ' (as written)' : ` (adjusted: ${l.adjustment ?? '?'})`}`]);
  return labels;
}

/** "Step 3" or "Step 1 (what this proves)" → 3 / 1; anything else → undefined. */
export function stepNumber(step: string | undefined): number | undefined {
  const m = /^Step (\d+)\b/.exec(step ?? '');
  return m ? Number(m[1]) : undefined;
}
