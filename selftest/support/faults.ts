import { formatCidr } from '../../helpers/net/cidr.js';
import { type LabPlan } from '../../helpers/lesson/plan.js';
import type { LabStep } from '../../helpers/lesson/lab.js';
import { inNetns } from '../../helpers/net/ops.js';
import type { Target } from '../../helpers/targets/types.js';

/**
 * Deliberate breakages for selftest: a lab carrying one of these must turn the matching spec red.
 * Chosen by LESSON06_FAULT; never set in a normal run.
 */
export interface Fault {
  readonly description: string;
  /** Applied once the lab has been built through this step. */
  readonly after: LabStep;
  readonly commands: (p: LabPlan) => string[][];
}

export const FAULT_ENV = 'LESSON06_FAULT';

export const FAULTS = {
  'veth-host-down': {
    description: 'veth-host left DOWN after Step 5',
    after: 5,
    commands: (p) => [['ip', 'link', 'set', p.hostVeth, 'down']],
  },
  'ns-address-missing': {
    description: "the namespace end's address removed after Step 4",
    after: 4,
    commands: (p) => [inNetns(p.netns, ['ip', 'addr', 'del', formatCidr(p.nsCidr), 'dev', p.nsVeth])],
  },
  'wrong-subnet': {
    description: 'the namespace end on 10.0.1.2/24 instead of the host subnet',
    after: 4,
    commands: (p) => [
      inNetns(p.netns, ['ip', 'addr', 'del', formatCidr(p.nsCidr), 'dev', p.nsVeth]),
      inNetns(p.netns, ['ip', 'addr', 'add', '10.0.1.2/24', 'dev', p.nsVeth]),
    ],
  },
  'ns-veth-deleted': {
    description: 'veth-container deleted inside the namespace after the move',
    after: 3,
    commands: (p) => [inNetns(p.netns, ['ip', 'link', 'del', p.nsVeth])],
  },
  'netns-missing': {
    description: 'the namespace deleted after the lab was built',
    after: 5,
    commands: (p) => [['ip', 'netns', 'del', p.netns]],
  },
} as const satisfies Record<string, Fault>;

export type FaultName = keyof typeof FAULTS;

export function activeFault(env: NodeJS.ProcessEnv = process.env): Fault | undefined {
  const name = env[FAULT_ENV];
  if (!name) return undefined;
  if (!(name in FAULTS)) throw new Error(`${FAULT_ENV}="${name}" is not a known fault: ${Object.keys(FAULTS).join(', ')}`);
  return FAULTS[name as FaultName];
}

export async function applyFault(t: Target, p: LabPlan, f: Fault): Promise<void> {
  for (const argv of f.commands(p)) await t.must(argv);
}
