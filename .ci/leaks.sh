#!/usr/bin/env bash
# Prints what the lesson harness could leak on this machine, one item a line, sorted.
# Read-only: it lists, it never deletes.
set -u
ip netns list 2>/dev/null | awk '{print "netns " $1}'
ip -o link show type veth 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print "veth " $2}'
if command -v runc >/dev/null 2>&1; then runc list -q 2>/dev/null | sed 's/^/runc /'; fi
find /sys/fs/cgroup -maxdepth 2 -name 'lesson06-*' 2>/dev/null | sed 's/^/cgroup /'
find /tmp -maxdepth 1 -name 'lesson06-*' 2>/dev/null | sed 's/^/tmp /'
if docker version >/dev/null 2>&1; then
  docker ps -aq --filter label=lesson06.harness=1 | sed 's/^/container /'
fi
true
