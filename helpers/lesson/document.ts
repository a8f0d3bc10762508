import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { readFileSync } from 'node:fs';
import { simpleArgv, splitCommands } from './shell.js';

/**
 * The lesson document, parsed with markdown-it: every command line of every bash block, every
 * expected output (a block the lesson labels as output, or a `# Output:`-style comment), every
 * claim ("What this proves", "Key observations") and every config example gets a stable id:
 *
 *   exercise-1/s3/b1/L5     section, step, bash block, line in the block
 *   exercise-3/s1/out1      the first expected-output block of Exercise 3 Step 1
 *   exercise-3/s1/proves/2  the second "What this proves" claim
 *   exercise-5/cfg1         the first JSON/YAML example of Exercise 5
 *
 * Sections are named as the specs name them (exercise-1 … notes); other headings by their slug.
 * Only the annotated-lesson report reads the document; specs never need it.
 */

type ItemKind = 'command' | 'output' | 'claim' | 'config';

export interface LessonItem {
  readonly id: string;
  readonly kind: ItemKind;
  readonly section: string;
  readonly step: number | undefined;
  /** The command (all its lines), the claim, or the output block, as the lesson writes it. */
  readonly text: string;
  /** 1-based line of the document where the item starts, and how many lines it spans. */
  readonly line: number;
  readonly lineCount: number;
  /** 0-based document lines of the Markdown block (fence or list) holding the item: [start, end). */
  readonly blockStart: number;
  readonly blockEnd: number;
  /** Commands only: the directory the lesson's last `cd` in this section moved to (as written). */
  readonly cwd: string | undefined;
  /** Commands only: the words of a simple command as written (sudo, ~ and all); else undefined. */
  readonly argv: readonly string[] | undefined;
}

export interface LessonDocument {
  readonly path: string;
  readonly source: string;
  readonly title: string;
  readonly items: readonly LessonItem[];
}

export const markdown = (): MarkdownIt => new MarkdownIt({ html: false, linkify: false });

const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** Plain text of an inline token: what a reader sees, without markup. */
function inlineText(t: Token | undefined): string {
  return (t?.children ?? [])
    .filter((c) => c.type === 'text' || c.type === 'code_inline')
    .map((c) => c.content)
    .join('');
}

/** The spec section a heading opens, or undefined when it only continues the current one. */
function sectionOfHeading(level: number, text: string, parent: string): string | undefined {
  const exercise = /^Exercise (\d+)\b/.exec(text);
  if (exercise) return `exercise-${exercise[1]}`;
  if (parent === 'common-errors' && level === 3) {
    const n = /^(\d+)\./.exec(text);
    if (n) return `common-error-${n[1]}`;
  }
  if (level !== 2) return undefined;
  const named: Record<string, string> = { Verify: 'verify', 'Clean Up': 'cleanup', Notes: 'notes' };
  return named[text] ?? slug(text);
}

const EXPECTATION = /^#\s*(Output|Expected|Error|Success|Should)\b/i;
const OUTPUT_LABEL = /\boutput\b|^symptom\b/i;
const CLAIM_LISTS: Record<string, string> = { 'what this proves': 'proves', 'key observations': 'observes' };

