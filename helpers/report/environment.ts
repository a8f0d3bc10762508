import type { RunConfig } from '../run-config.js';
import { labImage } from '../targets/docker.js';
import { runArgv } from '../targets/exec.js';
import type { RunEnvironment } from './model.js';

async function firstMatch(argv: string[], pattern: RegExp): Promise<string> {
  const r = await runArgv(argv, { timeoutMs: 30_000 });
  return pattern.exec(`${r.stdout}\n${r.stderr}`)?.[1] ?? 'not found';
}

/** Parsers for the tools' own version output; exported for their unit tests. */
export const VERSION_PATTERNS = {
  runtime: /(?:runc|crun) version (\S+)/,
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
  const [runtimeVersion, busybox, iproute2, distro, kernel] = await Promise.all([
    firstMatch([...inTarget, config.runtime, '--version'], VERSION_PATTERNS.runtime),
    firstMatch([...inTarget, '/bin/busybox'], VERSION_PATTERNS.busybox),
    firstMatch([...inTarget, 'ip', '-V'], VERSION_PATTERNS.iproute2),
    firstMatch([...inTarget, 'cat', '/etc/os-release'], VERSION_PATTERNS.distro),
    firstMatch([...inTarget, 'uname', '-r'], VERSION_PATTERNS.kernel),
  ]);
  return { target: config.target, distro, runtime: config.runtime, runtimeVersion, iproute2, kernel, busybox };
}
