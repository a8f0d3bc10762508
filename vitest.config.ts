import { defineConfig } from 'vitest/config';
import { SECTION_IDS } from './helpers/lesson/sections.js';

export default defineConfig({
  test: {
    include: ['specs/**/*.spec.ts', ...(process.env.LESSON06_SELFTEST_SPECS ? ['selftest/specs/*.spec.ts'] : [])],
    // Grading mode has its own config: it adopts a student's lab instead of building one.
    exclude: ['specs/grade.spec.ts', 'node_modules/**'],
    // Each test owns a namespace sandbox, so tests in one file may run at once.
    sequence: { concurrent: true },
    maxConcurrency: 8,
    pool: 'forks',
    maxWorkers: 3,
    // Specs keep no module state between files; reusing workers saves a Node start and import per file.
    isolate: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
    tags: SECTION_IDS.map((name) => ({ name, description: `lesson 06 section ${name}` })),
    reporters: ['default', './helpers/report/junit-reporter.ts'],
    // Workers name cgroups and containers after the run; run directly, the run is this vitest process.
    env: { LESSON06_RUN_ID: process.env.LESSON06_RUN_ID ?? String(process.pid) },
  },
});
