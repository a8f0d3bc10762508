/** The vitest annotation types a spec writes and the reporters read. */
export const STEP_ANNOTATION = 'lesson-step';
export const ERRATUM_ANNOTATION = 'erratum';
export const ADJUSTMENT_ANNOTATION = 'harness-adjustment';
/** A lesson command line the test runs (JSON RunDeclaration), and the claims/outputs it checks (JSON id list). */
export const RUNS_ANNOTATION = 'lesson-runs';
export const CHECKS_ANNOTATION = 'lesson-checks';
/** Grading: something the student's config asks for that the grader does not do (reported, not failed). */
export const FINDING_ANNOTATION = 'grade-finding';
/** Grading: what the grader's own probe was given (the ping probe's process settings), as evidence of what it granted. */
export const PROBE_ANNOTATION = 'grade-probe';
