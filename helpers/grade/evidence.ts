import { readFileSync } from 'node:fs';
import type { LabPlan } from '../lesson/plan.js';
import { parseIpJson } from '../net/ip.js';
import { runArgv } from '../targets/exec.js';

/**
 * The machine facts a grade report was judged on, read by the grader itself after the checks:
 * the kernel's boot id (new at every boot), the namespace's inode, the veth ends' MAC addresses
 * (random at every `ip link add`) and when they were read. Two reports with the same boot id and
 * the same MACs come from one lab on one boot; they cannot prove who built it.
 */
export interface Evidence {
  readonly bootId: string;
  /** The namespace file's inode as the kernel reports it, or "none". */
  readonly netnsInode: string;
  /** The MAC of the plan's host veth end and of its namespace end ("none" when absent). */
  readonly hostMac: string;
  readonly nsMac: string;
  /** The kernel's own release string, beside uname's in the report's environment. */
  readonly osRelease: string;
  readonly collectedAt: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
export const isBootId = (s: string): boolean => UUID.test(s);
export const isMac = (s: string): boolean => MAC.test(s);

function readProc(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return 'unreadable';
  }
}

const TIMEOUT = { timeoutMs: 10_000, maxOutputBytes: 256 * 1024 };

/**
 * The MAC of one interface, on the host or in a namespace. Only that link is listed: a lab with
 * thousands of addresses would overflow the output cap of a whole `ip -j addr`, and evidence that
 * cannot be read is "none", never a harness error.
 */
async function macOf(name: string, netns: string | undefined): Promise<string> {
  const r = await runArgv(['ip', ...(netns ? ['-n', netns] : []), '-j', 'link', 'show', 'dev', name], TIMEOUT);
  try {
    const mac = r.exitCode === 0 ? parseIpJson(r.stdout).find((i) => i.ifname === name)?.mac : undefined;
    return mac !== undefined && isMac(mac) ? mac : 'none';
  } catch {
    return 'none';
  }
}

/** Reads only: /proc, `stat` of the namespace file, `ip -j link` of the two veth ends. Never throws. */
export async function collectEvidence(plan: LabPlan): Promise<Evidence> {
  const [inode, hostMac, nsMac] = await Promise.all([
    runArgv(['stat', '-L', '-c', '%i', plan.netnsPath], TIMEOUT),
    macOf(plan.hostVeth, undefined),
    macOf(plan.nsVeth, plan.netns),
  ]);
  return {
    bootId: readProc('/proc/sys/kernel/random/boot_id'),
    netnsInode: inode.exitCode === 0 && /^\d+$/.test(inode.stdout.trim()) ? inode.stdout.trim() : 'none',
    hostMac,
    nsMac,
    osRelease: readProc('/proc/sys/kernel/osrelease'),
    collectedAt: Date.now(),
  };
}
