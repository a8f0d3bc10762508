# Shared by the fake runtimes (sourced, POSIX sh). A fake is started as `FAKE runc-args...`:
# it finds runc's subcommand and the bundle the way runc does, then decides what to do.
# The fakes are selftest's instruments, not product code: plain sh keeps each runc call cheap.

# fake_parse ARGS...: sets FAKE_CMD (runc subcommand), FAKE_BUNDLE (absolute), FAKE_DETACH (0/1),
# FAKE_PIDFILE and FAKE_ID (the last non-option argument of run/create).
fake_parse() {
  FAKE_CMD='' FAKE_BUNDLE=$(pwd) FAKE_DETACH=0 FAKE_PIDFILE='' FAKE_ID=''
  while [ $# -gt 0 ]; do
    if [ -z "$FAKE_CMD" ]; then
      case "$1" in
        --log|--log-format|--root|--criu) shift ;;
        -*) ;;
        *) FAKE_CMD=$1 ;;
      esac
    else
      case "$1" in
        --bundle|-b) shift; FAKE_BUNDLE=$1 ;;
        --bundle=*) FAKE_BUNDLE=${1#--bundle=} ;;
        --pid-file) shift; FAKE_PIDFILE=$1 ;;
        --console-socket|--preserve-fds|--process|--cwd|--env|-e|--user|-u|--cap|-c|--apparmor|--process-label) shift ;;
        --detach|-d) FAKE_DETACH=1 ;;
        -*) ;;
        *) [ -n "$FAKE_ID" ] || FAKE_ID=$1 ;;
      esac
    fi
    shift
  done
  FAKE_CONFIG=$FAKE_BUNDLE/config.json
}

# fake_starts: true for the subcommands that start a container from the bundle's config.json.
fake_starts() {
  case "$FAKE_CMD" in run|create) [ -f "$FAKE_CONFIG" ] ;; *) false ;; esac
}

# fake_netns_path: the network namespace path config.json asks for ('' when none).
fake_netns_path() {
  jq -r '[.linux.namespaces[]? | select(.type == "network") | .path // ""][0] // ""' "$FAKE_CONFIG"
}

# fake_exec_with_config FILE ARGS...: runs the real runc with FILE in place of the bundle's
# config.json. The bundle is never edited: FILE is bind-mounted over config.json in a private
# mount namespace that only this runc sees (containers it starts inherit a copy of it).
fake_exec_with_config() {
  cfg=$1
  shift
  unshare --mount --propagation private sh -c 'mount --bind "$1" "$2" && shift 2 && exec runc "$@"' fake "$cfg" "$FAKE_CONFIG" "$@"
}

# fake_fact ID FIELD: a fact of the lesson (helpers/lesson/facts.json, keyed by document id), so
# canned output says what the specs expect from one home.
fake_fact() {
  jq -er --arg id "$1" --arg f "$2" '.[$id][$f]' "$(dirname "$0")/../../helpers/lesson/facts.json"
}
