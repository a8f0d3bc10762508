import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['selftest/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
