import type { ExecResult } from '../targets/exec.js';
import { parsePingSummary } from './ip.js';

/** The run exited 0 and its ping summary says `count` replies came back. */
export const pingedAll = (r: ExecResult, count: number): boolean => r.exitCode === 0 && parsePingSummary(r.stdout)?.received === count;
