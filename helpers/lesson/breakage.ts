import type { LabBreakage } from './lab.js';

/**
 * Where selftest installs a deliberate breakage of the lab (its catalogue lives in
 * selftest/support/faults.ts, installed by selftest's setup file); a normal run never does.
 */

let installed: LabBreakage | undefined;

export function installBreakage(b: LabBreakage | undefined): void {
  installed = b;
}

export function installedBreakage(): LabBreakage | undefined {
  return installed;
}
