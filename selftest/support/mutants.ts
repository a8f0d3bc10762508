/**
 * The mutation run behind "every check in every section is guarded": each `check(…)` of the
 * lesson specs and of the proofs they share (fixtures/proofs.ts) gets its condition replaced by
 * `true`, one at a time, in a copy of the repository; the selftest's own scenarios (fake runtimes,
 * broken labs) that expect one of that check's tests to fail then run on those tests, judged
 * exactly as the selftest judges them (scenarios.ts `judge`). A mutant is killed when a scenario
 * that is clean on the unmutated tree reports a problem on the mutant.
 *
 *   npm run mutants -- [--sample N] [--seed S] [--shard I/N] [--only REGEX] [--jobs N] [--list]
 *
 * Checks are named by their stable ids (`id:` of each check), tests by theirs (`testId`), never
 * by titles (selftest/support/test-ids.ts asks vitest for the names a --grep needs); --sample
 * draws N of them by the seed, so CI can run a fixed small sample. Prints `mutants: K killed of
 * N` with every survivor's id and file:line; exits 1 when a survivor is not in KEPT_SURVIVORS
 * (each kept one with the reason it cannot be killed), 2 when the run itself could not judge.
 * CPU heavy (a child suite per scenario): run it under `nice`.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { limit } from './limit.js';
import { KEPT_SURVIVORS } from './mutant-keep.js';
import { findSites, mutableFiles, sample, shard, type Site } from './mutant-sites.js';
import { runSuite, type SuiteRun } from './run-suite.js';
import { fullName } from './expect-failures.js';
import { SHARED_LESSON, sharedLesson } from '../../scripts/cli/test-args.js';
import { FAKE_SCENARIOS, FAULT_SCENARIOS, judge, passSet, scenarioConfig, type Scenario } from './scenarios.js';
import { grepFor, listTests, selects, testIdOf, testIdProblems, type ListedTest } from './test-ids.js';

const USAGE = 'usage: npm run mutants -- [--sample N] [--seed S] [--shard I/N] [--only REGEX] [--jobs N] [--list]';

/** Mutant copies live in the clone, not under /tmp: every lab sandbox hides /tmp, and the hooks must stay visible. */
const WORK = resolve('.mutants');

/** The tests (ids) of `s`'s selection that must fail under it: only there can a weakened check change a verdict. */
function mustFail(s: Scenario, tests: readonly string[]): string[] {
  const selected = tests.filter((t) => selects(s.select, t));
  if (s.passes === 'all') return [];
  if (s.passes === 'all but the failures') return selected.filter((t) => s.fails.some((f) => f.test === t));
  const passes = passSet(s.passes, new Set(selected));
  return selected.filter((t) => !passes.has(t));
}

/** Scenarios that aim at one of the site's tests, those naming the failing check first. */
function scenariosFor(site: Site): Array<{ s: Scenario; tests: string[] }> {
  const all = [...FAULT_SCENARIOS, ...FAKE_SCENARIOS].map((s) => ({ s, tests: mustFail(s, site.tests) })).filter((x) => x.tests.length > 0);
  const aimed = (check: string): boolean => site.expected.some((part) => check.includes(part) || part.includes(check));
  const named = (x: { s: Scenario }): number => {
    const mine = x.s.fails.filter((f) => site.tests.includes(f.test));
    return mine.some((f) => aimed(f.check)) ? 0 : mine.length > 0 ? 1 : 2;
  };
  return all.sort((a, b) => named(a) - named(b));
}

/** A copy of the repository (node_modules linked, not copied) with the site's condition replaced by `true`. */
function mutatedCopy(site: Site): string {
  mkdirSync(WORK, { recursive: true });
  const dir = mkdtempSync(join(WORK, `${site.id.replace(/\W+/g, '-')}-`));
  for (const entry of readdirSync('.'))
    if (!['node_modules', '.git', 'reports', '.mutants'].includes(entry)) cpSync(entry, join(dir, entry), { recursive: true });
  symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  const text = readFileSync(site.file, 'utf8');
  writeFileSync(join(dir, site.file), `${text.slice(0, site.start)}true${text.slice(site.end)}`);
  return dir;
}

