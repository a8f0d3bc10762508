import { formatCidr, networkOf, parseCidr, type Cidr } from './cidr.js';
import { type LabPlan } from '../lesson/plan.js';
import { inNetns } from './ops.js';
import type { Target } from '../targets/types.js';

/**
 * Common Error 4's "external network", simulated: a WAN namespace on TEST-NET-3 (203.0.113.0/24)
 * reached through an `eth0` on the lab host. Everything lives inside the test's own sandbox.
 */
interface WanPlan {
  readonly netns: string;
  /** The lab host's outbound interface, named as in the lesson's MASQUERADE rule. */
  readonly uplink: string;
  readonly wanIf: string;
  readonly uplinkCidr: Cidr;
  /** The "external IP" the container tries to reach. */
  readonly remoteCidr: Cidr;
}

export const WAN: WanPlan = {
  netns: 'wan',
  uplink: 'eth0',
  wanIf: 'wan0',
  uplinkCidr: parseCidr('203.0.113.1/24'),
  remoteCidr: parseCidr('203.0.113.8/24'),
};

function wanCommands(w: WanPlan = WAN): string[][] {
  return [
    ['ip', 'netns', 'add', w.netns],
    ['ip', 'link', 'add', w.uplink, 'type', 'veth', 'peer', 'name', w.wanIf],
    ['ip', 'link', 'set', w.wanIf, 'netns', w.netns],
    ['ip', 'addr', 'add', `${w.uplinkCidr.address}/${w.uplinkCidr.prefix}`, 'dev', w.uplink],
    ['ip', 'link', 'set', w.uplink, 'up'],
    inNetns(w.netns, ['ip', 'addr', 'add', `${w.remoteCidr.address}/${w.remoteCidr.prefix}`, 'dev', w.wanIf]),
    inNetns(w.netns, ['ip', 'link', 'set', w.wanIf, 'up']),
    inNetns(w.netns, ['ip', 'link', 'set', 'lo', 'up']),
  ];
}

export async function buildWan(t: Target, w: WanPlan = WAN): Promise<void> {
  for (const argv of wanCommands(w)) await t.must(argv);
}

/** Common Error 4's three fixes, in the lesson's order, with the lab's names. */
export const NAT_FIXES = ['ip_forward', 'masquerade', 'default-route'] as const;
type NatFix = (typeof NAT_FIXES)[number];

export async function applyNatFix(t: Target, p: LabPlan, fix: NatFix, w: WanPlan = WAN): Promise<void> {
  switch (fix) {
    case 'ip_forward':
      // Inside the sandbox /proc/sys/net is the sandbox's own namespace: the real host is untouched.
      return t.writeFile('/proc/sys/net/ipv4/ip_forward', '1\n');
    case 'masquerade':
      await t.must(['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', formatCidr(networkOf(p.hostCidr)), '-o', w.uplink, '-j', 'MASQUERADE']);
      return;
    case 'default-route':
      await t.must(inNetns(p.netns, ['ip', 'route', 'add', 'default', 'via', p.hostCidr.address]));
      return;
  }
}

/** Packets that went through the MASQUERADE rule, from `iptables -L -v -x -n`. */
export async function masqueradePackets(t: Target): Promise<number> {
  const r = await t.must(['iptables', '-t', 'nat', '-L', 'POSTROUTING', '-v', '-x', '-n']);
  const line = r.stdout.split('\n').find((l) => /\bMASQUERADE\b/.test(l));
  return line ? Number(line.trim().split(/\s+/)[0]) : 0;
}

/**
 * Packets the lab host's FORWARD chain dropped by its policy, when that policy is DROP (Docker
 * and several firewalls set it); undefined when forwarding is not refused that way. The lesson's
 * three fixes assume a host that forwards, so a reply lost here is no Common Error 4.
 */
export async function forwardPolicyDrops(t: Target): Promise<number | undefined> {
  const r = await t.exec(['iptables', '-L', 'FORWARD', '-v', '-x', '-n']);
  const m = /^Chain FORWARD \(policy DROP (\d+) packets/m.exec(r.stdout);
  return m ? Number(m[1]) : undefined;
}

/** What to do when the host's FORWARD policy dropped the lab's packets. */
export const forwardDropNext = (p: LabPlan, dropped: number): string => {
  const subnet = formatCidr(networkOf(p.hostCidr));
  return `the lab host's firewall drops forwarded packets (FORWARD policy DROP, ${dropped} packet(s) dropped): the lesson's fixes assume a host that forwards; allow the lab's subnet: sudo iptables -A FORWARD -s ${subnet} -j ACCEPT && sudo iptables -A FORWARD -d ${subnet} -j ACCEPT`;
};
