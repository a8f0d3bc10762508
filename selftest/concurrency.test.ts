import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, test } from 'vitest';
import { TIMES_FILE, type TestTimes } from './support/times.js';
import { reportRun } from './support/report-runs.js';

/** The most tests of `times` running at one moment. */
function peak(times: readonly TestTimes[]): number {
  const edges = times.flatMap((t) => [
    { at: t.start, d: 1 },
    { at: t.end, d: -1 },
  ]);
  // An end before a start at the same instant: touching is not overlapping.
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let running = 0;
  let most = 0;
  for (const e of edges) most = Math.max(most, (running += e.d));
  return most;
}

/**
 * The tests of one spec file overlap. Each builds its own lab in its own sandbox, so the suite's
 * speed rests on this; vitest reads sequence.concurrent only where vitest.config.ts now sets it
 * (the root), and set anywhere else the same file ran one test at a time without a word.
 */
test('the tests of one spec file run at the same time, up to maxConcurrency', { timeout: 240_000 }, async () => {
  const r = await reportRun(['selftest/support/launch-with.ts', 'selftest/vitest.timing.config.ts', '-', '--grep', 'exercise-3']);
  try {
    expect(r.exec.exitCode, r.out.slice(-3000)).toBe(0);
    const times = readFileSync(join(dirname(r.junit), TIMES_FILE), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as TestTimes);
    const selected = r.cases.length;
    expect(selected).toBeGreaterThanOrEqual(3);
    expect(times.length).toBe(selected);
    expect(new Set(times.map((t) => t.file)).size, 'one spec file').toBe(1);
    // All of the file's tests fit under maxConcurrency (8): every one starts before the first one ends.
    expect(peak(times), times.map((t) => `${t.name}: ${Math.round(t.start)}-${Math.round(t.end)}`).join('\n')).toBe(selected);
  } finally {
    r.dispose();
  }
});
