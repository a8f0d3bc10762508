import type { CheckSelection } from './grade/catalog.js';
import type { PointsTable } from './grade/points.js';
import type { LabPlan } from './lesson/plan.js';
import type { RunEnvironment } from './report/model.js';
import { TRUSTED_PATH, trustedEnv } from './toolchain.js';

/**
 * The one run configuration. `scripts/cli/` parses the command line into it once; vitest hands it
 * to workers with provide/inject and to reporters by constructor. It crosses a process boundary
 * only here: `configToEnv` for the launcher → vitest hop, `configFromEnv` on the other side.
 */
/** What `npm test -- --target` accepts (the lesson suite's targets; a shard record names one of them too). */
export const SUITE_TARGETS = ['sandbox', 'container'] as const;
/** Every target: the suite's, and grading's read-only host (helpers/targets/providers.ts has one provider for each). */
const TARGET_KINDS = [...SUITE_TARGETS, 'host'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const DISTROS = ['bookworm', 'trixie', 'sid'] as const;
export type Distro = (typeof DISTROS)[number];

/**
 * `host`: sandboxes use the machine's own cgroup hierarchy (v1, hybrid or v2, as it is);
 * `v2`: each sandbox mounts a private cgroup2 hierarchy in its own mount and cgroup namespace, so
 * cgroup v2 is tested on any host.
 */
export const CGROUP_CHOICES = ['host', 'v2'] as const;
export type CgroupChoice = (typeof CGROUP_CHOICES)[number];

/** The cgroup layout a runtime sees: the machine's, or the private v2 one of `--cgroup v2`. */
export type CgroupLayout = 'v1' | 'hybrid' | 'v2';

/** The runtime under test as it names itself (`runc --version`, `crun --version`), asked once by the launcher. */
export interface RuntimeInfo {
  /** `runc`, `crun`, or the first word of an unknown runtime's version line. */
  readonly name: string;
  readonly version: string;
  /**
   * crun refuses a hybrid layout ("cgroups in hybrid mode not supported"): its sandboxes then hide
   * /sys/fs/cgroup/unified in their own mount namespace, a declared adjustment.
   */
  readonly hideUnified: boolean;
}

/** How lab containers get their privileges: `--privileged`, or every capability the host has. */
export type PrivilegeMode = 'privileged' | 'capabilities';

export interface Invoker {
  readonly uid: number;
  readonly gid: number;
}

/** The result files graders' platforms read, written besides the JUnit report (which is always written). */
export const GRADE_FORMATS = ['junit', 'gradescope', 'prairielearn'] as const;
export type GradeFormat = (typeof GRADE_FORMATS)[number];

/** Grading: whose lab it is, what each check is worth, and what to write besides the JUnit report. */
export interface GradeOutput {
  /** A safe file name (helpers/grade/student.ts). */
  readonly student: string;
  readonly points: PointsTable;
  readonly format: GradeFormat;
  /** The copy of the report in the student's history directory; undefined with an explicit --junit. */
  readonly latest: string | undefined;
  /** Where --format gradescope/prairielearn writes results.json; undefined for junit. */
  readonly results: string | undefined;
  /** The highest hint level printed under a failing check (--hints; 3 by default, 1 with --check). */
  readonly hints?: 1 | 2 | 3;
  /** `--check`: the named checks (one line each) and the grade checks that run for them; undefined: every check, a scored grade. */
  readonly only?: CheckSelection;
}

export interface RunConfig {
  /** `suite` builds labs and runs the lesson; `grade` adopts the student's lab, read-only. */
  readonly mode: 'suite' | 'grade';
  readonly target: TargetKind;
  /** Debian release of the lab image (container target). */
  readonly distro: Distro;
  /** The OCI runtime under test: an absolute path (sandbox target), or a name the lab image resolves (container target). */
  readonly runtime: string;
  /** Decided once by the launcher: what the runtime says it is. */
  readonly runtimeInfo: RuntimeInfo | undefined;
  /** `--cgroup`: the machine's hierarchy, or a private cgroup2 per sandbox. */
  readonly cgroup: CgroupChoice;
  /** Decided once by the launcher: the layout the runtime sees. */
  readonly cgroupLayout: CgroupLayout | undefined;
  /** Names everything the run may leave outside its sandboxes; the launcher's pid. */
  readonly runId: string;
  /** Absolute path of the graders' JUnit report. */
  readonly junit: string;
  /** The run's private directory (outside the clone): the reporter's summary for the launcher. */
  readonly workDir: string;
  /** mocha-style --grep: a regular expression over full test names. */
  readonly grep: string | undefined;
  /** vitest tag expression (--tagsFilter). */
  readonly tagsFilter: string | undefined;
  /** The lesson document, for the annotated-lesson report; absent on a student's machine. */
  readonly lesson: string | undefined;
  /** Console reporters; the JUnit reporter and the closing line are always added. */
  readonly reporters: readonly string[];
  /** Vitest options that pass through, from an explicit list (see scripts/cli). */
  readonly vitestArgs: readonly string[];
  /**
   * `--bail N`: the run stops after N failed tests. The reporter stops it, not vitest's own
   * --bail: vitest's worker cancels the run before the failing test's result reaches the main
   * process, so that failure was lost (a bailed run read as interrupted, exit 130) in most runs.
   */
  readonly bail: number | undefined;
  /** `--shard i/n`: this run is part i of n; its blob and record go to `shardDir` for npm run merge-reports. */
  readonly shard: { readonly index: number; readonly count: number } | undefined;
  readonly shardDir: string | undefined;
  /** Known facts about the machine under test (npm run merge-reports: the shards' own); otherwise collected. */
  readonly environment: RunEnvironment | undefined;
  /** Decided once by the launcher for the container target. */
  readonly privilege: PrivilegeMode | undefined;
  /** Grading: the student's names and addresses. */
  readonly plan: LabPlan | undefined;
  /** Grading: the student, the points and the output formats. */
  readonly grade: GradeOutput | undefined;
  /** Selftest only: the name of a deliberate lab breakage (selftest/support/faults.ts). */
  readonly fault: string | undefined;
  readonly ci: boolean;
  /** The user behind sudo: files the run creates in the clone are handed back to them. */
  readonly invoker: Invoker | undefined;
}

const CONFIG_ENV = 'LESSON06_CONFIG';

/** Where shard i of n keeps its blob, its record and its partial JUnit report. */
export const shardDirOf = (reportsDir: string, shard: { readonly index: number; readonly count: number }): string =>
  `${reportsDir}/shards/${shard.index}-of-${shard.count}`;

/** What a vitest started directly (npx vitest) runs with: the lesson suite in sandboxes. */
export function defaultRunConfig(over: Partial<RunConfig> = {}): RunConfig {
  const runId = over.runId ?? String(process.pid);
  return {
    mode: 'suite',
    target: 'sandbox',
    distro: 'bookworm',
    runtime: 'runc',
    runtimeInfo: undefined,
    cgroup: 'host',
    cgroupLayout: undefined,
    runId,
    junit: `${process.cwd()}/reports/junit.xml`,
    workDir: `/tmp/lesson06-run-${runId}-work`,
    grep: undefined,
    tagsFilter: undefined,
    lesson: undefined,
    reporters: ['default'],
    vitestArgs: [],
    bail: undefined,
    shard: undefined,
    shardDir: undefined,
    environment: undefined,
    privilege: undefined,
    plan: undefined,
    grade: undefined,
    fault: undefined,
    ci: false,
    invoker: undefined,
    ...over,
  };
}

/**
 * What testcontainers must find in its process's environment, wherever it starts a lab container
 * (the launcher's warm-up, a worker): no Ryuk reaper, whose image cannot be pulled here; the run's
 * sweep removes lab containers by their labels instead.
 */
export const TESTCONTAINERS_ENV = { TESTCONTAINERS_RYUK_DISABLED: 'true' } as const;

/** The environment of the vitest process the launcher starts. */
export function configToEnv(c: RunConfig): Record<string, string> {
  return {
    [CONFIG_ENV]: JSON.stringify(c),
    ...TESTCONTAINERS_ENV,
    ...(c.ci ? { CI: 'true' } : {}),
  };
}

export function configFromEnv(env: NodeJS.ProcessEnv): RunConfig {
  const text = env[CONFIG_ENV];
  if (!text) return defaultRunConfig();
  const parsed = JSON.parse(text) as Partial<RunConfig>;
  if (typeof parsed.runId !== 'string' || !(TARGET_KINDS as readonly string[]).includes(String(parsed.target)))
    throw new Error(`${CONFIG_ENV} does not hold a run configuration; start runs with npm test`);
  return defaultRunConfig(parsed);
}

/**
 * The PATH of every run as root: fixed, root-owned directories only (helpers/toolchain.ts). The
 * caller's PATH never crosses the sudo hop: a directory of theirs first on it would run their
 * `ip` as root.
 */
export const elevatedPath = (): string => TRUSTED_PATH;

/** The environment of every process the harness starts: this process's, cleaned (helpers/toolchain.ts). */
export const childEnv = (): Record<string, string> => trustedEnv(process.env);

/** vitest's workers for the lesson suite (vitest.config.ts) unless `--maxWorkers` says otherwise. */
export const LESSON_WORKERS = 3;

/** How many workers this run's vitest may start: `--maxWorkers N` from the pass-through options, else the default. */
export function workersOf(config: RunConfig): number {
  const i = config.vitestArgs.indexOf('--maxWorkers');
  const n = i >= 0 ? Number(config.vitestArgs[i + 1]) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : LESSON_WORKERS;
}
