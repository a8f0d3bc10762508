import type { RuntimeNeed } from '../oci/runtime-needs.js';
import type { OciConfig } from '../oci/config.js';
import type { Target } from '../targets/types.js';
import type { LabFault } from './lab.js';
import type { LabPlan } from './plan.js';

/**
 * Where selftest installs a deliberate breakage (its catalogue lives in selftest/support/faults.ts,
 * installed by selftest's setup file); a normal run never does. A breakage may break the lab
 * (Exercise 1), the lesson's bundle (Exercise 2's edits and rootfs), the machine a test runs on
 * (its sandbox), or leave out a runtime need the harness meets when the runtime has it.
 */
export interface Breakage {
  readonly name: string;
  readonly lab?: LabFault;
  /** Rewrites the lesson bundle's config.json after Exercise 2's edits. */
  readonly config?: (c: OciConfig, plan: LabPlan) => OciConfig;
  /** Changes the lesson bundle's directory (rootfs, files) once it is built. */
  readonly bundle?: (t: Target, bundleDir: string) => Promise<void>;
  /**
   * Changes the test's machine (its sandbox: mounts, firewall, files) before the test starts, for
   * tests that build no lab and never call the runtime.
   */
  readonly machine?: (t: Target) => Promise<void>;
  /** Adjustments the harness "forgets" although the runtime needs them. */
  readonly dropNeeds?: readonly RuntimeNeed[];
}

let installed: Breakage | undefined;

export function installBreakage(b: Breakage | undefined): void {
  installed = b;
}

export function installedBreakage(): Breakage | undefined {
  return installed;
}
