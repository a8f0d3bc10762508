import type { FaultName } from './faults.js';

/**
 * What each selftest scenario must produce, written down from what each test claims, not copied
 * from a run. A test is named "section name", as --grep sees it.
 */

/** Tests that never call the runtime: the lab, the lesson's own pings, CNI, Common Errors 3–5 without runc. */
export const NEVER_CALLS_THE_RUNTIME = [
  'exercise-1 step 1: ip netns add lists container-net and creates its file under /var/run/netns',
  'exercise-1 step 2: both veth ends exist on the host before the move',
  'exercise-1 step 3: after the move veth-container is gone from the host view',
  'exercise-1 step 3: veth-container is inside the namespace and DOWN',
  'exercise-1 step 4: veth-host has 10.0.0.1/24 and veth-container has 10.0.0.2/24',
  'exercise-1 step 5: veth-host, veth-container and the namespace loopback are up',
  'exercise-1 step 6: the host pings the namespace at 10.0.0.2',
  'exercise-1 step 6: the namespace pings the host at 10.0.0.1',
  'verify script check 1: container-net is in ip netns list',
  'verify script check 2: ip link show veth-host succeeds',
  'verify script check 3: ping -c 1 -W 1 10.0.0.2 from the host succeeds',
  'verify script check 4: ip netns exec container-net ping -c 1 -W 1 10.0.0.1 succeeds',
  'verify manual 1–2: the namespace exists and veth-host is configured (UP, 10.0.0.1/24)',
  'verify manual 3: ip netns exec container-net ip addr shows veth-container with 10.0.0.2/24',
  'verify manual 4: ping works in both directions',
  'cleanup deleting veth-host removes its peer veth-container from the namespace too',
  "cleanup after ip link del and ip netns del the lesson's verify-cleanup lines report OK for both",
  'common-error-3 ip netns add as an unprivileged user is refused; as root it works',
  'common-error-3 the namespace file under /var/run/netns is owned by root',
  'common-error-4 no single fix is enough: route only, then route + ip_forward without MASQUERADE, still no reply',
  'common-error-5 wrong: from the host, ip link show veth-container fails after the move',
  'common-error-5 right: ip netns exec container-net ip link show veth-container works',
  'notes Docker-style bridge: two namespaces on docker0 reach each other and the bridge address',
  'notes CNI ADD: the bridge plugin with host-local IPAM puts eth0 with a 10.22.0.0/16 address into the netns',
  'notes CNI CHECK with the previous result succeeds',
  'notes CNI DEL removes the veth and releases the address; a second DEL succeeds',
] as const;

/** Tests whose only runtime call is `runc spec`: they read the config it writes and never run a container. */
export const ONLY_RUNC_SPEC = [
  'exercise-2 step 2: runc spec writes a network namespace with no path',
  "exercise-2 step 3: the lesson's jq edit points the network namespace at /var/run/netns/container-net",
  "exercise-2 step 4: the lesson's jq edit sets the process to ip addr && ping -c 3 10.0.0.1",
  'verify script check 5: jq -e finds the network namespace path in ~/oci-netns-test/config.json',
  "common-error-6 the lesson's jq query shows the network entry with its path",
] as const;

/** Tests that run containers but claim nothing about their network namespace: hooks, the lifecycle, Clean Up. */
export const NO_NETWORK_CLAIM = [
  'exercise-5 a prestart hook receives the container state on stdin (ociVersion, id, pid, bundle, status)',
  'exercise-5 a createRuntime hook receives the container state on stdin (ociVersion, id, pid, bundle, status)',
  'exercise-5 a poststop hook receives the state (no pid) and removes the host end',
  'exercise-5 a failing prestart hook stops the container from starting and leaves nothing behind',
  'cleanup after the clean-up commands no container, veth, namespace or bundle remains',
  'cleanup a second clean-up is harmless: it only reports what is already gone',
] as const;

/** Tests whose bundles have no namespace path at all: a runtime that drops paths is right for them. */
export const NO_PATH_GIVEN = [
  'exercise-4 step 3: with no path the container has only a loopback interface, DOWN (or, erratum, UP with 127.0.0.1/8)',
  'exercise-4 step 3: no address is assigned except loopback ones',
  'exercise-4 step 3: the container cannot reach 10.0.0.1 even while the lab exists: Network is unreachable',
  "exercise-4 step 3: runc created a new netns: the container's inode differs from the host's and from container-net",
  'exercise-5 a prestart hook wires the network: the container in a new netns gets veth-container and pings the host',
] as const;

export type FakeRuntime = 'noop-runc' | 'canned-runc' | 'no-netns-runc' | 'no-path-runc' | 'faithful-runc';

