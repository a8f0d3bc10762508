import type { LabBreakage } from '../../helpers/lesson/lab.js';
import { formatCidr } from '../../helpers/net/cidr.js';
import { inNetns } from '../../helpers/net/ops.js';
import type { LabPlan } from '../../helpers/lesson/plan.js';

/** Deliberate breakages: a lab carrying one of these must turn the matching spec red. */
function breakage(name: string, after: LabBreakage['after'], commands: (p: LabPlan) => string[][]): LabBreakage {
  return {
    name,
    after,
    async apply(t, plan) {
      for (const argv of commands(plan)) await t.must(argv);
    },
  };
}

export const FAULTS = {
  'veth-host-down': breakage('veth-host-down', 5, (p) => [['ip', 'link', 'set', p.hostVeth, 'down']]),
  'ns-address-missing': breakage('ns-address-missing', 4, (p) => [inNetns(p.netns, ['ip', 'addr', 'del', formatCidr(p.nsCidr), 'dev', p.nsVeth])]),
  'wrong-subnet': breakage('wrong-subnet', 4, (p) => [
    inNetns(p.netns, ['ip', 'addr', 'del', formatCidr(p.nsCidr), 'dev', p.nsVeth]),
    inNetns(p.netns, ['ip', 'addr', 'add', '10.0.1.2/24', 'dev', p.nsVeth]),
  ]),
  'ns-veth-deleted': breakage('ns-veth-deleted', 3, (p) => [inNetns(p.netns, ['ip', 'link', 'del', p.nsVeth])]),
  'netns-missing': breakage('netns-missing', 5, (p) => [['ip', 'netns', 'del', p.netns]]),
} as const satisfies Record<string, LabBreakage>;

export type FaultName = keyof typeof FAULTS;
