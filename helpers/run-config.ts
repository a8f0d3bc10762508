import type { LabPlan } from './lesson/plan.js';
import type { RunEnvironment } from './report/model.js';
import { TRUSTED_PATH, trustedEnv } from './toolchain.js';

/**
 * The one run configuration. `scripts/cli/` parses the command line into it once; vitest hands it
 * to workers with provide/inject and to reporters by constructor. It crosses a process boundary
 * only here: `configToEnv` for the launcher → vitest hop, `configFromEnv` on the other side.
 */
export const TARGET_KINDS = ['sandbox', 'container', 'host'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

export const DISTROS = ['bookworm', 'trixie'] as const;
export type Distro = (typeof DISTROS)[number];

/** How lab containers get their privileges: `--privileged`, or every capability the host has. */
export type PrivilegeMode = 'privileged' | 'capabilities';

export interface Invoker {
  readonly uid: number;
  readonly gid: number;
}

export interface RunConfig {
  /** `suite` builds labs and runs the lesson; `grade` adopts the student's lab, read-only. */
  readonly mode: 'suite' | 'grade';
  readonly target: TargetKind;
  /** Debian release of the lab image (container target). */
  readonly distro: Distro;
  /** The OCI runtime under test: `runc` from PATH, or an absolute path. */
  readonly runtime: string;
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
  /** `--shard i/n`: this run is part i of n; its blob and record go to `shardDir` for npm run merge-reports. */
  readonly shard: { readonly index: number; readonly count: number } | undefined;
  readonly shardDir: string | undefined;
  /** Known facts about the machine under test (npm run merge-reports: the shards' own); otherwise collected. */
  readonly environment: RunEnvironment | undefined;
  /** Decided once by the launcher for the container target. */
  readonly privilege: PrivilegeMode | undefined;
  /** Grading: the student's names and addresses. */
  readonly plan: LabPlan | undefined;
  /** Selftest only: the name of a deliberate lab breakage (selftest/support/faults.ts). */
  readonly fault: string | undefined;
  readonly ci: boolean;
  /** The user behind sudo: files the run creates in the clone are handed back to them. */
  readonly invoker: Invoker | undefined;
}

export const CONFIG_ENV = 'LESSON06_CONFIG';

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
    runId,
    junit: `${process.cwd()}/reports/junit.xml`,
    workDir: `/tmp/lesson06-run-${runId}-work`,
    grep: undefined,
    tagsFilter: undefined,
    lesson: undefined,
    reporters: ['default'],
    vitestArgs: [],
    shard: undefined,
    shardDir: undefined,
    environment: undefined,
    privilege: undefined,
    plan: undefined,
    fault: undefined,
    ci: false,
    invoker: undefined,
    ...over,
  };
}

/** The environment of the vitest process the launcher starts. */
export function configToEnv(c: RunConfig): Record<string, string> {
  return {
    [CONFIG_ENV]: JSON.stringify(c),
    // testcontainers reads it when it starts a container; its Ryuk image cannot be pulled here.
    TESTCONTAINERS_RYUK_DISABLED: 'true',
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
