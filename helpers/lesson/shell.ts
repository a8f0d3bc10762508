/**
 * Just enough of the shell's grammar to read the lesson's bash blocks: which lines form one
 * command (quotes, continuations, if … fi spanning lines), and the words of a simple command.
 * It never runs anything; the harness executes argv arrays only.
 */

export type ShellToken = { readonly kind: 'word'; readonly value: string } | { readonly kind: 'op'; readonly value: string };

interface Tokenized {
  readonly tokens: readonly ShellToken[];
  /** A quote is still open at the end of the text: the command goes on on the next line. */
  readonly openQuote: boolean;
  /** Ends in `\`, `|`, `&&` or `||`: the command goes on on the next line. */
  readonly continues: boolean;
}

const OPERATORS = ['&>>', '&>', '>>', '&&', '||', '|', ';', '&', '>', '<', '(', ')'];

/** Splits shell text into words (quotes removed) and operators; a `#` starting a word begins a comment. */
export function tokenize(text: string): Tokenized {
  const tokens: ShellToken[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  let subst = 0;
  let escapedNewline = false;
  const flush = (): void => {
    if (word !== undefined) tokens.push({ kind: 'word', value: word });
    word = undefined;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    escapedNewline = false;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word = (word ?? '') + c;
      continue;
    }
    if (quote === '"') {
      if (c === '"' && subst === 0) quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1] ?? '')) word = (word ?? '') + (text[++i] ?? '');
      else word = (word ?? '') + c;
      continue;
    }
    if (subst > 0) {
      // $( … ) stays one word, as the shell would substitute it as a whole.
      if (c === '(') subst++;
      if (c === ')') subst--;
      word = (word ?? '') + c;
      continue;
    }
    if (c === '\\') {
      if (text[i + 1] === '\n') {
        i++;
        escapedNewline = true;
        flush();
      } else if (i + 1 === text.length) escapedNewline = true;
      else word = (word ?? '') + (text[++i] ?? '');
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
      continue;
    }
    if (c === '$' && text[i + 1] === '(') {
      word = `${word ?? ''}$(`;
      subst = 1;
      i++;
      continue;
    }
    if (c === '#' && word === undefined) {
      const end = text.indexOf('\n', i);
      if (end === -1) break;
      i = end - 1;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n') {
      flush();
      if (c === '\n') tokens.push({ kind: 'op', value: '\n' });
      continue;
    }
    const fd = word !== undefined && /^\d$/.test(word) && c === '>' ? word : undefined;
    const op = OPERATORS.find((o) => !/^\d/.test(o) && text.startsWith(o, i));
    if (op !== undefined) {
      if (fd !== undefined) word = undefined;
      else flush();
      const value = fd === undefined ? op : `${fd}${op === '>' && text.startsWith('>&1', i) ? '>&1' : op}`;
      tokens.push({ kind: 'op', value });
      i += value.length - (fd?.length ?? 0) - 1;
      continue;
    }
    word = (word ?? '') + c;
  }
  flush();
  while (tokens.at(-1)?.value === '\n') tokens.pop();
  const last = tokens.at(-1);
  const continues = escapedNewline || (last?.kind === 'op' && ['|', '&&', '||'].includes(last.value));
  return { tokens, openQuote: quote !== undefined || subst > 0, continues };
}

const OPENERS = new Set(['if', 'for', 'while', 'until', 'case', '{']);
const CLOSERS = new Set(['fi', 'done', 'esac', '}']);

/** How many compound commands (if, for, while, case, { }) the tokens leave open. */
export function openCompounds(tokens: readonly ShellToken[]): number {
  let depth = 0;
  let atStart = true;
  for (const t of tokens) {
    if (t.kind === 'op') {
      atStart = [';', '\n', '&&', '||', '|', '&', '('].includes(t.value);
      continue;
    }
    if (atStart && OPENERS.has(t.value)) depth++;
    else if (atStart && CLOSERS.has(t.value)) depth--;
    // After a keyword that introduces a command, the next word is again at command position.
    atStart = ['then', 'else', 'elif', 'do', '!', 'if', 'while', 'until', '{'].includes(t.value);
  }
  return depth;
}

/** One logical command of a bash block: its first line (1-based within the block) and its text. */
export interface ShellCommand {
  readonly line: number;
  readonly lineCount: number;
  readonly text: string;
  readonly tokens: readonly ShellToken[];
}

/** One comment line of a bash block (1-based line within the block). */
interface ShellComment {
  readonly line: number;
  readonly text: string;
}

/** Splits a bash block into logical commands and whole-line comments. */
export function splitCommands(block: string): { commands: ShellCommand[]; comments: ShellComment[] } {
  const lines = block.replace(/\n$/, '').split('\n');
  const commands: ShellCommand[] = [];
  const comments: ShellComment[] = [];
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i] ?? '';
    const trimmed = first.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      comments.push({ line: i + 1, text: trimmed });
      continue;
    }
    let end = i;
    let text = first;
    let t = tokenize(text);
    while ((t.openQuote || t.continues || openCompounds(t.tokens) > 0) && end + 1 < lines.length) {
      end++;
      text = `${text}\n${lines[end] ?? ''}`;
      t = tokenize(text);
    }
    commands.push({ line: i + 1, lineCount: end - i + 1, text, tokens: t.tokens.filter((x) => !(x.kind === 'op' && x.value === '\n')) });
    i = end;
  }
  return { commands, comments };
}

/** The argv of a simple command (no pipe, list, redirection or compound), or undefined. */
export function simpleArgv(tokens: readonly ShellToken[]): string[] | undefined {
  if (tokens.length === 0 || tokens.some((t) => t.kind === 'op')) return undefined;
  const words = tokens.map((t) => t.value);
  if (OPENERS.has(words[0] ?? '') || words.some((w) => w.includes('$(') || /[*?{]/.test(w))) return undefined;
  return words;
}
