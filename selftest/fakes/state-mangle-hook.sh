#!/bin/bash
# Hook wrapper of hook-state-late-runc: hands the original hook the state it was given, with a
# status of "creating" or "created" changed to "running", as a runtime that ran the hook after
# the user process started would report it. Usage: state-mangle-hook.sh ORIGINAL-PATH ARGV0 ARGS...
original=$1
argv0=$2
shift 2
jq -c 'if .status == "creating" or .status == "created" then .status = "running" else . end' | exec -a "$argv0" "$original" "$@"