/** Each fake runtime (selftest/fakes) and exactly the tests that may pass under it; `all` for every test. */
export const FAKE_RUNTIMES: Readonly<Record<FakeRuntime, { readonly passes: readonly string[] | 'all'; readonly why: string }>> = {
  'noop-runc': { passes: NEVER_CALLS_THE_RUNTIME, why: 'does nothing and exits 0: only tests that never call the runtime can pass' },
  'canned-runc': {
    passes: [...NEVER_CALLS_THE_RUNTIME, ...ONLY_RUNC_SPEC],
    why: "prints the lesson's expected output: no test that runs a container may believe it",
  },
  'no-netns-runc': {
    passes: [...NEVER_CALLS_THE_RUNTIME, ...ONLY_RUNC_SPEC, ...NO_NETWORK_CLAIM],
    why: 'leaves the container in the namespace it was started from: every joining or isolation claim must fail',
  },
  'no-path-runc': {
    passes: [...NEVER_CALLS_THE_RUNTIME, ...ONLY_RUNC_SPEC, ...NO_NETWORK_CLAIM, ...NO_PATH_GIVEN],
    why: 'ignores the namespace path: every test that joins a given namespace must fail',
  },
  'faithful-runc': { passes: 'all', why: 'behaves exactly as the lesson says: every test passes, with no runtime erratum' },
};

/** Errata about the lesson's own text and iproute2, which no runtime can change. */
export const NON_RUNTIME_ERRATA = ['E-missing-device-wording', 'E-verify-accepts-any-path'] as const;

/**
 * A broken lab: the selection (a --grep) runs the lesson in order up to the first check the
 * fault breaks; exactly `first` fails there, at the check whose expectation contains `check`,
 * with a diagnosis naming the real cause (`says`: Common Error title or next-step text).
 */
export interface FaultCase {
  readonly fault: FaultName;
  readonly grep: string;
  readonly first: string;
  readonly check: string;
  readonly diagnosis: string;
  readonly says: string;
}

const E1 = (steps: string): string => `^exercise-1 step (${steps}):`;
/** Exercise 2 (whose bundles are the harness's own) and Exercise 3 up to the given test. */
const E2_E3 = (e3: string): string => `^exercise-2 |^exercise-3 step 1: the container (${e3})`;

