import { LessonCheckError } from '../lesson/diagnosis.js';
import { formatArgv, formatResult, type ExecResult } from '../targets/exec.js';
import { compose, parseConfig, withCgroupsPath, type OciConfig, type Patch } from './config.js';
import type { Runc } from './runtime.js';
import type { RuntimeNeed } from './runtime-needs.js';
import type { Target } from '../targets/types.js';

/** The directories the lesson's `mkdir -p rootfs/{…}` creates. */
export const ROOTFS_DIRS = ['bin', 'proc', 'sys', 'dev/pts', 'dev/shm', 'dev/mqueue', 'etc', 'root', 'run', 'tmp'];
const BUSYBOX = '/bin/busybox';

interface BundleOptions {
  /**
   * The lesson copies only the busybox binary; then `sh`, `ip` and `ping` may not exist in the
   * rootfs. `true` also installs busybox's applet links so the lesson's commands can run.
   */
  readonly applets: boolean;
  /**
   * The sandbox isolates namespaces but not cgroups: two tests running the lesson's
   * `netns-test` at once would share a cgroup, so each bundle gets its own path.
   */
  readonly cgroupsPath: string;
}

/** An OCI bundle directory on a target: `runc spec` plus a busybox rootfs. */
export class Bundle {
  /** What this object last read or wrote: patches need no second `cat` of a file only it writes. */
  #config: OciConfig | undefined;

  /** What was changed for the runtime under test (set by the fixture that applied it); none: as the lesson makes it. */
  needs: readonly RuntimeNeed[] = [];

  constructor(
    private readonly t: Target,
    private readonly runc: Runc,
    readonly dir: string,
  ) {}

  get configPath(): string {
    return `${this.dir}/config.json`;
  }

  get rootfs(): string {
    return `${this.dir}/rootfs`;
  }

  /** Exercise 2 Step 1. A runtime whose `spec` writes no OCI config fails the lesson there, not the harness. */
  async create(opts: BundleOptions): Promise<this> {
    await this.t.makeDirs(this.dir);
    this.#config = await specWritten(this.t, this.runc.binary, this.configPath, await this.runc.spec(this.dir));
    await this.t.makeDirs(...ROOTFS_DIRS.map((d) => `${this.rootfs}/${d}`));
    await this.t.must(['cp', BUSYBOX, `${this.rootfs}/bin/`]);
    if (opts.applets) await this.installApplets();
    await this.patch(withCgroupsPath(opts.cgroupsPath));
    return this;
  }

  /** `sh`, `ip`, `ping`… as links to the busybox binary the lesson copied. */
  async installApplets(): Promise<void> {
    await this.t.must(['chroot', this.rootfs, '/bin/busybox', '--install', '-s', '/bin']);
  }

  async config(): Promise<OciConfig> {
    this.#config ??= parseConfig(await this.t.readFile(this.configPath));
    return structuredClone(this.#config);
  }

  async writeConfig(c: OciConfig): Promise<void> {
    await this.t.writeFile(this.configPath, `${JSON.stringify(c, null, 2)}\n`);
    this.#config = structuredClone(c);
  }

  async patch(...patches: Patch[]): Promise<OciConfig> {
    const next = compose(...patches)(await this.config());
    await this.writeConfig(next);
    return next;
  }
}

/**
 * What `runc spec` wrote, read back: a runtime whose spec writes no OCI config fails Exercise 2
 * Step 1 with that diagnosis (a lesson check), whoever ran the command.
 */
export async function specWritten(t: Target, runtime: string, configPath: string, spec: ExecResult): Promise<OciConfig> {
  const written = await t.read(configPath);
  let problem = written.exitCode === 0 ? '' : `config.json: ${written.stderr.trim()}`;
  if (problem === '') {
    try {
      return parseConfig(written.stdout);
    } catch (e) {
      problem = `config.json: ${(e as Error).message}`;
    }
  }
  throw new LessonCheckError({
    ref: { section: 'exercise-2', step: 'Step 1' },
    expected: `"${formatArgv(spec.argv)}" writes config.json, an OCI runtime configuration`,
    seen: `${formatResult(spec)}; ${problem}`,
    next: `check the runtime under test: "${runtime} --version" should name runc, and "${runtime} spec" should write config.json`,
  });
}
