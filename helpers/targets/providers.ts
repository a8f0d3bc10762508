import { CONTAINER_PREREQUISITES, GRADE_PREREQUISITES, SANDBOX_PREREQUISITES, type Prerequisite } from '../prereqs.js';
import type { Distro, RunConfig, TargetKind } from '../run-config.js';
import { engineReachable, labImage, removeContainer, runInImage } from './docker.js';
import { runArgv, type ExecResult } from './exec.js';
import { SandboxTarget, type CgroupSetup, type SandboxHost } from './sandbox.js';
import { sweepLateContainers, type Leftover } from './sweep.js';
import { claimWarm, offerWarm, openWarm, unclaimedWarm, warmDone } from './warm.js';
import type { Target } from './types.js';

/**
 * Everything that differs between targets, one provider per kind: the rest of the harness asks
 * `providerFor(config.target)` and never compares the kind itself (selftest/architecture.test.ts
 * holds it to that). A new target is one more provider here.
 */

/** What the launcher lends a provider's prepare: its voice, its one way to refuse, and the lab image build. */
export interface PrepareIo {
  /** One dim line on the launcher's stdout. */
  say(line: string): void;
  /** Refuses the run: `error:` and `next:` lines, exit 2. */
  refuse(what: string, next: string): never;
  /** Builds the lab image of `distro` unless the current recipe built it; false when it could not. */
  ensureImage(distro: Distro): Promise<boolean>;
}

/** What a vitest worker keeps for its targets (the container target's lab container): where sandboxes start. */
export interface WorkerResource extends SandboxHost {
  stop(): Promise<void>;
}

export interface TargetProvider {
  readonly kind: TargetKind;
  /** What the launcher checks on this machine before anything runs. */
  readonly prerequisites: readonly Prerequisite[];
  /**
   * The runtime under test is a program of this machine, run as root (so a bare name is one of
   * root's trusted tools); otherwise it lives in the lab image.
   */
  readonly runtimeOnThisMachine: boolean;
  /**
   * `--runtime` may be any executable file of this machine given by its absolute path, and a bare
   * name must be installed in root's trusted directories (the suite's own sandbox target).
   */
  readonly runtimeChosenByPath: boolean;
  /** `--distro` chooses this target's lab image. */
  readonly hasDistro: boolean;
  /** Where the runtime under test runs, for messages: '' (this machine) or ' in IMAGE'. */
  where(config: RunConfig): string;
  /** As root, before vitest starts: what the target needs built or decided once per run; the configuration with the decisions. */
  prepare(config: RunConfig, io: PrepareIo): Promise<RunConfig>;
  /** Runs argv where the tests' commands will run, outside any test (the runtime probe, the environment report). */
  probe(config: RunConfig, argv: readonly string[], timeoutMs: number): Promise<ExecResult>;
  /** Whether a probe's result says the program could not be started there at all. */
  cannotStart(r: ExecResult): boolean;
  /** What to do when the runtime under test cannot be started there. */
  runtimeFix(config: RunConfig): string;
  /** Started once per vitest worker and stopped when it ends; undefined when the target needs none. */
  workerResource(config: RunConfig): Promise<WorkerResource | undefined>;
  /**
   * By the launcher, beside vitest's own start-up: up to `workers` worker resources made ready for
   * the workers to claim (see warm.ts). Resolves when it is done, with why any failed to start;
   * what it started is the run's (labelled), so the run's sweep removes whatever no worker claimed.
   */
  warmUp(config: RunConfig, workers: number): Promise<string[]>;
  /** After vitest: removes what the warm-up started that no worker claimed (the launcher's own, so no leftover). */
  dropUnclaimed(config: RunConfig): Promise<void>;
  /** After a run that ended without a summary (interrupted): its leftovers the ordinary sweep could not see yet. */
  sweepLate(runId: string, sinceMs: number): Promise<Leftover[]>;
  /** A fresh target for one test of the lesson suite. */
  createTarget(config: RunConfig, resource: WorkerResource | undefined): Promise<Target>;
}

/**
 * The container target's own modules, loaded the first time that target needs them. The specifier
 * is a variable on purpose: vitest bundles vitest.config.ts with everything it imports, and a
 * bundler inlines a literal `import('./lab-container.js')`, hoisting testcontainers' own imports
 * to the bundle's top. When the reporters were imported there, vitest's main process loaded
 * testcontainers (about 0.6 CPU-s) in every run, sandbox target included; selftest/architecture.test.ts
 * bundles this module as vite bundles a config and fails if either module is in it.
 */
const CONTAINER_MODULES = { labContainer: './lab-container.js', container: './container.js' } as const;
const labContainerModule = (): Promise<typeof import('./lab-container.js')> =>
  import(/* @vite-ignore */ CONTAINER_MODULES.labContainer) as Promise<typeof import('./lab-container.js')>;
const containerModule = (): Promise<typeof import('./container.js')> =>
  import(/* @vite-ignore */ CONTAINER_MODULES.container) as Promise<typeof import('./container.js')>;

/** The cgroup hierarchy a suite sandbox shows the runtime (see CgroupSetup). */
const cgroupSetup = (config: RunConfig): CgroupSetup =>
  config.cgroup === 'v2' ? 'v2' : config.runtimeInfo?.hideUnified === true ? 'hide-unified' : 'host';

