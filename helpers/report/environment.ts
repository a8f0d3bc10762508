import { cgroupModeText, parseRuntimeVersion } from '../oci/runtime-info.js';
import type { RunConfig } from '../run-config.js';
import { hostCgroupLayout } from '../targets/cgroup.js';
import type { ExecResult } from '../targets/exec.js';
import { providerFor } from '../targets/providers.js';
import type { RunEnvironment } from './model.js';

async function firstMatch(r: Promise<ExecResult>, pattern: RegExp): Promise<string> {
  const { stdout, stderr } = await r;
  return pattern.exec(`${stdout}\n${stderr}`)?.[1] ?? 'not found';
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
  const inTarget = (argv: readonly string[]): Promise<ExecResult> => providerFor(config.target).probe(config, argv, 30_000);
  const asked = async (): Promise<{ name: string; version: string }> => {
    const r = await inTarget([config.runtime, '--version']);
    return parseRuntimeVersion(`${r.stdout}\n${r.stderr}`) ?? { name: config.runtime, version: 'not found' };
  };
  const [reported, busybox, iproute2, distro, kernel] = await Promise.all([
    config.runtimeInfo ?? asked(),
    firstMatch(inTarget(['/bin/busybox']), VERSION_PATTERNS.busybox),
    firstMatch(inTarget(['ip', '-V']), VERSION_PATTERNS.iproute2),
    firstMatch(inTarget(['cat', '/etc/os-release']), VERSION_PATTERNS.distro),
    firstMatch(inTarget(['uname', '-r']), VERSION_PATTERNS.kernel),
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
