import { describe, expect, test } from 'vitest';
import { diagnosisOf, fullName } from './support/expect-failures.js';
import { limit } from './support/limit.js';
import { runSuite, type SuiteRun } from './support/run-suite.js';
import { FAKE_SCENARIOS, judge, scenarioConfig, scenarioGrep, type Scenario } from './support/scenarios.js';
import { listedTests, selects } from './support/test-ids.js';
import { FAKE_RUNTIMES, NON_RUNTIME_ERRATA, type FakeRuntime } from './support/verdicts.js';

/**
 * The whole suite under each fake runtime (selftest/fakes): exactly the tests that may pass do,
 * so no test can start passing for the wrong reason; the Verify and Exercise 3 tests fail at their
 * first check with their diagnosis; nothing crashes. Three whole-suite runs go side by side (each
 * is a full suite's worth of processes; CI has two cores).
 */
const pool = limit(3);
const runs = new Map<FakeRuntime, Promise<SuiteRun>>();
const runUnder = (s: Scenario & { runtime: FakeRuntime }): Promise<SuiteRun> => {
  let r = runs.get(s.runtime);
  if (r === undefined) {
    r = pool(async () => runSuite(await scenarioGrep(s), scenarioConfig(s), { timeoutMs: 280_000 }));
    runs.set(s.runtime, r);
  }
  return r;
};
const scenario = (fake: FakeRuntime): Scenario & { runtime: FakeRuntime } =>
  FAKE_SCENARIOS.find((s) => s.runtime === fake) as Scenario & { runtime: FakeRuntime };
const errataIds = (run: SuiteRun): string[] =>
  [
    ...new Set(run.cases.flatMap((c) => c.properties.filter((p) => p.name === 'erratum').map((p) => /^(E-[\w-]+)/.exec(p.value)?.[1] ?? p.value))),
  ].sort();

describe.concurrent('fake runtimes: the exact set of tests that pass under each, and where the rest fail', () => {
  for (const fake of Object.keys(FAKE_RUNTIMES) as FakeRuntime[]) {
    test(`${fake} (${FAKE_RUNTIMES[fake].why})`, { timeout: 1_200_000 }, async () => {
      const run = await runUnder(scenario(fake));
      const s = scenario(fake);
      if (s.select === undefined) expect(run.cases.length, run.exec.stderr.slice(-2000)).toBeGreaterThan(60);
      else {
        const selected = (await listedTests()).filter((t) => t.id !== undefined && selects(s.select, t.id));
        expect(run.cases.length, run.exec.stderr.slice(-2000)).toBe(selected.length);
      }
      expect(judge(run, scenario(fake))).toEqual([]);
      expect(run.exec.exitCode).toBe(FAKE_RUNTIMES[fake].passes === 'all' ? 0 : 1);
    });
  }

  test('noop-runc: every failure says the runtime wrote no config.json (Exercise 2 Step 1)', { timeout: 1_200_000 }, async () => {
    const run = await runUnder(scenario('noop-runc'));
    for (const c of run.cases.filter((k) => k.state === 'failed')) {
      expect(diagnosisOf(c.body), fullName(c)).toContain('writes config.json, an OCI runtime configuration');
      expect(diagnosisOf(c.body), fullName(c)).toContain('Exercise 2: Configure runc to Use the Network Namespace, Step 1');
    }
  });

  test('no-netns-runc: every test that fails, fails with the namespace diagnosis (Common Error 6)', { timeout: 1_200_000 }, async () => {
    const run = await runUnder(scenario('no-netns-runc'));
    const failed = run.cases.filter((k) => k.state === 'failed');
    expect(failed.length).toBeGreaterThan(20);
    for (const c of failed) expect(diagnosisOf(c.body), fullName(c)).toContain('diagnosis: Common Error 6:');
  });

  test(
    'copying-runc: every test that fails, fails with the namespace diagnosis (Common Error 6) from kernel evidence',
    { timeout: 1_200_000 },
    async () => {
      const run = await runUnder(scenario('copying-runc'));
      const failed = run.cases.filter((k) => k.state === 'failed');
      expect(failed.length).toBeGreaterThan(20);
      for (const c of failed) expect(diagnosisOf(c.body), fullName(c)).toContain('diagnosis: Common Error 6:');
    },
  );

  test('cgroupspath-ignoring-runc: every failure says the runtime ignores cgroupsPath', { timeout: 1_200_000 }, async () => {
    const run = await runUnder(scenario('cgroupspath-ignoring-runc'));
    for (const c of run.cases.filter((k) => k.state === 'failed'))
      expect(diagnosisOf(c.body), fullName(c)).toMatch(/ignores linux\.cgroupsPath: pid \d+ is in \S+\/(netns-test|newnetns-test|pod-a|pod-b)\b/);
  });

  test("delete-hiding-runc: every failure is what the kernel shows left behind, never the runtime's list", { timeout: 1_200_000 }, async () => {
    const run = await runUnder(scenario('delete-hiding-runc'));
    for (const c of run.cases.filter((k) => k.state === 'failed')) {
      expect(diagnosisOf(c.body), fullName(c)).toMatch(
        /no cgroup of this test's containers is left|the kernel holds nothing of either container|container with given ID already exists/,
      );
    }
  });

  test('exit0-runc: every failure says the runtime never started the container although it exited 0', { timeout: 1_200_000 }, async () => {
    const run = await runUnder(scenario('exit0-runc'));
    const failed = run.cases.filter((k) => k.state === 'failed');
    expect(failed.length).toBeGreaterThan(30);
    for (const c of failed)
      expect(diagnosisOf(c.body), fullName(c)).toMatch(/exited 0 but never started the container|exit status of .* does not say what happened/);
  });

  test('faithful-runc: no runtime erratum is reported, only those about the lesson text and iproute2', { timeout: 1_200_000 }, async () => {
    const run = await runUnder(scenario('faithful-runc'));
    expect(errataIds(run).filter((id) => !(NON_RUNTIME_ERRATA as readonly string[]).includes(id))).toEqual([]);
  });
});
