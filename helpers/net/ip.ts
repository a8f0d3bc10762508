import { LabDataError } from '../errors.js';
import { visible } from '../report/sanitize.js';

/** Parsers for `ip -j` (iproute2) and busybox `ip addr` text, reduced to one shape. */

export interface Iface {
  readonly ifname: string;
  /** Kernel flags, e.g. UP, LOWER_UP, LOOPBACK. */
  readonly flags: readonly string[];
  /** iproute2's operstate when known (UP, DOWN, UNKNOWN, LOWERLAYERDOWN). */
  readonly operstate: string | undefined;
  /** IPv4 addresses as CIDR strings. */
  readonly inet: readonly string[];
  /** The kernel's interface index, the number before the name in `ip addr` text. */
  readonly index?: number;
  /** Link-layer address (`link/ether`, `link/loopback`). */
  readonly mac?: string;
}

/** Administratively up: the UP flag, which `ip link set … up` sets. */
export const isUp = (i: Iface): boolean => i.flags.includes('UP');

interface RawJsonIface {
  ifindex?: unknown;
  address?: unknown;
  ifname?: unknown;
  flags?: unknown;
  operstate?: unknown;
  addr_info?: Array<{ family?: unknown; local?: unknown; prefixlen?: unknown } | null>;
}

/** More interfaces than a lab has any reason to hold; the grader reads no further. */
export const MAX_INTERFACES = 1024;

// iproute2 prints an interface name byte for byte, so a name with an escape character is a raw
// control character inside a JSON string: escaped here, it parses (tab, newline and carriage
// return cannot be in a name, so they are JSON's own whitespace).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

/** Any `ip -j` output as JSON: bounded (not cut by the output cap, at most `maxItems` entries), never a crash. */
function parseIpJsonArray(stdout: string, what = 'ip -j', maxItems = MAX_INTERFACES): unknown[] {
  const text = stdout.trim();
  if (text === '') return [];
  const cut = /\n… (\d+) bytes cut$/.exec(text);
  const tooMany = (n: string): LabDataError =>
    new LabDataError(
      `${what} lists ${n} entries, more than the ${maxItems} the grader reads`,
      'remove the interfaces the lesson does not create (ip link del NAME), then grade again',
    );
  if (cut) throw tooMany(`so many that its output (${Buffer.byteLength(text)} bytes kept, ${cut[1]} cut) exceeds what the grader keeps:`);
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(RAW_CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  } catch {
    throw new LabDataError(
      `${what} printed something that is not JSON: ${visible(text.slice(0, 200))}`,
      `run "${what}" yourself and look at what it prints`,
    );
  }
  if (!Array.isArray(raw)) throw new LabDataError(`${what} did not print a JSON array`, `run "${what}" yourself and look at what it prints`);
  if (raw.length > maxItems) throw tooMany(String(raw.length));
  return raw;
}

export function parseIpJson(stdout: string): Iface[] {
  return (parseIpJsonArray(stdout, 'ip -j addr show') as RawJsonIface[])
    .filter((r) => r !== null && typeof r === 'object' && typeof r.ifname === 'string')
    .map((r) => ({
      ifname: r.ifname as string,
      flags: Array.isArray(r.flags) ? (r.flags as string[]) : [],
      operstate: typeof r.operstate === 'string' ? r.operstate : undefined,
      inet: (Array.isArray(r.addr_info) ? r.addr_info : [])
        .filter((a): a is NonNullable<typeof a> => a !== null && typeof a === 'object' && a.family === 'inet' && typeof a.local === 'string')
        .map((a) => `${String(a.local)}/${String(a.prefixlen)}`),
      ...(typeof r.ifindex === 'number' ? { index: r.ifindex } : {}),
      ...(typeof r.address === 'string' ? { mac: r.address } : {}),
    }));
}

/** One end of a link as `ip -j -d link show dev NAME` describes it: its kind and, for a veth, where its peer is. */
export interface LinkEnd {
  readonly ifindex: number | undefined;
  readonly kind: string | undefined;
  /** The peer's ifindex (in the peer's own namespace). */
  readonly peerIndex: number | undefined;
  /** The peer's namespace, as an nsid of the namespace this was read in; absent when the peer is in the same namespace. */
  readonly peerNetnsId: number | undefined;
}

export function parseLinkDetails(stdout: string): LinkEnd | undefined {
  const [r] = parseIpJsonArray(stdout, 'ip -j -d link show') as Array<Record<string, unknown> | null>;
  if (r === null || typeof r !== 'object') return undefined;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
  const info = r.linkinfo as Record<string, unknown> | null | undefined;
  return {
    ifindex: num(r.ifindex),
    kind: info !== null && typeof info === 'object' && typeof info.info_kind === 'string' ? info.info_kind : undefined,
    peerIndex: num(r.link_index),
    peerNetnsId: num(r.link_netnsid),
  };
}

