import { defineConfig } from 'vitest/config';

/** `npm run grade`: the Verify checks against an existing lab, in order, on the host target. */
export default defineConfig({
  test: {
    include: ['specs/grade.spec.ts'],
    sequence: { concurrent: false },
    fileParallelism: false,
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { LESSON06_RUN_ID: process.env.LESSON06_RUN_ID ?? String(process.pid) },
    reporters: ['./helpers/report/grade-reporter.ts', ['./helpers/report/junit-reporter.ts', { summary: false }]],
  },
});
