import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerIds, containersCreated, engineReachable, HARNESS_LABEL, labelledContainers, removeContainer, RUN_LABEL } from './docker.js';
import { CGROUP_PATTERN, runAlive, TMP_PATTERN } from './run-id.js';
import { waitFor } from '../wait.js';

export interface Leftover {
  readonly what: 'cgroup' | 'process' | 'container' | 'tmp';
  readonly id: string;
  readonly run: string;
}

/** Which runs to sweep: one run's own leftovers (after it ends), or every dead run's. */
type SweepScope = { readonly run: string } | { readonly deadRuns: true } | { readonly all: true };

const CGROUP_ROOT = '/sys/fs/cgroup';

function inScope(run: string, scope: SweepScope): boolean {
  if ('all' in scope) return true;
  if ('run' in scope) return run === scope.run;
  return !runAlive(run);
}

/** Harness cgroups, in every controller hierarchy (v1) and the unified one. */
function harnessCgroups(): Array<{ path: string; run: string }> {
  const out: Array<{ path: string; run: string }> = [];
  const roots = existsSync(CGROUP_ROOT) ? [CGROUP_ROOT, ...readdirSync(CGROUP_ROOT).map((c) => join(CGROUP_ROOT, c))] : [];
  for (const root of roots) {
    let names: string[] = [];
    try {
      names = readdirSync(root);
    } catch {
      continue;
    }
    for (const n of names) {
      const m = CGROUP_PATTERN.exec(n);
      if (m?.[1]) out.push({ path: join(root, n), run: m[1] });
    }
  }
  return out;
}

function pidsIn(cgroup: string): number[] {
  try {
    return readFileSync(join(cgroup, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export async function findLeftovers(scope: SweepScope): Promise<Leftover[]> {
  const found: Leftover[] = [];
  for (const cg of harnessCgroups().filter((c) => inScope(c.run, scope))) {
    found.push({ what: 'cgroup', id: cg.path, run: cg.run });
    for (const pid of pidsIn(cg.path)) found.push({ what: 'process', id: String(pid), run: cg.run });
  }
  for (const n of existsSync(tmpdir()) ? readdirSync(tmpdir()) : []) {
    const run = TMP_PATTERN.exec(n)?.[1];
    if (run && inScope(run, scope)) found.push({ what: 'tmp', id: join(tmpdir(), n), run });
  }
  if ((await engineReachable()).ok) {
    for (const { id, value: run } of await labelledContainers(`${HARNESS_LABEL}=1`, RUN_LABEL))
      if (inScope(run, scope)) found.push({ what: 'container', id, run });
  }
  return found;
}

/**
 * Removes leftovers: lab containers, then processes found in harness cgroups (ours by
 * construction: only runc containers the harness started are placed there), then the cgroups,
 * then temporary directories. Returns what it removed.
 */
export async function sweep(scope: SweepScope): Promise<Leftover[]> {
  const found = await findLeftovers(scope);
  for (const c of found.filter((l) => l.what === 'container')) await removeContainer(c.id);
  const procs = found.filter((l) => l.what === 'process').map((l) => Number(l.id));
  for (const pid of new Set(procs)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const cgroups = found.filter((l) => l.what === 'cgroup').map((l) => l.id);
  await waitFor(() => cgroups.every((cg) => pidsIn(cg).length === 0), {
    timeoutMs: 10_000,
    what: 'killed container processes to leave their cgroups',
  });
  // Children before parents is not needed: the harness never nests its cgroups.
  for (const cg of cgroups) {
    try {
      rmdirSync(cg);
    } catch {
      // gone already, or removed with its hierarchy
    }
  }
  for (const t of found.filter((l) => l.what === 'tmp')) rmSync(t.id, { recursive: true, force: true });
  return found;
}

/** How long an interrupted run watches for lab containers its killed workers had asked the engine for. */
const LATE_CREATE_WINDOW_MS = 3_000;

/**
 * After an interrupted container run: a worker killed while the engine was creating its lab
 * container leaves a create the engine completes after the worker, and after an ordinary sweep.
 * Every container this run created (engine events since it started, for a stated window more)
 * is removed; returns how many were still there.
 */
export async function sweepLateContainers(run: string, sinceMs: number): Promise<Leftover[]> {
  const ids = await containersCreated(`${RUN_LABEL}=${run}`, sinceMs, LATE_CREATE_WINDOW_MS);
  const alive = new Set(await containerIds([`${RUN_LABEL}=${run}`], { full: true }));
  const late = ids.filter((id) => alive.has(id));
  for (const id of late) await removeContainer(id);
  return late.map((id) => ({ what: 'container', id: id.slice(0, 12), run }));
}

export function summarize(found: readonly Leftover[]): string {
  const count = (k: Leftover['what']): number => found.filter((f) => f.what === k).length;
  return `${count('container')} lab container(s), ${count('process')} process(es), ${count('cgroup')} cgroup dir(s), ${count('tmp')} temporary dir(s)`;
}