export function parseLesson(source: string, path = '(lesson)'): LessonDocument {
  const tokens = markdown().parse(source, {});
  const items: LessonItem[] = [];
  let title = '';
  let top = '';
  let section = 'preamble';
  let step: number | undefined;
  const counters = new Map<string, number>();
  const next = (key: string): number => {
    const n = (counters.get(key) ?? 0) + 1;
    counters.set(key, n);
    return n;
  };
  const prefix = (): string => (step === undefined ? section : `${section}/s${step}`);
  let lastParagraph = '';
  let pendingClaims: string | undefined;
  let cwd: string | undefined;

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    if (t.type === 'heading_open') {
      const level = Number(t.tag.slice(1));
      const text = inlineText(tokens[i + 1]);
      if (level === 1) title = text;
      const opened = level === 1 ? undefined : sectionOfHeading(level, text, top);
      if (level === 2) top = slug(text);
      if (opened !== undefined) {
        section = opened;
        step = undefined;
        cwd = undefined;
      }
      lastParagraph = '';
      continue;
    }
    if (t.type === 'paragraph_open') {
      const inline = tokens[i + 1];
      const text = inlineText(inline).trim();
      const kids = (inline?.children ?? []).filter((c) => !(c.type === 'text' && c.content === ''));
      const stepMatch = kids[0]?.type === 'strong_open' ? /^Step (\d+)\b/.exec(kids[1]?.content ?? '') : null;
      if (stepMatch) step = Number(stepMatch[1]);
      lastParagraph = text;
      pendingClaims = CLAIM_LISTS[text.replace(/:$/, '').trim().toLowerCase()];
      continue;
    }
    if ((t.type === 'ordered_list_open' || t.type === 'bullet_list_open') && pendingClaims !== undefined) {
      const kind = pendingClaims;
      pendingClaims = undefined;
      for (let j = i + 1, depth = 0; j < tokens.length; j++) {
        const u = tokens[j];
        if (!u) break;
        if (u.type === 'list_item_open' && depth === 0 && u.map) {
          const text = inlineText(tokens[j + 2]).trim();
          items.push({
            id: `${prefix()}/${kind}/${next(`${prefix()}/${kind}`)}`,
            kind: 'claim',
            section,
            step,
            text,
            line: u.map[0] + 1,
            lineCount: u.map[1] - u.map[0],
            blockStart: t.map?.[0] ?? u.map[0],
            blockEnd: t.map?.[1] ?? u.map[1],
            cwd: undefined,
            argv: undefined,
          });
        }
        if (u.type === 'list_item_open') depth++;
        if (u.type === 'list_item_close') depth--;
        if ((u.type === 'ordered_list_close' || u.type === 'bullet_list_close') && depth === 0) break;
      }
      continue;
    }
    if (t.type !== 'fence' || !t.map) continue;
    const lang = t.info.trim().split(/\s+/)[0] ?? '';
    const contentStart = t.map[0] + 1; // 0-based line of the fence's first content line
    if (lang === 'bash' || lang === 'sh') {
      const b = next(`${prefix()}/b`);
      const { commands, comments } = splitCommands(t.content);
      const block = { section, step, blockStart: t.map[0], blockEnd: t.map[1] };
      for (const c of commands) {
        const argv = simpleArgv(c.tokens);
        items.push({
          ...block,
          id: `${prefix()}/b${b}/L${c.line}`,
          kind: 'command',
          text: c.text,
          line: contentStart + c.line,
          lineCount: c.lineCount,
          cwd,
          argv,
        });
        if (argv?.[0] === 'cd' && argv.length === 2) cwd = argv[1];
      }
      for (const c of comments.filter((x) => EXPECTATION.test(x.text)))
        items.push({
          ...block,
          id: `${prefix()}/b${b}/L${c.line}`,
          kind: 'output',
          text: c.text,
          line: contentStart + c.line,
          lineCount: 1,
          cwd: undefined,
          argv: undefined,
        });
    } else if (OUTPUT_LABEL.test(lastParagraph) && lastParagraph.endsWith(':')) {
      items.push({
        id: `${prefix()}/out${next(`${prefix()}/out`)}`,
        kind: 'output',
        section,
        step,
        text: t.content,
        line: contentStart + 1,
        lineCount: t.map[1] - t.map[0] - 2,
        blockStart: t.map[0],
        blockEnd: t.map[1],
        cwd: undefined,
        argv: undefined,
      });
    } else if (lang === 'json' || lang === 'yaml') {
      items.push({
        id: `${prefix()}/cfg${next(`${prefix()}/cfg`)}`,
        kind: 'config',
        section,
        step,
        text: t.content,
        line: contentStart + 1,
        lineCount: t.map[1] - t.map[0] - 2,
        blockStart: t.map[0],
        blockEnd: t.map[1],
        cwd: undefined,
        argv: undefined,
      });
    }
    lastParagraph = '';
  }
  items.sort((a, b) => a.line - b.line);
  return { path, source, title, items };
}

/** One bash block of the lesson, exactly as the document has it (the fence's content), by id ("verify/b1"). */
export interface LessonBlock {
  readonly id: string;
  readonly text: string;
}

/** Every bash block that holds a command, keyed as its lines are ("verify/b1/L9" is in "verify/b1"). */
export function bashBlocks(doc: LessonDocument): LessonBlock[] {
  const lines = doc.source.split('\n');
  const blocks = new Map<string, LessonBlock>();
  for (const i of doc.items) {
    if (i.kind !== 'command') continue;
    const id = i.id.replace(/\/L\d+$/, '');
    if (!blocks.has(id)) blocks.set(id, { id, text: `${lines.slice(i.blockStart + 1, i.blockEnd - 1).join('\n')}\n` });
  }
  return [...blocks.values()];
}

export function readLesson(path: string): LessonDocument {
  return parseLesson(readFileSync(path, 'utf8'), path);
}
