import type { ReportedCase } from './junit.js';
import type { ExpectedFailure } from './verdicts.js';

export const fullName = (c: { suite: string; name: string }): string => `${c.suite} ${c.name}`;

/** The part of a failure's body before its transcript: the diagnosis. */
export const diagnosisOf = (body: string): string => body.split('--- transcript ---')[0] ?? '';

/** Why a reported test is not the expected failure, or undefined when it is (one reading, shared with the mutation run). */
export function failureProblem(c: ReportedCase | undefined, f: ExpectedFailure): string | undefined {
  if (c?.state !== 'failed') return `${f.test}: expected to fail, was ${c?.state ?? 'not run'}`;
  const expected = (c.message ?? '').split('; seen ')[0] ?? '';
  const diagnosis = diagnosisOf(c.body);
  if (!expected.includes(f.check)) return `${f.test}: failed at "${expected}", not at "${f.check}"`;
  if (f.diagnosis === 'next' && (diagnosis.includes('diagnosis: Common Error') || !/\n {2}next: {5}/.test(diagnosis)))
    return `${f.test}: expected a next step and no Common Error:\n${diagnosis}`;
  if (f.diagnosis !== 'next' && !diagnosis.includes(`diagnosis: ${f.diagnosis}:`)) return `${f.test}: expected ${f.diagnosis}:\n${diagnosis}`;
  if (!diagnosis.includes(f.says)) return `${f.test}: the diagnosis does not say "${f.says}":\n${diagnosis}`;
  return undefined;
}
