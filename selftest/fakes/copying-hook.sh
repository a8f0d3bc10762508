#!/bin/sh
# copying-runc's createRuntime hook: copies the interfaces of namespace file $1 into the new
# container's namespace (state on stdin). Each non-loopback interface becomes one end of a veth
# pair whose other end stays in the runtime's own namespace, so it reports UP like the original.
set -eu
src=$1
pid=$(jq -r .pid)
n=0
nsenter --net="$src" ip -j addr show | jq -r '.[] | [.ifname, (.ifindex|tostring), .address, (if (.flags|index("UP")) then "up" else "down" end), ([.addr_info[]? | select(.family == "inet") | "\(.local)/\(.prefixlen)"] | join(","))] | @tsv' |
while IFS="$(printf '\t')" read -r name index mac state addrs; do
  if [ "$name" = lo ]; then
    [ "$state" = up ] && nsenter -t "$pid" -n ip link set lo up
    continue
  fi
  n=$((n + 1))
  ip link add "copy$$-$n" type veth peer name "$name" address "$mac" index "$index" netns "$pid"
  ip link set "copy$$-$n" up
  for a in $(echo "$addrs" | tr ',' ' '); do nsenter -t "$pid" -n ip addr add "$a" dev "$name"; done
  [ "$state" = up ] && nsenter -t "$pid" -n ip link set "$name" up
done
