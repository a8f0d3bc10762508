/**
 * setupFile of selftest's timing runs (selftest/vitest.timing.config.ts): one JSON line per test,
 * its file and when it started and ended, beside the run's JUnit report (TIMES_FILE).
 */
import { appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, inject } from 'vitest';
import { TIMES_FILE, type TestTimes } from './times.js';

const out = join(dirname(inject('config').junit), TIMES_FILE);
const started = new Map<string, number>();
// performance.timeOrigin + now(): one clock across the workers of a run.
const now = (): number => performance.timeOrigin + performance.now();

beforeEach(({ task }) => {
  started.set(task.id, now());
});
afterEach(({ task }) => {
  const line: TestTimes = { file: task.file.name, name: task.name, start: started.get(task.id) ?? Number.NaN, end: now() };
  appendFileSync(out, `${JSON.stringify(line)}\n`);
});
