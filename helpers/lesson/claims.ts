import type { OciNamespace } from '../oci/config.js';
import type { LabPlan } from './plan.js';

/**
 * Values the lesson states as commands or expected output. They are claims under test:
 * specs compare them with what the tools really print and report an erratum when they differ.
 */

/** Exercise 2 Step 2: the namespaces the lesson says `runc spec` writes. */
export const CLAIMED_DEFAULT_NAMESPACES: readonly OciNamespace[] = [
  { type: 'pid' },
  { type: 'network' },
  { type: 'ipc' },
  { type: 'uts' },
  { type: 'mount' },
];

/** Exercise 2 Step 3: the array the lesson's jq command writes. */
export function exercise2Namespaces(netnsPath: string): OciNamespace[] {
  return [{ type: 'pid' }, { type: 'network', path: netnsPath }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }];
}

/** Exercise 2 Step 4: the process the lesson's container runs. */
export function exercise2Args(p: LabPlan): string[] {
  return ['sh', '-c', `ip addr && ping -c 3 ${p.hostCidr.address}`];
}

/** Exercise 4 Step 2. */
export const EXERCISE_4_ARGS = ['sh', '-c', 'ip link && ip addr'];

/** Exercise 3 Step 1's expected output ends with three echo replies. */
export const CLAIMED_PING_COUNT = 3;

/** Common Error 5's symptom, as the lesson prints it (iproute2 wording). */
export const CLAIMED_MISSING_DEVICE_TEXT = 'Cannot find device';

/** A long-running process for detached containers; the lesson's own runs exit by themselves. */
export const IDLE_ARGS = ['sleep', '600'];

/** The capability busybox ping needs for its raw ICMP socket. */
export const NET_RAW = 'CAP_NET_RAW';

/**
 * Clean Up, in the lesson's order: the containers (with the runtime under test, never another
 * runc), the lab, the bundles. Each command's failure is ignored, as the lesson's `|| true` does.
 */
export function cleanupCommands(p: LabPlan, runtime: string): { containers: string[][]; lab: string[][]; bundles: string[][] } {
  return {
    containers: [
      [runtime, 'delete', '-f', p.containerId],
      [runtime, 'delete', '-f', p.newContainerId],
    ],
    lab: [
      ['ip', 'link', 'del', p.hostVeth],
      ['ip', 'netns', 'del', p.netns],
    ],
    bundles: [['rm', '-rf', p.bundleDir, p.newBundleDir]],
  };
}

/** Verify: the file the lesson writes its script to and runs. */
export const VERIFY_SCRIPT = 'verify-network-integration.sh';

/** Verify, automated script checks 3 and 4: one echo request, one second to answer (`ping -c 1 -W 1`). */
export const VERIFY_PING = { count: 1, waitSeconds: 1 } as const;

/** Verify, automated script check 5: the jq query that must exit 0. */
export const VERIFY_PATH_QUERY = '.linux.namespaces[] | select(.type == "network") | .path';

/** Common Error 3's fix runs a container it calls mycontainer. */
export const COMMON_ERROR_3_CONTAINER = 'mycontainer';

/** Common Error 3's "without root": nobody/nogroup. */
export const UNPRIVILEGED = { uid: 65534, gid: 65534 } as const;
