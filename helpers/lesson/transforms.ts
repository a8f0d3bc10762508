import type { AdjustmentName } from './adjustments.js';
import { tokenize, type ShellToken } from './shell.js';

/**
 * Each named adjustment as a mechanical transformation of a lesson line's text: what runs in the
 * line's place, as argv patterns (the runtime called `runc`, `~` expanded, sudo dropped because
 * the run is root). With the lesson document, the harness applies the transformation to the
 * line's text and compares the result with what the test declares it ran; a difference means the
 * line changed in the lesson. Pure: no file, no process.
 */

/** What a transformation may know besides the line: nothing about the test, only where the lesson is. */
export interface TransformContext {
  /** What `~` means on the target. */
  readonly home: string;
  /** The directory the section's last `cd` moved to (as written), if any. */
  readonly cwd: string | undefined;
  /** Exercise 2's bundle (`~/oci-netns-test`, expanded): where the lesson's bare `config.json` and `runc run` live. */
  readonly bundleDir: string;
}

type TransformResult = { readonly ok: true; readonly runs: ReadonlyArray<readonly string[]> } | { readonly ok: false; readonly reason: string };

type Transform = (text: string, ctx: TransformContext) => TransformResult;

class NotApplicable extends Error {}

function fail(reason: string): never {
  throw new NotApplicable(reason);
}

const expandHome = (word: string, home: string): string => (word === '~' ? home : word.startsWith('~/') ? `${home}${word.slice(1)}` : word);

/** The line's tokens without newlines. */
const tokensOf = (text: string): ShellToken[] => tokenize(text).tokens.filter((t) => !(t.kind === 'op' && t.value === '\n'));

const isOp = (t: ShellToken | undefined, ...values: string[]): boolean => t?.kind === 'op' && (values.length === 0 || values.includes(t.value));

const REDIRECTIONS = new Set(['>', '>>', '&>', '&>>', '<', '2>', '2>>', '1>']);

/** Drops `>FILE`, `2>/dev/null`, `&>/dev/null` and `2>&1`: where output goes is the test's business. */
function withoutRedirections(tokens: readonly ShellToken[]): ShellToken[] {
  const out: ShellToken[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined) continue;
    if (t.kind === 'op' && /^\d?>&\d$/.test(t.value)) continue;
    if (t.kind === 'op' && REDIRECTIONS.has(t.value)) {
      i++;
      continue;
    }
    out.push(t);
  }
  return out;
}

/** Splits at one operator (`|`, `&&`, …) into its parts. */
function splitAt(tokens: readonly ShellToken[], op: string): ShellToken[][] {
  const parts: ShellToken[][] = [[]];
  for (const t of tokens) {
    if (isOp(t, op)) parts.push([]);
    else parts.at(-1)?.push(t);
  }
  return parts;
}

/** The words of a simple command; any operator left in it means the line has a shape the transformation does not know. */
function wordsOf(tokens: readonly ShellToken[], what: string): string[] {
  const op = tokens.find((t) => t.kind === 'op');
  if (op !== undefined) fail(`${what} holds "${op.value}"`);
  if (tokens.length === 0) fail(`${what} is empty`);
  return tokens.map((t) => t.value);
}

/** The command as root types it: without a leading sudo, `~` expanded. */
const asRoot = (words: readonly string[], ctx: TransformContext): string[] =>
  (words[0] === 'sudo' ? words.slice(1) : [...words]).map((w) => expandHome(w, ctx.home));

/** A relative path the lesson means in the section's directory (or, where it never cd'd, the bundle's). */
const inDirOf = (ctx: TransformContext): string[] => ['env', '-C', expandHome(ctx.cwd ?? ctx.bundleDir, ctx.home)];

const needsDir = (words: readonly string[]): boolean =>
  words.some((w) => !w.startsWith('/') && !w.startsWith('-') && /^[\w.-]+(\/|$)/.test(w) && /[./]/.test(w));

/** `cat FILE | CMD ARGS` → `CMD ARGS FILE` (in the section's directory when FILE is relative). */
function fileArgument(stages: readonly ShellToken[][], ctx: TransformContext): string[] {
  const [cat, cmd] = stages;
  const catWords = wordsOf(cat ?? [], "the pipeline's first command");
  if (catWords[0] !== 'cat' || catWords.length !== 2) fail(`the pipeline does not start with "cat FILE" (it starts with "${catWords.join(' ')}")`);
  const file = expandHome(catWords[1] ?? '', ctx.home);
  const argv = [...asRoot(wordsOf(cmd ?? [], 'the command cat feeds'), ctx), file];
  return file.startsWith('/') ? argv : [...inDirOf(ctx), ...argv];
}

