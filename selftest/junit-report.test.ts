import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ReportedCase } from './support/junit.js';
import { ensureXmllint, launchWith, plain, reportRun, schemaErrors, vitestTotal, type ReportRun } from './support/report-runs.js';

/**
 * The graders' report of real runs, through the product's launcher: valid against the common
 * JUnit schema, honest under --bail, harness faults as <error> with exit code 3, and extra
 * console reporters that add to the report instead of replacing it. The four runs go side by side.
 */

const LAB = 'selftest/vitest.suite.config.ts';
const HARNESS = 'selftest/vitest.harness.config.ts';
const runs: ReportRun[] = [];
const keep = (r: ReportRun): ReportRun => (runs.push(r), r);
afterAll(() => runs.forEach((r) => r.dispose()));
beforeAll(ensureXmllint, 300_000);

const tally = (cases: readonly ReportedCase[]) => ({
  passed: cases.filter((c) => c.state === 'passed').length,
  failed: cases.filter((c) => c.state === 'failed' || c.state === 'error').length,
  skipped: cases.filter((c) => c.state === 'skipped').length,
});
const errorLines = (stderr: string): string[] =>
  plain(stderr)
    .split('\n')
    .filter((l) => l.startsWith('error:'));
const notSelected = (out: string): number => Number(/^not selected: (\d+) test/m.exec(out)?.[1] ?? 0);

describe.concurrent('the JUnit report of real runs', () => {
  // The reporter, not vitest's --bail, stops the run: vitest's worker cancelled before the failing
  // test's result reached the main process, and most bailed runs then read as interrupted (130).
  test('--bail 1 on a broken lab: the failing test, every finished test and every unfinished one are in the report and the closing count', async () => {
    const r = keep(await launchWith(LAB, 'veth-host-down', ['--grep', 'exercise-1|verify', '--maxWorkers', '1', '--bail', '1']));
    expect(r.exec.exitCode, r.out.slice(-3000)).toBe(1);
    expect(await schemaErrors(r.junit)).toBe('');
    // The run really bailed, and says so in the console and in the report.
    expect(r.out).toMatch(/^stopped early: vitest stopped the run after \d+ failed test\(s\) \(--bail 1\)/m);
    expect(r.cases[0]?.suiteProperties.find((p) => p.name === 'run.stopped')?.value).toMatch(/--bail 1/);
    // Every test vitest collected is either left out by --grep or in the report: none vanished.
    expect(r.cases.length).toBe((vitestTotal(r.out) ?? -1) - notSelected(r.out));
    expect(r.closing).toEqual(tally(r.cases));
    const failed = r.cases.filter((c) => c.state === 'failed');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    for (const c of failed) {
      expect(c.message).toMatch(/^expected .*; seen /);
      expect(c.message).not.toContain('\n');
      expect(c.type).toBe('LessonCheckFailure');
      expect(r.out).toContain(`--- transcript: ${c.suite} › ${c.name} ---`);
    }
    for (const c of r.cases.filter((x) => x.state === 'skipped'))
      expect(c.message).toMatch(
        /^not finished: vitest stopped the run after \d+ failed test\(s\) \(--bail 1\) before this test ended( \(cut short while running, it then threw: .*\))?$/,
      );
    // One worker and two files: whichever file fails first, the bail leaves tests unfinished or the other file unstarted.
    expect(r.cases.some((c) => c.state === 'skipped') || /spec files never started/.test(r.out), 'the bail left something selected undone').toBe(
      true,
    );
  });

  test('a harness command that fails mid-test is <error type=HarnessError.*>, never a <failure>, and exits 3', async () => {
    const r = keep(await launchWith(HARNESS, 'harness-command-fails', ['--grep', 'exercise-1 step (1|2):']));
    expect(r.exec.exitCode, r.out.slice(-3000)).toBe(3);
    expect(await schemaErrors(r.junit)).toBe('');
    expect(r.cases.map((c) => c.state)).toEqual(['error', 'error']);
    for (const c of r.cases) {
      expect(c.type).toBe('HarnessError.CommandError');
      expect(c.message).toMatch(/^harness fault, not a lesson verdict: CommandError: .*ip link show lesson06-no-such-link/);
      expect(c.message).not.toContain('\n');
      expect(c.body).toContain('$ ip link show lesson06-no-such-link');
    }
    expect(r.out).toMatch(/^harness errors: 2 \(the harness broke, not the lesson/m);
    expect(r.closing).toEqual({ passed: 0, failed: 2, skipped: 0 });
    expect(errorLines(r.exec.stderr)).toEqual([expect.stringMatching(/the harness itself broke in 2 place\(s\)/)]);
  });

  test('a setup that crashes before any spec loads is a harness error (exit 3), not an empty selection (exit 2)', async () => {
    const r = keep(await launchWith(HARNESS, 'setup-crash', ['--grep', 'exercise-1 step 1:']));
    expect(r.exec.exitCode, `${r.out.slice(-2000)}\n${r.exec.stderr}`).toBe(3);
    expect(r.exec.stderr).not.toMatch(/selects no test/);
    expect(await schemaErrors(r.junit)).toBe('');
    expect(r.cases.length).toBeGreaterThan(0);
    for (const c of r.cases) {
      expect(c.state).toBe('error');
      expect(c.name).toMatch(/^specs\/.*\.spec\.ts could not run$/);
      expect(c.body).toContain('the harness setup crashed on purpose');
    }
  });

  test('--reporter verbose adds a console reporter: the JUnit report, its schema and the closing line stay', async () => {
    const r = keep(await reportRun(['scripts/test.ts', '--grep', 'exercise-1 step 1:', '--reporter', 'verbose']));
    expect(r.exec.exitCode, r.out.slice(-2000)).toBe(0);
    expect(r.out).toMatch(/✓ .*exercise-1 > step 1: ip netns add/);
    expect(r.closing).toEqual({ passed: 1, failed: 0, skipped: 0 });
    expect(r.cases.map((c) => c.state)).toEqual(['passed']);
    expect(notSelected(r.out) + 1).toBe(vitestTotal(r.out));
    expect(await schemaErrors(r.junit)).toBe('');

    // What graders' tools read on every suite and test.
    const xml = readFileSync(r.junit, 'utf8');
    const suite = /<testsuite ([^>]*)>/.exec(xml)?.[1] ?? '';
    expect(suite).toMatch(/ timestamp="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/);
    expect(suite).toContain(` hostname="${hostname()}"`);
    expect(suite).toMatch(/ time="\d+\.\d{3}"/);
    expect([...xml.matchAll(/<testcase [^>]*time="([^"]*)"/g)].map((m) => m[1])).toEqual([expect.stringMatching(/^\d+\.\d{3}$/)]);
    expect(r.cases[0]?.suiteProperties.every((p) => p.value !== '')).toBe(true);

    // The schema check itself can fail: a property without a value, properties inside a testcase.
    const broken = xml.replace('<property name="target" value="sandbox"/>', '<property name="target">sandbox</property>');
    writeFileSync(`${r.junit}.broken.xml`, broken);
    expect(await schemaErrors(`${r.junit}.broken.xml`)).toMatch(/attribute 'value' is required/);
    writeFileSync(`${r.junit}.broken.xml`, xml.replace(/(<testcase [^>]*>)/, '$1<properties><property name="a" value="b"/></properties>'));
    expect(await schemaErrors(`${r.junit}.broken.xml`)).toMatch(/Element 'properties': This element is not expected/);
  });
});
