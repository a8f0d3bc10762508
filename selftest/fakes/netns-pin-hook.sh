#!/bin/sh
# createRuntime hook of netns-pinning-runc: reads the container's state on stdin and leaves a
# process of its own in the container's network namespace, outside the container, so the namespace
# outlives the container. The sandbox's pid namespace ends it with the test.
pid=$(jq -r .pid)
setsid nsenter --net="/proc/$pid/ns/net" sleep 60 </dev/null >/dev/null 2>&1 &
