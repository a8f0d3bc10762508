import { mergeConfig } from 'vitest/config';
import main from '../vitest.config.js';

/** The product's configuration plus a setup file that records when each test starts and ends (selftest/concurrency.test.ts). */
export default mergeConfig(main, { test: { setupFiles: ['selftest/support/record-times.ts'] } });
