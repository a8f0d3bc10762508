#!/usr/bin/env bash
# The speed floor for `npm run bench`: the lesson's own commands in plain bash, no harness.
# Each lab is what a typical spec does: a throwaway namespace sandbox (as the harness makes),
# Exercise 1 Steps 1-6, the Exercise 2 bundle, the Exercise 3 run (ping -c 3), Clean Up.
# The ping counts are the lesson's facts (helpers/lesson/facts.json), read once by the parent.
# Usage: floor.sh PARALLEL LABS        (as root; nothing is left behind)
set -euo pipefail

if [ "${1:-}" = "--lab" ]; then
  # Inside `unshare --mount --net`: private /run and /tmp, as the sandbox target has.
  mount -t tmpfs lesson06-floor /run
  mount -t tmpfs lesson06-floor /tmp
  ip link set lo up
  ip netns add container-net
  ip link add veth-host type veth peer name veth-container
  ip link set veth-container netns container-net
  ip addr add 10.0.0.1/24 dev veth-host
  ip netns exec container-net ip addr add 10.0.0.2/24 dev veth-container
  ip link set veth-host up
  ip netns exec container-net ip link set veth-container up
  ip netns exec container-net ip link set lo up
  ping -c "$FLOOR_E1_PINGS" 10.0.0.2 >/dev/null
  ip netns exec container-net ping -c "$FLOOR_E1_PINGS" 10.0.0.1 >/dev/null
  b=/tmp/oci-netns-test
  mkdir -p "$b"
  runc spec --bundle "$b"
  mkdir -p "$b"/rootfs/{bin,proc,sys,dev/pts,dev/shm,dev/mqueue,etc,root,run,tmp}
  cp /bin/busybox "$b/rootfs/bin/"
  chroot "$b/rootfs" /bin/busybox --install -s /bin
  jq --arg cg "/lesson06-floor-$$-$2" --arg n "$FLOOR_E2_PINGS" '
    .linux.namespaces = [{"type":"pid"},{"type":"network","path":"/var/run/netns/container-net"},{"type":"ipc"},{"type":"uts"},{"type":"mount"}]
    | .process.args = ["sh","-c","ip addr && ping -c \($n) 10.0.0.1"]
    | .process.terminal = false
    | .process.capabilities |= with_entries(.value += ["CAP_NET_RAW"])
    | .linux.cgroupsPath = $cg' "$b/config.json" >"$b/config.json.tmp"
  mv "$b/config.json.tmp" "$b/config.json"
  runc run --bundle "$b" netns-test >/dev/null
  runc delete -f netns-test 2>/dev/null || true
  ip link del veth-host
  ip netns del container-net
  exit 0
fi

parallel=${1:?usage: floor.sh PARALLEL LABS}
labs=${2:?usage: floor.sh PARALLEL LABS}
facts="$(dirname "$0")/../helpers/lesson/facts.json"
FLOOR_E1_PINGS=$(jq -er '."exercise-1/s6/b1".pingCount' "$facts")
FLOOR_E2_PINGS=$(jq -er '."exercise-2/s4/b1/L1".pingCount' "$facts")
export FLOOR_E1_PINGS FLOOR_E2_PINGS
seq 1 "$labs" | xargs -P "$parallel" -I{} unshare --mount --net --propagation private -- bash "$0" --lab {}
