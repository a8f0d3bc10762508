import { formatCidr } from '../net/cidr.js';
import { type LabPlan } from './plan.js';
import { inNetns } from '../net/ops.js';
import type { Target } from '../targets/types.js';

/** Exercise 1's steps 1–5, each one lesson command list, built in order and only once. */
export const LAB_STEPS = {
  1: 'create the network namespace',
  2: 'create the veth pair',
  3: 'move one end into the namespace',
  4: 'configure IP addresses',
  5: 'bring interfaces up',
} as const;
export type LabStep = keyof typeof LAB_STEPS;

export function labStepCommands(p: LabPlan, step: LabStep): string[][] {
  switch (step) {
    case 1:
      return [['ip', 'netns', 'add', p.netns]];
    case 2:
      return [['ip', 'link', 'add', p.hostVeth, 'type', 'veth', 'peer', 'name', p.nsVeth]];
    case 3:
      return [['ip', 'link', 'set', p.nsVeth, 'netns', p.netns]];
    case 4:
      return [
        ['ip', 'addr', 'add', formatCidr(p.hostCidr), 'dev', p.hostVeth],
        inNetns(p.netns, ['ip', 'addr', 'add', formatCidr(p.nsCidr), 'dev', p.nsVeth]),
      ];
    case 5:
      return [
        ['ip', 'link', 'set', p.hostVeth, 'up'],
        inNetns(p.netns, ['ip', 'link', 'set', p.nsVeth, 'up']),
        inNetns(p.netns, ['ip', 'link', 'set', 'lo', 'up']),
      ];
  }
}

/** A breakage applied once the lab has been built through a step: selftest's broken labs. */
export interface LabBreakage {
  readonly name: string;
  readonly after: LabStep;
  apply(t: Target, plan: LabPlan): Promise<void>;
}

export class LabBuilder {
  #done = 0;

  #broken = false;

  constructor(
    private readonly t: Target,
    readonly plan: LabPlan,
    private readonly breakage?: LabBreakage,
  ) {}

  get completed(): number {
    return this.#done;
  }

  /** Runs the lesson's steps up to and including `last`; a failing step throws with its command. */
  async through(last: LabStep, opts: { skip?: readonly LabStep[] } = {}): Promise<this> {
    for (let s = this.#done + 1; s <= last; s++) {
      const step = s as LabStep;
      if (!opts.skip?.includes(step)) for (const argv of labStepCommands(this.plan, step)) await this.t.must(argv);
      this.#done = s;
      if (this.breakage && !this.#broken && this.breakage.after === s) {
        this.#broken = true;
        await this.breakage.apply(this.t, this.plan);
      }
    }
    return this;
  }
}
