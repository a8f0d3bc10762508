import { parsePingSummary } from '../net/ip.js';
import type { ExecResult } from '../targets/exec.js';

/**
 * What a `runc run` came to, in classes a diagnosis can name. Runtime failures are matched on
 * stable substrings of runc's own messages and of the lesson's wording for the same failure;
 * process outcomes on what busybox and iputils print. Anything else is `runtime-failed` or
 * `process-failed`: an unexpected failure, never silently taken for the expected one.
 */
export type RunSymptom =
  /** Exit 0. */
  | 'ok'
  | 'timeout'
  /** The runtime binary could not be started at all. */
  | 'runtime-missing'
  /** No config.json in the bundle (Exercise 2 Step 1's `runc spec` not run). */
  | 'spec-missing'
  /** The process's program is not in the rootfs (only /bin/busybox, no applet links). */
  | 'exec-not-found'
  /** process.terminal is true and there is no terminal to attach. */
  | 'no-tty'
  /** The network namespace path does not exist (Common Error 1). */
  | 'netns-missing'
  /** The path exists but is not a network namespace file. */
  | 'not-a-netns'
  /** A hook failed, so the runtime stopped. */
  | 'hook-failed'
  /** The runtime refused to work without root (Common Error 3). */
  | 'permission'
  /** The process ran; its ping could not open a raw socket (no CAP_NET_RAW). */
  | 'ping-not-permitted'
  /** The process ran; ping said "Network is unreachable" (no route: interface down or no address). */
  | 'unreachable'
  /** The process ran; ping got fewer replies than it sent. */
  | 'no-reply'
  /** The process ran and failed for another reason. */
  | 'process-failed'
  /** The runtime failed for a reason none of the classes above names. */
  | 'runtime-failed';

const RUNTIME_CLASSES: ReadonlyArray<readonly [RunSymptom, RegExp]> = [
  ['spec-missing', /config\.json[^\n]*(not found|no such file)/i],
  // runc quotes the program inside its log's msg="…", so the quotes arrive escaped.
  ['exec-not-found', /executable file not found|exec: \\?"[^"\n]*\\?": stat [^\n]*no such file or directory/],
  ['no-tty', /\/dev\/tty|not a tty|console/i],
  ['netns-missing', /namespace path[^\n]*(no such file or directory|does not exist)/i],
  ['not-a-netns', /setns[^\n]*net[^\n]*invalid argument|not a network namespace/i],
  ['hook-failed', /error running [a-zA-Z]* ?hook|hook #\d+/i],
];

/** A ping inside the container refused for want of CAP_NET_RAW: busybox and iputils wording. */
const PING_NOT_PERMITTED = /ping: permission denied|ping: socket: Operation not permitted|ping: socktype/i;
/** runc's log lines, and the lesson's `container_linux.go:…` form of the same errors. */
const RUNTIME_ERROR_LINE = /level=(error|fatal)|container_linux\.go:|^open [^\n]*: permission denied/m;

export function classifyRun(r: ExecResult): RunSymptom {
  if (r.timedOut) return 'timeout';
  if (r.spawnError !== undefined) return 'runtime-missing';
  if (r.exitCode === 0) return 'ok';
  const all = `${r.stdout}\n${r.stderr}`;
  if (PING_NOT_PERMITTED.test(all)) return 'ping-not-permitted';
  if (RUNTIME_ERROR_LINE.test(r.stderr)) {
    for (const [symptom, re] of RUNTIME_CLASSES) if (re.test(r.stderr)) return symptom;
    // A non-root runc either cannot create its state directory (permission denied) or, when that
    // directory already exists (an earlier sudo runc made /run/runc) or XDG_RUNTIME_DIR gives it
    // one, treats the run as rootless and refuses a config without a user namespace.
    if (/permission denied|operation not permitted|rootless container requires user namespaces/i.test(r.stderr)) return 'permission';
    return 'runtime-failed';
  }
  if (/network is unreachable/i.test(all)) return 'unreachable';
  const ping = parsePingSummary(r.stdout);
  if (ping !== undefined && ping.received < ping.transmitted) return 'no-reply';
  return 'process-failed';
}

/** Did the container's process run at all? (Its output, not the runtime's refusal, is what we see.) */
export function processRan(s: RunSymptom): boolean {
  return ['ok', 'ping-not-permitted', 'unreachable', 'no-reply', 'process-failed'].includes(s);
}

/** One line for a diagnosis: the class and the exit status. */
export function describeRun(r: ExecResult): string {
  const s = classifyRun(r);
  return `${s} (exit ${r.exitCode ?? (r.timedOut ? 'timeout' : '?')})`;
}
