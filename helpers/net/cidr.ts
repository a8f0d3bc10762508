import { BadInputError } from '../errors.js';

export interface Cidr {
  readonly address: string;
  readonly prefix: number;
}

export function parseCidr(text: string): Cidr {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : NaN;
  if (!m || octets.some((o) => o > 255) || prefix > 32)
    throw new BadInputError(`"${text}" is not an IPv4 address with a prefix length, such as 10.0.0.1/24`);
  return { address: octets.join('.'), prefix };
}

export function formatCidr(c: Cidr): string {
  return `${c.address}/${c.prefix}`;
}

function toInt(address: string): number {
  return address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** The network a CIDR belongs to, e.g. 10.0.0.1/24 -> 10.0.0.0/24. */
export function networkOf(c: Cidr): Cidr {
  const mask = c.prefix === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - c.prefix)) - 1n);
  const net = Number(BigInt(toInt(c.address)) & mask);
  return { address: [24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.'), prefix: c.prefix };
}

export function sameSubnet(a: Cidr, b: Cidr): boolean {
  return a.prefix === b.prefix && networkOf(a).address === networkOf(b).address;
}
