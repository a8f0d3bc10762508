import { release } from 'node:os';
import type { RunConfig } from '../run-config.js';
import { labImage } from '../targets/docker.js';
import { runArgv } from '../targets/exec.js';
import type { RunEnvironment } from './model.js';

async function firstLine(argv: string[], pattern: RegExp): Promise<string> {
  const r = await runArgv(argv, { timeoutMs: 30_000 });
  return pattern.exec(`${r.stdout}\n${r.stderr}`)?.[1] ?? 'not found';
}

/** Facts about the machine under test, for the report's properties. */
export async function collectEnvironment(config: RunConfig): Promise<RunEnvironment> {
  // In the container target the tools under test are the lab image's, not the host's.
  const inTarget = config.target === 'container' ? ['docker', 'run', '--rm', '--network', 'none', labImage(config.distro)] : [];
  return {
    target: config.target,
    runtime: config.runtime,
    runtimeVersion: await firstLine([...inTarget, config.runtime, '--version'], /(?:runc|crun) version (\S+)/),
    kernel: release(),
    busybox: await firstLine([...inTarget, '/bin/busybox'], /(BusyBox v\S+)/),
  };
}
