import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readLesson } from '../../helpers/lesson/document.js';
import { ERRATUM_LINES, MAX_NOT_EXECUTABLE, NOT_EXECUTABLE } from '../../helpers/lesson/line-notes.js';
import { SHARED_LESSON, sharedLesson } from '../../scripts/cli/test-args.js';

/** The course's own lesson document, read where it sits beside the clone (npm run test:self:lesson). */
const lessonPath = sharedLesson(process.cwd());

describe('the shared lesson document', () => {
  test(`is present beside the clone (${SHARED_LESSON}); the annotated-lesson selftests need it`, () => {
    expect(lessonPath, `no ${SHARED_LESSON}: clone the course repository's shared/ beside this one`).toBeDefined();
  });
  const doc = lessonPath && existsSync(lessonPath) ? readLesson(lessonPath) : undefined;
  const ids = new Set(doc?.items.map((i) => i.id) ?? []);
  const specIds = readdirSync('specs')
    .filter((f) => f.endsWith('.spec.ts'))
    .flatMap((f) =>
      [
        ...readFileSync(`specs/${f}`, 'utf8').matchAll(
          /'((?:exercise|verify|cleanup|common-error|notes|background|the-config)[\w-]*\/(?:s\d+\/)?(?:b\d+\/L\d+|out\d+|proves\/\d+|observes\/\d+|cfg\d+))'/g,
        ),
      ].map((m) => `${f}: ${m[1] ?? ''}`),
    );

  test('every id a spec declares (lesson.runs, lesson.checks) names a line of the lesson', () => {
    expect(specIds.length).toBeGreaterThan(40);
    expect(specIds.filter((s) => !ids.has(s.split(': ')[1] ?? ''))).toEqual([]);
  });
  test('every bash block a spec runs as a script (lesson.block, lesson.runsScript) is a block of the lesson', () => {
    const blocks = readdirSync('specs')
      .filter((f) => f.endsWith('.spec.ts'))
      .flatMap((f) => [...readFileSync(`specs/${f}`, 'utf8').matchAll(/lesson\.(?:block|runsScript)\('([\w/-]+)'/g)].map((m) => m[1] ?? ''));
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.filter((b) => !(doc?.items ?? []).some((i) => i.id.startsWith(`${b}/`)))).toEqual([]);
  });
  test('every erratum a spec records is placed on lesson lines that exist', () => {
    const recorded = readdirSync('specs').flatMap((f) =>
      [...readFileSync(`specs/${f}`, 'utf8').matchAll(/id: '(E-[\w-]+)'/g)].map((m) => m[1] ?? ''),
    );
    expect(recorded.filter((id) => ERRATUM_LINES[id] === undefined)).toEqual([]);
    expect(
      Object.values(ERRATUM_LINES)
        .flat()
        .filter((id) => !ids.has(id)),
    ).toEqual([]);
  });
  test(`at most ${MAX_NOT_EXECUTABLE} lines are declared not executable, each a command line with a reason`, () => {
    const list = Object.entries(NOT_EXECUTABLE);
    expect(list.length).toBeLessThanOrEqual(MAX_NOT_EXECUTABLE);
    for (const [id, reason] of list) {
      expect(doc?.items.find((i) => i.id === id)?.kind, id).toBe('command');
      expect(reason.length, id).toBeGreaterThan(20);
    }
  });
  test('the shape this harness was written against: 80 command lines, 4 + 4 claims', () => {
    expect(doc?.items.filter((i) => i.kind === 'command')).toHaveLength(80);
    expect(doc?.items.filter((i) => i.kind === 'claim').map((i) => i.id)).toEqual([
      'exercise-3/s1/proves/1',
      'exercise-3/s1/proves/2',
      'exercise-3/s1/proves/3',
      'exercise-3/s1/proves/4',
      'exercise-4/s3/observes/1',
      'exercise-4/s3/observes/2',
      'exercise-4/s3/observes/3',
      'exercise-4/s3/observes/4',
    ]);
  });
});
