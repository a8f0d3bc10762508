import type { Target } from '../targets/types.js';
import { parseIcmpCounters, parseLinkCounters, type IcmpCounters, type LinkCounters } from './ip.js';

/**
 * Kernel counters that show where a ping really went: the ICMP counters of one network
 * namespace (its /proc/net/snmp) and the packet counters of one interface in it. A ping that
 * printed replies but moved neither did not happen in that namespace, whatever its output says.
 */
export interface TrafficCounters {
  readonly icmp: IcmpCounters | undefined;
  readonly link: LinkCounters | undefined;
}

/** One namespace's ICMP counters, read by a process inside it (/proc/net follows the reader's namespace). */
export async function readIcmp(t: Target, netnsPath: string): Promise<IcmpCounters | undefined> {
  const snmp = await t.exec(['nsenter', `--net=${netnsPath}`, 'cat', '/proc/net/snmp']);
  return snmp.exitCode === 0 ? parseIcmpCounters(snmp.stdout) : undefined;
}

export async function readCounters(t: Target, netnsPath: string, ifname: string): Promise<TrafficCounters> {
  const icmp = await readIcmp(t, netnsPath);
  const link = await t.exec(['nsenter', `--net=${netnsPath}`, 'ip', '-s', '-j', 'link', 'show', ifname]);
  return { icmp, link: link.exitCode === 0 ? parseLinkCounters(link.stdout, ifname) : undefined };
}

export interface TrafficDelta {
  readonly echoRequestsSent: number;
  readonly echoRepliesReceived: number;
  readonly packetsIn: number;
  readonly packetsOut: number;
}

/** What moved between two readings; undefined when either reading failed. */
export function trafficDelta(before: TrafficCounters, after: TrafficCounters): TrafficDelta | undefined {
  const [b, a] = [before, after];
  if (!b.icmp || !a.icmp || !b.link || !a.link) return undefined;
  return {
    echoRequestsSent: a.icmp.outEchos - b.icmp.outEchos,
    echoRepliesReceived: a.icmp.inEchoReps - b.icmp.inEchoReps,
    packetsIn: a.link.rxPackets - b.link.rxPackets,
    packetsOut: a.link.txPackets - b.link.txPackets,
  };
}

/**
 * The `replies` echo replies a ping reported arrived in this namespace through this interface:
 * the namespace counted at least that many, and the interface carried at least that many packets
 * each way (other traffic, such as IPv6 neighbour discovery, only adds to these counters).
 */
export function repliesCrossed(d: TrafficDelta | undefined, replies: number): boolean {
  return d !== undefined && replies > 0 && d.echoRepliesReceived >= replies && d.echoRequestsSent >= replies && d.packetsIn >= replies && d.packetsOut >= replies;
}

export function formatDelta(d: TrafficDelta | undefined): string {
  return d === undefined
    ? 'the counters could not be read (is the namespace there?)'
    : `echo requests sent +${d.echoRequestsSent}, echo replies received +${d.echoRepliesReceived}, interface packets in +${d.packetsIn}, out +${d.packetsOut}`;
}
