import { describeOutcome } from '../targets/exec.js';
import { addressView, parseIpJson, type Iface } from '../net/ip.js';
import { harnessCgroupPath } from '../targets/run-id.js';
import { Runc } from '../oci/runtime.js';
import { generateProbeConfig } from './probe-config.js';
import type { GradeSession } from './session.js';

interface ProbeResult {
  /** runc created the container: its init process stands in every namespace, ready to exec. */
  readonly created: boolean;
  /** runc's own error when it did not (from its log), or how the command ended. */
  readonly error: string;
  readonly containerInode?: string;
  readonly netnsInode?: string;
  /** Interfaces as the container sees them, read with this machine's ip inside its netns. */
  readonly inside: Iface[];
  /** The same, one "name address,…" line per interface. */
  readonly insideText: string;
}

interface ProbeInput {
  /** The student's rootfs, validated (a real directory, safe as an overlay lowerdir). */
  readonly rootfs: string;
  /** The student's program as found by the static analysis (a path inside the rootfs). */
  readonly program: string;
  /** The student's network namespace path, validated to be the namespace under grading. */
  readonly netnsPath: string;
}

/** runc's log lines are logfmt; the msg of each error line is what runc said. */
export function runcLogErrors(log: string): string {
  const msgs = log
    .split('\n')
    .filter((l) => /level=(error|fatal)/.test(l))
    .map((l) => /msg="((?:[^"\\]|\\.)*)"/.exec(l)?.[1]?.replace(/\\(.)/g, '$1') ?? l);
  return msgs.join('\n');
}

/**
 * Exercise 3 against the student's bundle without running anything of theirs: the grader's own
 * config (runc spec + the two validated values) over an overlay of their rootfs, `runc create`d in
 * the grader's private mount namespace with state in its scratch directory. A created container's
 * init has joined every namespace and is waiting to exec the program; it is deleted without ever
 * being started. Proof comes from the kernel: the init's netns inode, and `ip` of this machine
 * run inside that netns.
 */
export async function probeContainer(g: GradeSession, v: ProbeInput): Promise<ProbeResult> {
  const t = g.target;
  const enter = await t.privateMounts();
  const s = g.scratch;
  const bundle = `${s}/bundle`;
  const id = g.plan.containerId;
  await t.must(['mkdir', '-p', `${bundle}/rootfs`, `${s}/upper`, `${s}/work`, `${s}/runc`]);
  const config = generateProbeConfig(await g.runcSpec(), { netnsPath: v.netnsPath, args: [v.program], cgroupsPath: harnessCgroupPath(g.runId) });
  await t.writeFile(`${bundle}/config.json`, JSON.stringify(config, null, 2));
  // -n: libmount would otherwise record the mount in /run/mount/utab, a file on the student's machine.
  await t.must(
    enter(['mount', '-n', '-t', 'overlay', 'overlay', '-o', `lowerdir=${v.rootfs},upperdir=${s}/upper,workdir=${s}/work`, `${bundle}/rootfs`]),
  );
  const runc = new Runc(t, 'runc', { root: `${s}/runc`, wrap: enter });
  const create = await runc.create(id, bundle, { pidFile: `${s}/pid`, logFile: `${s}/runc.log` });
  const pid = (await t.exec(['cat', `${s}/pid`])).stdout.trim();
  if (create.exitCode !== 0 || !/^\d+$/.test(pid)) {
    const log = runcLogErrors((await t.exec(['cat', `${s}/runc.log`])).stdout);
    await runc.delete(id);
    return { created: false, error: log || `runc create: ${describeOutcome(create)}`, inside: [], insideText: '' };
  }
  try {
    const containerInode = (await t.must(['stat', '-L', '-c', '%i', `/proc/${pid}/ns/net`])).stdout.trim();
    const netnsInode = (await t.must(['stat', '-L', '-c', '%i', v.netnsPath])).stdout.trim();
    const addr = await t.exec(['nsenter', `--net=/proc/${pid}/ns/net`, '--', 'ip', '-j', 'addr', 'show']);
    const inside = addr.exitCode === 0 ? parseIpJson(addr.stdout) : [];
    return { created: true, error: addr.stderr, containerInode, netnsInode, inside, insideText: addressView(inside).join('\n') };
  } finally {
    await runc.delete(id);
  }
}
