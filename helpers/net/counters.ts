import type { Target } from '../targets/types.js';
import { parseIcmpCounters, parseLinkCounters, type IcmpCounters, type LinkCounters } from './ip.js';

/**
 * Where a ping must go: from the container's namespace, out through one of its interfaces, to
 * the namespace that owns the address it pings (`to` undefined: the target's own namespace, the
 * lab "host").
 */
export interface PingPath {
  readonly from: string;
  readonly via: string;
  readonly to: string | undefined;
}

/**
 * Kernel counters that show where a ping really went: the ICMP counters of both namespaces (from
 * their own /proc/net/snmp) and the packet counters of the interface between them. A ping that
 * printed replies but moved neither namespace's ICMP counters did not happen there, whatever its
 * output says. The interface's packet counters are reported but prove little on their own: IPv6
 * neighbour discovery and MLD move them too.
 */
export interface TrafficCounters {
  readonly from: IcmpCounters | undefined;
  readonly to: IcmpCounters | undefined;
  readonly link: LinkCounters | undefined;
}

/** One namespace's ICMP counters, read by a process inside it (/proc/net follows the reader's namespace). */
export async function readIcmp(t: Target, netnsPath: string | undefined): Promise<IcmpCounters | undefined> {
  const snmp = await (netnsPath === undefined ? t.read('/proc/net/snmp') : t.readInNetns(netnsPath, '/proc/net/snmp'));
  return snmp.exitCode === 0 ? parseIcmpCounters(snmp.stdout) : undefined;
}

export async function readCounters(t: Target, path: PingPath): Promise<TrafficCounters> {
  const link = await t.exec(['nsenter', `--net=${path.from}`, 'ip', '-s', '-j', 'link', 'show', path.via]);
  return {
    from: await readIcmp(t, path.from),
    to: await readIcmp(t, path.to),
    link: link.exitCode === 0 ? parseLinkCounters(link.stdout, path.via) : undefined,
  };
}

interface TrafficDelta {
  /** Echo requests the container's namespace sent, and the replies it received. */
  readonly requestsSent: number;
  readonly repliesReceived: number;
  /** Echo requests the pinged namespace received, and the replies it sent. */
  readonly requestsAnswered: number;
  readonly repliesSent: number;
  readonly packetsIn: number | undefined;
  readonly packetsOut: number | undefined;
}

/** What moved between two readings; undefined when a namespace could not be read. */
export function trafficDelta(b: TrafficCounters, a: TrafficCounters): TrafficDelta | undefined {
  if (!b.from || !a.from || !b.to || !a.to) return undefined;
  return {
    requestsSent: a.from.outEchos - b.from.outEchos,
    repliesReceived: a.from.inEchoReps - b.from.inEchoReps,
    requestsAnswered: a.to.inEchos - b.to.inEchos,
    repliesSent: a.to.outEchoReps - b.to.outEchoReps,
    packetsIn: a.link && b.link ? a.link.rxPackets - b.link.rxPackets : undefined,
    packetsOut: a.link && b.link ? a.link.txPackets - b.link.txPackets : undefined,
  };
}

/** The ping ran in the container's namespace: it sent the requests and got the replies it reports. */
export const ranIn = (d: TrafficDelta | undefined, replies: number): boolean =>
  d !== undefined && replies > 0 && d.requestsSent >= replies && d.repliesReceived >= replies;

/** The pinged namespace, at the other end of the link, received the requests and sent the replies. */
export const answeredBy = (d: TrafficDelta | undefined, replies: number): boolean =>
  d !== undefined && replies > 0 && d.requestsAnswered >= replies && d.repliesSent >= replies;

export function formatDelta(d: TrafficDelta | undefined): string {
  if (d === undefined) return 'the counters could not be read (is the namespace there?)';
  const link = d.packetsIn === undefined ? 'interface not found' : `interface packets in +${d.packetsIn}, out +${d.packetsOut ?? '?'}`;
  return `container side: echo requests sent +${d.requestsSent}, replies received +${d.repliesReceived}; other end: requests received +${d.requestsAnswered}, replies sent +${d.repliesSent}; ${link}`;
}
