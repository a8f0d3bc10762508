import type { FaultName } from './faults.js';
import type { Selection } from './test-ids.js';

/**
 * What each selftest scenario must produce, written down from what each test claims, not copied
 * from a run. A test is named by its stable id (`testId(…)` beside it in its spec), never its
 * title: selftest/support/test-ids.ts turns ids into the names a child run's --grep needs.
 */

/** Tests that never call the runtime: the lab, the lesson's own pings, CNI, Common Errors 3–5 without runc. */
export const NEVER_CALLS_THE_RUNTIME = [
  'exercise-1/step-1',
  'exercise-1/step-2',
  'exercise-1/step-3-gone-from-host',
  'exercise-1/step-3-inside-netns-down',
  'exercise-1/step-4',
  'exercise-1/step-5',
  'exercise-1/step-6-host-pings-netns',
  'exercise-1/step-6-netns-pings-host',
  'verify/script-check-1',
  'verify/script-check-2',
  'verify/script-check-3',
  'verify/script-check-4',
  'verify/manual-1-2',
  'verify/manual-3',
  'verify/manual-4',
  'cleanup/peer-goes-with-veth-host',
  'cleanup/verify-cleanup-reports-ok',
  'common-error-3/ip-netns-add-unprivileged',
  'common-error-3/netns-file-owned-by-root',
  'common-error-4/no-single-fix-enough',
  'common-error-5/wrong-from-host',
  'common-error-5/right-inside-netns',
  'notes/docker-bridge',
  'notes/cni-add',
  'notes/cni-check',
  'notes/cni-del',
  'exercise-1/as-written',
  'common-error-1/fix-as-written',
  'common-error-2/fix-as-written',
] as const;

/** Tests whose only runtime call is `runc spec`: they read the config it writes and never run a container. */
export const ONLY_RUNC_SPEC = [
  'exercise-2/step-2-spec-network-no-path',
  'exercise-2/step-3-jq-sets-path',
  'exercise-2/step-4-jq-sets-process',
  'verify/script-check-5',
  'common-error-6/jq-query-shows-path',
  'exercise-2/as-written',
  'verify/whole-script',
] as const;

/** Tests that never start a container: what may pass under any runtime that starts none (or that no verdict can trust). */
export const STARTS_NO_CONTAINER = [...NEVER_CALLS_THE_RUNTIME, ...ONLY_RUNC_SPEC] as const;

/** Tests that run containers but claim nothing about their network namespace: hooks, the lifecycle, Clean Up. */
export const NO_NETWORK_CLAIM = [
  'exercise-5/prestart-state',
  'exercise-5/create-runtime-state',
  'exercise-5/poststop-removes-host-end',
  'exercise-5/failing-prestart-leaves-nothing',
  'cleanup/nothing-remains',
  'cleanup/second-clean-up-harmless',
  'exercise-5/prestart-and-create-runtime',
  'exercise-2/step-1-dynamic-busybox',
] as const;

/** Tests whose bundles have no namespace path at all: a runtime that drops paths is right for them. */
export const NO_PATH_GIVEN = [
  'exercise-4/only-loopback',
  'exercise-4/no-address',
  'exercise-4/unreachable',
  'exercise-4/new-netns',
  'exercise-5/prestart-wires-network',
  'exercise-5/create-runtime-wires-network',
  'exercise-4/as-written',
] as const;

/**
 * Tests that start a container detached (startIdle/startContainer) so the kernel can be asked
 * about it: they prove the reported pid is the container's by its cgroup, and their containers
 * outlive a foreground run, so whatever the runtime's delete leaves behind is theirs.
 */
export const STARTS_DETACHED = [
  'exercise-3/joins-netns',
  'exercise-3/step-2-netns-pids',
  'exercise-3/step-2-netns-exec',
  'exercise-4/only-loopback',
  'exercise-4/no-address',
  'exercise-4/new-netns',
  'exercise-4/as-written',
  'exercise-5/prestart-state',
  'exercise-5/create-runtime-state',
  'exercise-5/prestart-and-create-runtime',
  'cleanup/nothing-remains',
  'cleanup/second-clean-up-harmless',
  'common-error-6/no-path',
  'notes/shared-netns-pod',
] as const;

/** Tests whose runs give a path naming no namespace file: a runtime that refuses such a path is right for them, whatever it does with good ones. */
export const REFUSES_A_BAD_PATH = ['verify/script-check-5-any-path', 'common-error-6/wrong-path'] as const;

/**
 * Tests whose verdict needs what the runtime or the container writes to stderr: the refusals that
 * must name a path, the dynamic busybox's exec error, and every test whose container pings (busybox
 * ping's "permission denied" is the only sign that this runtime needs CAP_NET_RAW, so without it
 * the harness cannot adjust the bundle and the pings fail).
 */
export const NEEDS_STDERR = [
  'exercise-2/step-1-dynamic-busybox',
  'exercise-3/pings-host',
  'exercise-3/ping-capabilities',
  'exercise-3/as-written',
  'exercise-4/unreachable',
  'exercise-5/prestart-wires-network',
  'exercise-5/create-runtime-wires-network',
  'common-error-1/path-does-not-exist',
  'common-error-1/typo-in-name',
  'common-error-2/interfaces-down',
  'common-error-2/addresses-missing',
  'common-error-2/different-subnets',
  'common-error-4/external-unreachable',
  'common-error-4/three-fixes-reach-through-nat',
  'common-error-6/wrong-path',
  'notes/docker-bridge-runc',
  'notes/cni-runc',
] as const;

/** Tests that compare a hook's state with what `runc state` says: a runtime whose state lies fails them. */
export const COMPARES_WITH_STATE = ['exercise-5/prestart-state', 'exercise-5/create-runtime-state'] as const;

/** Tests whose bundle takes its network entry from runc spec's default: a runtime whose spec drops it fails them. */
export const USES_SPEC_NETWORK_DEFAULT = [
  'exercise-2/step-2-spec-network-no-path',
  'exercise-2/as-written',
  'exercise-4/only-loopback',
  'exercise-4/no-address',
  'exercise-4/new-netns',
  'exercise-4/as-written',
  'exercise-4/unreachable',
  'exercise-5/create-runtime-wires-network',
  'exercise-5/prestart-wires-network',
] as const;

/** Tests that read the addresses of a namespace the runtime creates: a runtime that addresses its lo fails them. */
export const READS_NEW_NETNS_ADDRESSES = ['exercise-4/only-loopback', 'exercise-4/no-address'] as const;

/** Tests that list the interfaces of a namespace the runtime creates: a runtime that adds one fails them. */
export const LISTS_NEW_NETNS = [...READS_NEW_NETNS_ADDRESSES, 'exercise-4/new-netns', 'exercise-4/as-written', 'common-error-6/no-path'] as const;

