import { parseIpAddrText, type Iface } from '../net/ip.js';
import { compose, withArgs, withCgroupsPath, withNetnsPath, withRootfs, withTerminal, type OciConfig } from '../oci/config.js';
import { harnessCgroupPath } from '../targets/run-id.js';
import type { GradeSession } from './session.js';

export interface ProbeResult {
  readonly started: boolean;
  readonly error: string;
  readonly containerInode?: string;
  readonly netnsInode?: string;
  readonly inside: Iface[];
  readonly insideText: string;
}

/**
 * Exercise 3 run against the student's own bundle without touching it: a temporary copy of
 * config.json (own id, own args, terminal off) whose rootfs is an overlay over theirs, in the
 * grader's private mount namespace, with runc state under the grader's scratch directory.
 */
export async function probeContainer(g: GradeSession, config: OciConfig, netnsPath: string): Promise<ProbeResult> {
  const t = g.target;
  const plan = g.plan;
  const enter = await t.privateMounts();
  const s = g.scratch;
  const studentRootfs = config.root.path.startsWith('/') ? config.root.path : `${plan.bundleDir}/${config.root.path}`;
  const bundle = `${s}/bundle`;
  await t.must(['mkdir', '-p', `${bundle}/rootfs`, `${s}/upper`, `${s}/work`, `${s}/runc`]);
  // -n: libmount would otherwise record the mount in /run/mount/utab, a file on the student's machine.
  await t.must(enter(['mount', '-n', '-t', 'overlay', 'overlay', '-o', `lowerdir=${studentRootfs},upperdir=${s}/upper,workdir=${s}/work`, `${bundle}/rootfs`]));
  const hasBusybox = (await t.exec(['test', '-x', `${studentRootfs}/bin/busybox`])).exitCode === 0;
  const tool = (name: string): string[] => (hasBusybox ? ['/bin/busybox', name] : [name]);
  const probe = compose(
    withRootfs('rootfs'),
    withTerminal(false),
    withArgs(...tool('sleep'), '60'),
    withNetnsPath(netnsPath),
    withCgroupsPath(harnessCgroupPath(g.runId)),
  )(config);
  probe.root = { path: 'rootfs', readonly: true };
  await t.writeFile(`${bundle}/config.json`, JSON.stringify(probe, null, 2));
  const runc = (...args: string[]): string[] => enter(['runc', '--root', `${s}/runc`, ...args]);
  const run = await t.exec(runc('--log', `${s}/runc.log`, 'run', '--detach', '--pid-file', `${s}/pid`, '--bundle', bundle, plan.containerId), {
    discardOutput: true,
  });
  const pid = (await t.exec(['cat', `${s}/pid`])).stdout.trim();
  if (run.exitCode !== 0 || !/^\d+$/.test(pid)) {
    const log = (await t.exec(['cat', `${s}/runc.log`])).stdout;
    return { started: false, error: log || `runc exited ${run.exitCode}`, inside: [], insideText: '' };
  }
  const containerInode = (await t.must(['stat', '-L', '-c', '%i', `/proc/${pid}/ns/net`])).stdout.trim();
  const netnsInode = (await t.must(['stat', '-L', '-c', '%i', netnsPath])).stdout.trim();
  const ipAddr = await t.exec(runc('exec', plan.containerId, ...tool('ip'), 'addr'));
  await t.exec(runc('delete', '--force', plan.containerId));
  return {
    started: true,
    error: ipAddr.stderr,
    containerInode,
    netnsInode,
    inside: parseIpAddrText(ipAddr.stdout),
    insideText: ipAddr.stdout,
  };
}
