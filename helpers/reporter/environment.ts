import { release } from 'node:os';
import { runArgv } from '../exec.js';
import type { RunEnvironment } from './model.js';

async function firstLine(argv: string[], pattern: RegExp): Promise<string> {
  const r = await runArgv(argv, { timeoutMs: 5_000 });
  return pattern.exec(`${r.stdout}\n${r.stderr}`)?.[1] ?? 'not found';
}

/** Facts about the machine under test, for the report's properties. */
export async function collectEnvironment(target: string): Promise<RunEnvironment> {
  return {
    target,
    runtime: 'runc',
    runtimeVersion: await firstLine(['runc', '--version'], /runc version (\S+)/),
    kernel: release(),
    busybox: await firstLine(['/bin/busybox'], /(BusyBox v\S+)/),
  };
}
