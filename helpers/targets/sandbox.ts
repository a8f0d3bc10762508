import { homedir } from 'node:os';
import { MOUNT_SYSCALL, type FileOp } from './channel.js';
import type { ExecResult } from './exec.js';
import { BaseTarget } from './base.js';
import { AgentHolder, type NamespaceKind } from './holder.js';
import type { TargetExecOptions, TargetKind } from './types.js';

const SANDBOX_FS_LABEL = 'lesson06-sandbox';

function sandboxHome(): string {
  const h = homedir();
  // Mounting a tmpfs on "/" (or a path that is not a plain home) would be absurd, so fall back.
  return h.startsWith('/') && h !== '/' && !h.startsWith('/run') && !h.startsWith('/tmp') ? h : '/root';
}

/** The process holding a sandbox's namespaces open, and the way commands run inside them. */
export interface Holder {
  readonly pid: number;
  /** Runs argv inside the held namespaces (as another user when opts say so). */
  run(argv: readonly string[], opts: TargetExecOptions): Promise<ExecResult>;
  /** When the holder is an agent: a file operation it does itself, answered as `argv` would be. */
  file?(op: FileOp, argv: readonly string[], input?: string): Promise<ExecResult>;
  stop(): Promise<void>;
}

/**
 * Where a sandbox's processes start: this machine or a lab container. Everything else about a
 * sandbox is the same on both, so the container target runs exactly the sandbox the default
 * target uses.
 */
export interface SandboxHost {
  readonly kind: TargetKind;
  /** What the lesson's `~` means there. */
  readonly home: string;
  /** How a verdict names a sandbox's own network namespace there. */
  readonly ownNetns: string;
  hold(kinds: readonly NamespaceKind[]): Promise<Holder>;
}

/** This machine: the holder is a command agent started in the new namespaces (one per sandbox). */
const LOCAL_HOST: SandboxHost = {
  kind: 'sandbox',
  home: sandboxHome(),
  ownNetns: "the sandbox's own namespace",
  hold: (kinds) => AgentHolder.start(kinds),
};

interface SandboxOptions {
  /**
   * Defaults to /run, /tmp and the lesson's home. A sandbox that must still see the real /tmp
   * and home (a grader process started inside it) keeps only /run private.
   */
  readonly privateDirs?: readonly string[];
  /** Defaults to mount + net; hostile-lab tests add pid, uts and ipc. */
  readonly namespaces?: readonly NamespaceKind[];
  /** The cgroup hierarchy the runtime sees in this sandbox (see CgroupSetup). */
  readonly cgroup?: CgroupSetup;
}

/**
 * `v2`: a cgroup namespace of its own and a private cgroup2 mount on /sys/fs/cgroup (runc and crun
 * then use their v2 managers, even on a v1 host). `hide-unified`: /sys/fs/cgroup/unified covered
 * by an empty tmpfs, so a hybrid host looks pure v1 (crun refuses hybrid). Both happen in the sandbox's own mount
 * namespace only; the machine's hierarchy is untouched.
 */
export type CgroupSetup = 'host' | 'v2' | 'hide-unified';

const CGROUP_ROOT = '/sys/fs/cgroup';

/**
 * A throwaway `unshare --mount --net` namespace per test. Private tmpfs on /run, /tmp and the
 * lesson's home make `ip netns add`, runc state and bundles invisible to the machine, so lesson-exact
 * names can be used by many tests at once. Nothing but runc containers outlives the holder, and
 * those belong to the runc fixture, which deletes them with the runtime under test.
 */
export class SandboxTarget extends BaseTarget {
  readonly kind: TargetKind;
  readonly home: string;
  readonly ownNetns: string;
  readonly readsLateReplies = true;

  private constructor(
    private readonly holder: Holder,
    private readonly host: SandboxHost,
  ) {
    super();
    this.kind = host.kind;
    this.home = host.home;
    this.ownNetns = host.ownNetns;
  }

  get pid(): number {
    return this.holder.pid;
  }

  /** A sandbox on `host` (default: this machine). */
  static async start(opts: SandboxOptions = {}, host: SandboxHost = LOCAL_HOST): Promise<SandboxTarget> {
    const cgroup = opts.cgroup ?? 'host';
    const kinds = opts.namespaces ?? ['mount', 'net'];
    const t = new SandboxTarget(await host.hold(cgroup === 'v2' && !kinds.includes('cgroup') ? [...kinds, 'cgroup'] : kinds), host);
    try {
      for (const dir of opts.privateDirs ?? ['/run', '/tmp', t.home]) await t.mountTmpfs(dir, dir === '/tmp' ? 'mode=1777' : 'mode=755');
      if (cgroup === 'v2') {
        await t.must(['umount', '--recursive', CGROUP_ROOT]);
        await t.must(['mount', '-t', 'cgroup2', 'cgroup2', CGROUP_ROOT]);
      } else if (cgroup === 'hide-unified') {
        // Covered, not unmounted: crun writes into "unified" whatever is there, and under a bare
        // unmount that would be the machine's own /sys/fs/cgroup tmpfs; this tmpfs dies with the sandbox.
        await t.mountTmpfs(`${CGROUP_ROOT}/unified`, 'mode=755');
      }
      // A real host has loopback up; a fresh namespace does not. The agent does it (and the mounts)
      // itself where it can: four processes fewer for every test.
      await t.mustFile({ kind: 'up', path: 'lo' }, ['ip', 'link', 'set', 'lo', 'up']);
    } catch (e) {
      await t.dispose();
      throw e;
    }
    return t;
  }

  private async mountTmpfs(dir: string, options: string): Promise<void> {
    const argv = ['mount', '-t', 'tmpfs', '-o', options, SANDBOX_FS_LABEL, dir];
    await this.mustFile({ kind: 'mount', path: dir, fstype: 'tmpfs', source: SANDBOX_FS_LABEL, options, syscall: MOUNT_SYSCALL }, argv);
  }

  protected rawExec(argv: readonly string[], opts: TargetExecOptions): Promise<ExecResult> {
    // A new session: no controlling terminal, so runc behaves the same from a TTY and from CI.
    return this.holder.run(argv, { ...opts, newSession: true });
  }

  /** The agent's own where it can do it; the command itself where it cannot (no agent, or the syscall's number unknown here). */
  protected override fileOp(op: FileOp, argv: readonly string[], input?: string): Promise<ExecResult> {
    // An operation that needs a syscall number this machine's architecture has none for runs the command.
    if (this.holder.file === undefined || ('syscall' in op && op.syscall === undefined)) return super.fileOp(op, argv, input);
    return this.holder.file(op, argv, input);
  }

  async dispose(): Promise<void> {
    // Only the holder we started, by its PID; its death releases the private mounts and namespaces.
    await this.holder.stop();
  }
}
