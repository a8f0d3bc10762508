/** Linux IFNAMSIZ is 16 including the trailing NUL. */
export const IFNAME_MAX = 15;

export class BadInputError extends Error {
  override name = 'BadInputError';
}

export function validateIfName(name: string, what = 'interface name'): string {
  if (name.length === 0) throw new BadInputError(`${what} is empty`);
  if (name.length > IFNAME_MAX)
    throw new BadInputError(`${what} "${name}" is ${name.length} characters; Linux allows at most ${IFNAME_MAX}`);
  if (/[\s/:]/.test(name) || name === '.' || name === '..')
    throw new BadInputError(`${what} "${name}" contains a character Linux refuses (whitespace, "/" or ":")`);
  return name;
}

export function validateNetnsName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name))
    throw new BadInputError(`network namespace name "${name}" must be 1-64 characters of letters, digits, "_", "." or "-"`);
  return name;
}

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

/** The names and addresses one exercise uses. */
export interface LabPlan {
  readonly netns: string;
  readonly netnsPath: string;
  readonly hostVeth: string;
  readonly nsVeth: string;
  readonly hostCidr: Cidr;
  readonly nsCidr: Cidr;
  readonly bundleDir: string;
  readonly containerId: string;
  /** Exercise 4's second bundle and container. */
  readonly newBundleDir: string;
  readonly newContainerId: string;
}

/** The lesson's exact values; `home` is what `~` means on the target. */
export function lessonPlan(home: string): LabPlan {
  return validatePlan({
    netns: 'container-net',
    netnsPath: '/var/run/netns/container-net',
    hostVeth: 'veth-host',
    nsVeth: 'veth-container',
    hostCidr: parseCidr('10.0.0.1/24'),
    nsCidr: parseCidr('10.0.0.2/24'),
    bundleDir: `${home}/oci-netns-test`,
    containerId: 'netns-test',
    newBundleDir: `${home}/oci-newnetns-test`,
    newContainerId: 'newnetns-test',
  });
}

export function validatePlan(plan: LabPlan): LabPlan {
  validateNetnsName(plan.netns);
  validateIfName(plan.hostVeth, 'host veth name');
  validateIfName(plan.nsVeth, 'namespace veth name');
  if (plan.hostVeth === plan.nsVeth) throw new BadInputError('the two veth ends need different names');
  if (!sameSubnet(plan.hostCidr, plan.nsCidr))
    throw new BadInputError(`${formatCidr(plan.hostCidr)} and ${formatCidr(plan.nsCidr)} are not on one subnet`);
  return plan;
}
