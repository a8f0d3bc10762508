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
    reporters: ['./helpers/reporter/grade-reporter.ts', './helpers/reporter/junit-reporter.ts'],
  },
});
