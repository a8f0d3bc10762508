import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { AdjustmentName } from '../../helpers/lesson/adjustments.js';
import { readLesson } from '../../helpers/lesson/document.js';
import { TRANSFORMS } from '../../helpers/lesson/transforms.js';
import { runArgv } from '../../helpers/targets/exec.js';
import { sharedLesson, SHARED_LESSON } from '../../scripts/cli/test-args.js';
import { runSuite } from '../support/run-suite.js';

const lessonPath = sharedLesson(process.cwd());
const lesson = (): string => {
  if (lessonPath === undefined) throw new Error(`this selftest needs ${SHARED_LESSON} beside this clone`);
  return lessonPath;
};

/** A copy of the lesson with `edit` applied, in a directory removed afterwards. */
async function withCopy<T>(edit: (text: string) => string, f: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'changed-lines-selftest-'));
  try {
    const text = readFileSync(lesson(), 'utf8');
    const edited = edit(text);
    expect(edited).not.toBe(text);
    writeFileSync(join(dir, 'lesson.md'), edited);
    return await f(join(dir, 'lesson.md'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `harness.adjustment: ID: NAME: reason` → the ids declared with an adjustment that is a transformation. */
const transformedIds = (cases: ReadonlyArray<{ properties: ReadonlyArray<{ name: string; value: string }> }>): string[] => [
  ...new Set(
    cases.flatMap((c) =>
      c.properties.flatMap((p) => {
        const m = /^([\w/-]+): ([\w-]+): /.exec(p.value);
        return p.name === 'harness.adjustment' && m && TRANSFORMS[m[2] as AdjustmentName] !== undefined ? [m[1] ?? ''] : [];
      }),
    ),
  ),
];

/** The first word of the line that is the command's own (not if, !, sudo or cat), with "9" appended: a one-word change. */
function changeFirstWord(line: string): string {
  const m = /^(\s*(?:(?:if|!|sudo|cat)\s+)*)(\S+)/.exec(line);
  if (!m) throw new Error(`no word to change in "${line}"`);
  return `${m[1] ?? ''}${m[2] ?? ''}9${line.slice(m[0].length)}`;
}

describe('a lesson line changed in the document fails the run, naming the line and the difference', () => {
  test('npm test -- --lesson <copy with -W 1 changed to -W 5 in the Verify script> exits 3 and names verify/b1/L23 with "-W 1" → "-W 5"', async () => {
    await withCopy(
      (text) => text.replace('if ! ping -c 1 -W 1 10.0.0.2 &>/dev/null; then', 'if ! ping -c 1 -W 5 10.0.0.2 &>/dev/null; then'),
      async (copy) => {
        const dir = mkdtempSync(join(tmpdir(), 'changed-lines-selftest-junit-'));
        try {
          const r = await runArgv(
            [process.execPath, '--import', 'tsx', 'scripts/test.ts', '--grep', 'script check 3', '--lesson', copy, '--junit', join(dir, 'junit.xml')],
            { timeoutMs: 180_000 },
          );
          expect(r.exitCode, r.stdout + r.stderr).toBe(3);
          expect(r.stdout).toMatch(
            /^verify\/b1\/L23 changed in the lesson: the lesson's line now runs "ping -c 1 -W 5 10\.0\.0\.2" \(condition-by-harness\); the test ran "ping -c 1 -W 1 10\.0\.0\.2": "-W 1" → "-W 5"/m,
          );
          expect(r.stderr).toContain('for a line that changed in the lesson, update what its test runs');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });

  test(
    'every line a test runs through a transformation: unchanged, none is reported; each changed by one word, each is named',
    { timeout: 900_000 },
    async () => {
      const asIs = await runSuite(undefined, { lesson: lesson() }, { timeoutMs: 400_000 });
      expect(asIs.exec.stdout).not.toContain(' changed in the lesson: ');
      const ids = transformedIds(asIs.cases);
      // The check-by-check Verify tests, Exercise 2's as-written test and Common Error 4 at least.
      for (const id of ['verify/b1/L23', 'exercise-2/s3/b1/L2', 'common-error-4/b1/L2']) expect(ids).toContain(id);

      const doc = readLesson(lesson());
      const lines = new Set(ids.map((id) => doc.items.find((i) => i.id === id)?.line ?? 0));
      expect(lines.has(0)).toBe(false);
      await withCopy(
        (text) =>
          text
            .split('\n')
            .map((l, i) => (lines.has(i + 1) ? changeFirstWord(l) : l))
            .join('\n'),
        async (copy) => {
          const changed = await runSuite(undefined, { lesson: copy }, { timeoutMs: 400_000 });
          const named = [...changed.exec.stdout.matchAll(/^([\w/-]+) changed in the lesson: /gm)].map((m) => m[1]);
          expect([...new Set(named)].sort()).toEqual([...ids].sort());
        },
      );
    },
  );
});