export const FAULT_CASES: readonly FaultCase[] = [
  { fault: 'skip-step-1', grep: E1('1'), first: 'exercise-1 step 1: ip netns add lists container-net and creates its file under /var/run/netns', check: '"ip netns list" shows container-net', diagnosis: 'Common Error 1', says: 'ip netns add container-net' },
  { fault: 'netns-name-typo', grep: E1('1'), first: 'exercise-1 step 1: ip netns add lists container-net and creates its file under /var/run/netns', check: '"ip netns list" shows container-net', diagnosis: 'Common Error 1', says: 'for typos' },
  { fault: 'skip-step-2', grep: E1('1|2'), first: 'exercise-1 step 2: both veth ends exist on the host before the move', check: 'finds veth-host on the host', diagnosis: 'next', says: 'ip link add veth-host type veth peer name veth-container' },
  { fault: 'veth-peer-misnamed', grep: E1('1|2'), first: 'exercise-1 step 2: both veth ends exist on the host before the move', check: 'finds veth-container on the host', diagnosis: 'next', says: 'ip link add veth-host type veth peer name veth-container' },
  { fault: 'skip-step-3', grep: `${E1('1|2')}|^exercise-1 step 3: after the move`, first: 'exercise-1 step 3: after the move veth-container is gone from the host view', check: 'veth-container is no longer listed on the host', diagnosis: 'next', says: 'ip link set veth-container netns container-net' },
  { fault: 'wrong-end-moved', grep: `${E1('1|2')}|^exercise-1 step 3: after the move`, first: 'exercise-1 step 3: after the move veth-container is gone from the host view', check: 'veth-host stays on the host', diagnosis: 'next', says: 'move veth-container, not veth-host' },
  { fault: 'ns-veth-deleted', grep: `${E1('1|2')}|^exercise-1 step 3: after the move`, first: 'exercise-1 step 3: after the move veth-container is gone from the host view', check: 'veth-host stays on the host', diagnosis: 'next', says: 'the pair no longer exists' },
  { fault: 'skip-step-4', grep: E1('1|2|3|4'), first: 'exercise-1 step 4: veth-host has 10.0.0.1/24 and veth-container has 10.0.0.2/24', check: 'veth-host has 10.0.0.1/24', diagnosis: 'Common Error 2', says: '10.0.0.1/24 and 10.0.0.2/24' },
  { fault: 'host-address-wrong', grep: E1('1|2|3|4'), first: 'exercise-1 step 4: veth-host has 10.0.0.1/24 and veth-container has 10.0.0.2/24', check: 'veth-host has 10.0.0.1/24', diagnosis: 'Common Error 2', says: '10.0.0.1/24 and 10.0.0.2/24' },
  { fault: 'wrong-subnet', grep: E1('1|2|3|4'), first: 'exercise-1 step 4: veth-host has 10.0.0.1/24 and veth-container has 10.0.0.2/24', check: 'veth-container in container-net has 10.0.0.2/24', diagnosis: 'Common Error 2', says: '10.0.0.1/24 and 10.0.0.2/24' },
  { fault: 'ns-address-missing', grep: E1('1|2|3|4'), first: 'exercise-1 step 4: veth-host has 10.0.0.1/24 and veth-container has 10.0.0.2/24', check: 'veth-container in container-net has 10.0.0.2/24', diagnosis: 'Common Error 2', says: '10.0.0.1/24 and 10.0.0.2/24' },
  { fault: 'skip-step-5', grep: E1('1|2|3|4|5'), first: 'exercise-1 step 5: veth-host, veth-container and the namespace loopback are up', check: 'veth-host (host) has the UP flag', diagnosis: 'Common Error 2', says: 'ip link set veth-host up' },
  { fault: 'veth-host-down', grep: E1('1|2|3|4|5'), first: 'exercise-1 step 5: veth-host, veth-container and the namespace loopback are up', check: 'veth-host (host) has the UP flag', diagnosis: 'Common Error 2', says: 'ip link set veth-host up' },
  { fault: 'veth-container-down', grep: E1('1|2|3|4|5'), first: 'exercise-1 step 5: veth-host, veth-container and the namespace loopback are up', check: 'veth-container (container-net) has the UP flag', diagnosis: 'Common Error 2', says: 'ip netns exec container-net ip link set veth-container up' },
  { fault: 'ns-lo-down', grep: E1('1|2|3|4|5'), first: 'exercise-1 step 5: veth-host, veth-container and the namespace loopback are up', check: 'lo (container-net) has the UP flag', diagnosis: 'Common Error 2', says: 'ip netns exec container-net ip link set lo up' },
  { fault: 'netns-missing', grep: E1('1|2|3|4|5'), first: 'exercise-1 step 5: veth-host, veth-container and the namespace loopback are up', check: 'container-net can be entered', diagnosis: 'Common Error 1', says: 'ip netns add container-net' },
  { fault: 'edit-path-missing', grep: E2_E3('sees'), first: 'exercise-3 step 1: the container sees veth-container with 10.0.0.2/24 and lo up, not veth-host', check: "config.json's network entry is", diagnosis: 'Common Error 6', says: '"path": "/var/run/netns/container-net"' },
  { fault: 'edit-network-dropped', grep: E2_E3('sees'), first: 'exercise-3 step 1: the container sees veth-container with 10.0.0.2/24 and lo up, not veth-host', check: "config.json's network entry is", diagnosis: 'Common Error 6', says: '"path": "/var/run/netns/container-net"' },
  { fault: 'edit-path-other-netns', grep: E2_E3('sees'), first: 'exercise-3 step 1: the container sees veth-container with 10.0.0.2/24 and lo up, not veth-host', check: "config.json's network entry is", diagnosis: 'Common Error 6', says: '"path": "/var/run/netns/container-net"' },
  { fault: 'edit-path-typo', grep: E2_E3('sees'), first: 'exercise-3 step 1: the container sees veth-container with 10.0.0.2/24 and lo up, not veth-host', check: "config.json's network entry is", diagnosis: 'Common Error 1', says: 'for typos' },
  { fault: 'edit-args-missing', grep: E2_E3('sees'), first: 'exercise-3 step 1: the container sees veth-container with 10.0.0.2/24 and lo up, not veth-host', check: "config.json's process.args are", diagnosis: 'next', says: 'Exercise 2 Step 4' },
  { fault: 'edit-args-wrong-address', grep: E2_E3('sees'), first: 'exercise-3 step 1: the container sees veth-container with 10.0.0.2/24 and lo up, not veth-host', check: "config.json's process.args are", diagnosis: 'next', says: 'Exercise 2 Step 4' },
  { fault: 'rootfs-no-busybox', grep: E2_E3('sees'), first: 'exercise-3 step 1: the container sees veth-container with 10.0.0.2/24 and lo up, not veth-host', check: 'the container runs the lesson', diagnosis: 'next', says: 'cp /bin/busybox rootfs/bin/' },
  { fault: 'spec-missing', grep: E2_E3('sees'), first: 'exercise-3 step 1: the container sees veth-container with 10.0.0.2/24 and lo up, not veth-host', check: 'the container runs the lesson', diagnosis: 'next', says: 'run "runc spec"' },
  { fault: 'no-terminal-fix', grep: '^exercise-2 ', first: 'exercise-2 step 1: a rootfs holding only the busybox binary runs sh, or (erratum) needs busybox applet links', check: 'the container runs', diagnosis: 'next', says: 'E-terminal-needs-tty' },
  { fault: 'no-applets', grep: '^exercise-2 ', first: "exercise-2 step 4: runc spec's default terminal: true runs without a TTY, or (erratum) needs terminal: false", check: 'the container runs', diagnosis: 'next', says: 'E-rootfs-needs-applets' },
  { fault: 'no-net-raw', grep: E2_E3('sees|pings'), first: 'exercise-3 step 1: the container pings the host at 10.0.0.1 (3 sent, 3 received) and the replies cross veth-container', check: '3 packets received', diagnosis: 'next', says: 'E-ping-needs-net-raw' },
];
