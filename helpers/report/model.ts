import { ADJUSTMENT_ANNOTATION, ERRATUM_ANNOTATION, FINDING_ANNOTATION, PROBE_ANNOTATION, STEP_ANNOTATION } from '../lesson/annotations.js';
import { decodeErratum, type Erratum } from '../lesson/errata.js';

/** One test as the graders' report needs it; built from vitest's TestCase, then rendered purely. */
export interface CaseModel {
  readonly section: string;
  readonly name: string;
  /** The test's stable id (helpers/report/test-id.ts): the `test-id` line graders and the selftest key on. */
  readonly testId?: string;
  /** Every describe block and the test's name, as the console heads its transcript: "exercise-1 › step 6: …". */
  readonly fullName: string;
  readonly file: string;
  /** When the test started (epoch ms); absent for what never started (a spec file that did not load). */
  readonly startTime?: number;
  readonly durationMs: number;
  /** `error`: the harness itself broke (a fixture, a crash), not the lesson check. */
  readonly state: 'passed' | 'failed' | 'error' | 'skipped';
  /** Why a selected test did not run to a verdict; the JUnit <skipped message>. */
  readonly skipNote?: string;
  readonly steps: readonly string[];
  /** Full text of each failure: the diagnosis, or the harness error with its stack. */
  readonly failures: readonly string[];
  /** One line for the JUnit message attribute: the check's expected vs seen, or the error's first line. */
  readonly headline?: string;
  /** For <error type=…>: names the harness and the error class, e.g. "HarnessError.CommandError". */
  readonly errorType?: string;
  readonly transcript?: string;
  readonly errata: readonly Erratum[];
  readonly adjustments: readonly string[];
  /** Grading: what the student's config asks for and the grader does not do. */
  readonly findings?: readonly string[];
  /** Grading: what the grader's own probe ran with (its process settings). */
  readonly probes?: readonly string[];
}

export interface RunEnvironment {
  readonly target: string;
  /** The release the tools under test come from (/etc/os-release PRETTY_NAME: the host's, or the lab image's). */
  readonly distro: string;
  /** The runtime as given (`runc`, `crun`, a path). */
  readonly runtime: string;
  /** What it calls itself (`runc`, `crun`). */
  readonly runtimeName: string;
  readonly runtimeVersion: string;
  /** The cgroup layout the runtime saw: v1, hybrid, v2, or the private v2 of --cgroup v2. */
  readonly cgroup: string;
  readonly iproute2: string;
  readonly kernel: string;
  readonly busybox: string;
}

/** Facts of the whole run, for the testsuite attributes graders' tools read. */
export interface RunFacts {
  /** When vitest started the run (epoch ms). */
  readonly startedAt: number;
  readonly durationMs: number;
  readonly hostname: string;
  /** Set when the run ended early (--bail, Ctrl-C): what stopped it and what never started. */
  readonly stopped?: string;
  /** Grading: the suite's name with the student's in it, so reports of a class stay apart in any viewer. */
  readonly suiteName?: (section: string) => string;
  /** More suite properties (grading: student, points, score, evidence). */
  readonly properties?: ReadonlyArray<readonly [string, string]>;
}

interface Annotation {
  readonly type: string;
  readonly message: string;
}

export function splitAnnotations(list: readonly Annotation[]): Pick<CaseModel, 'steps' | 'errata' | 'adjustments' | 'findings' | 'probes'> {
  const steps: string[] = [];
  const errata: Erratum[] = [];
  const adjustments: string[] = [];
  const findings: string[] = [];
  const probes: string[] = [];
  for (const a of list) {
    if (a.type === STEP_ANNOTATION) steps.push(a.message);
    else if (a.type === ERRATUM_ANNOTATION) {
      const e = decodeErratum(a.message);
      if (e) errata.push(e);
    } else if (a.type === ADJUSTMENT_ANNOTATION) adjustments.push(a.message);
    else if (a.type === FINDING_ANNOTATION) findings.push(a.message);
    else if (a.type === PROBE_ANNOTATION) probes.push(a.message);
  }
  return { steps, errata, adjustments, findings, probes };
}