/** Problems a weakened check can cause: a test that must fail passes, fails elsewhere, or crashes. Never "a test that must pass failed". */
const mutationProblems = (problems: readonly string[]): string[] => problems.filter((p) => !/: expected to pass, /.test(p));
const certain = (p: string): boolean => /: passed, but must fail|: expected to fail, was passed|: harness error/.test(p);

type Verdict = { readonly killed: true; readonly by: string } | { readonly killed: false; readonly noisy: readonly string[] };

/**
 * Checks reached only with the lesson document: they judge the lesson's scripts run as written.
 * The scenarios' expectations are written for runs without it, so these are judged by difference:
 * killed when a test that failed at this check on the unmutated tree (with the document) fails
 * elsewhere or passes on the mutant.
 */
const NEEDS_THE_DOCUMENT = new Set(['cleanup/script-as-written-says-ok', 'verify/script-as-written-says-all-pass']);

/** Where each test of a run stopped: "passed", or the expectation it failed at. */
const stops = (run: SuiteRun): Map<string, string> =>
  new Map(run.cases.map((c) => [testIdOf(c) ?? fullName(c), c.state === 'passed' ? 'passed' : ((c.message ?? c.state).split('; seen ')[0] ?? '')]));

async function judgeWithDocument(site: Site, listed: readonly ListedTest[], dir: string): Promise<Verdict> {
  const lesson = sharedLesson(process.cwd());
  if (lesson === undefined) return { killed: false, noisy: [`needs the lesson document (${SHARED_LESSON}) to reach this check`] };
  for (const { s, tests } of scenariosFor(site)) {
    const config = { ...scenarioConfig(s), lesson };
    const grep = grepFor(tests, listed);
    const before = stops(await runSuite(grep, config));
    const atSite = tests.filter((t) => site.expected.some((part) => part.length > 0 && (before.get(t) ?? '').includes(part)));
    if (atSite.length === 0) continue;
    const fakeRuntime = s.runtime ? { runtime: resolve('selftest/fakes', s.runtime) } : {};
    const after = stops(await runSuite(grep, { ...config, ...fakeRuntime }, { cwd: dir }));
    const moved = atSite.find((t) => after.get(t) !== before.get(t));
    if (moved !== undefined)
      return {
        killed: true,
        by: `${s.name}, with the lesson document: ${moved} stopped at "${before.get(moved)}", on the mutant at "${after.get(moved)}"`,
      };
  }
  return { killed: false, noisy: [] };
}

