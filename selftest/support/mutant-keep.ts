/**
 * Checks the mutation run (selftest/support/mutants.ts) cannot kill, each with the reason it is
 * kept rather than guarded by a scenario. A kept check that gets killed is reported as stale.
 */
export const KEPT_SURVIVORS: Readonly<Record<string, string>> = {
  'common-error-1/before-ls-fails-such':
    "the test builds its own namespace with a must (ip netns add): a machine where the file already exists stops it before this check, as a harness error; no fault reaches the check itself",
  'cleanup/kernel-shows-containers':
    "a precondition, dominated by proofs/pid-in-container-cgroup: each container was started through startContainer, which already failed unless its pid sits in the bundle's cgroup; it stays so that cleanup/kernel-nothing-left can be seen to start from something",
};
