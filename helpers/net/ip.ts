/** Parsers for `ip -j` (iproute2) and busybox `ip addr` text, reduced to one shape. */

export interface Iface {
  readonly ifname: string;
  /** Kernel flags, e.g. UP, LOWER_UP, LOOPBACK. */
  readonly flags: readonly string[];
  /** iproute2's operstate when known (UP, DOWN, UNKNOWN, LOWERLAYERDOWN). */
  readonly operstate: string | undefined;
  /** IPv4 addresses as CIDR strings. */
  readonly inet: readonly string[];
}

/** Administratively up: the UP flag, which `ip link set … up` sets. */
export const isUp = (i: Iface): boolean => i.flags.includes('UP');

interface RawJsonIface {
  ifname?: unknown;
  flags?: unknown;
  operstate?: unknown;
  addr_info?: Array<{ family?: unknown; local?: unknown; prefixlen?: unknown }>;
}

export function parseIpJson(stdout: string): Iface[] {
  const text = stdout.trim();
  if (text === '') return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`ip -j printed something that is not JSON: ${text.slice(0, 200)}`);
  }
  if (!Array.isArray(raw)) throw new Error('ip -j did not print a JSON array');
  return (raw as RawJsonIface[])
    .filter((r) => typeof r.ifname === 'string')
    .map((r) => ({
      ifname: r.ifname as string,
      flags: Array.isArray(r.flags) ? (r.flags as string[]) : [],
      operstate: typeof r.operstate === 'string' ? r.operstate : undefined,
      inet: (r.addr_info ?? [])
        .filter((a) => a.family === 'inet' && typeof a.local === 'string')
        .map((a) => `${String(a.local)}/${String(a.prefixlen)}`),
    }));
}

/** busybox and iproute2 text: `2: veth-container@if3: <BROADCAST,UP> mtu … state UP …` then `inet a/b …`. */
export function parseIpAddrText(stdout: string): Iface[] {
  const out: Array<{ ifname: string; flags: string[]; operstate: string | undefined; inet: string[] }> = [];
  for (const line of stdout.split('\n')) {
    const head = /^\d+:\s+([^:@\s]+)(?:@[^:\s]+)?:\s+<([^>]*)>(.*)$/.exec(line);
    if (head) {
      const state = / state (\S+)/.exec(head[3] ?? '');
      out.push({
        ifname: head[1] ?? '',
        flags: (head[2] ?? '').split(',').filter(Boolean),
        operstate: state?.[1],
        inet: [],
      });
      continue;
    }
    const inet = /^\s+inet\s+(\d+\.\d+\.\d+\.\d+\/\d+)/.exec(line);
    const last = out[out.length - 1];
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
