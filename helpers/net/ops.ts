import { parseIpJson, parseLinkDetails, parseNetnsIds, parsePingSummary, type Iface, type LinkEnd, type PingSummary } from './ip.js';
import type { ExecResult } from '../targets/exec.js';
import { mustSucceed } from '../targets/base.js';
import { pingWithinDeadline } from './deadline.js';
import type { Target } from '../targets/types.js';

/** argv that runs `cmd` inside a named netns, exactly as the lesson types it. */
export const inNetns = (netns: string | undefined, cmd: readonly string[]): string[] =>
  netns === undefined ? [...cmd] : ['ip', 'netns', 'exec', netns, ...cmd];

export async function listNetns(t: Target): Promise<string[]> {
  const r = await t.must(['ip', 'netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean);
}

/**
 * Interfaces with their IPv4 addresses, on the host or in a netns. State queries use `ip -n`,
 * which switches namespace inside ip itself; `ip netns exec` also builds a mount namespace and
 * remounts /sys for every call, so it is kept for the places where the lesson's own command is
 * what is being verified (`interfacesAsTheLessonAsks`).
 */
export async function interfaces(t: Target, netns?: string): Promise<Iface[]> {
  return parseIpJson((await t.must(['ip', ...(netns ? ['-n', netns] : []), '-j', 'addr', 'show'])).stdout);
}

/** One link's kind and peer (`ip -j -d link show dev NAME`), or undefined when it does not exist. */
export async function linkEnd(t: Target, name: string, netns?: string): Promise<LinkEnd | undefined> {
  const r = await t.exec(['ip', ...(netns ? ['-n', netns] : []), '-j', '-d', 'link', 'show', 'dev', name]);
  return r.exitCode === 0 ? parseLinkDetails(r.stdout) : undefined;
}

/** Named namespaces with the nsid this machine's namespace gave each (`ip -j netns list`). */
export async function netnsIds(t: Target): Promise<Array<{ name: string; id: number | undefined }>> {
  return parseNetnsIds((await t.must(['ip', '-j', 'netns', 'list'])).stdout);
}

/** The same view through the lesson's own `ip netns exec NAME ip addr`. */
export async function interfacesAsTheLessonAsks(t: Target, netns: string): Promise<Iface[]> {
  return parseIpJson((await t.must(inNetns(netns, ['ip', '-j', 'addr', 'show']))).stdout);
}

/**
 * Like `interfaces`, for a namespace that may not exist (a lab step skipped): undefined then,
 * so the spec can say which step is missing instead of crashing on the command.
 */
export async function interfacesIfAny(t: Target, netns?: string, asTheLessonAsks = false): Promise<Iface[] | undefined> {
  const argv =
    asTheLessonAsks && netns ? inNetns(netns, ['ip', '-j', 'addr', 'show']) : ['ip', ...(netns ? ['-n', netns] : []), '-j', 'addr', 'show'];
  const r = await t.exec(argv);
  return r.exitCode === 0 ? parseIpJson(r.stdout) : undefined;
}

export async function linkExists(t: Target, name: string, netns?: string): Promise<boolean> {
  return (await t.exec(['ip', ...(netns ? ['-n', netns] : []), 'link', 'show', name])).exitCode === 0;
}

export interface PingResult {
  readonly result: ExecResult;
  readonly summary: PingSummary | undefined;
  readonly ok: boolean;
}

/**
 * Bounded ping: -W caps the wait per reply, the exec timeout caps the whole run. A ping that fails
 * although the kernel counted every reply (late, on a loaded machine) is not the lab's fault:
 * see pingWithinDeadline.
 */
export async function ping(
  t: Target,
  address: string,
  opts: { netns?: string; count?: number; waitSeconds?: number; bindTo?: string; responder?: string } = {},
): Promise<PingResult> {
  const count = opts.count ?? 2;
  const bind = opts.bindTo ? ['-I', opts.bindTo] : [];
  const wait = opts.waitSeconds ?? 1;
  const argv = inNetns(opts.netns, ['ping', '-c', String(count), '-W', String(wait), ...bind, address]);
  const result = await pingWithinDeadline(t, opts.netns, wait, () => t.exec(argv, { timeoutMs: (count + 5) * 1000 }), {
    ...(opts.responder === undefined ? {} : { responder: opts.responder }),
  });
  const summary = parsePingSummary(result.stdout);
  return { result, summary, ok: result.exitCode === 0 && summary !== undefined && summary.received === count };
}

/** Inode of a namespace file, following the link: equal inodes mean the same namespace. */
export async function nsInode(t: Target, path: string): Promise<string> {
  return mustSucceed(await t.inode(path)).stdout.trim();
}
