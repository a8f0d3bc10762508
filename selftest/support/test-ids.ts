import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_ID, TEST_ID_PROPERTY } from '../../helpers/report/test-id.js';
import { runArgv } from '../../helpers/targets/exec.js';
import type { ReportedCase } from './junit.js';

/**
 * The selftest names lesson tests by their stable ids (`exercise-3/sees-veth-container`, declared
 * beside each test with fixtures' `testId`), never by titles, so rewording a title breaks no
 * verdict. Two things still need vitest's names: a child run's --grep, and the mutation run's
 * map from a check to the tests around it. Both get them from vitest itself (`listTests`: the
 * collected tests with their meta), so the map between ids and titles is written nowhere.
 */

/** A collected lesson test. */
export interface ListedTest {
  /** vitest's full name, "section > title", as `vitest list` prints it. */
  readonly name: string;
  /** "section title": what --grep (vitest's testNamePattern) matches. */
  readonly grepName: string;
  readonly file: string;
  /** Absent when the test declares none (testIdProblems reports it). */
  readonly id?: string;
}

/** What a child run selects: test ids (`exercise-1/step-4`) or whole sections (`exercise-2`). */
export type Selection = readonly string[];

/** Whether `sel` (undefined: the whole suite) selects the test `id`. */
export const selects = (sel: Selection | undefined, id: string): boolean =>
  sel === undefined || sel.some((s) => s === id || (!s.includes('/') && id.startsWith(`${s}/`)));

/** The lesson tests vitest collects from `cwd` (no test runs; a few seconds). */
export async function listTests(cwd = '.'): Promise<ListedTest[]> {
  const dir = mkdtempSync(join(tmpdir(), `lesson06-tests-${process.pid}-`));
  const out = join(dir, 'tests.json');
  try {
    const r = await runArgv([process.execPath, '--import', 'tsx', 'selftest/support/list-tests.ts', out], { cwd, timeoutMs: 120_000 });
    if (r.exitCode !== 0) throw new Error(`listing the lesson tests failed: ${r.stderr.slice(-600)}`);
    return JSON.parse(readFileSync(out, 'utf8')) as ListedTest[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let listedOnce: Promise<ListedTest[]> | undefined;
/** listTests of this tree, collected once per process. */
export const listedTests = (): Promise<ListedTest[]> => (listedOnce ??= listTests());

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The --grep that selects exactly `sel`'s tests; an id or section no listed test has is an error, not an empty run. */
export function grepFor(sel: Selection, listed: readonly ListedTest[]): string {
  const parts = sel.map((s) => {
    const mine = listed.filter((t) => t.id !== undefined && selects([s], t.id));
    if (mine.length === 0) throw new Error(`no lesson test has the id or section "${s}"`);
    return s.includes('/') ? mine.map((t) => `^${escape(t.grepName)}$`).join('|') : `^${escape(s)} `;
  });
  return parts.join('|');
}

/** The --grep of a child run of exactly these tests (ids) or sections, in this tree. */
export const grepOf = async (...sel: string[]): Promise<string> => grepFor(sel, await listedTests());

/** The report's `test-id` of a testcase (undefined when it has none). */
export const testIdOf = (c: ReportedCase): string | undefined => c.properties.find((p) => p.name === TEST_ID_PROPERTY)?.value;

/** Every test without an id, with a malformed one, one outside its own section, and every id two tests share. */
export function testIdProblems(listed: readonly ListedTest[]): string[] {
  const problems: string[] = [];
  const seen = new Map<string, ListedTest>();
  for (const t of listed) {
    if (t.id === undefined) {
      problems.push(`${t.file}: "${t.grepName}" has no test id (testId('<section>/<slug>') as its options)`);
      continue;
    }
    if (!TEST_ID.test(t.id)) problems.push(`${t.file}: "${t.grepName}": test id "${t.id}" is not <section>/<slug>`);
    const section = t.name.split(' > ')[0] ?? '';
    if (!t.id.startsWith(`${section}/`)) problems.push(`${t.file}: "${t.grepName}": test id "${t.id}" is not in its section ${section}`);
    const other = seen.get(t.id);
    if (other) problems.push(`test id "${t.id}" is used twice: "${other.grepName}" and "${t.grepName}"`);
    seen.set(t.id, t);
  }
  return problems;
}
