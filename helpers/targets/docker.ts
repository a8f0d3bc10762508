import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import type { Distro } from '../run-config.js';
import { ExecChannel } from './channel.js';
import { runArgv, type ExecResult } from './exec.js';

/*
 * The one seam to the Docker engine: every `docker` command the harness runs is built here, behind
 * a function that says what it does (selftest/architecture.test.ts holds every other module to
 * that). testcontainers, which speaks the Engine API, is loaded by lab-container.ts alone.
 */

/** The client's name, for the prerequisite check (the container target needs it on PATH). */
export const DOCKER_CLIENT = 'docker';

/** The lab image for a Debian release, and the debootstrap-built base it is made FROM. */
export const labImage = (distro: Distro): string => `lesson06-lab:${distro}`;
export const baseImage = (distro: Distro): string => `lesson06-base:${distro}`;
/** Every container the harness starts carries these, so `npm run clean` can find exactly those. */
export const HARNESS_LABEL = 'lesson06.harness';
export const RUN_LABEL = 'lesson06.run';
/** The vitest worker a lab container belongs to (one container per worker). */
export const WORKER_LABEL = 'lesson06.worker';

function docker(args: readonly string[], timeoutMs = 60_000): Promise<ExecResult> {
  return runArgv([DOCKER_CLIENT, ...args], { timeoutMs });
}

/** `docker …` with the terminal attached (image builds show their progress); resolves with its exit code. */
async function dockerInteractive(args: readonly string[]): Promise<number> {
  const r = await execa(DOCKER_CLIENT, args, { stdio: 'inherit', reject: false });
  return r.exitCode ?? 1;
}

const lines = (text: string): string[] => text.split('\n').filter(Boolean);

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

/** An image's label value (empty when it has none), or undefined when there is no such image. */
export async function imageLabel(ref: string, label: string): Promise<string | undefined> {
  const r = await docker(['image', 'inspect', '--format', `{{ index .Config.Labels "${label}" }}`, ref], 15_000);
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}

/** `docker pull`, `docker import` and `docker build` for npm run image, each with the terminal attached; exit codes. */
export const pullImage = (ref: string): Promise<number> => dockerInteractive(['pull', ref]);
export const importImage = (tar: string, ref: string): Promise<number> => dockerInteractive(['import', tar, ref]);
export function buildImage(opts: { dir: string; tag: string; buildArgs: Record<string, string>; labels: Record<string, string> }): Promise<number> {
  const buildArgs = Object.entries(opts.buildArgs).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  const labels = Object.entries(opts.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  return dockerInteractive(['build', ...buildArgs, ...labels, '-t', opts.tag, opts.dir]);
}

/**
 * Ids of the containers carrying every one of `labels` (`key` or `key=value`): running ones, or
 * with `all` stopped ones too; `full` gives untruncated ids.
 */
export async function containerIds(labels: readonly string[], opts: { all?: boolean; full?: boolean } = {}): Promise<string[]> {
  const flags = `-${opts.all === false ? '' : 'a'}q`;
  const r = await docker(['ps', flags, ...(opts.full ? ['--no-trunc'] : []), ...labels.flatMap((l) => ['--filter', `label=${l}`])]);
  return lines(r.stdout);
}

/** Every container (running or not) with `label`, and its value of `valueOf`. */
export async function labelledContainers(label: string, valueOf: string): Promise<Array<{ id: string; value: string }>> {
  const r = await docker(['ps', '-a', '--filter', `label=${label}`, '--format', `{{.ID}} {{.Label "${valueOf}"}}`]);
  return lines(r.stdout).map((line) => {
    const [id = '', value = ''] = line.split(' ');
    return { id, value };
  });
}

/** How many Engine API execs a container has had (selftest: the channel is the only one). */
export async function execCount(id: string): Promise<number> {
  return Number((await docker(['inspect', '--format', '{{len .ExecIDs}}', id])).stdout.trim());
}

/** argv run once in a throwaway container of `image` with no network (the runtime probe, the environment report). */
export function runInImage(image: string, argv: readonly string[], timeoutMs: number): Promise<ExecResult> {
  return docker(['run', '--rm', '--network', 'none', image, ...argv], timeoutMs);
}

/** `true` in a throwaway `--privileged` container sharing the host's cgroup namespace: whether the engine allows it. */
export function runPrivileged(image: string, labels: Record<string, string>): Promise<ExecResult> {
  const flags = Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  return docker(['run', '--rm', '--network', 'none', '--cgroupns', 'host', '--privileged', ...flags, image, 'true']);
}

/** The command channel into a running container: its agent, started by one `docker exec -i`. */
export function openExecChannel(containerId: string, timeoutMs = 30_000): Promise<ExecChannel> {
  return ExecChannel.through([DOCKER_CLIENT, 'exec', '-i', containerId], { timeoutMs });
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