/** The condition a shell `if ! COND; then …` or `COND && … || …` tests, as argv; `| grep -q WORD` after it is the test's to evaluate. */
function condition(text: string, ctx: TransformContext): string[] {
  let tokens = tokensOf(text);
  if (tokens[0]?.kind === 'word' && tokens[0].value === 'if') {
    const then = tokens.findIndex((t) => t.kind === 'word' && t.value === 'then');
    if (then === -1) fail('"if" without "then"');
    tokens = tokens.slice(1, then);
    if (isOp(tokens.at(-1), ';')) tokens = tokens.slice(0, -1);
  } else {
    const and = tokens.findIndex((t) => isOp(t, '&&'));
    if (and === -1) fail('neither "if … then" nor "COND && … || …"');
    tokens = tokens.slice(0, and);
  }
  if (tokens[0]?.kind === 'word' && tokens[0].value === '!') tokens = tokens.slice(1);
  const stages = splitAt(withoutRedirections(tokens), '|');
  const grepTail = stages.length > 1 && stages.at(-1)?.[0]?.value === 'grep';
  const kept = grepTail ? stages.slice(0, -1) : stages;
  if (kept.length === 2) return fileArgument(kept, ctx);
  if (kept.length !== 1) fail(`the condition is a pipeline of ${kept.length} commands`);
  return asRoot(wordsOf(kept[0] ?? [], 'the condition'), ctx);
}

/** `{a,b}` written out, as bash's brace expansion does (one level, as the lesson uses it). */
function expandBraces(word: string): string[] {
  const m = /^(.*?)\{([^{}]*,[^{}]*)\}(.*)$/.exec(word);
  if (!m) return [word];
  return (m[2] ?? '').split(',').flatMap((part) => expandBraces(`${m[1] ?? ''}${part}${m[3] ?? ''}`));
}

/** `[sudo] runc run ID`: the id. */
function runcRunId(text: string, ctx: TransformContext): string {
  const words = asRoot(wordsOf(tokensOf(text), 'the line'), ctx);
  if (words.length !== 3 || words[0] !== 'runc' || words[1] !== 'run') fail(`the line is not "runc run ID" but "${words.join(' ')}"`);
  return words[2] ?? '';
}

export const TRANSFORMS: Readonly<Record<AdjustmentName, Transform | undefined>> = {
  cwd: wrap((text, ctx) => {
    const words = wordsOf(tokensOf(text), 'the line');
    if (words.length !== 2 || words[0] !== 'cd') fail('the line is not "cd DIR"');
    return [['env', '-C', expandHome(words[1] ?? '', ctx.home)]];
  }),
  'bundle-flag': wrap((text, ctx) => [['runc', 'run', '--bundle', ctx.bundleDir, runcRunId(text, ctx)]]),
  'brace-expansion': wrap((text, ctx) => {
    const words = asRoot(wordsOf(tokensOf(text), 'the line'), ctx).flatMap(expandBraces);
    return [needsDir(words.slice(1)) ? [...inDirOf(ctx), ...words] : words];
  }),
  'file-argument': wrap((text, ctx) => [fileArgument(splitAt(tokensOf(text), '|'), ctx)]),
  'jq-redirect': wrap((text, ctx) => {
    const [edit, move] = splitAt(tokensOf(text), '&&');
    if (edit === undefined || move === undefined) fail('the line is not "cat FILE | jq FILTER > TMP && mv TMP FILE"');
    const out = edit.findIndex((t) => isOp(t, '>'));
    if (out === -1 || edit[out + 1] === undefined) fail("jq's output is not redirected to a file");
    const jq = fileArgument(splitAt(edit.slice(0, out), '|'), ctx);
    return [jq, [...inDirOf(ctx), ...asRoot(wordsOf(move, 'the second command'), ctx)]];
  }),
  'unattended-bundle': wrap((text, ctx) => [[...(ctx.cwd === undefined ? [] : inDirOf(ctx)), 'runc', 'run', runcRunId(text, ctx)]]),
  'idle-process': wrap((text, ctx) => [['runc', 'run', '--detach', runcRunId(text, ctx)]]),
  'condition-by-harness': wrap((text, ctx) => [condition(text, ctx)]),
  'ignore-failure': wrap((text, ctx) => {
    const [cmd, alt] = splitAt(tokensOf(text), '||');
    if (alt === undefined || wordsOf(alt, 'what follows ||').join(' ') !== 'true') fail('the line does not end in "|| true"');
    return [asRoot(wordsOf(withoutRedirections(cmd ?? []), 'the command'), ctx)];
  }),
  'json-output': wrap((text, ctx) => {
    const words = asRoot(wordsOf(tokensOf(text), 'the line'), ctx);
    const ip = words.lastIndexOf('ip');
    if (ip === -1) fail('the line runs no ip');
    const object = words.slice(ip + 1);
    // `ip addr` and `ip addr show` are one command: show is ip's default.
    return [[...words.slice(0, ip + 1), '-j', ...object, ...(object.length === 1 ? ['show'] : [])]];
  }),
  'file-write': wrap((text, ctx) => {
    const [echo, tee] = splitAt(tokensOf(text), '|');
    const e = wordsOf(echo ?? [], 'the first command');
    const t = asRoot(wordsOf(tee ?? [], 'the second command'), ctx);
    if (e[0] !== 'echo' || t[0] !== 'tee' || t.length !== 2) fail('the line is not "echo VALUE | tee FILE"');
    return [['dd', `of=${t[1] ?? ''}`]];
  }),
  'docker-by-hand': wrap((text, ctx) => {
    const words = asRoot(wordsOf(tokensOf(text), 'the line'), ctx);
    if (words.slice(0, 4).join(' ') !== 'docker run --network bridge' || words.length < 6)
      fail('the line is not "docker run --network bridge IMAGE COMMAND"');
    // Docker's bridge network is the docker0 bridge; its run is the runtime's run.
    return [
      ['ip', 'link', 'add', 'docker0', 'type', 'bridge'],
      ['runc', 'run'],
    ];
  }),
};

