import type { RunSymptom } from '../oci/outcome.js';
import type { Remedy } from './diagnosis.js';
import { fixes } from './fixes.js';
import type { LabPlan } from './plan.js';

/** Facts about the bundle that tell two causes of one symptom apart. */
export interface RunFacts {
  /** rootfs/bin/busybox exists (Exercise 2 Step 1's copy was made). */
  readonly busyboxInRootfs?: boolean;
}

/**
 * The way out of a failed `runc run`, by what really failed: the Common Error when the lesson
 * has one, otherwise the next step (the errata name the ones the lesson does not foresee).
 */
export function remedyForRun(symptom: RunSymptom, plan: LabPlan, facts: RunFacts = {}): Remedy {
  switch (symptom) {
    case 'netns-missing':
    case 'not-a-netns':
      return { commonError: fixes.missingNetns(plan) };
    case 'permission':
      return { commonError: fixes.permission() };
    case 'unreachable':
    case 'no-reply':
      return { commonError: fixes.noConnectivity(plan) };
    case 'spec-missing':
      return { next: `the bundle has no config.json: run "runc spec" in ${plan.bundleDir} (Exercise 2 Step 1)` };
    case 'exec-not-found':
      return facts.busyboxInRootfs === false
        ? { next: 'the rootfs has no busybox: copy it with "cp /bin/busybox rootfs/bin/" (Exercise 2 Step 1)' }
        : {
            next: 'the rootfs holds only the busybox binary, so "sh" does not exist: install its applet links with "sudo chroot rootfs /bin/busybox --install -s /bin" (erratum E-rootfs-needs-applets)',
          };
    case 'no-tty':
      return {
        next: 'process.terminal is true and there is no terminal to attach: set "terminal": false in config.json, or run from an interactive terminal (erratum E-terminal-needs-tty)',
      };
    case 'ping-not-permitted':
      return {
        next: 'busybox ping needs a raw socket: add "CAP_NET_RAW" to every process.capabilities set in config.json (erratum E-ping-needs-net-raw)',
      };
    case 'hook-failed':
      return { next: "a hook failed and runc stopped: read the hook's error above (Exercise 5)" };
    case 'timeout':
      return { next: "the container's process did not exit by itself: check process.args (Exercise 2 Step 4)" };
    case 'runtime-missing':
      return { next: 'the runtime under test could not be started: check that it is installed (runc --version) or the --runtime path' };
    case 'ok':
      return { next: 'the run succeeded where the lesson expects it to fail: the runtime did not use config.json as written' };
    case 'process-failed':
      return { next: "the container ran and its process failed: read the process's output above and compare process.args with Exercise 2 Step 4" };
    case 'runtime-failed':
      return { next: 'the runtime refused before starting the container, for a reason the lesson does not cover: read its error above' };
    case 'not-started':
      return {
        next: "the runtime exited 0 but never started the container (the harness's poststart witness did not run): its exit status cannot be trusted; read its error above and check the runtime with --version",
      };
  }
}
