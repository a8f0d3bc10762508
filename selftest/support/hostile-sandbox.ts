import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SandboxTarget } from '../../helpers/targets/sandbox.js';
import { waitFor } from '../../helpers/wait.js';

/**
 * A throwaway machine for a hostile lab: its own pid, mount, uts, ipc and net namespaces, so
 * "/proc/1/ns/*" inside names the sandbox's own namespaces, not this machine's; private /run and
 * /tmp; and a cgroup subtree of its own mounted over /sys/fs/cgroup, so a grader started inside
 * sees (and its launcher's leftover sweep touches) only its own cgroups. Nothing a lab does can
 * reach beyond these, except files on shared disks, which is why hostile payloads write only
 * under /tmp and /run.
 */
let sandboxSeq = 0;

export class IsolatedSandbox {
  private constructor(
    readonly t: SandboxTarget,
    /** This sandbox's cgroup directory in each hierarchy, as this machine sees it. */
    readonly cgroups: readonly string[],
  ) {}

  get pid(): number {
    return this.t.pid;
  }

  /** A path inside the sandbox, as this process can read it (through the sandbox's root). */
  host(path: string): string {
    return `/proc/${this.t.pid}/root${path}`;
  }

  static async start(): Promise<IsolatedSandbox> {
    const t = await SandboxTarget.start({ namespaces: ['mount', 'net', 'pid', 'uts', 'ipc'], privateDirs: ['/run', '/tmp'] });
    // lesson06-* (CI's leak check finds it if left), but outside the harness's run pattern: the
    // sweep of a run under test (and reliability's before/after look at leftovers) must not count it.
    const name = `lesson06-hostile-${process.pid}-${++sandboxSeq}`;
    const made: string[] = [];
    try {
      const mounts = cgroupMounts();
      for (const [i, m] of mounts.entries()) {
        const dir = join(m.mountpoint, name);
        mkdirSync(dir);
        made.push(dir);
        // A new cpuset cgroup starts with no CPUs; runc only copies them from parents below the mount.
        for (const f of ['cpuset.cpus', 'cpuset.mems'])
          if (existsSync(join(m.mountpoint, f)) && existsSync(join(dir, f))) writeFileSync(join(dir, f), readFileSync(join(m.mountpoint, f)));
        // Mounted over the original (not beside it), so runc finds exactly one mount per hierarchy.
        const stage = `/run/lesson06-cgroup-${i}`;
        await t.must(['mkdir', '-p', stage]);
        await t.must(['mount', '--bind', dir, stage]);
        await t.must(['umount', '-l', m.mountpoint]);
        await t.must(['mount', '--move', stage, m.mountpoint]);
      }
      // A Docker daemon on this machine removes its overlay directories and network namespace files
      // when containers go, which detaches those mounts from every namespace, this one included: not
      // the grader's doing, so the sandbox does without them.
      for (const m of foreignMounts(t.pid)) await t.exec(['umount', '-l', m]);
      return new IsolatedSandbox(t, made);
    } catch (e) {
      await t.dispose();
      for (const d of made.reverse()) rmdirSync(d);
      throw e;
    }
  }

  /** Cgroups left below this sandbox's subtree (by a runc container nobody deleted). */
  leftoverCgroups(): string[] {
    return this.cgroups.flatMap((d) => subdirs(d));
  }

  /** Stops the sandbox (its pid namespace takes every process with it) and removes its cgroups. */
  async dispose(): Promise<void> {
    await this.t.dispose();
    const all = this.cgroups.flatMap((d) => [...subdirs(d), d]);
    await waitFor(() => all.every((d) => !existsSync(join(d, 'cgroup.procs')) || readFileSync(join(d, 'cgroup.procs'), 'utf8').trim() === ''), {
      timeoutMs: 10_000,
      what: `the processes of sandbox ${this.t.pid} to leave its cgroups`,
    });
    for (const d of all) rmdirSync(d);
  }
}

interface CgroupMount {
  readonly mountpoint: string;
}

/** Every cgroup hierarchy mounted at its root (v1 controllers, the unified v2 one). */
function cgroupMounts(): CgroupMount[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => {
      const dash = f.indexOf('-');
      return dash > 0 && ['cgroup', 'cgroup2'].includes(f[dash + 1] ?? '') && f[3] === '/';
    })
    .map((f) => ({ mountpoint: f[4] ?? '' }))
    .filter((m) => m.mountpoint.startsWith('/sys/fs/cgroup'));
}

/** Top-level mounts of a container engine in the sandbox's mount table (its layers, its netns files under the old /run). */
function foreignMounts(pid: number): string[] {
  const points = readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => ['/var/lib/docker', '/run/docker'].some((d) => p === d || p.startsWith(`${d}/`)));
  return points.filter((p) => !points.some((q) => q !== p && p.startsWith(`${q}/`)));
}

/** Sub-directories of a cgroup, deepest first (the order rmdir needs). */
function subdirs(dir: string): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory());
  } catch {
    return [];
  }
  return names.flatMap((n) => [...subdirs(join(dir, n)), join(dir, n)]);
}
