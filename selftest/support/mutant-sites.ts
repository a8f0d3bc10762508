import { readFileSync, readdirSync } from 'node:fs';

/**
 * Where the mutation run (selftest/support/mutants.ts) finds the lesson's checks: every
 * `check(lesson, condition, { id, … })` of the lesson specs and of the proofs they share, with
 * the tests whose verdict it is part of. Pure text work, so it is unit-tested on its own.
 */
export interface Site {
  /** The check's stable id (its `id:` property): what the run reports and sorts by. */
  readonly id: string;
  readonly file: string;
  readonly line: number;
  /** The condition's offsets in the file: the mutant replaces exactly this text with `true`. */
  readonly start: number;
  readonly end: number;
  readonly condition: string;
  /** The literal parts of the check's `expected:` text (template holes cut out), to find the scenarios aimed at it. */
  readonly expected: readonly string[];
  /** The ids of the tests that can reach this check. */
  readonly tests: readonly string[];
}

/** A test as vitest lists it: "section > title", its file and its stable id. */
export interface ListedTest {
  readonly name: string;
  readonly file: string;
  readonly id?: string;
}

/** The lesson specs (grading has its own project and selftest) and the proofs they share. */
export function mutableFiles(root = '.'): string[] {
  const specs = readdirSync(`${root}/specs`)
    .filter((f) => f.endsWith('.spec.ts') && !f.startsWith('grade'))
    .sort()
    .map((f) => `specs/${f}`);
  return [...specs, 'fixtures/proofs.ts'];
}

/** Skips a string or template literal that starts at `i`; returns the index of its closing quote. */
function skipString(text: string, i: number): number {
  const q = text[i];
  for (i++; i < text.length && text[i] !== q; i++) {
    if (text[i] === '\\') i++;
    else if (q === '`' && text[i] === '$' && text[i + 1] === '{') i = closing(text, i + 1);
  }
  return i;
}

/** The index of the bracket that closes the one at `open`. */
export function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === "'" || ch === '"' || ch === '`') i = skipString(text, i);
    else if (ch === '/' && text[i + 1] === '/') i = text.indexOf('\n', i);
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch) && --depth === 0) return i;
    if (i < 0) break;
  }
  throw new Error(`no closing bracket for offset ${open}`);
}

/** The end of the argument that starts at `from`: the next top-level comma or closing bracket. */
export function argumentEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === "'" || ch === '"' || ch === '`') i = skipString(text, i);
    else if ('([{'.includes(ch)) i = closing(text, i);
    else if (ch === ',' || ')]}'.includes(ch)) return i;
  }
  throw new Error(`no end of argument at ${from}`);
}

interface Unit {
  readonly kind: 'test' | 'function';
  /** A function's name, or a test's title as a pattern (template parts match anything). */
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

const FUNCTION =
  /(?:^|\n)[ \t]*(?:export\s+)?(?:async\s+)?function\s+(\w+)|(?:^|\n)[ \t]*(?:export\s+)?const\s+(\w+)\s*(?::[^=]+)?=\s*(?:async\s*)?(?:\([^)]*\)|\w+)\s*(?::[^=]+)?=>/g;
