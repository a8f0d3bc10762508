import type { RunConfig } from '../run-config.js';
import { ContainerTarget } from './container.js';
import { SandboxTarget } from './sandbox.js';
import type { Target } from './types.js';

/** A fresh target for one test of the lesson suite, as the run configuration says. */
export async function createTarget(config: RunConfig): Promise<Target> {
  switch (config.target) {
    case 'sandbox':
      return SandboxTarget.start();
    case 'container':
      if (config.privilege === undefined) throw new Error('container target: the launcher did not decide the privilege mode');
      return ContainerTarget.start({ distro: config.distro, runId: config.runId }, config.privilege);
    case 'host':
      throw new Error('the host target is read-only and serves grading only');
  }
}