/** `ip -j netns list`: each name with the nsid this namespace gave it (when it has one). */
export function parseNetnsIds(stdout: string): Array<{ name: string; id: number | undefined }> {
  return (parseIpJsonArray(stdout, 'ip -j netns list') as Array<Record<string, unknown> | null>)
    .filter((r): r is Record<string, unknown> => r !== null && typeof r === 'object' && typeof r.name === 'string')
    .map((r) => ({ name: r.name as string, id: typeof r.id === 'number' ? r.id : undefined }));
}

/** busybox and iproute2 text: `2: veth-container@if3: <BROADCAST,UP> mtu … state UP …` then `inet a/b …`. */
export function parseIpAddrText(stdout: string): Iface[] {
  const out: Array<{ ifname: string; flags: string[]; operstate: string | undefined; inet: string[]; index: number; mac?: string }> = [];
  for (const line of stdout.split('\n')) {
    const head = /^(\d+):\s+([^:@\s]+)(?:@[^:\s]+)?:\s+<([^>]*)>(.*)$/.exec(line);
    if (head) {
      const state = / state (\S+)/.exec(head[4] ?? '');
      out.push({
        ifname: head[2] ?? '',
        flags: (head[3] ?? '').split(',').filter(Boolean),
        operstate: state?.[1],
        inet: [],
        index: Number(head[1]),
      });
      continue;
    }
    const last = out[out.length - 1];
    const link = /^\s+link\/\S+\s+(\S+)/.exec(line);
    if (link && last && last.mac === undefined) last.mac = link[1];
    const inet = /^\s+inet\s+(\d+\.\d+\.\d+\.\d+\/\d+)/.exec(line);
    if (inet && last) last.inet.push(inet[1] ?? '');
  }
  return out;
}

export function findIface(list: readonly Iface[], name: string): Iface | undefined {
  return list.find((i) => i.ifname === name);
}

export interface PingSummary {
  readonly transmitted: number;
  readonly received: number;
}

/** iputils: "2 packets transmitted, 2 received"; busybox: "3 packets transmitted, 3 packets received". */
export function parsePingSummary(stdout: string): PingSummary | undefined {
  const m = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(stdout);
  return m ? { transmitted: Number(m[1]), received: Number(m[2]) } : undefined;
}

/** A compact, comparable view: "name inet,inet" per interface, sorted. */
export function addressView(list: readonly Iface[]): string[] {
  return list.map((i) => `${i.ifname} ${[...i.inet].sort().join(',')}`.trim()).sort();
}

/**
 * What only the kernel of one particular namespace knows, per interface: its index, name,
 * link-layer address, whether it is UP, and its IPv4 addresses. Two views are equal only when
 * they describe the same interfaces of the same namespace: a printed copy of the lesson's
 * output (MAC XX:XX:…) or another namespace's interfaces cannot match.
 */
export function kernelView(list: readonly Iface[]): string[] {
  return [...list]
    .sort((a, b) => (a.index ?? 0) - (b.index ?? 0) || a.ifname.localeCompare(b.ifname))
    .map((i) => `${i.index ?? '?'}: ${i.ifname} ${i.mac ?? '?'} ${isUp(i) ? 'UP' : 'DOWN'} ${[...i.inet].sort().join(',') || '-'}`);
}

/** Packet counters of one interface (`ip -s -j link`). */
export interface LinkCounters {
  readonly rxPackets: number;
  readonly txPackets: number;
}

export function parseLinkCounters(stdout: string, name: string): LinkCounters | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    return undefined;
  }
  if (!Array.isArray(raw)) return undefined;
  const link = (raw as Array<{ ifname?: unknown; stats64?: { rx?: { packets?: unknown }; tx?: { packets?: unknown } } }>).find(
    (l) => l.ifname === name,
  );
  const rx = link?.stats64?.rx?.packets;
  const tx = link?.stats64?.tx?.packets;
  return typeof rx === 'number' && typeof tx === 'number' ? { rxPackets: rx, txPackets: tx } : undefined;
}

/** ICMP counters of one network namespace, from its /proc/net/snmp. */
export interface IcmpCounters {
  readonly outEchos: number;
  readonly inEchoReps: number;
  /** Echo requests this namespace received, and the replies it sent. */
  readonly inEchos: number;
  readonly outEchoReps: number;
  /** "Destination Unreachable" errors this namespace received. */
  readonly inDestUnreachs: number;
}

export function parseIcmpCounters(snmp: string): IcmpCounters | undefined {
  const lines = snmp.split('\n').filter((l) => l.startsWith('Icmp: '));
  const [names, values] = lines.map((l) => l.slice(6).trim().split(/\s+/));
  if (!names || !values || names.length !== values.length) return undefined;
  const get = (k: string): number => Number(values[names.indexOf(k)]);
  const out = {
    outEchos: get('OutEchos'),
    inEchoReps: get('InEchoReps'),
    inEchos: get('InEchos'),
    outEchoReps: get('OutEchoReps'),
    inDestUnreachs: get('InDestUnreachs'),
  };
  return Object.values(out).every(Number.isFinite) ? out : undefined;
}
