import type { CommonErrorHint } from './sections.js';
import { formatCidr, networkOf } from '../net/cidr.js';
import { type LabPlan } from './plan.js';

/** The lesson's fix for each Common Error, in the names of the lab under test. */
export const fixes = {
  missingNetns: (p: LabPlan): CommonErrorHint => ({
    id: 1,
    fix: `create it with "ip netns add ${p.netns}", check "ip netns list" for typos, and make config.json's network path "${p.netnsPath}"`,
  }),
  /** The namespace file is a link or bind mount of the machine's own namespace: listed, nsfs, isolating nothing. */
  notANewNetns: (p: LabPlan): CommonErrorHint => ({
    id: 1,
    fix: `${p.netnsPath} is this machine's own network namespace (a link or bind mount of /proc/…/ns/net): remove it ("ip netns delete ${p.netns}") and create a new one with "ip netns add ${p.netns}"`,
  }),
  noConnectivity: (p: LabPlan): CommonErrorHint => ({
    id: 2,
    fix: `bring both ends up ("ip link set ${p.hostVeth} up"; "ip netns exec ${p.netns} ip link set ${p.nsVeth} up") and give them addresses on one subnet (${formatCidr(p.hostCidr)} and ${formatCidr(p.nsCidr)})`,
  }),
  /** Common Error 2's "bring up if DOWN", for the one interface that is down. */
  bringUp: (p: LabPlan, name: string, inNamespace: boolean): CommonErrorHint => ({
    id: 2,
    fix: `sudo ${inNamespace ? `ip netns exec ${p.netns} ` : ''}ip link set ${name} up`,
  }),
  /**
   * Common Error 2's "assign IPs", for the one end whose address is missing or wrong: a wrong
   * address (another subnet, a typo) is removed first, or the end keeps two and the route stays wrong.
   */
  setAddress: (p: LabPlan, name: string, inNamespace: boolean, has: readonly string[]): CommonErrorHint => {
    const want = formatCidr(inNamespace ? p.nsCidr : p.hostCidr);
    const ip = (...args: string[]): string => `sudo ${inNamespace ? `ip netns exec ${p.netns} ` : ''}ip addr ${args.join(' ')} dev ${name}`;
    const wrong = has.filter((a) => a !== want);
    return {
      id: 2,
      fix: `${wrong.length > 0 ? `${name} has ${wrong.join(', ')} instead of ${want}: remove it ("${wrong.map((a) => ip('del', a)).join('"; "')}"), then ` : ''}give ${name} ${want}: "${ip('add', want)}"`,
    };
  },
  /** Common Error 2's "assign IPs" as commands: each wrong address removed, then the right one added. */
  addressCommands: (p: LabPlan, name: string, inNamespace: boolean, has: readonly string[]): string[] => {
    const want = formatCidr(inNamespace ? p.nsCidr : p.hostCidr);
    const ip = (...args: string[]): string => `sudo ${inNamespace ? `ip netns exec ${p.netns} ` : ''}ip addr ${args.join(' ')} dev ${name}`;
    return [...has.filter((a) => a !== want).map((a) => ip('del', a)), ...(has.includes(want) ? [] : [ip('add', want)])];
  },
  /** Exercise 1 Step 1 / Common Error 1's "If not, create it". */
  addNetns: (p: LabPlan): string => `sudo ip netns add ${p.netns}`,
  permission: (): CommonErrorHint => ({ id: 3, fix: 'run ip netns and runc as root (sudo)' }),
  noExternal: (p: LabPlan): CommonErrorHint => ({
    id: 4,
    fix: `enable ip_forward, add a MASQUERADE rule for ${formatCidr(networkOf(p.hostCidr))}, and add a default route via ${p.hostCidr.address} in ${p.netns}`,
  }),
  invisibleAfterMove: (p: LabPlan): CommonErrorHint => ({
    id: 5,
    fix: `look inside the namespace: "ip netns exec ${p.netns} ip link show ${p.nsVeth}"`,
  }),
  wrongInterfaces: (p: LabPlan): CommonErrorHint => ({
    id: 6,
    fix: `config.json's network namespace entry needs "path": "${p.netnsPath}" (no path means a fresh, empty namespace)`,
  }),
} as const;
