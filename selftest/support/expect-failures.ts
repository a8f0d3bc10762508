import { expect } from 'vitest';
import type { SuiteRun } from './run-suite.js';
import type { ExpectedFailure } from './verdicts.js';

export const fullName = (c: { suite: string; name: string }): string => `${c.suite} ${c.name}`;

/** The part of a failure's body before its transcript: the diagnosis. */
export const diagnosisOf = (body: string): string => body.split('--- transcript ---')[0] ?? '';

/** The test failed at the expected check, with a diagnosis naming the expected cause. */
export function expectFailure(run: SuiteRun, f: ExpectedFailure): void {
  const c = run.cases.find((k) => fullName(k) === f.test);
  expect(c?.state, `${f.test} should fail`).toBe('failed');
  const expected = (c?.message ?? '').split('; seen ')[0];
  const diagnosis = diagnosisOf(c?.body ?? '');
  expect(expected, `${f.test}: the failing check\n${diagnosis}`).toContain(f.check);
  if (f.diagnosis === 'next') {
    expect(diagnosis, `${f.test}: a next step, no Common Error`).not.toContain('diagnosis: Common Error');
    expect(diagnosis, f.test).toMatch(/\n {2}next: {5}/);
  } else {
    expect(diagnosis, f.test).toContain(`diagnosis: ${f.diagnosis}:`);
  }
  expect(diagnosis, f.test).toContain(f.says);
}
