import { cgroupModeText, parseRuntimeVersion } from '../oci/runtime-info.js';
import type { RunConfig } from '../run-config.js';
import { hostCgroupLayout } from '../targets/cgroup.js';
import { labImage } from '../targets/docker.js';
import { runArgv } from '../targets/exec.js';
import type { RunEnvironment } from './model.js';

async function firstMatch(argv: string[], pattern: RegExp): Promise<string> {
  const r = await runArgv(argv, { timeoutMs: 30_000 });
  return pattern.exec(`${r.stdout}\n${r.stderr}`)?.[1] ?? 'not found';
}

/** Parsers for the tools' own version output; exported for their unit tests. */
export const VERSION_PATTERNS = {
  busybox: /(BusyBox v[^\s]+)/,
  iproute2: /iproute2-([^\s,]+)/,
  distro: /^PRETTY_NAME="?([^"\n]+)"?$/m,
  kernel: /^(\S+)$/m,
} as const;

/**
 * Facts about the machine under test, for the report's properties and the errata summary. In
 * the container target the tools under test are the lab image's, so they are asked there (one
 * throwaway container each, in parallel); the kernel is the engine host's either way. A merged
 * report (npm run merge-reports) takes the shards' own facts from the configuration instead.
 */
export async function collectEnvironment(config: RunConfig): Promise<RunEnvironment> {
  if (config.environment !== undefined) return config.environment;
  const inTarget = config.target === 'container' ? ['docker', 'run', '--rm', '--network', 'none', labImage(config.distro)] : [];
  const asked = async (): Promise<{ name: string; version: string }> => {
    const r = await runArgv([...inTarget, config.runtime, '--version'], { timeoutMs: 30_000 });
    return parseRuntimeVersion(`${r.stdout}\n${r.stderr}`) ?? { name: config.runtime, version: 'not found' };
  };
  const [reported, busybox, iproute2, distro, kernel] = await Promise.all([
    config.runtimeInfo ?? asked(),
    firstMatch([...inTarget, '/bin/busybox'], VERSION_PATTERNS.busybox),
    firstMatch([...inTarget, 'ip', '-V'], VERSION_PATTERNS.iproute2),
    firstMatch([...inTarget, 'cat', '/etc/os-release'], VERSION_PATTERNS.distro),
    firstMatch([...inTarget, 'uname', '-r'], VERSION_PATTERNS.kernel),
  ]);
  const cgroup = cgroupModeText(hostCgroupLayout(), config.cgroup);
  return {
    target: config.target,
    distro,
    runtime: config.runtime,
    runtimeName: reported.name,
    runtimeVersion: reported.version,
    cgroup,
    iproute2,
    kernel,
    busybox,
  };
}
