import { mergeConfig } from 'vitest/config';
import main from '../vitest.config.js';

/** The product's configuration plus selftest's harness faults (selftest/support/harness-faults.ts). */
export default mergeConfig(main, { test: { setupFiles: ['selftest/support/harness-faults.ts'] } });