/** Tests whose config lists two hooks in one stage: a runtime that runs only the first fails them. */
export const TWO_HOOKS_IN_A_STAGE = [
  'exercise-5/poststop-removes-host-end',
  'exercise-5/prestart-wires-network',
  'exercise-5/create-runtime-wires-network',
] as const;

/** Tests that need a prestart hook to run: a runtime that drops that deprecated stage fails them. */
export const NEEDS_PRESTART = [
  'exercise-5/prestart-state',
  'exercise-5/prestart-and-create-runtime',
  'exercise-5/prestart-wires-network',
  'exercise-5/failing-prestart-leaves-nothing',
] as const;

export type FakeRuntime =
  | 'noop-runc'
  | 'canned-runc'
  | 'no-netns-runc'
  | 'no-path-runc'
  | 'faithful-runc'
  | 'slow-runc'
  | 'cgroupspath-ignoring-runc'
  | 'delete-hiding-runc'
  | 'hook-stripping-runc'
  | 'copying-runc'
  | 'stderr-muting-runc'
  | 'args-ignoring-runc'
  | 'state-lying-runc'
  | 'exit0-runc'
  | 'spec-deviating-runc'
  | 'spec-ipc-dropping-runc'
  | 'stdout-muting-runc'
  | 'netns-pinning-runc'
  | 'start-skipping-runc'
  | 'host-veth-moving-runc'
  | 'prestart-ignoring-runc'
  | 'lo-addressing-runc'
  | 'interface-adding-runc'
  | 'first-hook-only-runc'
  | 'hook-failure-leaking-runc'
  | 'nsenter-runc'
  | 'list-hiding-runc'
  | 'delete-missing-failing-runc'
  | 'ghost-state-runc'
  | 'hook-status-running-runc'
  | 'poststop-ignoring-runc';

/** Every test passes except these. */
export interface AllBut {
  readonly allBut: readonly string[];
}

/**
 * Each fake runtime (selftest/fakes) and exactly the tests that may pass under it; `all` for every test.
 * A fake aimed at one claim runs on a `select`ion of tests (ids or sections) only; the rest of the suite is not asserted under it.
 */
export const FAKE_RUNTIMES: Readonly<
  Record<FakeRuntime, { readonly passes: readonly string[] | 'all' | AllBut; readonly why: string; readonly select?: Selection }>
