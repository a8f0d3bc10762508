import type { OciNamespace } from '../oci/config.js';
import type { LabPlan } from './plan.js';
// The short facts shell code needs too (the fake runtimes, bench/floor.sh read them with jq), keyed by document ids.
import FACTS from './facts.json' with { type: 'json' };

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

/** Exercise 1 Step 6 (`exercise-1/s6/b1`): each direction's `ping -c 2`. */
export const EXERCISE_1_PING_COUNT: number = FACTS['exercise-1/s6/b1'].pingCount;

/** Exercise 2 Step 4 (`exercise-2/s4/b1/L1`): the container's `ping -c 3`; Exercise 3 Step 1's output ends with as many replies. */
export const CLAIMED_PING_COUNT: number = FACTS['exercise-2/s4/b1/L1'].pingCount;

/** Exercise 2 Step 4: the process the lesson's container runs. */
export function exercise2Args(p: LabPlan): string[] {
  return ['sh', '-c', `ip addr && ping -c ${CLAIMED_PING_COUNT} ${p.hostCidr.address}`];
}

const OUT1 = FACTS['exercise-3/s1/out1'];

/**
 * Exercise 3 Step 1's expected output (`exercise-3/s1/out1`), the ping part as busybox prints it:
 * the header, then one reply per echo request (the data plus the 8-byte ICMP header), seq from 0.
 */
export const EXERCISE_3_PING = {
  dataBytes: OUT1.pingDataBytes,
  ttl: OUT1.pingReplyTtl,
  header: (address: string): string => `PING ${address} (${address}): ${OUT1.pingDataBytes} data bytes`,
  /** The seq numbers of the replies the output shows: one per echo request of Exercise 2 Step 4's ping. */
  seqs: (): number[] => Array.from({ length: CLAIMED_PING_COUNT }, (_, i) => i),
  /** A reply line's start, capturing its seq. */
  replyPattern: (address: string): RegExp =>
    new RegExp(`^${OUT1.pingDataBytes + 8} bytes from ${address.replaceAll('.', '\\.')}: seq=(\\d+) ttl=${OUT1.pingReplyTtl} `, 'gm'),
} as const;

/** Exercise 4 Step 2. */
export const EXERCISE_4_ARGS = ['sh', '-c', 'ip link && ip addr'];

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
export const VERIFY_PING: { readonly count: number; readonly waitSeconds: number } = {
  count: FACTS['verify/b1'].pingCount,
  waitSeconds: FACTS['verify/b1'].pingWaitSeconds,
};

/** Verify, automated script check 5: the jq query that must exit 0. */
export const VERIFY_PATH_QUERY = '.linux.namespaces[] | select(.type == "network") | .path';

/** Common Error 3's fix runs a container it calls mycontainer. */
export const COMMON_ERROR_3_CONTAINER = 'mycontainer';

/** Common Error 3's "without root": nobody/nogroup. */
export const UNPRIVILEGED = { uid: 65534, gid: 65534 } as const;
