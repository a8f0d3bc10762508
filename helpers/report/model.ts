import { ADJUSTMENT_ANNOTATION, ERRATUM_ANNOTATION, FINDING_ANNOTATION, STEP_ANNOTATION } from '../lesson/annotations.js';
import { decodeErratum, type Erratum } from '../lesson/errata.js';

/** One test as the graders' report needs it; built from vitest's TestCase, then rendered purely. */
export interface CaseModel {
  readonly section: string;
  readonly name: string;
  readonly file: string;
  readonly durationMs: number;
  /** `error`: the harness itself broke (a fixture, a crash), not the lesson check. */
  readonly state: 'passed' | 'failed' | 'error' | 'skipped';
  readonly skipNote?: string;
  readonly steps: readonly string[];
  /** Full text of each failure: the diagnosis, or the harness error with its stack. */
  readonly failures: readonly string[];
  /** One line for the JUnit message attribute: the check's expected vs seen, or the error's first line. */
  readonly headline?: string;
  /** Name of the error class, for <error type=…>. */
  readonly errorType?: string;
  readonly transcript?: string;
  readonly errata: readonly Erratum[];
  readonly adjustments: readonly string[];
  /** Grading: what the student's config asks for and the grader does not do. */
  readonly findings?: readonly string[];
}

export interface RunEnvironment {
  readonly target: string;
  readonly runtime: string;
  readonly runtimeVersion: string;
  readonly kernel: string;
  readonly busybox: string;
}

export interface Annotation {
  readonly type: string;
  readonly message: string;
}

export function splitAnnotations(list: readonly Annotation[]): Pick<CaseModel, 'steps' | 'errata' | 'adjustments' | 'findings'> {
  const steps: string[] = [];
  const errata: Erratum[] = [];
  const adjustments: string[] = [];
  const findings: string[] = [];
  for (const a of list) {
    if (a.type === STEP_ANNOTATION) steps.push(a.message);
    else if (a.type === ERRATUM_ANNOTATION) {
      const e = decodeErratum(a.message);
      if (e) errata.push(e);
    } else if (a.type === ADJUSTMENT_ANNOTATION) adjustments.push(a.message);
    else if (a.type === FINDING_ANNOTATION) findings.push(a.message);
  }
  return { steps, errata, adjustments, findings };
}
