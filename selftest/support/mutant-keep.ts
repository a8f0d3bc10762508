/**
 * Checks the mutation run (selftest/support/mutants.ts) cannot kill, each with the reason it is
 * kept rather than guarded by a scenario. A kept check that gets killed is reported as stale.
 */
export const KEPT_SURVIVORS: Readonly<Record<string, string>> = {
  'cleanup/kernel-shows-containers':
    "a precondition, dominated by proofs/pid-in-container-cgroup: each container was started through startContainer, which already failed unless its pid sits in the bundle's cgroup; it stays so that cleanup/kernel-nothing-left can be seen to start from something",
  'exercise-4/lists-only-lo':
    "dominated by proofs/new-netns (the kernel lists only lo in the container's namespace) and proofs/printed-view (what the container printed is the kernel's list), both checked first in runExercise4: no runtime can make the printed list differ without failing one of them; it stays as the lesson's own claim, read from what the container printed",
  'exercise-5/hook-put-into-container':
    "dominated by exercise-5/hooks-ran-network-namespace (the hooks ran in the container's own namespace) and proofs/printed-view (the container's veth-container is the kernel's, address included): the address is the harness's own wiring hook's, so only a broken harness hook could fail it first; it stays to name the hook's result before the ping",
  'common-error-4/ip-forward-1-lab':
    "its lab half is decided first by common-error-4/container-pings (without ip_forward = 1 in the lab's namespace no reply comes back through NAT); its real-host half can only fail if the real host's ip_forward changes, which no scenario may do (network safety)",
  'notes/ip-addr-container-lists':
    "the container's listing is proven equal to the kernel's list of c1 first (proofs/printed-view), and c1's lo and eth0 172.17.0.2/16 are the harness's own bridge setup: only a machine whose ip puts other addresses than asked could fail it, and no scenario builds one",
  'notes/pod-b-reads-pod':
    "pod-a's listener is proven by the kernel first (notes/pod-nc-listens-port, ss in shared-pod-net) and pod-b's runc exec by its printed view of shared-pod-net: only a runtime whose exec runs nc elsewhere than ip addr could fail it alone, and no scenario builds one",
};
