/** What selftest/support/record-times.ts writes beside a run's JUnit report: one JSON line per test. */
export const TIMES_FILE = 'test-times.jsonl';

export interface TestTimes {
  readonly file: string;
  readonly name: string;
  readonly start: number;
  readonly end: number;
}
