#!/usr/bin/env bash
# Prints what the lesson harness could leak on this machine, one item a line, sorted.
# Read-only: it lists, it never deletes.
set -u
ip netns list 2>/dev/null | awk '{print "netns " $1}'
ip -o link show type veth 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print "veth " $2}'
if command -v runc >/dev/null 2>&1; then runc list -q 2>/dev/null | sed 's/^/runc /'; fi
if command -v crun >/dev/null 2>&1; then crun list -q 2>/dev/null | sed 's/^/crun /'; fi
# Under a hybrid layout's unified mount lies the /sys/fs/cgroup tmpfs itself: a runtime that wrote
# there (crun, when the mount is hidden the wrong way) leaves directories no other look can see.
if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null; then
  unshare --mount --propagation private sh -c 'umount /sys/fs/cgroup/unified && find /sys/fs/cgroup/unified -maxdepth 1 -name "lesson06-*"' 2>/dev/null | sed 's/^/shadowed-cgroup-dir /'
fi
find /sys/fs/cgroup -maxdepth 2 -name 'lesson06-*' 2>/dev/null | sed 's/^/cgroup /'
find /tmp -maxdepth 1 -name 'lesson06-*' 2>/dev/null | sed 's/^/tmp /'
if docker version >/dev/null 2>&1; then
  docker ps -aq --filter label=lesson06.harness=1 | sed 's/^/container /'
fi
true
