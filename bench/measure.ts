import { execa } from 'execa';
import { readdirSync, readFileSync } from 'node:fs';

/** One process of a snapshot of /proc: its parent, resident memory and command name. */
interface Proc {
  readonly ppid: number;
  readonly rssKb: number;
  readonly comm: string;
}

function snapshot(): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  for (const d of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1] ?? 0);
      procs.set(Number(d), { ppid, rssKb, comm });
    } catch {
      // exited while we looked
    }
  }
  return procs;
}

/** A process and its descendants, sampled: RSS summed (what a grader's VM must hold), and how many sandbox agents (perl) were alive. */
function sampleTree(root: number): { rssKb: number; agents: number } {
  const procs = snapshot();
  const inTree = (pid: number): boolean => {
    for (let p = pid, i = 0; p > 1 && i < 64; p = procs.get(p)?.ppid ?? 0, i++) if (p === root) return true;
    return false;
  };
  let rssKb = 0;
  let agents = 0;
  for (const [pid, p] of procs) {
    if (!inTree(pid)) continue;
    rssKb += p.rssKb;
    // Each sandbox of the sandbox target is one agent.pl holding its namespaces (the wrapper is perl too).
    if (p.comm === 'perl' && pid !== root) agents++;
  }
  return { rssKb, agents };
}

export interface Measured {
  readonly wallS: number;
  /** user + sys of the whole process tree (every descendant that was reaped), from getrusage(RUSAGE_CHILDREN). */
  readonly cpuS: number;
  readonly peakMb: number;
  /** Sandbox agents alive at once: the most, and the mean over the samples that had any. */
  readonly peakSandboxes: number;
  readonly meanSandboxes: number;
  readonly stdout: string;
  readonly exitCode: number | undefined;
  /** The 1-minute load average when the measurement started and ended. */
  readonly load: readonly [number, number];
  /**
   * Processes the kernel started during the measurement, the run's own and (on a shared machine)
   * anyone else's: the `processes` count of /proc/stat (every fork and clone of a process).
   */
  readonly forks: number;
}

const forksSoFar = (): number => Number(/^processes (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? Number.NaN);

export const loadAverage = (): number => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

const CPU_LINE = /^lesson06-bench-cpu ([\d.]+) ([\d.]+)$/m;
/**
 * A wrapper that runs argv, waits for it and prints the children's CPU time (perl's `times`:
 * getrusage(RUSAGE_CHILDREN), which holds every descendant reaped in the tree) on stderr.
 */
const CPU_WRAPPER = [
  'perl',
  '-e',
  'my $pid = fork // die "fork: $!"; if (!$pid) { exec { $ARGV[0] } @ARGV; die "exec $ARGV[0]: $!\\n" } ' +
    'waitpid($pid, 0); my $st = $?; my (undef, undef, $cu, $cs) = times; ' +
    'printf STDERR "\\nlesson06-bench-cpu %.2f %.2f\\n", $cu, $cs; exit($st & 127 ? 128 + ($st & 127) : $st >> 8)',
  '--',
];

export async function measure(argv: readonly string[], env: Record<string, string> = {}): Promise<Measured> {
  const [file = '', ...args] = [...CPU_WRAPPER, ...argv];
  const load0 = loadAverage();
  const forks0 = forksSoFar();
  const started = performance.now();
  const child = execa(file, args, { reject: false, env, stdin: 'ignore' });
  let peak = 0;
  let peakSandboxes = 0;
  let sandboxSum = 0;
  let sandboxSamples = 0;
  const timer = setInterval(() => {
    if (!child.pid) return;
    const s = sampleTree(child.pid);
    peak = Math.max(peak, s.rssKb);
    peakSandboxes = Math.max(peakSandboxes, s.agents);
    if (s.agents > 0) {
      sandboxSum += s.agents;
      sandboxSamples++;
    }
  }, 100);
  const r = await child;
  clearInterval(timer);
  const forks = forksSoFar() - forks0;
  const cpu = CPU_LINE.exec(String(r.stderr));
  return {
    wallS: (performance.now() - started) / 1000,
    cpuS: cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN,
    peakMb: Math.round(peak / 1024),
    peakSandboxes,
    meanSandboxes: sandboxSamples > 0 ? sandboxSum / sandboxSamples : 0,
    stdout: String(r.stdout),
    exitCode: r.exitCode,
    load: [load0, loadAverage()],
    forks,
  };
}

/**
 * A CPU hog on every core for the saturated run: one busy perl loop per core, each bounded by its
 * own alarm (it ends by itself even if the bench is killed) and ended by its pid when the run is over.
 */
export async function withHogs<T>(cores: number, body: () => Promise<T>): Promise<T> {
  const hogs = Array.from({ length: cores }, () => execa('perl', ['-e', 'alarm 600; 1 while 1'], { reject: false, stdio: 'ignore' }));
  try {
    return await body();
  } finally {
    for (const h of hogs) h.kill('SIGKILL');
    await Promise.all(hogs);
  }
}
