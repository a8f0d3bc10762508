import type { RunConfig } from '../run-config.js';

/**
 * Where the reporters leave what the launcher reads after vitest, in the run's private directory.
 * Apart from the reporters so that the launcher, which needs only the paths, does not load them.
 */
export const summaryPath = (c: RunConfig): string => `${c.workDir}/summary.json`;
/** A --check run's JUnit report, copied beside the summary for a caller that reads it back as root (npm run grade -- --watch). */
export const checkReportCopyPath = (c: RunConfig): string => `${c.workDir}/check.xml`;
export const lessonSummaryPath = (c: RunConfig): string => `${c.workDir}/lesson-summary.json`;
