import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabPlan } from '../lesson/plan.js';
import { parseConfig, type OciConfig } from '../oci/config.js';
import { Runc } from '../oci/runtime.js';
import { GradeBudget, GradeTarget } from './budget.js';
import { readOnlyViolation, type GuardContext } from './guard.js';
import type { Invoker } from '../run-config.js';
import { studentIds } from './as-student.js';
import type { ProcessAnalysis } from './process-check.js';
import type { PathFact, StudentIds } from './student-reader.js';
import type { RootfsCheck } from './probe-config.js';

type CheckOutcome = 'pass' | 'fail' | 'not checked';

/**
 * One graded lab: the student's machine behind the read-only guard and the time budget, the
 * grader's own scratch directory (the only place it writes), and what the checks found so far.
 * A file-scoped fixture: checks run in order and later ones read what earlier ones established.
 */
export class GradeSession {
  readonly outcomes = new Map<string, CheckOutcome>();
  /** The student's config.json, once bundle-config has read and parsed it (as data only). */
  studentConfig: OciConfig | undefined;
  /** root.path as the reader of the student's files validated it (with bundle-config's answer). */
  rootfsRead: RootfsCheck | undefined;
  /** Exercise 4's second bundle's config.json, once new-bundle-config has read it (specs/grade-steps.spec.ts). */
  newConfig: OciConfig | undefined;
  /** What the student can see of each hook path that config names (read with it). */
  newHooks: readonly { readonly path: string; readonly fact: PathFact }[] | undefined;
  /** The student's rootfs, once bundle-rootfs has validated root.path. */
  rootfs: Extract<RootfsCheck, { ok: true }> | undefined;
  /** The static analysis of the student's process, once bundle-process ran. */
  process: ProcessAnalysis | undefined;
  #spec: OciConfig | undefined;

  private constructor(
    readonly target: GradeTarget,
    readonly plan: LabPlan,
    readonly guard: GuardContext,
    readonly runId: string,
    /** Whose rights the student's files are read with (helpers/grade/as-student.ts). */
    readonly student: StudentIds,
  ) {}

  get scratch(): string {
    return this.guard.scratch;
  }

  get budget(): GradeBudget {
    return this.target.budget;
  }

  static open(plan: LabPlan, runId: string, invoker?: Invoker, budget = new GradeBudget()): GradeSession {
    const scratch = mkdtempSync(join(tmpdir(), `lesson06-grade-${runId}-`));
    const guard: GuardContext = { scratch, ownIdPrefix: `lesson06-grade-` };
    const home = plan.bundleDir.replace(/\/[^/]*$/, '') || '/';
    return new GradeSession(
      new GradeTarget(home, (argv) => readOnlyViolation(argv, guard), budget),
      plan,
      guard,
      runId,
      studentIds(invoker, plan.bundleDir),
    );
  }

  /** What `runc spec` writes on this machine: the base of the probe's config and of the findings. */
  async runcSpec(): Promise<OciConfig> {
    if (this.#spec === undefined) {
      const dir = `${this.scratch}/spec`;
      await this.target.must(['mkdir', '-p', dir]);
      await this.target.must(new Runc(this.target, 'runc', { root: `${this.scratch}/runc` }).argv('spec', '--bundle', dir));
      // The grader's own file, written by runc a moment ago.
      this.#spec = parseConfig(readFileSync(`${dir}/config.json`, 'utf8'));
    }
    return structuredClone(this.#spec);
  }

  /** Names of the checks in `needs` that did not pass. */
  unmet(needs: readonly string[]): string[] {
    return needs.filter((n) => this.outcomes.get(n) !== 'pass');
  }

  async dispose(): Promise<void> {
    this.budget.teardown();
    try {
      const state = `${this.scratch}/runc`;
      // runc keeps state only once the probe ran; a lab that never got that far has nothing to delete.
      if (existsSync(state)) {
        await new Runc(this.target, 'runc', { root: state, wrap: await this.target.privateMounts() }).deleteAll();
      }
      await this.target.dispose();
    } finally {
      rmSync(this.scratch, { recursive: true, force: true });
    }
  }
}