async function judgeSite(site: Site, listed: readonly ListedTest[]): Promise<Verdict> {
  const dir = mutatedCopy(site);
  const noisy: string[] = [];
  try {
    if (NEEDS_THE_DOCUMENT.has(site.id)) return await judgeWithDocument(site, listed, dir);
    for (const { s, tests } of scenariosFor(site)) {
      // Scenario files (fakes, faults) come from the original tree; only the specs are mutated.
      const config = { ...scenarioConfig(s), ...(s.runtime ? { runtime: resolve('selftest/fakes', s.runtime) } : {}) };
      const grep = grepFor(tests, listed);
      const run = await runSuite(grep, config, { cwd: dir });
      if (run.cases.length !== tests.length)
        throw new Error(`${site.id}: ${s.name} ran ${run.cases.length} of ${tests.length} selected tests: ${run.exec.stderr.slice(-400)}`);
      const problems = mutationProblems(judge(run, s));
      if (problems.length === 0) continue;
      const first = problems.find(certain) ?? problems[0] ?? '';
      // A failure at another check could be the machine's noise: it counts once the unmutated tree is clean there.
      if (!problems.some(certain)) {
        const clean = judge(await runSuite(grep, scenarioConfig(s)), s);
        if (clean.length > 0) {
          noisy.push(`${s.name} (unmutated too: ${clean[0]?.split('\n')[0]})`);
          continue;
        }
      }
      return { killed: true, by: `${s.name}: ${first.split('\n')[0]}` };
    }
    return { killed: false, noisy };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sectionOf = (s: Site): string => s.id.split('/')[0] ?? s.id;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      sample: { type: 'string' },
      seed: { type: 'string' },
      shard: { type: 'string' },
      only: { type: 'string' },
      jobs: { type: 'string' },
      list: { type: 'boolean' },
    },
    strict: true,
  });
  const int = (v: string | undefined, name: string, dflt: number): number => {
    if (v === undefined) return dflt;
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--${name} takes a positive integer, got "${v}"`);
    return Number(v);
  };
  const jobs = int(values.jobs, 'jobs', 1);
  const listed = await listTests();
  const unnamed = testIdProblems(listed);
  if (unnamed.length > 0) throw new Error(`the lesson tests' ids are not sound:\n${unnamed.join('\n')}`);
  let todo = findSites(mutableFiles(), listed);
  const unknown = [...NEEDS_THE_DOCUMENT].find((id) => !todo.some((s) => s.id === id));
  if (unknown !== undefined) throw new Error(`NEEDS_THE_DOCUMENT names ${unknown}, which is no check`);
  const orphan = todo.find((s) => s.tests.length === 0);
  if (orphan) throw new Error(`${orphan.id} (${orphan.file}:${orphan.line}): no test reaches this check`);
  if (values.only !== undefined) todo = todo.filter((s) => new RegExp(values.only as string).test(s.id));
  if (values.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new UsageError(`--shard takes I/N with 1 ≤ I ≤ N, got "${values.shard}"`);
    todo = shard(todo, Number(m[1]), Number(m[2]));
  }
  if (values.sample !== undefined) todo = sample(todo, int(values.sample, 'sample', 1), int(values.seed, 'seed', 1));
  if (todo.length === 0) throw new UsageError('no check selected');
  if (values.list) {
    for (const s of todo) process.stdout.write(`${s.id}\t${s.file}:${s.line}\t${scenariosFor(s).length} scenario(s)\t${s.tests.length} test(s)\n`);
    return 0;
  }
  const pool = limit(jobs);
  const started = Date.now();
  const results = await Promise.all(
    todo.map((site) =>
      pool(async () => {
        const v = await judgeSite(site, listed);
        const where = `${site.file}:${site.line}`;
        process.stdout.write(
          v.killed
            ? `killed   ${site.id} (${where})\n         by ${v.by.slice(0, 240)}\n`
            : `SURVIVED ${site.id} (${where}) check(…, ${site.condition.slice(0, 80)})\n${v.noisy.map((n) => `         not judged: ${n}\n`).join('')}`,
        );
        return { site, v };
      }),
    ),
  );
  const survivors = results.filter((r) => !r.v.killed).map((r) => r.site);
  process.stdout.write('\nper section:\n');
  for (const section of [...new Set(results.map((r) => sectionOf(r.site)))].sort()) {
    const mine = results.filter((r) => sectionOf(r.site) === section);
    process.stdout.write(`  ${section}: ${mine.filter((r) => r.v.killed).length} killed of ${mine.length}\n`);
  }
  for (const s of survivors)
    process.stdout.write(`survivor ${s.id} ${s.file}:${s.line}${KEPT_SURVIVORS[s.id] ? ` (kept: ${KEPT_SURVIVORS[s.id]})` : ''}\n`);
  for (const r of results.filter((k) => k.v.killed && KEPT_SURVIVORS[k.site.id]))
    process.stdout.write(`stale keep entry: ${r.site.id} is killed now; remove it from selftest/support/mutant-keep.ts\n`);
  process.stdout.write(
    `mutants: ${results.length - survivors.length} killed of ${results.length} (${Math.round((Date.now() - started) / 1000)} s)\n`,
  );
  return survivors.some((s) => !KEPT_SURVIVORS[s.id]) ? 1 : 0;
}

class UsageError extends Error {}

try {
  process.exitCode = await main();
} catch (e) {
  const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`error: ${(e as Error).message}\n${usage ? `${USAGE}\n` : 'next: fix the cause above; the mutation run judged nothing\n'}`);
  process.exitCode = 2;
}
