import { fileLinkage } from '../oci/busybox.js';
import { Runc } from '../oci/runtime.js';
import { parseIcmpCounters, type IcmpCounters } from '../net/ip.js';
import { describeOutcome, type ExecResult } from '../targets/exec.js';
import { harnessCgroupPath } from '../targets/run-id.js';
import { trustedTool } from '../toolchain.js';
import { pingBundleDir } from './guard.js';
import { runcLogErrors } from './probe.js';
import { generatePingProbeConfig, type PingProbeValues } from './probe-config.js';
import type { GradeSession } from './session.js';

/** Far above one echo request with two seconds for its reply; the grading budget cuts it further. */
const PING_RUN_TIMEOUT_MS = 10_000;

/**
 * The machine's static busybox, as a root run may use it: found in the trusted directories (root-owned
 * all the way up, writable by no one else) and statically linked, so it runs alone in an empty rootfs.
 * A grading machine without it cannot check the deliverable: the grader's own fault, never the lab's.
 */
export function trustedBusybox(): string {
  const t = trustedTool('busybox');
  if (!t.ok)
    throw new Error(
      `the grader's ping probe needs the machine's static busybox: ${t.problem}; install busybox-static (apt-get install busybox-static)`,
    );
  const linkage = fileLinkage(t.real);
  if (linkage?.kind !== 'static')
    throw new Error(
      `the grader's ping probe needs a statically linked busybox, and ${t.real} is ${linkage?.kind ?? 'unreadable'}; install busybox-static (apt-get install busybox-static)`,
    );
  return t.real;
}

/** ICMP counters where the probe pings from (the graded namespace) and where it pings to (this machine's own, where the host address is). */
interface PingCounters {
  readonly container: IcmpCounters | undefined;
  readonly host: IcmpCounters | undefined;
}

interface PingDelta {
  /** In the graded namespace: echo requests sent, echo replies received. */
  readonly requestsSent: number;
  readonly repliesReceived: number;
  /** In this machine's namespace: echo requests received, echo replies sent. */
  readonly requestsAnswered: number;
  readonly repliesSent: number;
  /** Echo replies the graded namespace itself sent: it answered a request (its own, when the host address is there too). */
  readonly answeredInside: number;
}

export function pingDelta(before: PingCounters, after: PingCounters): PingDelta | undefined {
  if (!before.container || !after.container || !before.host || !after.host) return undefined;
  return {
    requestsSent: after.container.outEchos - before.container.outEchos,
    repliesReceived: after.container.inEchoReps - before.container.inEchoReps,
    requestsAnswered: after.host.inEchos - before.host.inEchos,
    repliesSent: after.host.outEchoReps - before.host.outEchoReps,
    answeredInside: after.container.outEchoReps - before.container.outEchoReps,
  };
}

/** One echo request went out of the graded namespace, this machine answered it, and the reply came back. */
export const replied = (d: PingDelta | undefined): boolean =>
  d !== undefined && d.requestsSent >= 1 && d.repliesReceived >= 1 && d.requestsAnswered >= 1 && d.repliesSent >= 1;

export function formatPingDelta(d: PingDelta | undefined): string {
  if (d === undefined) return 'the ICMP counters could not be read';
  return `in the namespace: echo requests sent +${d.requestsSent}, replies received +${d.repliesReceived}, replies sent +${d.answeredInside}; on this machine: requests received +${d.requestsAnswered}, replies sent +${d.repliesSent}`;
}

interface PingProbeResult {
  /** runc created the container (it wrote the init's pid): the process was started, whatever it printed. */
  readonly started: boolean;
  /** runc's own error when it did not start it (from its log), else ''. */
  readonly refusal: string;
  readonly run: ExecResult;
  readonly delta: PingDelta | undefined;
}

async function readCounters(g: GradeSession, netnsPath: string): Promise<PingCounters> {
  // /proc/net follows the reader's network namespace: cat inside the graded one reads its counters.
  const [inside, own] = await Promise.all([
    g.target.exec(['nsenter', `--net=${netnsPath}`, '--', 'cat', '/proc/net/snmp']),
    g.target.exec(['cat', '/proc/net/snmp']),
  ]);
  return {
    container: inside.exitCode === 0 ? parseIcmpCounters(inside.stdout) : undefined,
    host: own.exitCode === 0 ? parseIcmpCounters(own.stdout) : undefined,
  };
}

/**
 * Runs the grader's own ping probe (see generatePingProbeConfig) in the grader's private mount
 * namespace with runc state in its scratch directory, in the foreground, and reads the ICMP
 * counters of both ends around it: the kernel's account of whether the request left and the reply
 * came back, not ping's output.
 */
export async function pingProbe(g: GradeSession, v: Omit<PingProbeValues, 'cgroupsPath'>): Promise<PingProbeResult> {
  const t = g.target;
  const enter = await t.privateMounts();
  const s = g.scratch;
  const bundle = pingBundleDir(s);
  const id = `${g.plan.containerId}-ping`;
  await t.must(['mkdir', '-p', `${bundle}/rootfs`, `${s}/runc`]);
  const config = generatePingProbeConfig(await g.runcSpec(), { ...v, cgroupsPath: harnessCgroupPath(g.runId) });
  await t.writeFile(`${bundle}/config.json`, JSON.stringify(config, null, 2));
  const runc = new Runc(t, 'runc', { root: `${s}/runc`, wrap: enter });
  const before = await readCounters(g, v.netnsPath);
  const run = await t.exec(runc.argv('--log', `${s}/ping.log`, 'run', '--pid-file', `${s}/ping.pid`, '--bundle', bundle, id), {
    timeoutMs: PING_RUN_TIMEOUT_MS,
  });
  const after = await readCounters(g, v.netnsPath);
  await runc.delete(id);
  const started = /^\d+$/.test((await t.exec(['cat', `${s}/ping.pid`])).stdout.trim());
  const refusal = started ? '' : runcLogErrors((await t.exec(['cat', `${s}/ping.log`])).stdout) || `runc run: ${describeOutcome(run)}`;
  return { started, refusal, run, delta: pingDelta(before, after) };
}
