import { readFileSync } from 'node:fs';
import type { Distro } from '../run-config.js';
import { runArgv, type ExecResult } from './exec.js';

/** The lab image for a Debian release, and the debootstrap-built base it is made FROM. */
export const labImage = (distro: Distro): string => `lesson06-lab:${distro}`;
export const baseImage = (distro: Distro): string => `lesson06-base:${distro}`;
/** Every container the harness starts carries these, so `npm run clean` can find exactly those. */
export const HARNESS_LABEL = 'lesson06.harness';
export const RUN_LABEL = 'lesson06.run';
/** The vitest worker a lab container belongs to (one container per worker). */
export const WORKER_LABEL = 'lesson06.worker';

export function docker(args: readonly string[], timeoutMs = 60_000): Promise<ExecResult> {
  return runArgv(['docker', ...args], { timeoutMs });
}

export async function engineReachable(): Promise<{ ok: boolean; why: string }> {
  const r = await docker(['version', '--format', '{{.Server.Version}}'], 10_000);
  if (r.spawnError) return { ok: false, why: 'the docker client is not installed' };
  if (r.exitCode !== 0) return { ok: false, why: (r.stderr.trim().split('\n').pop() ?? 'no answer').slice(0, 300) };
  return { ok: true, why: `Docker engine ${r.stdout.trim()}` };
}

/** Removes a container by id, running or not; one that is already gone (or going) is no error. */
export async function removeContainer(id: string): Promise<void> {
  const r = await docker(['rm', '-f', id]);
  if (r.exitCode !== 0 && !/no such container|already in progress/i.test(r.stderr)) throw new Error(`docker rm -f ${id} failed: ${r.stderr.trim()}`);
}

/**
 * Ids of the containers the engine creates with `label` during the next `windowMs` (and since
 * `sinceMs`): a create request a killed worker sent may complete after its process is gone.
 */
export async function containersCreated(label: string, sinceMs: number, windowMs: number): Promise<string[]> {
  const until = Math.ceil((Date.now() + windowMs) / 1000);
  const r = await docker(
    [
      'events',
      '--since',
      String(Math.floor(sinceMs / 1000)),
      '--until',
      String(until),
      '--filter',
      'type=container',
      '--filter',
      'event=create',
      '--filter',
      `label=${label}`,
      '--format',
      '{{.Actor.ID}}',
    ],
    windowMs + 15_000,
  );
  return [...new Set(r.stdout.split('\n').filter(Boolean))];
}

export async function imageExists(ref: string): Promise<boolean> {
  return (await docker(['image', 'inspect', '--format', '{{.Id}}', ref], 15_000)).exitCode === 0;
}

/** The Debian mirror this machine's apt already uses, for debootstrap. */
export function debianMirror(sources = '/etc/apt/sources.list.d/debian.sources', list = '/etc/apt/sources.list'): string {
  for (const file of [sources, list]) {
    try {
      const text = readFileSync(file, 'utf8');
      const deb822 = /^URIs:\s*(\S+\/debian)\s*$/m.exec(text);
      if (deb822?.[1]) return deb822[1];
      const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\s+\S+/m.exec(text);
      if (oneLine?.[1]) return oneLine[1];
    } catch {
      // try the next file
    }
  }
  return 'http://deb.debian.org/debian';
}

const CAP_NAMES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
  'PERFMON',
  'BPF',
  'CHECKPOINT_RESTORE',
];

/** Capabilities missing from a CapBnd mask: `--privileged` fails on such a host, so they are dropped. */
export function missingCapabilities(capBndHex: string): string[] {
  const mask = BigInt(`0x${capBndHex}`);
  return CAP_NAMES.filter((_, bit) => (mask & (1n << BigInt(bit))) === 0n);
}

export function ownBoundingSet(status = readFileSync('/proc/self/status', 'utf8')): string {
  return /^CapBnd:\s*([0-9a-f]+)$/m.exec(status)?.[1] ?? 'ffffffffff';
}
