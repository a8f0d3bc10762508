#!/usr/bin/env bash
# Usage: leak-check.sh BEFORE   (BEFORE: the sorted output of .ci/leaks.sh taken before the run)
# Prints what the run left behind and fails if anything was; read-only, like leaks.sh.
set -euo pipefail
before=${1:?usage: leak-check.sh BEFORE}
after=$(bash "$(dirname "$0")/leaks.sh" | sort)
leaked=$(comm -13 "$before" <(printf '%s\n' "$after") | sed '/^$/d')
if [ -n "$leaked" ]; then
  echo "FAIL: the run left these behind:"
  echo "$leaked"
  exit 1
fi
echo "leak check: nothing left behind"
