import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabPlan } from '../lesson/plan.js';
import type { OciConfig } from '../oci/config.js';
import { HostTarget } from '../targets/host.js';
import { readOnlyViolation, type GuardContext } from './guard.js';

export type CheckOutcome = 'pass' | 'fail' | 'not checked';

/**
 * One graded lab: the student's machine behind the read-only guard, the grader's own scratch
 * directory (the only place it writes), and what the checks found so far. A file-scoped
 * fixture: checks run in order and later ones read what earlier ones established.
 */
export class GradeSession {
  readonly outcomes = new Map<string, CheckOutcome>();
  /** The student's config.json, once bundle-config has read and parsed it. */
  studentConfig: OciConfig | undefined;

  private constructor(
    readonly target: HostTarget,
    readonly plan: LabPlan,
    readonly guard: GuardContext,
    readonly runId: string,
  ) {}

  get scratch(): string {
    return this.guard.scratch;
  }

  static open(plan: LabPlan, runId: string): GradeSession {
    const scratch = mkdtempSync(join(tmpdir(), `lesson06-grade-${runId}-`));
    const guard: GuardContext = { scratch, ownIdPrefix: `lesson06-grade-` };
    const home = plan.bundleDir.replace(/\/[^/]*$/, '') || '/';
    return new GradeSession(new HostTarget(home, (argv) => readOnlyViolation(argv, guard)), plan, guard, runId);
  }

  /** Names of the checks in `needs` that did not pass. */
  unmet(needs: readonly string[]): string[] {
    return needs.filter((n) => this.outcomes.get(n) !== 'pass');
  }

  async dispose(): Promise<void> {
    try {
      const enter = await this.target.privateMounts();
      const state = `${this.scratch}/runc`;
      const list = await this.target.exec(enter(['runc', '--root', state, 'list', '-q']));
      for (const id of list.stdout.split('\n').filter(Boolean)) await this.target.exec(enter(['runc', '--root', state, 'delete', '-f', id]));
      await this.target.dispose();
    } finally {
      rmSync(this.scratch, { recursive: true, force: true });
    }
  }
}
