import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['selftest/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
    // selftest starts lab containers itself (selftest/container.test.ts); Ryuk's image cannot be pulled.
    env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
  },
});
