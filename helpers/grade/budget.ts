import { DEFAULT_TIMEOUT_MS, describeOutcome, formatArgv, type ExecResult } from '../targets/exec.js';
import { HostTarget, type CommandGuard } from '../targets/host.js';
import type { TargetExecOptions } from '../targets/types.js';

/**
 * Grading ends within a minute on any lab. The checks share one budget; every command's timeout
 * is cut to what is left of it, so a lab that makes something hang costs at most the budget, and
 * the check that was running says which command it was. What the checks may use; the rest of the
 * minute is for vitest starting, the teardown and the report.
 */
const CHECK_BUDGET_MS = 45_000;
/** Per stream and command: far above what a lab's `ip -j` prints, far below a flood. */
const GRADE_OUTPUT_BYTES = 1024 * 1024;
/** Below this, a command cannot be given a useful timeout any more. */
const MIN_SLICE_MS = 200;
/** Teardown runs outside the checks' budget, in the time reserved for it. */
const TEARDOWN_TIMEOUT_MS = 5_000;

export class GradeBudget {
  readonly #deadline: number;
  #overrun: string | undefined;
  #tearingDown = false;

  constructor(
    readonly budgetMs: number = CHECK_BUDGET_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.#deadline = now() + budgetMs;
  }

  remainingMs(): number {
    return this.#deadline - this.now();
  }

  /** The timeout a command gets: what it asked for, cut to the budget left. */
  timeoutFor(requested: number, argv: readonly string[]): number {
    if (this.#tearingDown) return Math.min(requested, TEARDOWN_TIMEOUT_MS);
    const left = this.remainingMs();
    if (left < MIN_SLICE_MS) {
      this.#overrun ??= `the ${this.budgetMs / 1000} s grading budget was used up before "${formatArgv(argv)}" could run`;
      return MIN_SLICE_MS;
    }
    return Math.min(requested, left);
  }

  /** From now on commands clean up: each gets a short timeout of its own, outside the budget. */
  teardown(): void {
    this.#tearingDown = true;
  }

  /** Remembers the first command that was stopped by its timeout. */
  record(r: ExecResult): void {
    if (r.timedOut) this.#overrun ??= `"${formatArgv(r.argv)}" hung: ${describeOutcome(r)}`;
  }

  /** Why grading must stop, once a command hung or the budget ran out. */
  get overrun(): string | undefined {
    return this.#overrun ?? (this.remainingMs() < MIN_SLICE_MS ? `the ${this.budgetMs / 1000} s grading budget was used up` : undefined);
  }
}

/** The host target of grading: guarded, every command's time cut to the budget and its output capped. */
export class GradeTarget extends HostTarget {
  constructor(
    home: string,
    guard: CommandGuard,
    readonly budget: GradeBudget,
  ) {
    super(home, guard);
  }

  protected override async rawExec(argv: readonly string[], opts: TargetExecOptions): Promise<ExecResult> {
    const timeoutMs = this.budget.timeoutFor(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, argv);
    const r = await super.rawExec(argv, { ...opts, timeoutMs, maxOutputBytes: opts.maxOutputBytes ?? GRADE_OUTPUT_BYTES });
    this.budget.record(r);
    return r;
  }
}
