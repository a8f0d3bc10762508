#!/bin/bash
# Hook wrapper of hook-status-running-runc: hands the original hook the state it was given, with
# its status changed to "running". Usage: state-mangle-hook.sh ORIGINAL-PATH ARGV0 ARGS...
original=$1
argv0=$2
shift 2
jq -c '.status = "running"' | exec -a "$argv0" "$original" "$@"
