import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { diagnosisOf, expectFailure, fullName } from './support/expect-failures.js';
import { runSuite, type SuiteRun } from './support/run-suite.js';
import { FAKE_FIRST_CHECKS, FAKE_RUNTIMES, NON_RUNTIME_ERRATA, type FakeRuntime } from './support/verdicts.js';

/**
 * The whole suite under each fake runtime (selftest/fakes): exactly the tests that may pass do,
 * so no test can start passing for the wrong reason, and every failure is a diagnosed check.
 * The five runs go side by side; each is a full suite, mostly waiting on ip and runc.
 */
const runs = new Map<FakeRuntime, Promise<SuiteRun>>();
const runUnder = (fake: FakeRuntime): Promise<SuiteRun> => {
  let r = runs.get(fake);
  if (r === undefined) {
    r = runSuite(undefined, { runtime: resolve('selftest/fakes', fake) }, { timeoutMs: 280_000 });
    runs.set(fake, r);
  }
  return r;
};
const errataIds = (run: SuiteRun): string[] =>
  [...new Set(run.cases.flatMap((c) => c.properties.filter((p) => p.name === 'erratum').map((p) => /^(E-[\w-]+)/.exec(p.value)?.[1] ?? p.value)))].sort();

describe.concurrent('fake runtimes: the exact set of tests that pass under each', () => {
  for (const [fake, want] of Object.entries(FAKE_RUNTIMES) as Array<[FakeRuntime, (typeof FAKE_RUNTIMES)[FakeRuntime]]>) {
    test(`${fake} (${want.why})`, { timeout: 300_000 }, async () => {
      const run = await runUnder(fake);
      const summary = run.cases.map((c) => `${c.state} ${fullName(c)}`).join('\n');
      expect(run.cases.length, `${run.exec.stderr.slice(-2000)}`).toBeGreaterThan(60);
      expect(run.cases.filter((c) => c.state === 'error').map(fullName), summary).toEqual([]);
      const passed = run.cases.filter((c) => c.state === 'passed').map(fullName).sort();
      const expected = want.passes === 'all' ? run.cases.map(fullName).sort() : [...want.passes].sort();
      expect(passed).toEqual(expected);
      expect(run.exec.exitCode).toBe(want.passes === 'all' ? 0 : 1);
    });
  }

  for (const [fake, fails] of Object.entries(FAKE_FIRST_CHECKS) as Array<[FakeRuntime, NonNullable<(typeof FAKE_FIRST_CHECKS)[FakeRuntime]>]>) {
    test(`${fake}: each Verify and Exercise 3 test fails at its first check, with its diagnosis`, { timeout: 300_000 }, async () => {
      const run = await runUnder(fake);
      for (const f of fails) expectFailure(run, f);
    });
  }

  test('noop-runc: every failure says the runtime wrote no config.json (Exercise 2 Step 1)', { timeout: 300_000 }, async () => {
    const run = await runUnder('noop-runc');
    for (const c of run.cases.filter((k) => k.state === 'failed')) {
      expect(diagnosisOf(c.body), fullName(c)).toContain('writes config.json, an OCI runtime configuration');
      expect(diagnosisOf(c.body), fullName(c)).toContain('Exercise 2: Configure runc to Use the Network Namespace, Step 1');
    }
  });

  test('no-netns-runc: every test that fails, fails with the namespace diagnosis (Common Error 6)', { timeout: 300_000 }, async () => {
    const run = await runUnder('no-netns-runc');
    const failed = run.cases.filter((k) => k.state === 'failed');
    expect(failed.length).toBeGreaterThan(20);
    for (const c of failed) expect(diagnosisOf(c.body), fullName(c)).toContain('diagnosis: Common Error 6:');
  });

  test('faithful-runc: no runtime erratum is reported, only those about the lesson text and iproute2', { timeout: 300_000 }, async () => {
    const run = await runUnder('faithful-runc');
    expect(errataIds(run).filter((id) => !(NON_RUNTIME_ERRATA as readonly string[]).includes(id))).toEqual([]);
  });
});