> = {
  'noop-runc': { passes: NEVER_CALLS_THE_RUNTIME, why: 'does nothing and exits 0: only tests that never call the runtime can pass' },
  'canned-runc': {
    passes: STARTS_NO_CONTAINER,
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
  'slow-runc': { passes: 'all', why: 'real runc, one second late on every call: no verdict depends on speed' },
  'cgroupspath-ignoring-runc': {
    passes: { allBut: STARTS_DETACHED },
    why: "puts containers in a cgroup named for their id, not at cgroupsPath: every test that proves a pid is its container's fails, saying the runtime ignores cgroupsPath",
  },
  'delete-hiding-runc': {
    passes: { allBut: STARTS_DETACHED },
    why: "delete only kills and list hides stopped containers: every test whose containers outlive their run fails, by the kernel (cgroups left), never by the runtime's list",
  },
  'hook-stripping-runc': {
    passes: STARTS_NO_CONTAINER,
    why: "runs no hook: the harness's poststart witness never sees a container start, so no test that runs one may pass",
  },
  'copying-runc': {
    passes: [...NEVER_CALLS_THE_RUNTIME, ...ONLY_RUNC_SPEC, ...NO_NETWORK_CLAIM, ...NO_PATH_GIVEN, ...REFUSES_A_BAD_PATH],
    why: 'never joins the given namespace but copies its interfaces into a fresh one: every test that claims the container joined or reached something fails on kernel evidence (Common Error 6)',
  },
  'stderr-muting-runc': {
    passes: { allBut: NEEDS_STDERR },
    why: "throws its stderr (and the container's) away: refusals are still classed from the machine's facts, but every verdict that needs the words fails",
  },
  'state-lying-runc': {
    passes: { allBut: COMPARES_WITH_STATE },
    why: "`state` says every container is stopped, with another pid: only the two tests that take runc state's word fail; every other pid comes from a pid file proven by its cgroup",
  },
  'args-ignoring-runc': {
    passes: STARTS_NO_CONTAINER,
    why: "runs `sh -c true` whatever process.args say: the runtime probe's own program (exit 7) exits 0, so no test that runs a container may pass",
  },
  'exit0-runc': {
    passes: STARTS_NO_CONTAINER,
    why: 'forwards to runc but always exits 0: no test that runs a container may pass, whatever runc did',
  },
  'spec-deviating-runc': {
    passes: {
      allBut: [...USES_SPEC_NETWORK_DEFAULT, 'exercise-2/step-4-terminal'],
    },
    why: 'runc spec writes no network namespace and "terminal": false: every test that takes the lesson\'s default spec (a new netns, terminal true) fails on the spec itself or on kernel evidence of the shared namespace',
  },
  'spec-ipc-dropping-runc': {
    // Exercise 2 is where runc spec's output is the claim; a whole-suite run would cost CI a minute for tests that never read ipc.
    select: ['exercise-2'],
    passes: { allBut: ['exercise-2/step-2-spec-network-no-path'] },
    why: "runc spec leaves out the ipc namespace and nothing else: of Exercise 2's tests, only the one that compares runc spec's namespaces with the lesson's list fails",
  },
  'stdout-muting-runc': {
    select: ['exercise-4'],
    passes: ['exercise-4/new-netns', 'exercise-4/unreachable'],
    why: "a container run in the foreground prints nothing: every Exercise 4 test that reads the container's own listing fails at the output check, saying the output was lost; the two that ask the kernel (inodes) or need no output pass",
  },
  'netns-pinning-runc': {
    select: ['exercise-5'],
    passes: { allBut: ['exercise-5/prestart-wires-network', 'exercise-5/create-runtime-wires-network'] },
    why: 'leaves a process of its own in every network namespace it creates: the two tests that wait for such a namespace (and the veth end in it) to go fail, naming the process that holds it',
  },
  'start-skipping-runc': {
    select: ['notes/shared-netns-pod'],
    passes: [],
    why: "`run --detach` only creates the container (runc's init waits in its namespaces and cgroup): the pod test, whose pod-a must serve on port 8080, fails at the listener and names what pod-a runs instead",
  },
  'host-veth-moving-runc': {
    select: ['common-error-6/addresses-are-the-namespaces'],
    passes: [],
    why: 'moves the host end of the pair out of the host after a run that joined the namespace: the symptom test, which checks the host end is untouched after the run, fails and names the runtime',
  },
  'lo-addressing-runc': {
    passes: { allBut: READS_NEW_NETNS_ADDRESSES },
    why: 'gives lo of every namespace it creates the address 10.88.0.2/32: exactly the tests that read the addresses of such a namespace fail',
  },
  'interface-adding-runc': {
    passes: { allBut: LISTS_NEW_NETNS },
    why: "adds a veth pair to every namespace it creates: every test that lists such a namespace fails, from the kernel's list or the container's own",
  },
  'nsenter-runc': {
    passes: STARTS_NO_CONTAINER,
    why: "runs process.args with nsenter and chroot in the named namespace instead of a container (no pid or mount namespace, no cgroup, no hook): the harness's poststart witness never sees a container start, so no test that runs one may pass",
  },
  'first-hook-only-runc': {
    passes: { allBut: TWO_HOOKS_IN_A_STAGE },
    why: "runs only the first hook of each stage: exactly the tests whose config lists two hooks in one stage fail, on the second hook's missing work",
  },
  'hook-failure-leaking-runc': {
    passes: { allBut: ['exercise-5/failing-prestart-leaves-nothing'] },
    why: 'refuses a run whose prestart hook fails, as runc does, but leaves the half-made container (and its cgroup) behind: only the test that looks for leftovers of a failed hook fails',
  },
  'list-hiding-runc': {
    passes: { allBut: ['cleanup/nothing-remains'] },
    why: "`list` never shows a container, while each runs and is deleted as runc's are: only Clean Up's before-and-after reading of the runtime's list fails (the harness deletes the ids each test started, listed or not)",
  },
  'delete-missing-failing-runc': {
    passes: { allBut: ['cleanup/second-clean-up-harmless'] },
    why: '`delete --force` of a container it does not have fails with words that do not say it is gone: only the second clean-up, which repeats the deletes, fails',
  },
  'ghost-state-runc': {
    passes: { allBut: ['common-error-3/runc-run-unprivileged'] },
    why: '`state` reports a stopped container for any id it does not have: only the test that asks the runtime whether a refused container exists fails',
  },
  'hook-status-running-runc': {
    passes: { allBut: [...COMPARES_WITH_STATE, 'exercise-5/prestart-and-create-runtime', 'exercise-5/poststop-removes-host-end'] },
    why: 'hands every hook a state whose status says "running", whatever the container\'s real status: exactly the tests that read the status a hook was given fail',
  },
  'poststop-ignoring-runc': {
    passes: { allBut: ['exercise-5/poststop-removes-host-end'] },
    why: 'drops the poststop hooks and runs every other one: only the test whose config has poststop hooks fails',
  },
  'prestart-ignoring-runc': {
    passes: { allBut: NEEDS_PRESTART },
    why: 'drops the deprecated prestart hooks and runs every other one: exactly the tests that need a prestart hook fail',
  },
};

/** Errata about the lesson's own text, iproute2, Debian's busybox and the OCI spec, which no runtime can change. */
export const NON_RUNTIME_ERRATA = [
  'E-missing-device-wording',
  'E-verify-accepts-any-path',
  'E-busybox-must-be-static',
  'E-prestart-deprecated',
] as const;

/** One test that must fail, at the check whose expectation contains `check`, with this diagnosis. */
export interface ExpectedFailure {
  /** The test's id. */
  readonly test: string;
  readonly check: string;
  /** "Common Error N", or "next" for a next step without a Common Error. */
  readonly diagnosis: string;
  /** Text the diagnosis must contain: the fix or next step that names the real cause. */
  readonly says: string;
}

/**
 * A broken lab, run against a selection of the suite: the lesson in order up to the first check
 * the fault breaks (Exercise 1 for the lab, Exercise 3 for the lesson bundle, which Exercises 1
 * and 2 do not use), plus the Verify and Exercise 3 tests whose checks it must break too. Exactly
 * the listed tests fail, each at its check with its diagnosis; the rest of the selection passes.
 */
export interface FaultCase {
  readonly fault: FaultName;
  /** A fake runtime instead of runc, for faults only a lesson-faithful runtime reaches. */
  readonly runtime?: FakeRuntime;
  /** The tests (ids) or sections the child run selects. */
  readonly select: Selection;
  readonly fails: readonly ExpectedFailure[];
}

const T = {
  ce1fix: 'common-error-1/fix-as-written',
  e1s1: 'exercise-1/step-1',
  e1s2: 'exercise-1/step-2',
  e1s3: 'exercise-1/step-3-gone-from-host',
  e1s4: 'exercise-1/step-4',
  e1s5: 'exercise-1/step-5',
  e1s3in: 'exercise-1/step-3-inside-netns-down',
  e1s6host: 'exercise-1/step-6-host-pings-netns',
  e1s6ns: 'exercise-1/step-6-netns-pings-host',
  e1asWritten: 'exercise-1/as-written',
  ce2fix: 'common-error-2/fix-as-written',
  ce6noPath: 'common-error-6/no-path',
  ce6addresses: 'common-error-6/addresses-are-the-namespaces',
  ce6jq: 'common-error-6/jq-query-shows-path',
  ce3runc: 'common-error-3/runc-run-unprivileged',
  ce3ipNetns: 'common-error-3/ip-netns-add-unprivileged',
  ce3owner: 'common-error-3/netns-file-owned-by-root',
  e4only: 'exercise-4/only-loopback',
  e4noAddress: 'exercise-4/no-address',
  e5prestartState: 'exercise-5/prestart-state',
  e5prestartWires: 'exercise-5/prestart-wires-network',
  e4asWritten: 'exercise-4/as-written',
  e5poststop: 'exercise-5/poststop-removes-host-end',
  e5createRuntimeState: 'exercise-5/create-runtime-state',
  e5both: 'exercise-5/prestart-and-create-runtime',
  e5failingHook: 'exercise-5/failing-prestart-leaves-nothing',
  e4inode: 'exercise-4/new-netns',
  ce4single: 'common-error-4/no-single-fix-enough',
  ce5wrong: 'common-error-5/wrong-from-host',
  ce5right: 'common-error-5/right-inside-netns',
  ce4fixed: 'common-error-4/three-fixes-reach-through-nat',
  cleanAll: 'cleanup/nothing-remains',
  cleanPeer: 'cleanup/peer-goes-with-veth-host',
  cleanTwice: 'cleanup/second-clean-up-harmless',
  cleanVerify: 'cleanup/verify-cleanup-reports-ok',
  nBridge: 'notes/docker-bridge',
  nCniAdd: 'notes/cni-add',
  nCniRunc: 'notes/cni-runc',
  nCniCheck: 'notes/cni-check',
  nCniDel: 'notes/cni-del',
  e2s2: 'exercise-2/step-2-spec-network-no-path',
  e2s3: 'exercise-2/step-3-jq-sets-path',
  e2s4: 'exercise-2/step-4-jq-sets-process',
  e2asWritten: 'exercise-2/as-written',
  e2applets: 'exercise-2/step-1-busybox-applets',
  e2terminal: 'exercise-2/step-4-terminal',
  e2dynamic: 'exercise-2/step-1-dynamic-busybox',
  e3sees: 'exercise-3/sees-veth-container',
  e3pings: 'exercise-3/pings-host',
  e3netRaw: 'exercise-3/ping-capabilities',
  e3joined: 'exercise-3/joins-netns',
  e3pids: 'exercise-3/step-2-netns-pids',
  e3exec: 'exercise-3/step-2-netns-exec',
  e3asWritten: 'exercise-3/as-written',
  vWhole: 'verify/whole-script',
  v1: 'verify/script-check-1',
  v2: 'verify/script-check-2',
  v3: 'verify/script-check-3',
  v4: 'verify/script-check-4',
  v5: 'verify/script-check-5',
  v5any: 'verify/script-check-5-any-path',
  m12: 'verify/manual-1-2',
  m3: 'verify/manual-3',
  m4: 'verify/manual-4',
  m5: 'verify/manual-5',
} as const;

/** A child run of exactly these tests (ids). */
export const selecting = (...tests: string[]): Selection => tests;
const E1_THROUGH = (n: 1 | 2 | 3 | 4 | 5): string[] => [T.e1s1, T.e1s2, T.e1s3, T.e1s3in, T.e1s4, T.e1s5].slice(0, [0, 1, 2, 3, 5, 6][n]);
const E2_ALL: Selection = ['exercise-2'];
const CE1 = 'Common Error 1';
const JQ = "jq on this machine did not apply the lesson's filter";
const CE2 = 'Common Error 2';
const CE6 = 'Common Error 6';
const PAIR = 'ip link add veth-host type veth peer name veth-container';
const SUBNET = '10.0.0.1/24 and 10.0.0.2/24';
const VIEW = 'the container prints the interfaces the kernel lists';
const CROSSED = 'came back through veth-container';
const INSIDE = 'answered from inside';
const MOVE = 'ip link set veth-container netns container-net';
const IN_ORDER = 'run the steps in order';
const CE3 = 'Common Error 3';
const CE5 = 'Common Error 5';
const PLUGIN = "read the plugin's error above";

export const FAULT_CASES: readonly FaultCase[] = [
  {
    fault: 'skip-step-1',
    select: selecting(...E1_THROUGH(1), T.ce3owner, T.e4inode),
    fails: [
      { test: T.e1s1, check: '"ip netns list" shows container-net', diagnosis: CE1, says: 'ip netns add container-net' },
      { test: T.ce3owner, check: '"ls -la /var/run/netns/" lists container-net', diagnosis: CE1, says: 'ip netns add container-net' },
      { test: T.e4inode, check: '/var/run/netns/container-net exists to compare with', diagnosis: CE1, says: 'ip netns add container-net' },
    ],
  },
  {
    fault: 'netns-name-typo',
    select: selecting(...E1_THROUGH(1)),
    fails: [{ test: T.e1s1, check: '"ip netns list" shows container-net', diagnosis: CE1, says: 'for typos' }],
  },
  {
    fault: 'skip-step-2',
    select: selecting(...E1_THROUGH(2), T.e1asWritten),
    fails: [
      { test: T.e1s2, check: 'finds veth-host on the host', diagnosis: 'next', says: PAIR },
      { test: T.e1asWritten, check: 'before the move "ip link show" finds veth-host and veth-container', diagnosis: 'next', says: PAIR },
    ],
  },
  {
    fault: 'veth-peer-misnamed',
    select: selecting(...E1_THROUGH(2)),
    fails: [{ test: T.e1s2, check: 'finds veth-container on the host', diagnosis: 'next', says: PAIR }],
  },
  {
    fault: 'skip-step-3',
    select: selecting(...E1_THROUGH(2), T.e1s3, T.e1asWritten, T.ce5wrong, T.ce5right),
    fails: [
      { test: T.e1s3, check: 'veth-container is no longer listed on the host', diagnosis: 'next', says: MOVE },
      { test: T.e1asWritten, check: 'after the move "ip link show veth-container" no longer finds it on the host', diagnosis: 'next', says: MOVE },
      { test: T.ce5wrong, check: 'fails saying veth-container does not exist', diagnosis: 'next', says: MOVE },
      {
        test: T.ce5right,
        check: 'exit 0 and a line for veth-container',
        diagnosis: CE5,
        says: 'ip netns exec container-net ip link show veth-container',
      },
    ],
  },
  {
    fault: 'wrong-end-moved',
    select: selecting(...E1_THROUGH(2), T.e1s3),
    fails: [{ test: T.e1s3, check: 'veth-host stays on the host', diagnosis: 'next', says: 'move veth-container, not veth-host' }],
  },
  {
    fault: 'ns-veth-deleted',
    select: selecting(...E1_THROUGH(2), T.e1s3, T.e1s3in, T.e1asWritten),
    fails: [
      { test: T.e1s3, check: 'veth-host stays on the host', diagnosis: 'next', says: 'the pair no longer exists' },
      { test: T.e1s3in, check: '"ip netns exec container-net ip link show veth-container" finds it', diagnosis: 'next', says: MOVE },
      {
        test: T.e1asWritten,
        check: 'inside container-net "ip link show veth-container" shows it in DOWN state',
        diagnosis: 'next',
        says: 'it is not inside container-net either',
      },
    ],
  },
  {
    fault: 'netns-deleted-after-move',
    select: selecting(T.e1s3in),
    fails: [{ test: T.e1s3in, check: '"ip netns exec container-net ip link show" runs', diagnosis: CE1, says: 'ip netns add container-net' }],
  },
  {
    fault: 'ns-veth-up-early',
    select: selecting(T.e1s3in, T.e1asWritten, T.ce2fix),
    fails: [
      { test: T.e1s3in, check: 'veth-container is DOWN right after the move', diagnosis: 'next', says: IN_ORDER },
      { test: T.e1asWritten, check: 'inside container-net "ip link show veth-container" shows it in DOWN state', diagnosis: 'next', says: IN_ORDER },
      { test: T.ce2fix, check: 'before the fix both ends show state DOWN', diagnosis: 'next', says: 'DOWN until Step 5' },
    ],
  },
  {
    fault: 'netns-wrong-name',
    select: selecting(T.e1asWritten, T.ce3owner),
    fails: [
      {
        test: T.e1asWritten,
        check: '"ip netns list" and "ls -la /var/run/netns/" both show container-net',
        diagnosis: CE1,
        says: 'ip netns add container-net',
      },
      { test: T.ce3owner, check: '"ls -la /var/run/netns/" lists container-net', diagnosis: CE1, says: 'ip netns add container-net' },
    ],
  },
  {
    fault: 'netns-file-forged',
    select: selecting(T.e1s1, T.ce3owner),
    fails: [
      { test: T.e1s1, check: 'is a bind mount of a namespace file', diagnosis: CE1, says: 'ip netns add container-net' },
      { test: T.ce3owner, check: 'owner root', diagnosis: 'next', says: '"ip netns add" should run as root' },
    ],
  },
  {
    fault: 'nat-already-there',
    select: selecting(T.ce4single),
    fails: [
      {
        test: T.ce4single,
        check: 'with the default route only: 1 packet transmitted, 0 received',
        diagnosis: 'Common Error 4',
        says: 'add a MASQUERADE rule',
      },
    ],
  },
  {
    fault: 'nat-already-there-no-forward',
    select: selecting(T.ce4single),
    fails: [
      {
        test: T.ce4single,
        check: 'with route + ip_forward: the echo request reaches the WAN, no reply comes back',
        diagnosis: 'Common Error 4',
        says: 'add a MASQUERADE rule',
      },
    ],
  },
  {
    fault: 'snat-before-masquerade',
    select: selecting(T.ce4fixed),
    fails: [{ test: T.ce4fixed, check: 'the MASQUERADE rule counted packets', diagnosis: 'next', says: 'iptables -t nat -L POSTROUTING' }],
  },
  {
    fault: 'netns-pinned',
    select: selecting(T.cleanAll),
    fails: [{ test: T.cleanAll, check: 'nothing left', diagnosis: 'next', says: 'run the Clean Up commands again' }],
  },
  {
    fault: 'veth-ends-not-a-pair',
    select: selecting(T.cleanPeer),
    fails: [
      { test: T.cleanPeer, check: 'is in container-net before, and gone after', diagnosis: 'next', says: 'the two ends are not one veth pair' },
    ],
  },
  {
    fault: 'similar-netns-left',
    select: selecting(T.cleanVerify),
    fails: [{ test: T.cleanVerify, check: '"OK: namespace deleted"', diagnosis: 'next', says: 'ip netns del container-net' }],
  },
  {
    fault: 'netns-name-taken',
    select: selecting(T.ce3ipNetns, T.ce1fix),
    fails: [
      { test: T.ce3ipNetns, check: 'as root it works', diagnosis: CE3, says: 'as root (sudo)' },
      { test: T.ce1fix, check: 'before: ls fails (No such file or directory)', diagnosis: 'next', says: 'a leftover of an earlier attempt' },
    ],
  },
  {
    fault: 'ip-setuid-root',
    select: selecting(T.ce3ipNetns),
    fails: [
      {
        test: T.ce3ipNetns,
        check: 'refused with "Permission denied"',
        diagnosis: 'next',
        says: 'an unprivileged user could create a network namespace',
      },
    ],
  },
  {
    fault: 'cni-plugins-hidden',
    select: selecting(T.nCniAdd, T.nCniRunc, T.nCniCheck, T.nCniDel),
    fails: [
      { test: T.nCniAdd, check: 'ADD exits 0', diagnosis: 'next', says: '/usr/lib/cni' },
      { test: T.nCniRunc, check: 'CNI ADD gives an address and a gateway', diagnosis: 'next', says: PLUGIN },
      { test: T.nCniCheck, check: 'CHECK exits 0', diagnosis: 'next', says: PLUGIN },
      { test: T.nCniDel, check: 'DEL', diagnosis: 'next', says: PLUGIN },
    ],
  },
  {
    fault: 'forward-policy-drop',
    // Only the fixed lab: which of "no single fix is enough"'s probes fails first depends on the machine's own ip_forward.
    select: selecting(T.ce4fixed),
    fails: [{ test: T.ce4fixed, check: 'the container pings 203.0.113.8', diagnosis: 'next', says: 'FORWARD policy DROP' }],
  },
  {
    fault: 'cni-result-lies',
    select: selecting(T.nCniAdd, T.nCniRunc, T.nCniCheck, T.nCniDel),
    fails: [
      {
        test: T.nCniAdd,
        check: 'ADD exits 0 and eth0 in the netns carries the address',
        diagnosis: 'next',
        says: 'does not describe what it configured',
      },
      { test: T.nCniRunc, check: 'the container sees eth0 with', diagnosis: 'next', says: 'does not describe what it configured' },
      // The plugin's own CHECK refuses the result it was given back: its error says why.
      { test: T.nCniCheck, check: 'CHECK exits 0', diagnosis: 'next', says: PLUGIN },
      { test: T.nCniDel, check: 'exist after ADD', diagnosis: 'next', says: 'missing right after ADD' },
    ],
  },
  {
    fault: 'host-ignores-echo',
    select: selecting(T.nBridge),
    fails: [
      {
        test: T.nBridge,
        check: 'c1 → c2 (172.17.0.3) and c1 → docker0 (172.17.0.1) both answer',
        diagnosis: 'next',
        says: 'ip link show master docker0',
      },
    ],
  },
  {
    fault: 'skip-step-4',
    select: selecting(...E1_THROUGH(4)),
    fails: [
      {
        test: T.e1s4,
        check: 'veth-host has 10.0.0.1/24',
        diagnosis: CE2,
        says: 'give veth-host 10.0.0.1/24: "sudo ip addr add 10.0.0.1/24 dev veth-host"',
      },
    ],
  },
  {
    fault: 'host-address-wrong',
    select: selecting(...E1_THROUGH(4), T.v4),
    fails: [
      {
        test: T.e1s4,
        check: 'veth-host has 10.0.0.1/24',
        diagnosis: CE2,
        says: 'veth-host has 10.0.0.3/24 instead of 10.0.0.1/24: remove it ("sudo ip addr del 10.0.0.3/24 dev veth-host")',
      },
      { test: T.v4, check: 'PASS: Namespace can reach host', diagnosis: CE2, says: SUBNET },
    ],
  },
  {
    fault: 'wrong-subnet',
    select: selecting(...E1_THROUGH(4), T.e1s6ns),
    fails: [
      {
        test: T.e1s4,
        check: 'veth-container in container-net has 10.0.0.2/24',
        diagnosis: CE2,
        says: 'veth-container has 10.0.1.2/24 instead of 10.0.0.2/24: remove it',
      },
      { test: T.e1s6ns, check: 'ping -c 2 10.0.0.1": 2 packets transmitted, 2 received', diagnosis: CE2, says: SUBNET },
    ],
  },
  {
    fault: 'ns-address-missing',
    select: selecting(...E1_THROUGH(4), T.ce2fix),
    fails: [
      {
        test: T.e1s4,
        check: 'veth-container in container-net has 10.0.0.2/24',
        diagnosis: CE2,
        says: 'give veth-container 10.0.0.2/24: "sudo ip netns exec container-net ip addr add 10.0.0.2/24 dev veth-container"',
      },
      { test: T.ce2fix, check: 'veth-host UP with 10.0.0.1/24, veth-container UP with 10.0.0.2/24', diagnosis: CE2, says: SUBNET },
    ],
  },
  {
    fault: 'skip-step-5',
    select: selecting(...E1_THROUGH(5)),
    fails: [{ test: T.e1s5, check: 'veth-host (host) has the UP flag', diagnosis: CE2, says: 'ip link set veth-host up' }],
  },
  {
    fault: 'veth-host-down',
    select: selecting(...E1_THROUGH(5), T.m12, T.e3netRaw, T.e3asWritten, T.e1s6host, T.e1asWritten, T.vWhole),
    fails: [
      { test: T.e1s5, check: 'veth-host (host) has the UP flag', diagnosis: CE2, says: 'ip link set veth-host up' },
      { test: T.vWhole, check: 'five PASS lines, then', diagnosis: CE2, says: SUBNET },
      { test: T.e1s6host, check: '2 packets transmitted, 2 received', diagnosis: CE2, says: SUBNET },
      { test: T.e1asWritten, check: 'both pings: 2 packets transmitted, 2 received', diagnosis: CE2, says: SUBNET },
      { test: T.m12, check: 'veth-host UP with 10.0.0.1/24', diagnosis: CE2, says: 'ip link set veth-host up' },
      { test: T.e3netRaw, check: 'with CAP_NET_RAW added: exit 0 and 3 replies', diagnosis: CE2, says: 'ip link set veth-host up' },
      { test: T.e3asWritten, check: 'and replies seq=0, 1, 2 with ttl=64', diagnosis: CE2, says: 'ip link set veth-host up' },
    ],
  },
  {
    fault: 'veth-host-down',
    runtime: 'faithful-runc',
    select: selecting(T.e3netRaw),
    fails: [{ test: T.e3netRaw, check: 'three replies (CAP_NET_RAW is in the bounding set)', diagnosis: CE2, says: 'ip link set veth-host up' }],
  },
  {
    fault: 'veth-container-down',
    select: selecting(...E1_THROUGH(5), T.v3, T.m3, T.m4, T.e3sees, T.e3asWritten),
    fails: [
      { test: T.e3asWritten, check: 'ip addr lists exactly lo (UP, 127.0.0.1/8) and veth-container (UP, 10.0.0.2/24)', diagnosis: CE2, says: SUBNET },
      {
        test: T.e1s5,
        check: 'veth-container (container-net) has the UP flag',
        diagnosis: CE2,
        says: 'ip netns exec container-net ip link set veth-container up',
      },
      { test: T.v3, check: 'PASS: Host can reach namespace', diagnosis: CE2, says: SUBNET },
      { test: T.m3, check: 'veth-container UP with 10.0.0.2/24 inside container-net', diagnosis: CE2, says: SUBNET },
      { test: T.m4, check: 'host→namespace and namespace→host both answer', diagnosis: CE2, says: SUBNET },
      { test: T.e3sees, check: 'veth-container is UP with 10.0.0.2/24', diagnosis: CE2, says: SUBNET },
    ],
  },
  {
    fault: 'ns-lo-down',
    select: selecting(...E1_THROUGH(5), T.e3sees),
    fails: [
      { test: T.e1s5, check: 'lo (container-net) has the UP flag', diagnosis: CE2, says: 'ip netns exec container-net ip link set lo up' },
      { test: T.e3sees, check: 'lo is present, UP, with 127.0.0.1/8', diagnosis: CE2, says: 'ip netns exec container-net ip link set lo up' },
    ],
  },
  {
    fault: 'netns-missing',
    select: selecting(...E1_THROUGH(5), T.v1, T.m12, T.m3, T.vWhole),
    fails: [
      { test: T.vWhole, check: 'five PASS lines', diagnosis: CE1, says: 'ip netns add container-net' },
      { test: T.e1s5, check: 'container-net can be entered', diagnosis: CE1, says: 'ip netns add container-net' },
      { test: T.v1, check: 'mentions container-net', diagnosis: CE1, says: 'ip netns add container-net' },
      { test: T.m12, check: '"ip netns list" shows container-net', diagnosis: CE1, says: 'ip netns add container-net' },
      { test: T.m3, check: 'ip addr" runs', diagnosis: CE1, says: 'ip netns add container-net' },
    ],
  },
  {
    fault: 'veth-pair-deleted',
    select: selecting(...E1_THROUGH(5), T.v2, T.e5poststop),
    fails: [
      { test: T.e1s5, check: 'veth-host exists (host)', diagnosis: 'next', says: PAIR },
      { test: T.v2, check: 'PASS: veth-host interface exists', diagnosis: 'next', says: PAIR },
      { test: T.e5poststop, check: 'exists before the run', diagnosis: 'next', says: PAIR },
    ],
  },
  {
    fault: 'ns-veth-moved-away',
    select: selecting(...E1_THROUGH(5), T.m3),
    fails: [
      { test: T.e1s5, check: 'veth-container exists (container-net)', diagnosis: 'next', says: 'ip link set veth-container netns container-net' },
      {
        test: T.m3,
        check: 'veth-container is listed inside container-net',
        diagnosis: 'next',
        says: 'ip link set veth-container netns container-net',
      },
    ],
  },
  {
    fault: 'host-ip-inside-netns',
    select: selecting(T.e3pings, T.e3netRaw),
    fails: [
      { test: T.e3pings, check: CROSSED, diagnosis: 'next', says: INSIDE },
      { test: T.e3netRaw, check: CROSSED, diagnosis: 'next', says: INSIDE },
    ],
  },
  {
    fault: 'host-ip-inside-netns',
    runtime: 'faithful-runc',
    select: selecting(T.e3netRaw),
    fails: [{ test: T.e3netRaw, check: CROSSED, diagnosis: 'next', says: INSIDE }],
  },
  {
    fault: 'edit-path-missing',
    select: selecting(T.e3sees, T.v5, T.m5, T.ce6jq),
    fails: [
      {
        test: T.ce6jq,
        check: '{"type":"network","path":"/var/run/netns/container-net"}',
        diagnosis: CE6,
        says: '"path": "/var/run/netns/container-net"',
      },
      { test: T.e3sees, check: "config.json's network entry is", diagnosis: CE6, says: '"path": "/var/run/netns/container-net"' },
      { test: T.v5, check: 'PASS: config.json configured correctly', diagnosis: CE6, says: '"path": "/var/run/netns/container-net"' },
      { test: T.m5, check: 'the container lists veth-container with 10.0.0.2/24', diagnosis: CE6, says: '"path": "/var/run/netns/container-net"' },
    ],
  },
  {
    fault: 'edit-network-dropped',
    select: selecting(T.e3sees),
    fails: [{ test: T.e3sees, check: "config.json's network entry is", diagnosis: CE6, says: '"path": "/var/run/netns/container-net"' }],
  },
  {
    fault: 'edit-path-other-netns',
    select: selecting(T.e3sees, T.v5),
    fails: [
      { test: T.e3sees, check: "config.json's network entry is", diagnosis: CE6, says: '"path": "/var/run/netns/container-net"' },
      { test: T.v5, check: 'the path it finds is', diagnosis: CE6, says: '"path": "/var/run/netns/container-net"' },
    ],
  },
  {
    fault: 'edit-path-typo',
    select: selecting(T.e3sees, T.v5),
    fails: [
      { test: T.e3sees, check: "config.json's network entry is", diagnosis: CE1, says: 'for typos' },
      { test: T.v5, check: 'the path it finds is', diagnosis: CE1, says: 'for typos' },
    ],
  },
  {
    fault: 'edit-args-missing',
    select: selecting(T.e3sees),
    fails: [{ test: T.e3sees, check: "config.json's process.args are", diagnosis: 'next', says: 'Exercise 2 Step 4' }],
  },
  {
    fault: 'edit-args-wrong-address',
    select: selecting(T.e3sees),
    fails: [{ test: T.e3sees, check: "config.json's process.args are", diagnosis: 'next', says: 'Exercise 2 Step 4' }],
  },
  {
    fault: 'rootfs-no-busybox',
    select: selecting(T.e3sees, T.e3joined, T.m5),
    fails: [
      { test: T.e3sees, check: 'the container runs the lesson', diagnosis: 'next', says: 'cp /bin/busybox rootfs/bin/' },
      { test: T.e3joined, check: 'starts the container and writes its pid', diagnosis: 'next', says: 'cp /bin/busybox rootfs/bin/' },
      { test: T.m5, check: 'the container runs "ip addr" and exits 0', diagnosis: 'next', says: 'cp /bin/busybox rootfs/bin/' },
    ],
  },
  {
    fault: 'spec-missing',
    select: selecting(T.e3sees),
    fails: [{ test: T.e3sees, check: 'the container runs the lesson', diagnosis: 'next', says: 'run "runc spec"' }],
  },
  {
    fault: 'no-terminal-fix',
    select: E2_ALL,
    fails: [
      { test: T.e2applets, check: 'the container runs', diagnosis: 'next', says: 'E-terminal-needs-tty' },
      { test: T.e2dynamic, check: 'is static and runs alone in the rootfs', diagnosis: 'next', says: 'E-terminal-needs-tty' },
    ],
  },
  {
    fault: 'jq-ignores-assignments',
    select: E2_ALL,
    fails: [
      { test: T.e2s3, check: 'network entry with "path": "/var/run/netns/container-net"', diagnosis: 'next', says: JQ },
      { test: T.e2s4, check: 'ping -c 3 10.0.0.1', diagnosis: 'next', says: JQ },
      {
        test: T.e2asWritten,
        check: 'config.json joins /var/run/netns/container-net and runs',
        diagnosis: 'next',
        says: "compare each command with the lesson's Steps 1–4",
      },
    ],
  },
  {
    fault: 'jq-adds-a-field',
    select: E2_ALL,
    fails: [
      { test: T.e2s3, check: 'the jq edit leaves everything outside linux as runc spec wrote it', diagnosis: 'next', says: JQ },
      { test: T.e2s4, check: 'the jq edit changes process.args and nothing else', diagnosis: 'next', says: JQ },
    ],
  },
  {
    fault: 'ip-error-reworded',
    select: selecting(T.e1s3, T.ce5wrong),
    fails: [
      { test: T.e1s3, check: 'fails saying the device does not exist', diagnosis: 'next', says: 'words it otherwise' },
      { test: T.ce5wrong, check: 'fails saying veth-container does not exist', diagnosis: 'next', says: 'words it otherwise' },
    ],
  },
  {
    fault: 'dynamic-busybox-missing',
    select: selecting(T.e2dynamic),
    fails: [{ test: T.e2dynamic, check: "Debian's dynamic busybox unpacked at", diagnosis: 'next', says: 'npm run setup' }],
  },
  {
    fault: 'no-applets',
    select: E2_ALL,
    fails: [{ test: T.e2terminal, check: 'the container runs', diagnosis: 'next', says: 'E-rootfs-needs-applets' }],
  },
  {
    fault: 'no-net-raw',
    select: selecting(T.e3sees, T.e3pings),
    fails: [{ test: T.e3pings, check: '3 packets received', diagnosis: 'next', says: 'E-ping-needs-net-raw' }],
  },
];

/**
 * Under the fakes, the check at which each Verify and Exercise 3 test fails first: weakening
 * that check would move the failure to a later one (or let the test pass), and this catches it.
 */
const neverStarted = (): ExpectedFailure[] =>
  [T.e3asWritten, T.e3sees, T.e3pings, T.e3netRaw, T.e3joined, T.e3pids, T.e3exec, T.v5any, T.m5].map((test) => ({
    test,
    check: 'the runtime runs a container from a bundle made as Exercise 2 makes it',
    diagnosis: 'next',
    says: 'never started the container',
  }));

export const FAKE_FIRST_CHECKS: Readonly<Partial<Record<FakeRuntime, readonly ExpectedFailure[]>>> = {
  'no-netns-runc': [
    { test: T.e3asWritten, check: VIEW, diagnosis: CE6, says: '"path"' },
    { test: T.e3sees, check: 'the container lists veth-container and not veth-host', diagnosis: CE6, says: '"path": "/var/run/netns/container-net"' },
    { test: T.e3pings, check: 'the ping ran in /var/run/netns/container-net', diagnosis: CE6, says: '"path"' },
    { test: T.e3netRaw, check: VIEW, diagnosis: CE6, says: '"path"' },
    { test: T.e3joined, check: 'ns/net is /var/run/netns/container-net', diagnosis: CE6, says: '"path"' },
    { test: T.e3pids, check: '"ip netns pids container-net" lists', diagnosis: CE6, says: '"path"' },
    { test: T.e3exec, check: VIEW, diagnosis: CE6, says: '"path"' },
    { test: T.v5any, check: 'runc refuses to start', diagnosis: CE6, says: 'did not use the path' },
    { test: T.m5, check: 'the container lists veth-container with 10.0.0.2/24', diagnosis: CE6, says: '"path"' },
    // Left in the namespace it was started from, the container prints the host's interfaces.
    { test: T.ce6noPath, check: 'the container lists only lo', diagnosis: CE6, says: '"path"' },
    { test: T.ce6addresses, check: 'the container does not list veth-host', diagnosis: CE6, says: '"path"' },
  ],
  'no-path-runc': [
    { test: T.e3asWritten, check: VIEW, diagnosis: CE6, says: '"path"' },
    { test: T.e3sees, check: 'the container lists veth-container and not veth-host', diagnosis: CE6, says: '"path"' },
    { test: T.e3pings, check: VIEW, diagnosis: CE6, says: '"path"' },
    { test: T.e3netRaw, check: VIEW, diagnosis: CE6, says: '"path"' },
    { test: T.e3joined, check: 'ns/net is /var/run/netns/container-net', diagnosis: CE6, says: '"path"' },
    { test: T.e3pids, check: '"ip netns pids container-net" lists', diagnosis: CE6, says: '"path"' },
    { test: T.e3exec, check: VIEW, diagnosis: CE6, says: '"path"' },
    { test: T.v5any, check: 'runc refuses to start', diagnosis: CE6, says: 'did not use the path' },
    { test: T.m5, check: 'the container lists veth-container with 10.0.0.2/24', diagnosis: CE6, says: '"path"' },
    // Without a path it is right; once the path is added, it still makes a fresh namespace.
    { test: T.ce6noPath, check: 'with the path: veth-container, not veth-host', diagnosis: CE6, says: '"path"' },
  ],
  'spec-deviating-runc': [
    { test: T.e2s2, check: 'linux.namespaces has {"type":"network"} with no path', diagnosis: 'next', says: 'does not write the default spec' },
    { test: T.e2terminal, check: 'runc spec writes "terminal": true', diagnosis: 'next', says: 'does not write the default spec' },
    { test: T.e4only, check: 'Step 2 keeps the default network entry, without a path', diagnosis: 'next', says: 'wrote no network namespace' },
    { test: T.e4noAddress, check: 'Step 2 keeps the default network entry, without a path', diagnosis: 'next', says: 'wrote no network namespace' },
  ],
  'spec-ipc-dropping-runc': [{ test: T.e2s2, check: "the lesson's namespaces (", diagnosis: 'next', says: 'does not write the default spec' }],
  'stdout-muting-runc': [
    {
      test: T.e4only,
      check: 'ip link and ip addr print at least one interface',
      diagnosis: 'next',
      says: "does not pass the container's stdout through",
    },
    {
      test: T.e4noAddress,
      check: 'ip link and ip addr print at least one interface',
      diagnosis: 'next',
      says: "does not pass the container's stdout through",
    },
    { test: T.e4asWritten, check: 'exit 0, and "1: lo: …" twice', diagnosis: 'next', says: 'printed nothing' },
  ],
  'netns-pinning-runc': [
    { test: 'exercise-5/prestart-wires-network', check: 'disappears once the container exits', diagnosis: 'next', says: '(sleep) still run in it' },
    {
      test: 'exercise-5/create-runtime-wires-network',
      check: 'disappears once the container exits',
      diagnosis: 'next',
      says: '(sleep) still run in it',
    },
  ],
  'start-skipping-runc': [
    { test: 'notes/shared-netns-pod', check: "pod-a's nc listens on port 8080", diagnosis: 'next', says: 'never started the program it was given' },
  ],
  'host-veth-moving-runc': [
    {
      test: 'common-error-6/addresses-are-the-namespaces',
      check: 'veth-host is still on the host',
      diagnosis: 'next',
      says: 'touched a host interface',
    },
  ],
  'lo-addressing-runc': [
    { test: T.e4noAddress, check: 'no IPv4 address outside 127.0.0.0/8', diagnosis: 'next', says: 'put an address into the namespace it created' },
    { test: T.e4only, check: 'lo DOWN with no address (the lesson), or lo UP with only 127.0.0.1/8', diagnosis: 'next', says: 'set up loopback' },
  ],
  'interface-adding-runc': [
    { test: T.e4asWritten, check: 'with no other interface', diagnosis: 'next', says: 'adds interfaces of its own' },
    { test: T.e4inode, check: 'a new network namespace', diagnosis: 'next', says: 'adds interfaces of its own' },
  ],
  'first-hook-only-runc': [{ test: T.e5poststop, check: 'is gone after the poststop hook', diagnosis: 'next', says: 'the cleanup hook did not run' }],
  'hook-failure-leaking-runc': [
    {
      test: T.e5failingHook,
      check: 'no container in runc list and no cgroup left for it',
      diagnosis: 'next',
      says: 'left a half-created container behind',
    },
  ],
  'prestart-ignoring-runc': [
    { test: T.e5prestartState, check: 'the prestart hook ran and wrote the state it received', diagnosis: 'next', says: 'hooks.prestart' },
    {
      test: T.e5prestartWires,
      check: 'the prestart hooks ran in a network namespace of the container',
      diagnosis: 'next',
      says: "never ran config.json's prestart hooks",
    },
  ],
  'delete-hiding-runc': [
    {
      test: T.cleanAll,
      check: 'after the clean-up commands the kernel holds nothing of either container',
      diagnosis: 'next',
      says: 'leaves containers behind',
    },
  ],
  'list-hiding-runc': [
    { test: T.cleanAll, check: 'before clean-up: containers: ', diagnosis: 'next', says: 'does not show the containers it started' },
  ],
  'delete-missing-failing-runc': [
    { test: T.cleanTwice, check: 'every second-run failure only says the thing is gone', diagnosis: 'next', says: 'should be safe to repeat' },
  ],
  'ghost-state-runc': [{ test: T.ce3runc, check: 'no container exists after the refusal', diagnosis: 'next', says: 'delete it' }],
  'hook-status-running-runc': [
    { test: T.e5prestartState, check: 'a status before "running"', diagnosis: 'next', says: 'wrong point of the lifecycle' },
    { test: T.e5createRuntimeState, check: 'a status before "running"', diagnosis: 'next', says: 'wrong point of the lifecycle' },
    { test: T.e5both, check: 'before the process started', diagnosis: 'next', says: "check config.json's hooks entries" },
    { test: T.e5poststop, check: 'status "stopped" and no pid', diagnosis: 'next', says: 'does not describe a stopped container' },
  ],
  'poststop-ignoring-runc': [{ test: T.e5poststop, check: 'the poststop hook ran and wrote the state', diagnosis: 'next', says: 'hooks.poststop' }],
  // The probe catches them before any of these tests reads a printed word: the witness never ran.
  'canned-runc': neverStarted(),
  'nsenter-runc': neverStarted(),
};
