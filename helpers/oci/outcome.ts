import { parsePingSummary } from '../net/ip.js';
import type { ExecResult } from '../targets/exec.js';

/**
 * What a `runc run` came to, in classes a diagnosis can name.
 *
 * The class is decided from facts, not from a runtime's wording: whether the runtime started the
 * container at all (the harness's poststart witness ran, see `RunResult.started`), the exit
 * status, and, for a refusal, what in the bundle and the machine could have stopped it (the
 * namespace path is missing or no namespace, the program is absent from the rootfs, the run was
 * unprivileged, …: `RunResult.blockers`). Wording only chooses among those facts when several
 * hold at once, and picks the message; a refusal in words no catalogue knows keeps its class
 * (`refused`, with the message quoted), so a runtime with other words is never read as one whose
 * process ran and failed.
 */
export type RunSymptom =
  /** Exit 0, and the container was started. */
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
  /** The runtime refused before starting the container, for a reason none of the facts above explains. */
  | 'runtime-failed'
  /** The runtime exited 0 (or logged an error and exited 0) although it never started the container. */
  | 'not-started';

/** What could have stopped a runtime before it started the container, each checked on the machine. */
export type RunBlocker = 'spec-missing' | 'permission' | 'netns-missing' | 'not-a-netns' | 'hook-failed' | 'no-tty' | 'exec-not-found';

/** A `runc run` with the facts the harness observed around it (see Runc.run). */
export interface RunResult extends ExecResult {
  /**
   * The runtime started the container: the poststart hook the harness adds for the run recorded
   * the container's state. Undefined where no witness could be installed (a detached run reads
   * its pid file instead).
   */
  readonly started?: boolean;
  /** Only when not started: the facts that could explain a refusal, in the order runtimes check them. */
  readonly blockers?: readonly RunBlocker[];
}

/**
 * Each runtime's words for a refusal (runc 1.1–1.3, crun 1.x) and the lesson's, by class. They
 * choose among the facts that hold (and name the erratum); they never decide a class alone.
 */
const REFUSAL_WORDING: ReadonlyArray<readonly [RunBlocker, RegExp]> = [
  ['spec-missing', /config\.json[^\n]*(not found|no such file)/i],
  ['permission', /permission denied|operation not permitted|rootless container requires user namespaces|create directory `\/run\/crun`/i],
  // runc 1.1: "namespace path: lstat …: no such file"; the lesson: "… does not exist"; crun: "open `/var/run/netns/x`: No such file or directory".
  ['netns-missing', /namespace path[^\n]*(no such file or directory|does not exist)|open `[^`\n]*netns[^`\n]*`: No such file or directory/i],
  // runc: "setns … invalid argument"; crun: "cannot setns `…`: Invalid argument".
  ['not-a-netns', /setns[^\n]*invalid argument|not a network namespace/i],
  // runc: "error running prestart hook #0"; crun: "error executing hook `/path` (exit code: 1)".
  ['hook-failed', /error (running|executing) [a-zA-Z]* ?hook|hook #\d+/i],
  // runc: "open /dev/tty", "not a tty"; crun: "tcgetattr: Inappropriate ioctl for device".
  ['no-tty', /\/dev\/tty|not a tty|console|tcgetattr|inappropriate ioctl/i],
  // runc: exec: "sh": executable file not found; crun: executable file `sh` not found in $PATH.
  ['exec-not-found', /executable file[^\n]*not found|exec: \\?"[^"\n]*\\?": stat [^\n]*no such file or directory/],
];

/** A ping inside the container refused for want of CAP_NET_RAW: busybox and iputils wording. */
const PING_NOT_PERMITTED = /ping: permission denied|ping: socket: Operation not permitted|ping: socktype/i;
/** runc's own error log lines (also after an exit 0, where they still mean the runtime failed). */
const RUNC_ERROR_LOG = /level=(error|fatal)/m;
/** After the container started, the program itself could not be executed (e.g. its ELF interpreter is missing). */
const EXEC_FAILED = /exec[^\n]*(no such file or directory|exec format error)|can't exec user process|executable file[^\n]*not found/i;

/** The first class, among `among` (default: all), whose words the runtime used. */
function worded(stderr: string, among?: readonly RunBlocker[]): RunBlocker | undefined {
  return REFUSAL_WORDING.find(([b, re]) => (among === undefined || among.includes(b)) && re.test(stderr))?.[0];
}

export function classifyRun(r: RunResult): RunSymptom {
  if (r.timedOut) return 'timeout';
  if (r.spawnError !== undefined) return 'runtime-missing';
  if (r.started === undefined) return classifyWords(r);
  if (!r.started) {
    if (r.exitCode === 0) return 'not-started';
    const facts = r.blockers ?? [];
    return worded(r.stderr, facts) ?? facts[0] ?? 'runtime-failed';
  }
  if (r.exitCode === 0) return RUNC_ERROR_LOG.test(r.stderr) ? 'runtime-failed' : 'ok';
  return processOutcome(r);
}

/** The container started; what its process (or its exec) came to, from the process's own output. */
function processOutcome(r: ExecResult): RunSymptom {
  const all = `${r.stdout}\n${r.stderr}`;
  if (PING_NOT_PERMITTED.test(all)) return 'ping-not-permitted';
  if (EXEC_FAILED.test(r.stderr)) return 'exec-not-found';
  if (/network is unreachable/i.test(all)) return 'unreachable';
  const ping = parsePingSummary(r.stdout);
  if (ping !== undefined && ping.received < ping.transmitted) return 'no-reply';
  return 'process-failed';
}

/**
 * Without a witness (a detached run's log, whose pid file is the fact that matters): the class
 * from words alone, any runtime's. Used only where the caller has already established that the
 * container did not start.
 */
export function classifyWords(r: ExecResult): RunSymptom {
  if (r.timedOut) return 'timeout';
  if (r.spawnError !== undefined) return 'runtime-missing';
  if (r.exitCode === 0) return RUNC_ERROR_LOG.test(r.stderr) ? 'runtime-failed' : 'ok';
  return worded(r.stderr) ?? 'runtime-failed';
}

/** Did the container's process run at all? (Its output, not the runtime's refusal, is what we see.) */
export function processRan(s: RunSymptom): boolean {
  return ['ok', 'ping-not-permitted', 'unreachable', 'no-reply', 'process-failed'].includes(s);
}
