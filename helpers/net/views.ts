import type { ExecResult } from '../targets/exec.js';
import { parseIpAddrText, parsePingSummary } from './ip.js';

/** "exit N; <stdout><stderr>": how a command's outcome is quoted in a diagnosis. */
export const outcomeText = (r: ExecResult): string => `exit ${r.exitCode}; ${r.stdout}${r.stderr}`;

/** The run exited 0 and its ping summary says `count` replies came back. */
export const pingedAll = (r: ExecResult, count: number): boolean =>
  r.exitCode === 0 && parsePingSummary(r.stdout)?.received === count;

/** Interface names in `ip addr`/`ip link` text output, each once, in order. */
export const interfaceNames = (stdout: string): string[] => [...new Set(parseIpAddrText(stdout).map((i) => i.ifname))];
