import { existsSync, readFileSync } from 'node:fs';

/**
 * Every resource the harness leaves outside a sandbox is named after the run that made it:
 * cgroups `lesson06-<run>-<worker>-<n>`, temporary directories `lesson06-<kind>-<run>-*`,
 * lab containers labelled `lesson06.run=<run>`. The run id is the pid of the launcher
 * (`npm test`, `npm run grade`), so "is that run still alive?" is one look at /proc.
 */

/** Alive and still a harness process (a recycled pid running something else counts as dead). */
export function runAlive(runId: string): boolean {
  if (!/^\d+$/.test(runId) || !existsSync(`/proc/${runId}`)) return false;
  try {
    const cmd = readFileSync(`/proc/${runId}/cmdline`, 'utf8');
    return /vitest|tsx|scripts\/|node/.test(cmd);
  } catch {
    return false;
  }
}

export const CGROUP_PATTERN = /^lesson06-(\d+)-(\d+)-(\d+)$/;
export const TMP_PATTERN = /^lesson06-[a-z]+-(\d+)-/;

let cgroupSeq = 0;
/**
 * A runc cgroupsPath unique across tests, workers and concurrent runs (the sandbox does not
 * isolate cgroups), named after the run so a sweep can find it if the run dies.
 */
export function harnessCgroupPath(runId: string): string {
  return `/lesson06-${runId}-${process.pid}-${++cgroupSeq}`;
}
