import { defineConfig } from 'vitest/config';

/**
 * The harness's own tests. Every `npm test`/`npm run grade` launcher sweeps what dead runs left
 * when it starts, so the reliability tests, which kill runs on purpose and then look at what
 * they left, run alone, after everything else (a later groupOrder).
 */
export default defineConfig({
  test: {
    testTimeout: 120_000,
    pool: 'forks',
    // One file at a time (vitest's default on 2 cores): two at once overloaded the grader's own time
    // limits (grade-hostile's reader child timed out at load 17 in a fresh-clone CI run).
    // Where the selftest runs is checked once, before any test (a clone under /tmp).
    globalSetup: ['selftest/support/preflight.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'selftest',
          include: ['selftest/**/*.test.ts'],
          exclude: ['selftest/reliability.test.ts', 'selftest/lesson-document/**'],
          sequence: { groupOrder: 0 },
        },
      },
      // Only these need the course's lesson document; npm run test:self:lesson runs them and refuses without it.
      { extends: true, test: { name: 'lesson-document', include: ['selftest/lesson-document/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'reliability', include: ['selftest/reliability.test.ts'], sequence: { groupOrder: 1 } } },
    ],
    // selftest starts lab containers itself (selftest/container.test.ts); Ryuk's image cannot be pulled.
    env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
  },
});
