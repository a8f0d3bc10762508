import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import type { ReporterOptions } from './helpers/report/reporter-options.js';
import { bashBlocks, readLesson } from './helpers/lesson/document.js';
import { commandIndex } from './helpers/lesson/links.js';
import { SECTION_IDS } from './helpers/lesson/sections.js';
import { configFromEnv, LESSON_WORKERS } from './helpers/run-config.js';
import { BLOB_FILE } from './helpers/report/shards.js';
import { GRADE_CHECK_INFO, STEP_CHECK_INFO } from './helpers/grade/catalog.js';

/** The launcher's run configuration (npm test, npm run grade); run directly, the defaults. */
const run = configFromEnv(process.env);
/** The lesson document, for the annotated lesson only; specs run the same without it. */
const lessonDoc = run.mode === 'suite' && run.lesson !== undefined ? readLesson(run.lesson) : undefined;

/** The lesson suite: every test builds its own lab in its own sandbox, so tests run side by side. */
const lesson: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'lesson',
    include: ['specs/**/*.spec.ts'],
    exclude: ['specs/grade.spec.ts', 'specs/grade-steps.spec.ts'],
    // Specs keep no module state between files; reusing workers saves a Node start and import per file.
    isolate: false,
  },
};

/** Grading: the Verify checks in order against the one lab on this machine, read-only. */
const grade: TestProjectInlineConfiguration = {
  extends: true,
  test: {
    name: 'grade',
    // The checklist's own steps (Exercise 4, 5, Clean Up) only when --check or --watch asks for one: never scored.
    // A --check of those alone does not load the Verify checks either: a lab platform's Clean Up check starts sooner.
    include: [
      ...(run.grade?.only === undefined || run.grade.only.run.some((id) => GRADE_CHECK_INFO.some((c) => c.id === id)) ? ['specs/grade.spec.ts'] : []),
      ...(run.grade?.only?.run.some((id) => STEP_CHECK_INFO.some((c) => c.id === id)) ? ['specs/grade-steps.spec.ts'] : []),
    ],
    fileParallelism: false,
    testTimeout: 60_000,
  },
};

/**
 * The harness's reporters, named by path with their options, never imported here: vitest bundles
 * this file with everything it imports before it can read it, and the reporters' imports were
 * half of its main process's start-up. vitest loads them itself, as modules of the project.
 */
// Absolute: vitest resolves a reporter's relative path from the root's parent first.
const own = (path: string, options: ReporterOptions): [string, ReporterOptions] => [fileURLToPath(new URL(path, import.meta.url)), options];
const consoleReporters: Array<string | [string, ReporterOptions]> =
  run.mode === 'grade' ? [own('./helpers/report/grade-reporter.ts', { run }), ...run.reporters] : [...run.reporters];

// A shard also leaves vitest's blob, which npm run merge-reports replays through these same reporters.
const blob: Array<['blob', { outputFile: string }]> = run.shardDir ? [['blob', { outputFile: `${run.shardDir}/${BLOB_FILE}` }]] : [];
const reporters: Array<string | [string, ReporterOptions] | ['blob', { outputFile: string }]> = [
  ...consoleReporters,
  own('./helpers/report/lesson-reporter.ts', { run, lessonDoc }),
  own('./helpers/report/junit-reporter.ts', { run }),
  ...blob,
];

export default defineConfig({
  test: {
    projects: [run.mode === 'grade' ? grade : lesson],
    provide: { config: run, lessonIndex: lessonDoc ? commandIndex(lessonDoc) : [], lessonBlocks: lessonDoc ? bashBlocks(lessonDoc) : [] },
    pool: 'forks',
    // Transformed specs and helpers kept on disk between runs: a rerun skips most of vite's work at start-up.
    experimental: { fsModuleCache: true },
    maxWorkers: LESSON_WORKERS,
    // Here, not in the project: vitest 4.1 reads sequence.concurrent from the root config only
    // (vitest-dev/vitest#9645), so set on the lesson project the tests of one file ran one by one.
    // Grading runs its Verify checks in order against one lab, so only the lesson suite overlaps.
    sequence: { concurrent: run.mode !== 'grade' },
    maxConcurrency: 8,
    testTimeout: 90_000,
    hookTimeout: 60_000,
    tags: SECTION_IDS.map((name) => ({ name, description: `lesson 06 section ${name}` })),
    ...(run.grep !== undefined ? { testNamePattern: run.grep } : {}),
    ...(run.tagsFilter !== undefined ? { tagsFilter: [run.tagsFilter] } : {}),
    reporters,
  },
});
