import { compose, parseConfig, withCgroupsPath, type OciConfig, type Patch } from './config.js';
import type { Runc } from './runtime.js';
import type { Target } from '../targets/types.js';

/** The directories the lesson's `mkdir -p rootfs/{…}` creates. */
export const ROOTFS_DIRS = ['bin', 'proc', 'sys', 'dev/pts', 'dev/shm', 'dev/mqueue', 'etc', 'root', 'run', 'tmp'];
export const BUSYBOX = '/bin/busybox';

export interface BundleOptions {
  /**
   * The lesson copies only the busybox binary; then `sh`, `ip` and `ping` do not exist in the
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

  async create(opts: BundleOptions): Promise<this> {
    await this.t.must(['mkdir', '-p', this.dir]);
    await this.runc.spec(this.dir);
    await this.t.must(['mkdir', '-p', ...ROOTFS_DIRS.map((d) => `${this.rootfs}/${d}`)]);
    await this.t.must(['cp', BUSYBOX, `${this.rootfs}/bin/`]);
    if (opts.applets) await this.t.must(['chroot', this.rootfs, '/bin/busybox', '--install', '-s', '/bin']);
    await this.patch(withCgroupsPath(opts.cgroupsPath));
    return this;
  }

  async config(): Promise<OciConfig> {
    this.#config ??= parseConfig(await this.t.readFile(this.configPath));
    return structuredClone(this.#config);
  }

  /** Reads config.json from disk again, e.g. after a command other than this object changed it. */
  async reload(): Promise<OciConfig> {
    this.#config = undefined;
    return this.config();
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
