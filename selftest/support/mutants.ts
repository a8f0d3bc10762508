/**
 * The mutation run behind "weakening any Verify or Exercise 3 check to always-true turns some
 * selftest red". Each `check(…)` of specs/verify.spec.ts, specs/exercise-3.spec.ts and the proof
 * helpers they use (fixtures/proofs.ts) gets its condition replaced by `true`, one at a time, in a
 * copy of the repository; the selftest's own scenarios (fake runtimes, broken labs) then run on
 * the tests that check belongs to, judged exactly as the selftest judges them. A mutant is caught
 * when any scenario reports a problem.
 *
 *   node --import tsx selftest/support/mutants.ts [--only REGEX] [--jobs N]
 *
 * Slow (a child suite per scenario per mutant): a measurement, not part of npm run test:self.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fullName } from './expect-failures.js';
import { limit } from './limit.js';
import { runSuite } from './run-suite.js';
import { FAKE_SCENARIOS, FAULT_SCENARIOS, judge, scenarioConfig, type Scenario } from './scenarios.js';
import { selecting } from './verdicts.js';

const FILES = ['specs/verify.spec.ts', 'specs/exercise-3.spec.ts', 'fixtures/proofs.ts'];

interface Site {
  readonly file: string;
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly condition: string;
  /** The tests whose verdict this check is part of. */
  readonly tests: readonly string[];
}

/** The end of the argument that starts at `from`: the next top-level comma, outside strings and brackets. */
function argumentEnd(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === "'" || ch === '"' || ch === '`') {
      for (i++; i < text.length && text[i] !== ch; i++) if (text[i] === '\\') i++;
    } else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) return i;
  }
  throw new Error(`no end of argument at ${from}`);
}

/** The name of the test a position lies in, as --grep sees it ("section name"). */
function enclosingTest(text: string, at: number, section: string): string {
  const before = text.slice(0, at);
  const m = [...before.matchAll(/\btest\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g)].pop();
  if (!m) throw new Error(`no test around offset ${at}`);
  return `${section} ${(m[2] ?? '').replace(/\\(.)/g, '$1')}`;
}

function sites(allTests: readonly string[]): Site[] {
  const out: Site[] = [];
  for (const file of FILES) {
    const text = readFileSync(file, 'utf8');
    const section = /describe\('([\w-]+)'/.exec(text)?.[1];
    for (const m of text.matchAll(/\bcheck\(\s*(?:cx\.)?lesson,\s*/g)) {
      const start = (m.index ?? 0) + m[0].length;
      const end = argumentEnd(text, start);
      // A spec's check belongs to its test; a shared proof's to every test (most of them use one).
      const tests = file.startsWith('specs/') && section ? [enclosingTest(text, start, section)] : [...allTests];
      out.push({ file, line: text.slice(0, start).split('\n').length, start, end, condition: text.slice(start, end).replace(/\s+/g, ' '), tests });
    }
  }
  return out;
}

/** A copy of the repository (node_modules linked, not copied) with one condition replaced by `true`. */
function mutatedCopy(site: Site): string {
  const dir = mkdtempSync(join(tmpdir(), 'lesson06-mutant-'));
  for (const entry of readdirSync('.')) if (!['node_modules', '.git', 'reports'].includes(entry)) cpSync(entry, join(dir, entry), { recursive: true });
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  const text = readFileSync(site.file, 'utf8');
  writeFileSync(join(dir, site.file), `${text.slice(0, site.start)}true${text.slice(site.end)}`);
  return dir;
}

/** The tests of the scenario's selection among `tests`. */
function selected(s: Scenario, tests: readonly string[]): string[] {
  if (s.grep === undefined) return [...tests];
  const re = new RegExp(s.grep);
  return tests.filter((t) => re.test(t));
}

async function caughtBy(site: Site): Promise<string | undefined> {
  const dir = mutatedCopy(site);
  try {
    for (const s of [...FAKE_SCENARIOS, ...FAULT_SCENARIOS]) {
      const tests = selected(s, site.tests);
      if (tests.length === 0) continue;
      // Scenario files (fakes, faults) live in the original tree; only the specs are mutated.
      const config = { ...scenarioConfig(s), ...(s.runtime ? { runtime: resolve('selftest/fakes', s.runtime) } : {}) };
      const run = await runSuite(selecting(...tests), config, { cwd: dir });
      const problems = judge(run, s);
      if (problems.length > 0) return `${s.name}: ${problems[0]?.split('\n')[0]}`;
    }
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, jobs: { type: 'string' } }, strict: true });
  const baseline = await runSuite(undefined);
  const allTests = baseline.cases.map(fullName);
  if (baseline.exec.exitCode !== 0) throw new Error('the unmutated suite must pass first');
  const only = values.only === undefined ? undefined : new RegExp(values.only);
  const todo = sites(allTests).filter((s) => !only || only.test(`${s.file}:${s.line} ${s.condition}`));
  const pool = limit(Number(values.jobs ?? 2));
  const started = Date.now();
  const results = await Promise.all(
    todo.map((site) =>
      pool(async () => {
        const by = await caughtBy(site);
        process.stdout.write(`${by ? 'caught  ' : 'SURVIVED'} ${site.file}:${site.line} check(…, ${site.condition.slice(0, 70)})\n${by ? `         by ${by.slice(0, 220)}\n` : ''}`);
        return { site, by };
      }),
    ),
  );
  const survived = results.filter((r) => r.by === undefined);
  process.stdout.write(`\nmutants: ${results.length}, caught: ${results.length - survived.length}, survived: ${survived.length} (${Math.round((Date.now() - started) / 1000)} s)\n`);
  process.exitCode = survived.length === 0 ? 0 : 1;
}

await main();
