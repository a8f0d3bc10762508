import { formatCidr } from '../net/cidr.js';
import { type LabPlan } from './plan.js';
import { inNetns } from '../net/ops.js';
import { formatArgv, formatResult, succeeded, type ExecResult } from '../targets/exec.js';
import type { Target } from '../targets/types.js';
import { LessonCheckError, type Remedy } from './diagnosis.js';
import { fixes } from './fixes.js';

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

/**
 * A lab built wrongly on purpose (selftest's broken labs): steps skipped, a step's commands
 * replaced by wrong ones, or commands run once the lab stands through a step.
 */
export interface LabFault {
  readonly skip?: readonly LabStep[];
  readonly replace?: Partial<Record<LabStep, (p: LabPlan) => string[][]>>;
  readonly after?: LabStep;
  readonly apply?: (t: Target, plan: LabPlan) => Promise<void>;
}

/** Which way out a failing lab command points to, read from iproute2's stable error texts. */
export function labCommandRemedy(p: LabPlan, r: ExecResult): Remedy {
  const err = `${r.stderr}${r.stdout}`;
  if (/Cannot open network namespace|Invalid "netns" value/.test(err)) return { commonError: fixes.missingNetns(p) };
  if (/Permission denied|Operation not permitted/i.test(err)) return { commonError: fixes.permission() };
  const device = /Cannot find device "?([^"\s]+)"?|Device "([^"]+)" does not exist/.exec(err);
  const name = device?.[1] ?? device?.[2];
  if (name === p.nsVeth && r.argv.includes('exec'))
    return { next: `${p.nsVeth} is not in ${p.netns}: move it there with "ip link set ${p.nsVeth} netns ${p.netns}" (Exercise 1 Step 3)` };
  if (name === p.nsVeth || name === p.hostVeth)
    return { next: `create the pair first: "ip link add ${p.hostVeth} type veth peer name ${p.nsVeth}" (Exercise 1 Step 2)` };
  if (/File exists/.test(err)) return { next: 'it already exists: run the Clean Up commands and build the lab again from Step 1' };
  return { next: "read the command's error above; the lesson step did not complete" };
}

export class LabBuilder {
  #done = 0;

  #broken = false;

  constructor(
    private readonly t: Target,
    readonly plan: LabPlan,
    private readonly fault?: LabFault,
  ) {}

  /**
   * Runs the lesson's steps up to and including `last`. A command that fails is a lesson check
   * that failed at that step, diagnosed from iproute2's error, never a crash of the harness.
   */
  async through(last: LabStep, opts: { skip?: readonly LabStep[] } = {}): Promise<this> {
    for (let s = this.#done + 1; s <= last; s++) {
      const step = s as LabStep;
      const skipped = opts.skip?.includes(step) || this.fault?.skip?.includes(step);
      const commands = this.fault?.replace?.[step]?.(this.plan) ?? labStepCommands(this.plan, step);
      if (!skipped) for (const argv of commands) await this.#run(step, argv);
      this.#done = s;
      if (this.fault?.apply && !this.#broken && this.fault.after === s) {
        this.#broken = true;
        await this.fault.apply(this.t, this.plan);
      }
    }
    return this;
  }

  async #run(step: LabStep, argv: readonly string[]): Promise<void> {
    const r = await this.t.exec(argv);
    if (succeeded(r)) return;
    throw new LessonCheckError({
      ref: { section: 'exercise-1', step: `Step ${step}` },
      expected: `"${formatArgv(argv)}" exits 0 (${LAB_STEPS[step]})`,
      seen: formatResult(r),
      ...labCommandRemedy(this.plan, r),
    });
  }
}
