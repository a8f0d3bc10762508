import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readLesson } from '../helpers/lesson/document.js';
import { NO_LESSON_HINT } from '../helpers/report/lesson-reporter.js';
import { visit } from './support/browser.js';
import { runSuite } from './support/run-suite.js';
import { grepOf } from './support/test-ids.js';

/** A lesson of this repository's own writing: the annotator's mechanics need no course document (that run is npm run test:self:lesson). */
const MINI = resolve('selftest/support/mini-lesson.md');

describe('the annotated lesson, from real suite runs', () => {
  test("the annotator's mechanics on a small lesson of our own: every command line gets a mark, the coverage line counts them, and Chromium renders the page", async () => {
    const run = await runSuite(await grepOf('exercise-1/step-1'), { lesson: MINI });
    expect(run.exec.exitCode, run.exec.stdout.slice(-2000)).toBe(0);
    const md = run.lessonMd ?? '';
    const doc = readLesson(MINI);
    const commands = doc.items.filter((i) => i.kind === 'command');
    expect(commands.map((c) => c.id)).toEqual(['exercise-1/s1/b1/L2', 'exercise-1/s1/b1/L5', 'exercise-1/s1/b1/L9']);
    for (const item of commands) expect(md, item.id).toMatch(new RegExp(`^> - \\S+ \`${item.id}\``, 'm'));
    // The test checks the listing line's claim and runs ip netns add through the lab builder.
    expect(md).toMatch(/^> - ✓ `exercise-1\/s1\/b1\/L2` `sudo ip netns add container-net`/m);
    const last = md.trimEnd().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^lesson coverage: \d+ of 3 command lines executed, \d+ with adjustments, 0 not executable$/);
    const dir = mkdtempSync(join(tmpdir(), 'annotated-lesson-selftest-mini-'));
    try {
      const page = join(dir, 'lesson.html');
      writeFileSync(page, run.lessonHtml ?? '');
      const seen = await visit(page, join(dir, 'mini.png'), ['table.lines', '.mark.m-verbatim']);
      expect(seen.problems).toEqual([]);
      expect(seen.text).toContain(last);
      expect(seen.counts['.mark.m-verbatim']).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('without a lesson document the run passes and says in one line how to get the annotated lesson', async () => {
    const run = await runSuite(await grepOf('exercise-1/step-1'), { lesson: undefined });
    expect(run.exec.exitCode).toBe(0);
    expect(run.exec.stdout).toContain(NO_LESSON_HINT);
    expect(run.lessonMd).toBeUndefined();
  });
});
