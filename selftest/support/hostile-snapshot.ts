import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { inNetns, listNetns } from '../../helpers/net/ops.js';
import type { IsolatedSandbox } from './hostile-sandbox.js';

/**
 * Everything grading promises not to change, read from inside the sandbox (its "host"):
 * addresses, links and routes of every network namespace with its sysctls, hostname and
 * domainname, the IPC sysctls, the namespaces PID 1 holds, the mount table, runc's state, the
 * marker directories and files a hostile lab aims at, the sandbox's cgroups, and its processes.
 */

/** Kernel counters that move by themselves; every other key is compared. */
const VOLATILE_SYSCTL = /^(net\.netfilter\.nf_conntrack_count|net\.ipv6\.route\.gc_|net\.ipv4\.route\.gc_)/;

function hashTree(root: string, shownAs: string, out: string[] = []): string[] {
  let st;
  try {
    st = lstatSync(root);
  } catch {
    out.push(`${shownAs} (absent)`);
    return out;
  }
  if (st.isSymbolicLink()) out.push(`${shownAs} -> ${readlinkSync(root)}`);
  else if (st.isDirectory()) {
    out.push(`${shownAs}/ mode ${st.mode.toString(8)}`);
    for (const n of readdirSync(root).sort()) hashTree(join(root, n), `${shownAs}/${n}`, out);
  } else if (st.isFile() && st.size <= 4 * 1024 * 1024)
    out.push(`${shownAs} ${st.mode.toString(8)} ${createHash('sha256').update(readFileSync(root)).digest('hex')}`);
  else out.push(`${shownAs} ${st.mode.toString(8)} ${st.isFile() ? `${st.size} bytes` : 'special'}`);
  return out;
}

export interface SnapshotOptions {
  /** Directories and files whose every byte must stay (markers, secrets, the bundle). */
  readonly trees: readonly string[];
  /**
   * false: leave out the namespaces' net sysctls (links, addresses and routes are still compared).
   * Only for a lab of a thousand interfaces, whose 150 sysctls each take minutes to read.
   */
  readonly netSysctls?: boolean;
}

/** Every namespace's links, addresses and routes: what a lab's carrier and IPv6 link-local addresses change while they come up. */
async function linkState(box: IsolatedSandbox): Promise<string> {
  const parts: string[] = [];
  for (const netns of [undefined, ...(await listNetns(box.t))])
    for (const what of ['link', 'addr', 'route'])
      parts.push((await box.t.must(inNetns(netns, ['ip', '-j', what, 'show']))).stdout.replaceAll('"tentative":true,', ''));
  return parts.join('\n');
}

/**
 * Waits until the lab's links stop changing on their own (a veth's carrier and its IPv6 link-local
 * address come up a moment after "ip link set … up"): two readings 500 ms apart that agree, for at
 * most 10 s. A snapshot taken before that would count the kernel's own settling as the grader's doing.
 */
export async function settled(box: IsolatedSandbox): Promise<void> {
  let last = await linkState(box);
  for (const end = Date.now() + 10_000; Date.now() < end;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await linkState(box);
    if (now === last) return;
    last = now;
  }
}

export async function snapshotSandbox(box: IsolatedSandbox, opts: SnapshotOptions): Promise<string> {
  const t = box.t;
  const parts: string[] = [];
  const out = async (label: string, argv: string[]): Promise<void> => {
    parts.push(`## ${label}\n${(await t.must(argv)).stdout}`);
  };
  for (const netns of [undefined, ...(await listNetns(t))]) {
    const where = netns ?? 'sandbox';
    for (const what of ['link', 'addr', 'route']) {
      const r = await t.must(inNetns(netns, ['ip', '-j', what, 'show']));
      // IPv6 duplicate address detection clears "tentative" by itself; it is not a change by the grader.
      parts.push(`## ${where} ${what}\n${r.stdout.replaceAll('"tentative":true,', '')}`);
    }
    if (opts.netSysctls === false) continue;
    // must: a missing sysctl (procps) would make both snapshots equally empty, and the comparison hollow.
    const sysctl = await t.must(inNetns(netns, ['sysctl', '-a', '--pattern', '^net\\.']));
    parts.push(
      `## ${where} net sysctls\n${sysctl.stdout
        .split('\n')
        .filter((l) => !VOLATILE_SYSCTL.test(l))
        .join('\n')}`,
    );
  }
  await out('hostname, domainname, IPC sysctls', [
    'sysctl',
    'kernel.hostname',
    'kernel.domainname',
    'kernel.msgmax',
    'kernel.msgmnb',
    'kernel.msgmni',
    'kernel.sem',
    'kernel.shmmax',
    'kernel.shmall',
    'kernel.shmmni',
    'fs.mqueue.msg_max',
  ]);
  await out("PID 1's namespaces", [
    'stat',
    '-L',
    '-c',
    '%n %i',
    '/proc/1/ns/mnt',
    '/proc/1/ns/net',
    '/proc/1/ns/pid',
    '/proc/1/ns/uts',
    '/proc/1/ns/ipc',
  ]);
  const mountinfo = await t.must(['cat', '/proc/1/mountinfo']);
  // The machine's Docker daemon detaches its own netns and overlay mounts from every namespace when its
  // containers go (see IsolatedSandbox.start): the engine's doing, on its own directories, never the grader's.
  const mountpoints = mountinfo.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => !['/var/lib/docker', '/run/docker'].some((d) => p === d || p.startsWith(`${d}/`)));
  parts.push(`## mounts: ${mountpoints.length}\n${mountpoints.sort().join('\n')}`);
  await out('runc list', ['runc', 'list', '-q']);
  // /var/run/netns exists only once a namespace was added: ls's complaint about it is part of the state.
  const ls = await t.exec(['ls', '-a', '/run', '/tmp', '/var/run/netns']);
  // tsx keeps its compile cache in /tmp/tsx-<uid>: any npm script of this project makes it, grading or not.
  parts.push(
    `## /run, /tmp, /var/run/netns\n${ls.stdout
      .split('\n')
      .filter((l) => !/^tsx-\d+$/.test(l))
      .join('\n')}${ls.stderr}`,
  );
  // Every process in the sandbox's pid namespace but the ps that lists them; a zombie (a process that
  // ended and is not reaped yet) is not running. PID 1 is the sandbox's command agent, which is
  // running or sleeping depending on the moment ps looks at it (it is serving ps): its state is left out.
  const ps = await t.must(['ps', '-e', '-o', 'pid=,stat=,comm=,args=']);
  const running = ps.stdout
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^\s*\d+\s+Z/.test(l) && l.trim().split(/\s+/)[2] !== 'ps')
    .map((l) => l.replace(/^(\s*1\s+)\S+/, '$1-'));
  parts.push(`## processes\n${running.join('\n')}`);
  parts.push(`## cgroups below the sandbox's\n${box.leftoverCgroups().join('\n')}`);
  for (const p of opts.trees) parts.push(`## ${p}\n${hashTree(box.host(p), p).join('\n')}`);
  return parts.join('\n');
}

/** The lines of two snapshots that differ, for a readable assertion message. */
export function snapshotDiff(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // Sets: a lab with a thousand interfaces has a hundred thousand sysctl lines, too many for a quadratic scan.
  const inA = new Set(a);
  const inB = new Set(b);
  return [...a.filter((l) => !inB.has(l)).map((l) => `- ${l}`), ...b.filter((l) => !inA.has(l)).map((l) => `+ ${l}`)];
}