/** The machine itself runs the probe; nothing to prepare, keep or sweep late. */
const onThisMachine = {
  hasDistro: false,
  where: (): string => '',
  prepare: (config: RunConfig): Promise<RunConfig> => Promise.resolve(config),
  probe: (_config: RunConfig, argv: readonly string[], timeoutMs: number): Promise<ExecResult> => runArgv(argv, { timeoutMs }),
  cannotStart: (r: ExecResult): boolean => r.spawnError !== undefined,
  runtimeFix: (): string => 'npm run doctor',
  workerResource: (): Promise<undefined> => Promise.resolve(undefined),
  warmUp: (): Promise<string[]> => Promise.resolve([]),
  dropUnclaimed: (): Promise<void> => Promise.resolve(),
  sweepLate: (): Promise<Leftover[]> => Promise.resolve([]),
};

/** The default: a throwaway namespace sandbox on this machine per test. */
const SANDBOX: TargetProvider = {
  ...onThisMachine,
  kind: 'sandbox',
  prerequisites: SANDBOX_PREREQUISITES,
  runtimeOnThisMachine: true,
  runtimeChosenByPath: true,
  createTarget: (config) => SandboxTarget.start({ cgroup: cgroupSetup(config) }),
};

/** `--target container`: one lab container per worker (the lab image's tools), a sandbox per test inside it. */
const CONTAINER: TargetProvider = {
  kind: 'container',
  prerequisites: CONTAINER_PREREQUISITES,
  runtimeOnThisMachine: false,
  runtimeChosenByPath: false,
  hasDistro: true,
  where: (config) => ` in ${labImage(config.distro)}`,

  /** An engine, the lab image (built if missing or from an older recipe, never pulled blindly) and a privilege mode, decided once. */
  async prepare(config, io) {
    const engine = await engineReachable();
    if (!engine.ok)
      io.refuse(
        `--target container needs a Docker engine, and none answered: ${engine.why}`,
        'apt-get install docker.io && dockerd &   (or use the default sandbox target: npm test)',
      );
    const image = labImage(config.distro);
    if (!(await io.ensureImage(config.distro)))
      io.refuse(`could not build ${image}`, `run npm run image -- --distro ${config.distro} and read its output`);
    // Loaded here, not at the top: testcontainers costs about a CPU-second to import, and only this target needs it.
    const { detectPrivilegeMode } = await labContainerModule();
    const privilege = await detectPrivilegeMode({ distro: config.distro, runId: config.runId });
    io.say(`lab containers (${image}): ${privilege === 'privileged' ? '--privileged' : 'all host capabilities (the engine refused --privileged)'}`);
    return { ...config, privilege };
  },

  probe: (config, argv, timeoutMs) => runInImage(labImage(config.distro), argv, timeoutMs),
  // The engine reports a program the image lacks as exit 127.
  cannotStart: (r) => r.spawnError !== undefined || r.exitCode === 127,
  runtimeFix: (config) => `npm run image -- --distro ${config.distro} --rebuild`,

  async workerResource(config) {
    if (config.privilege === undefined) throw new Error('container target: the launcher did not decide the privilege mode');
    const { LabContainer } = await containerModule();
    const warm = await claimWarm(config.workDir);
    return warm !== undefined ? LabContainer.adopt(warm) : LabContainer.start({ distro: config.distro, runId: config.runId }, config.privilege);
  },

  async warmUp(config, workers) {
    const privilege = config.privilege;
    if (privilege === undefined) return [];
    // Synchronously, before the first await: the launcher calls this before it starts vitest, so
    // every worker finds the directory and waits for what comes.
    openWarm(config.workDir);
    const failures: string[] = [];
    try {
      const { startLabContainer } = await labContainerModule();
      await Promise.all(
        Array.from({ length: workers }, async (_, i) => {
          try {
            offerWarm(config.workDir, i, await startLabContainer({ distro: config.distro, runId: config.runId }, privilege));
          } catch (e) {
            // Left to the worker, which starts its own and reports what goes wrong there.
            failures.push(e instanceof Error ? e.message : String(e));
          }
        }),
      );
    } finally {
      warmDone(config.workDir);
    }
    return failures;
  },

  async dropUnclaimed(config) {
    for (const id of unclaimedWarm(config.workDir)) await removeContainer(id);
  },

  // A worker killed while the engine was creating its lab container: the create completes after the worker.
  sweepLate: (runId, sinceMs) => sweepLateContainers(runId, sinceMs),

  createTarget(config, resource) {
    if (resource === undefined) throw new Error('container target: the worker has no lab container');
    return SandboxTarget.start({ cgroup: cgroupSetup(config) }, resource);
  },
};

/** Grading: the student's own machine, read-only; its HostTarget is made by grading with its guard. */
const HOST: TargetProvider = {
  ...onThisMachine,
  kind: 'host',
  prerequisites: GRADE_PREREQUISITES,
  runtimeOnThisMachine: true,
  runtimeChosenByPath: false,
  createTarget: () => Promise.reject(new Error('the host target is read-only and serves grading only')),
};

const PROVIDERS: Readonly<Record<TargetKind, TargetProvider>> = { sandbox: SANDBOX, container: CONTAINER, host: HOST };

export const providerFor = (kind: TargetKind): TargetProvider => PROVIDERS[kind];
