import { resolve } from 'node:path';
import type { RunConfig } from '../../helpers/run-config.js';
import { failureProblem, fullName } from './expect-failures.js';
import type { FaultName } from './faults.js';
import type { SuiteRun } from './run-suite.js';
import { grepFor, listedTests, testIdOf, type Selection } from './test-ids.js';
import { FAKE_FIRST_CHECKS, FAKE_RUNTIMES, FAULT_CASES, type AllBut, type ExpectedFailure, type FakeRuntime } from './verdicts.js';

/**
 * One selftest scenario: the suite (or a selection of it) under a fake runtime or a broken lab,
 * with what must come out. Both the selftest and the mutation run (selftest/support/mutants.ts)
 * judge runs with `judge`, so they cannot disagree about what "caught" means.
 */
export interface Scenario {
  readonly name: string;
  readonly runtime?: FakeRuntime;
  readonly fault?: FaultName;
  /** The tests (ids) or sections the child run selects; undefined: the whole suite. */
  readonly select?: Selection;
  /** The tests (ids) that must pass; every other selected test must fail. */
  readonly passes: readonly string[] | 'all' | 'all but the failures' | AllBut;
  /** Failures whose check and diagnosis are known. */
  readonly fails: readonly ExpectedFailure[];
}

export const FAKE_SCENARIOS: readonly Scenario[] = (Object.keys(FAKE_RUNTIMES) as FakeRuntime[]).map((fake) => ({
  name: `fake runtime ${fake}`,
  runtime: fake,
  ...(FAKE_RUNTIMES[fake].select ? { select: FAKE_RUNTIMES[fake].select } : {}),
  passes: FAKE_RUNTIMES[fake].passes,
  fails: FAKE_FIRST_CHECKS[fake] ?? [],
}));

export const FAULT_SCENARIOS: readonly Scenario[] = FAULT_CASES.map((c) => ({
  name: `broken lab ${c.fault}${c.runtime ? ` under ${c.runtime}` : ''}`,
  ...(c.runtime ? { runtime: c.runtime } : {}),
  fault: c.fault,
  select: c.select,
  passes: 'all but the failures',
  fails: c.fails,
}));

/** The run configuration a scenario's child suite gets. */
export const scenarioConfig = (s: Scenario): Partial<RunConfig> => ({
  ...(s.runtime ? { runtime: resolve('selftest/fakes', s.runtime) } : {}),
  ...(s.fault ? { fault: s.fault } : {}),
});

/** The --grep of a scenario's child run, from vitest's names for its tests' ids; undefined: the whole suite. */
export const scenarioGrep = async (s: Scenario): Promise<string | undefined> =>
  s.select === undefined ? undefined : grepFor(s.select, await listedTests());

/** The tests of `ran` that must pass under a list or an "all but" set. */
export function passSet(passes: readonly string[] | AllBut, ran: ReadonlySet<string>): Set<string> {
  if ('allBut' in passes) {
    const except = new Set<string>(passes.allBut);
    return new Set([...ran].filter((t) => !except.has(t)));
  }
  return new Set(passes);
}

/**
 * Everything about a run that differs from the scenario's expectation, limited to the tests it ran.
 * Tests are told apart by the `test-id` their report gives them, so a title says nothing here.
 */
export function judge(run: SuiteRun, s: Scenario): string[] {
  const problems: string[] = [];
  if (run.cases.length === 0) return [`${s.name}: no test ran (${run.exec.stderr.slice(-500)})`];
  // What has no id is no lesson test: a spec file that did not load, an unhandled error (harness errors), or a test without testId.
  for (const c of run.cases.filter((k) => testIdOf(k) === undefined))
    problems.push(`${fullName(c)}: ${c.state === 'error' ? `harness error ${c.message ?? ''}` : `no test-id in the report (${c.state})`}`);
  const cases = run.cases.filter((k) => testIdOf(k) !== undefined);
  const ran = new Set(cases.map((k) => testIdOf(k) as string));
  for (const c of cases.filter((k) => k.state === 'error')) problems.push(`${testIdOf(c)}: harness error ${c.message ?? ''}`);
  const failing = new Set(s.fails.map((f) => f.test));
  const mustPass =
    s.passes === 'all' ? ran : s.passes === 'all but the failures' ? new Set([...ran].filter((t) => !failing.has(t))) : passSet(s.passes, ran);
  for (const c of cases) {
    const id = testIdOf(c) as string;
    if (mustPass.has(id) && c.state !== 'passed') problems.push(`${id}: expected to pass, ${c.state}: ${c.message ?? ''}`);
    if (!mustPass.has(id) && c.state === 'passed') problems.push(`${id}: passed, but must fail under ${s.name}`);
  }
  for (const f of s.fails.filter((k) => ran.has(k.test))) {
    const p = failureProblem(
      cases.find((k) => testIdOf(k) === f.test),
      f,
    );
    if (p) problems.push(p);
  }
  return problems;
}