function wrap(f: (text: string, ctx: TransformContext) => string[][]): Transform {
  return (text, ctx) => {
    try {
      return { ok: true, runs: f(text, ctx) };
    } catch (e) {
      if (e instanceof NotApplicable) return { ok: false, reason: e.message };
      throw e;
    }
  };
}

/** Words compare equal when they differ only in whitespace outside double quotes (a jq filter laid out on several lines). */
const normalWord = (w: string): string => w.replace(/("(?:[^"\\]|\\.)*")|\s+/g, (_m, quoted: string | undefined) => quoted ?? '');

const sameRuns = (a: ReadonlyArray<readonly string[]>, b: ReadonlyArray<readonly string[]>): boolean =>
  a.length === b.length && a.every((x, i) => x.length === b[i]?.length && x.every((w, j) => normalWord(w) === normalWord(b[i]?.[j] ?? '')));

const show = (argv: readonly string[]): string => argv.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/\s+/g, ' ')}'`)).join(' ');

/** The first words that differ, with one word of context before: "-W 1" → "-W 5". */
function wordDiff(ran: readonly string[], now: readonly string[]): string {
  let start = 0;
  while (start < ran.length && start < now.length && normalWord(ran[start] ?? '') === normalWord(now[start] ?? '')) start++;
  let end = 0;
  while (
    end < ran.length - start &&
    end < now.length - start &&
    normalWord(ran[ran.length - 1 - end] ?? '') === normalWord(now[now.length - 1 - end] ?? '')
  )
    end++;
  const from = Math.max(0, start - 1);
  return `"${show(ran.slice(from, ran.length - end))}" → "${show(now.slice(from, now.length - end))}"`;
}

/**
 * Undefined when the line as the document now writes it, through `adjustment`, gives exactly
 * what the test declared it ran; else the difference, in one line.
 */
export function changeInLesson(
  adjustment: AdjustmentName,
  text: string,
  ran: ReadonlyArray<readonly string[]>,
  ctx: TransformContext,
): string | undefined {
  const transform = TRANSFORMS[adjustment];
  if (transform === undefined) return undefined;
  const r = transform(text, ctx);
  const firstLine = text.split('\n')[0] ?? '';
  if (!r.ok) return `${adjustment} does not apply to the line as the lesson now writes it ("${firstLine}"): ${r.reason}`;
  if (sameRuns(r.runs, ran)) return undefined;
  const i = r.runs.findIndex((x, k) => !sameRuns([x], [ran[k] ?? []]));
  const now = r.runs[i] ?? [];
  const was = ran[i] ?? [];
  if (now.length === 0 || was.length === 0)
    return `the lesson's line ("${firstLine}") now runs ${r.runs.length} command(s) through ${adjustment}; the test ran ${ran.length}`;
  return `the lesson's line now runs "${show(now)}" (${adjustment}); the test ran "${show(was)}": ${wordDiff(was, now)}`;
}
