import { mergeConfig } from 'vitest/config';
import main from '../vitest.config.js';

/** The product's own configuration plus the selftest's breakage seam; selftest runs the suite with it. */
export default mergeConfig(main, { test: { setupFiles: ['selftest/support/install-breakage.ts'] } });
