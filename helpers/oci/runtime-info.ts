import type { CgroupChoice, CgroupLayout, RuntimeInfo } from '../run-config.js';

/**
 * The name and version an OCI runtime reports for itself. runc prints `runc version 1.1.5+ds1`,
 * crun `crun version 1.8.1`; an unknown runtime is named by the first word of its version line,
 * so reports never call crun "runc".
 */
export function parseRuntimeVersion(text: string): { readonly name: string; readonly version: string } | undefined {
  const m = /^\s*(\S+) version (\S+)/m.exec(text);
  if (m?.[1] && m[2]) return { name: m[1], version: m[2] };
  return undefined;
}

/**
 * What the harness must do for this runtime on this cgroup layout. crun (1.8 and later) refuses a
 * hybrid layout; hiding the unified mount in the sandbox's own mount namespace leaves it pure v1,
 * which it supports. `--cgroup v2` replaces the whole hierarchy, so nothing is hybrid there.
 */
export function runtimeInfo(reported: { readonly name: string; readonly version: string }, layout: CgroupLayout, choice: CgroupChoice): RuntimeInfo {
  return { ...reported, hideUnified: reported.name === 'crun' && layout === 'hybrid' && choice === 'host' };
}

/** The cgroup layout a test's runtime sees, for the reports (with --cgroup v2, the sandboxes' own). */
export function cgroupModeText(host: CgroupLayout, choice: CgroupChoice): string {
  return choice === 'v2' ? `v2 (a private cgroup2 hierarchy in each sandbox; the machine is ${host})` : host;
}
