import type { RunConfig } from '../run-config.js';
import type { LabContainer } from './container.js';
import { SandboxTarget, type CgroupSetup } from './sandbox.js';
import type { Target } from './types.js';

/**
 * A fresh target for one test of the lesson suite, as the run configuration says: a sandbox on
 * this machine, or a sandbox inside the worker's lab container.
 */
export async function createTarget(config: RunConfig, lab: LabContainer | undefined): Promise<Target> {
  const cgroup: CgroupSetup = config.cgroup === 'v2' ? 'v2' : config.runtimeInfo?.hideUnified === true ? 'hide-unified' : 'host';
  switch (config.target) {
    case 'sandbox':
      return SandboxTarget.start({ cgroup });
    case 'container':
      if (lab === undefined) throw new Error('container target: the worker has no lab container');
      return SandboxTarget.start({ cgroup }, lab);
    case 'host':
      throw new Error('the host target is read-only and serves grading only');
  }
}