const TEST = /\btest\(\s*(['"`])/g;

/** Top-level functions and tests of a file, with their extents. */
function units(text: string): Unit[] {
  const out: Unit[] = [];
  for (const m of text.matchAll(FUNCTION)) {
    const name = m[1] ?? m[2] ?? '';
    const at = (m.index ?? 0) + m[0].length;
    let end: number;
    if (m[1] !== undefined) {
      // function name(params): type { body }: the body is the first brace after the parameters.
      end = closing(text, text.indexOf('{', closing(text, text.indexOf('(', at))));
    } else {
      // const name = (params) => body: a block, or an expression up to the statement's end.
      let b = at;
      while (/\s/.test(text[b] ?? '')) b++;
      end = text[b] === '{' ? closing(text, b) : text.indexOf(';\n', at);
    }
    out.push({ kind: 'function', name, start: m.index ?? 0, end });
  }
  for (const m of text.matchAll(TEST)) {
    const open = (m.index ?? 0) + m[0].length - 1;
    const close = skipString(text, open);
    const title = text.slice(open + 1, close);
    const paren = text.indexOf('(', m.index ?? 0);
    out.push({ kind: 'test', name: title, start: m.index ?? 0, end: closing(text, paren) });
  }
  return out;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A test title as written (quotes' escapes, template holes) to a pattern over vitest's names. */
function titlePattern(title: string): RegExp {
  const parts = title.replace(/\\(.)/g, '$1').split(/\$\{[^}]*\}/);
  return new RegExp(`^${parts.map(escape).join('.+')}$`);
}

/**
 * Every check of `files` with the tests that reach it: the test around it, or, for a check in a
 * function, every test that calls that function, directly or through other functions (the
 * shared proofs are called from every spec; a spec's own helpers only from its file).
 */
export function findSites(
  files: readonly string[],
  listed: readonly ListedTest[],
  read: (f: string) => string = (f) => readFileSync(f, 'utf8'),
): Site[] {
  const texts = new Map(files.map((f) => [f, read(f)] as const));
  const shared = new Set<string>();
  const perFile = new Map<string, Unit[]>();
  for (const [file, text] of texts) {
    const u = units(text);
    perFile.set(file, u);
    if (!file.startsWith('specs/')) for (const f of u) if (f.kind === 'function') shared.add(f.name);
  }
  const testsOf = (file: string, pattern: string): string[] => {
    const re = titlePattern(pattern);
    const mine = listed.filter((t) => t.file.endsWith(`/${file}`) || t.file === file);
    return mine
      .filter((t) => re.test(t.name.slice(t.name.indexOf(' > ') + 3)))
      .map((t) => {
        if (t.id === undefined) throw new Error(`${file}: "${t.name}" has no test id`);
        return t.id;
      });
  };
  // Which tests reach each function: a fixed point over "this unit's body names that function".
  const reach = new Map<string, Set<string>>();
  const callers = (name: string): Set<string> => {
    const cached = reach.get(name);
    if (cached) return cached;
    const found = new Set<string>();
    reach.set(name, found);
    const re = new RegExp(`\\b${escape(name)}\\b`);
    for (const [file, us] of perFile) {
      if (!shared.has(name) && !(perFile.get(file) ?? []).some((u) => u.kind === 'function' && u.name === name)) continue;
      const text = texts.get(file) ?? '';
      for (const u of us) {
        if (u.kind === 'function' && u.name === name) continue;
        if (!re.test(text.slice(u.start, u.end))) continue;
        if (u.kind === 'test') for (const t of testsOf(file, u.name)) found.add(t);
        else for (const t of callers(u.name)) found.add(t);
      }
    }
    return found;
  };
  const out: Site[] = [];
  for (const [file, text] of texts) {
    const us = perFile.get(file) ?? [];
    for (const m of text.matchAll(/\bcheck\(\s*(?:cx\.)?lesson,\s*/g)) {
      const start = (m.index ?? 0) + m[0].length;
      const end = argumentEnd(text, start);
      const spec = text.slice(end, argumentEnd(text, end + 1));
      const id = /\bid:\s*'([^']+)'/.exec(spec)?.[1];
      const line = text.slice(0, start).split('\n').length;
      if (!id) throw new Error(`${file}:${line}: a check without an id`);
      const around = us.filter((u) => u.start <= start && start < u.end).sort((a, b) => b.start - a.start)[0];
      if (!around) throw new Error(`${file}:${line}: check ${id} is in no test and no function`);
      const tests = around.kind === 'test' ? testsOf(file, around.name) : [...callers(around.name)];
      const literal = /\bexpected:\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/s.exec(spec)?.[2] ?? '';
      const expected = literal
        .split(/\$\{[^}]*\}/)
        .map((p) => p.replace(/\\(.)/g, '$1').trim())
        .filter((p) => p.length >= 6);
      out.push({ id, file, line, start, end, condition: text.slice(start, end).replace(/\s+/g, ' '), expected, tests: tests.sort() });
    }
  }
  const seen = new Map<string, Site>();
  for (const s of out) {
    const other = seen.get(s.id);
    if (other) throw new Error(`check id ${s.id} is used twice: ${other.file}:${other.line} and ${s.file}:${s.line}`);
    seen.set(s.id, s);
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/** A small seeded generator (mulberry32): the same seed draws the same sample on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` sites drawn by `seed` (all of them when n ≥ their number), in id order. */
export function sample<T extends { id: string }>(sites: readonly T[], n: number, seed: number): T[] {
  const rnd = random(seed);
  const pool = [...sites];
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, n).sort((a, b) => a.id.localeCompare(b.id));
}

/** Shard `index` (1-based) of `count`: every count-th site in id order. */
export const shard = <T>(sites: readonly T[], index: number, count: number): T[] => sites.filter((_, i) => i % count === index - 1);
