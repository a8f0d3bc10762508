import { ADJUSTMENT_ANNOTATION, ERRATUM_ANNOTATION, STEP_ANNOTATION } from '../lesson/annotations.js';
import { decodeErratum, type Erratum } from '../lesson/errata.js';

/** One test as the graders' report needs it; built from vitest's TestCase, then rendered purely. */
export interface CaseModel {
  readonly section: string;
  readonly name: string;
  readonly file: string;
  readonly durationMs: number;
  readonly state: 'passed' | 'failed' | 'skipped';
  readonly skipNote?: string;
  readonly steps: readonly string[];
  readonly failures: readonly string[];
  readonly transcript?: string;
  readonly errata: readonly Erratum[];
  readonly adjustments: readonly string[];
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

export function splitAnnotations(list: readonly Annotation[]): Pick<CaseModel, 'steps' | 'errata' | 'adjustments'> {
  const steps: string[] = [];
  const errata: Erratum[] = [];
  const adjustments: string[] = [];
  for (const a of list) {
    if (a.type === STEP_ANNOTATION) steps.push(a.message);
    else if (a.type === ERRATUM_ANNOTATION) {
      const e = decodeErratum(a.message);
      if (e) errata.push(e);
    } else if (a.type === ADJUSTMENT_ANNOTATION) adjustments.push(a.message);
  }
  return { steps, errata, adjustments };
}
