/**
 * Grading mode (`npm run grade`): the lesson's Verify section, check by check, against the lab the
 * student built, read-only. Runs only as the `grade` project of vitest.config.ts (the lesson project excludes it).
 */
import { check, describe, gradeCheck } from '../fixtures/grade.js';
import { checkInfo } from '../helpers/grade/catalog.js';
import { hints } from '../helpers/grade/hints.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { configFindings } from '../helpers/grade/findings.js';
import { askAsStudent } from '../helpers/grade/as-student.js';
import { fromWire } from '../helpers/grade/student-reader.js';
import { probeContainer } from '../helpers/grade/probe.js';
import { clip } from '../helpers/grade/clip.js';
import { describePingProbe, lowerdirProblem, netRawMissing, NET_RAW_SETS, probeCapabilities, probeUser } from '../helpers/grade/probe-config.js';
import { formatPingDelta, pingProbe, replied, trustedBusybox } from '../helpers/grade/ping-probe.js';
import { RUNTIME_NEEDS } from '../helpers/oci/runtime-needs.js';
import { NET_RAW } from '../helpers/lesson/claims.js';
import { findIface, isUp } from '../helpers/net/ip.js';
import { formatCidr } from '../helpers/net/cidr.js';
import { interfaces, linkEnd, listNetns, netnsIds } from '../helpers/net/ops.js';
import { networkNamespace } from '../helpers/oci/config.js';
import type { LabPlan } from '../helpers/lesson/plan.js';
import { asStudentPrefix } from '../helpers/grade/student-reader.js';
import { judgeNetnsPath, vethEnd, verifyPing } from '../helpers/lesson/verify-checks.js';

/**
 * A ping that fails once both ends are UP with the lesson's addresses (the checks it needs): Common
 * Error 2's causes are ruled out, so the packets are dropped or sent elsewhere.
 */
const pathBlocked = (p: LabPlan, to: string): string =>
  `both ends are UP with the right addresses (the checks above passed), so this is not Common Error 2: something drops or misroutes the packets; read the firewall ("iptables -S", "nft list ruleset", and the same inside ${p.netns} with "ip netns exec ${p.netns} …") and the routes ("ip route get ${to}", also inside ${p.netns})`;

/** Deadlines of the reader of the student's files: the config (1 MiB at most), and the rootfs's static analysis. */
const READ_CONFIG_MS = 15_000;
const ANALYSE_MS = 20_000;

describe('verify', () => {
  gradeCheck('netns-exists', async ({ g, lesson }) => {
    await lesson.step('automated script, check 1; manual checklist, item 1');
    const p = g.plan;
    const names = await listNetns(g.target);
    const fsType = await g.target.exec(['stat', '-f', '-c', '%T', p.netnsPath]);
    check(lesson, names.includes(p.netns) && fsType.stdout.trim() === 'nsfs', {
      id: 'grade/ip-netns-list-shows',
      expected: `"ip netns list" shows ${p.netns} and ${p.netnsPath} is a namespace file`,
      seen: `ip netns list: [${names.join(', ')}]; ${p.netnsPath}: ${fsType.stdout.trim() || fsType.stderr.trim()}`,
      commonError: fixes.missingNetns(p),
      hints: hints.netnsMissing(p, names, names.includes(p.netns)),
    });
    // A link or bind mount of /proc/<pid>/ns/net is listed and is nsfs too, yet isolates nothing:
    // every later check would then be about this machine's own namespace.
    const [own, file] = await Promise.all([
      g.target.exec(['stat', '-L', '-c', '%i', '/proc/self/ns/net']),
      g.target.exec(['stat', '-L', '-c', '%i', p.netnsPath]),
    ]);
    check(lesson, /^\d+$/.test(own.stdout.trim()) && /^\d+$/.test(file.stdout.trim()) && own.stdout.trim() !== file.stdout.trim(), {
      id: 'grade/namespace-own-machine-inode',
      expected: `${p.netnsPath} is a namespace of its own, not this machine's (inode ${own.stdout.trim() || '?'})`,
      seen: `${p.netnsPath}: inode ${file.stdout.trim() || file.stderr.trim() || '?'}`,
      commonError: fixes.notANewNetns(p),
      hints: hints.netnsIsHost(p),
    });
  });

  gradeCheck('host-veth-exists', async ({ g, lesson }) => {
    await lesson.step('automated script, check 2; manual checklist, item 2');
    const p = g.plan;
    const host = await interfaces(g.target);
    check(lesson, findIface(host, p.hostVeth) !== undefined, {
      id: 'grade/veth-host-on-host',
      expected: `${p.hostVeth} on the host`,
      seen: `host interfaces: ${host.map((i) => i.ifname).join(', ')}`,
      next: `create the pair: ip link add ${p.hostVeth} type veth peer name ${p.nsVeth} (Exercise 1 Step 2)`,
      hints: hints.hostVethMissing(p),
    });
  });

  gradeCheck('host-veth-up', async ({ g, lesson }) => {
    await lesson.step('Exercise 1 Step 5; manual checklist, item 2');
    const end = vethEnd(await interfaces(g.target), g.plan.hostVeth, g.plan.hostCidr);
    check(lesson, end.up, {
      id: 'grade/has-up-flag',
      expected: `${g.plan.hostVeth} has the UP flag`,
      seen: end.flags,
      commonError: fixes.bringUp(g.plan, g.plan.hostVeth, false),
      hints: hints.down(g.plan, g.plan.hostVeth, false, end.flags),
    });
  });

  gradeCheck('host-veth-address', async ({ g, lesson }) => {
    await lesson.step('Exercise 1 Step 4; manual checklist, item 2');
    const end = vethEnd(await interfaces(g.target), g.plan.hostVeth, g.plan.hostCidr);
    check(lesson, end.addressed, {
      id: 'grade/veth-host-address',
      expected: `${g.plan.hostVeth} has ${formatCidr(g.plan.hostCidr)}`,
      seen: end.inet,
      commonError: fixes.setAddress(g.plan, g.plan.hostVeth, false, end.iface?.inet ?? []),
      hints: hints.address(g.plan, g.plan.hostVeth, false, end.iface?.inet ?? []),
    });
  });

  gradeCheck('ns-veth-visible', async ({ g, lesson }) => {
    await lesson.step('Exercise 1 Step 3; manual checklist, item 3');
    const p = g.plan;
    const inside = await interfaces(g.target, p.netns);
    const hostList = await interfaces(g.target);
    const onHost = findIface(hostList, p.nsVeth) !== undefined;
    check(lesson, findIface(inside, p.nsVeth) !== undefined, {
      id: 'grade/listed-ip-netns-exec',
      expected: `${p.nsVeth} listed by "ip netns exec ${p.netns} ip addr"`,
      seen: `inside: ${inside.map((i) => i.ifname).join(', ')}${onHost ? `; ${p.nsVeth} is still on the host` : ''}`,
      next: onHost ? `move it: ip link set ${p.nsVeth} netns ${p.netns} (Exercise 1 Step 3)` : `recreate the pair (Exercise 1 Steps 2-3)`,
      commonError: fixes.invisibleAfterMove(p),
      hints: hints.nsVethNotInside(p, onHost, findIface(hostList, p.hostVeth) !== undefined),
    });
  });

  gradeCheck('ns-veth-up', async ({ g, lesson }) => {
    await lesson.step('Exercise 1 Step 5; manual checklist, item 3');
    const end = vethEnd(await interfaces(g.target, g.plan.netns), g.plan.nsVeth, g.plan.nsCidr);
    check(lesson, end.up, {
      id: 'grade/has-up-flag-inside',
      expected: `${g.plan.nsVeth} has the UP flag inside ${g.plan.netns}`,
      seen: end.flags,
      commonError: fixes.bringUp(g.plan, g.plan.nsVeth, true),
      hints: hints.down(g.plan, g.plan.nsVeth, true, end.flags),
    });
  });

  gradeCheck('ns-veth-address', async ({ g, lesson }) => {
    await lesson.step('Exercise 1 Step 4; manual checklist, item 3');
    const end = vethEnd(await interfaces(g.target, g.plan.netns), g.plan.nsVeth, g.plan.nsCidr);
    check(lesson, end.addressed, {
      id: 'grade/veth-container-address',
      expected: `${g.plan.nsVeth} has ${formatCidr(g.plan.nsCidr)}`,
      seen: end.inet,
      commonError: fixes.setAddress(g.plan, g.plan.nsVeth, true, end.iface?.inet ?? []),
      hints: hints.address(g.plan, g.plan.nsVeth, true, end.iface?.inet ?? []),
    });
  });

  gradeCheck('ns-loopback-up', async ({ g, lesson }) => {
    await lesson.step('Exercise 1 Step 5');
    const lo = findIface(await interfaces(g.target, g.plan.netns), 'lo');
    check(lesson, lo !== undefined && isUp(lo), {
      id: 'grade/lo-up-inside',
      expected: `lo is UP inside ${g.plan.netns}`,
      seen: `flags ${lo?.flags.join(',') ?? '(none)'}`,
      commonError: { id: 2, fix: `ip netns exec ${g.plan.netns} ip link set lo up` },
      hints: hints.loopbackDown(g.plan),
    });
  });

  gradeCheck('veth-pair-connected', async ({ g, lesson }) => {
    await lesson.step('Exercise 1 Steps 2-3');
    const p = g.plan;
    // The kernel's account, not the names: the host end's peer index and peer namespace id, the namespace end's own index.
    const [host, inside, ids] = await Promise.all([linkEnd(g.target, p.hostVeth), linkEnd(g.target, p.nsVeth, p.netns), netnsIds(g.target)]);
    const graded = ids.find((n) => n.name === p.netns)?.id;
    const peerNs =
      host?.peerNetnsId === undefined
        ? "this machine's own namespace"
        : ids
            .filter((n) => n.id === host.peerNetnsId)
            .map((n) => n.name)
            .join(' = ') || `an unnamed namespace (nsid ${host.peerNetnsId})`;
    const ok =
      host?.kind === 'veth' &&
      inside?.kind === 'veth' &&
      host.peerNetnsId !== undefined &&
      host.peerNetnsId === graded &&
      host.peerIndex === inside.ifindex &&
      inside.peerIndex === host.ifindex &&
      inside.peerNetnsId !== undefined;
    check(lesson, ok, {
      id: 'grade/veth-pair-connected',
      expected: `${p.hostVeth} is a veth whose peer is ${p.nsVeth} (ifindex ${inside?.ifindex ?? '?'}) in ${p.netns}${graded === undefined ? '' : ` (nsid ${graded})`}, and ${p.nsVeth}'s peer is ${p.hostVeth} (ifindex ${host?.ifindex ?? '?'})`,
      seen: `${p.hostVeth}: ${host?.kind ?? 'no kind'}, peer ifindex ${host?.peerIndex ?? 'none'} in ${peerNs}; ${p.nsVeth}: ${inside?.kind ?? 'no kind'}, peer ifindex ${inside?.peerIndex ?? 'none'}`,
      next: `the two names are not the two ends of one pair: delete both, then create them as one pair and move one end: ip link add ${p.hostVeth} type veth peer name ${p.nsVeth} && ip link set ${p.nsVeth} netns ${p.netns} (Exercise 1 Steps 2-3)`,
      hints: hints.notOnePair(p),
    });
  });

  const linkChecks = checkInfo('ping-host-to-ns').needs;

  gradeCheck('ping-host-to-ns', async ({ g, lesson }) => {
    await lesson.step('automated script, check 3; manual checklist, item 4');
    // Bound to the student's veth, so the probe cannot leave through any other interface.
    const r = await verifyPing(g.target, g.plan, 'host-to-ns', { bindTo: g.plan.hostVeth });
    check(lesson, r.ok, {
      id: 'grade/ping-1-received',
      expected: `ping ${g.plan.nsCidr.address}: 1 received`,
      seen: r.result.stdout + r.result.stderr,
      next: pathBlocked(g.plan, g.plan.nsCidr.address),
      hints: hints.pathBlocked(g.plan, g.plan.nsCidr.address),
    });
  });

  gradeCheck('ping-ns-to-host', async ({ g, lesson }) => {
    await lesson.step('automated script, check 4; manual checklist, item 4');
    const r = await verifyPing(g.target, g.plan, 'ns-to-host', { bindTo: g.plan.nsVeth });
    check(lesson, r.ok, {
      id: 'grade/ping-1-received-2',
      expected: `ping ${g.plan.hostCidr.address} from ${g.plan.netns}: 1 received`,
      seen: r.result.stdout + r.result.stderr,
      next: pathBlocked(g.plan, g.plan.hostCidr.address),
      hints: hints.pathBlocked(g.plan, g.plan.hostCidr.address),
    });
  });

  gradeCheck('bundle-config', async ({ g, lesson, note }) => {
    await lesson.step('Exercise 2 Steps 1-2');
    const path = `${g.plan.bundleDir}/config.json`;
    // Read as data only (never through a link, never a FIFO or device, at most 1 MiB), by a child
    // process with the student's rights and a deadline: it can read only what the student can.
    const asked = await askAsStudent(g.target, g.student, { kind: 'config', bundleDir: g.plan.bundleDir }, READ_CONFIG_MS);
    const r = asked.ok
      ? asked.answer.config
      : { ok: false as const, problem: asked.problem, next: `make ${g.plan.bundleDir} and its config.json readable by uid ${g.student.uid}` };
    if (asked.ok) g.rootfsRead = asked.answer.rootfs;
    if (r.ok) {
      g.studentConfig = r.config;
      for (const f of configFindings(r.config, await g.runcSpec())) await note(f);
    }
    check(lesson, r.ok, {
      id: 'grade/regular-file-link-most',
      expected: `${path}: a regular file (not a link), at most 1 MiB, that parses as an OCI runtime config runc accepts`,
      seen: r.ok ? '' : r.problem,
      next: r.ok ? '' : r.next,
      ...(r.ok ? {} : { hints: hints.configUnreadable(g.plan, r.problem) }),
    });
  });

  gradeCheck('bundle-netns-path', async ({ g, lesson }) => {
    await lesson.step('automated script, check 5; Exercise 2 Step 3');
    const net = g.studentConfig ? networkNamespace(g.studentConfig) : undefined;
    // Compared by the kernel (nsfs, inode) with the namespace under grading when it is there; by name otherwise.
    const path = await judgeNetnsPath(g.target, g.plan, net, { compare: g.outcomes.get('netns-exists') === 'pass', as: asStudentPrefix(g.student) });
    check(lesson, path.ok, {
      id: 'grade/type-network-path',
      expected: `{"type":"network","path":"${g.plan.netnsPath}"}: a path that is the namespace ${g.plan.netnsPath} (nsfs, the same inode)`,
      seen: `${clip(JSON.stringify(net ?? null))}: ${path.seen}`,
      commonError: path.commonError,
      hints: hints.netnsPath(g.plan, path.verdict, net?.path),
    });
  });

  gradeCheck('bundle-rootfs', async ({ g, lesson }) => {
    await lesson.step('Exercise 2 Step 1');
    // Validated by the reader with the student's rights; its answer becomes a mount option, so checked again here.
    const r =
      g.rootfsRead === undefined
        ? { ok: false as const, problem: 'root.path was not read' }
        : g.rootfsRead.ok
          ? (lowerdirProblem(g.rootfsRead.real) ?? g.rootfsRead)
          : g.rootfsRead;
    if (r.ok) g.rootfs = r;
    check(lesson, r.ok, {
      id: 'grade/root-path-names-directory',
      expected: `root.path names a directory of its own (the lesson's "rootfs" in ${g.plan.bundleDir})`,
      seen: r.ok ? '' : r.problem,
      next: `make root.path "rootfs" and build the rootfs there (Exercise 2 Step 1)`,
      ...(r.ok ? {} : { hints: hints.rootfs(g.plan, r.problem, g.studentConfig?.root.path) }),
    });
  });

  gradeCheck('bundle-process', async ({ g, lesson }) => {
    await lesson.step('Exercise 2 Steps 1 and 4');
    const p = g.studentConfig!.process;
    // Static: nothing from the rootfs runs; paths resolve inside the rootfs, ELF headers are read from
    // the bytes, by the reader with the student's rights, stopped at its deadline however large the rootfs.
    const proc = { args: p.args, env: p.env ?? [], cwd: typeof p.cwd === 'string' ? p.cwd : '/' };
    const asked = await askAsStudent(
      g.target,
      g.student,
      { kind: 'process', rootfs: g.rootfs!.real, shown: g.rootfs!.shown, process: proc },
      ANALYSE_MS,
    );
    check(lesson, asked.ok, {
      id: 'grade/process-analysis-finishes',
      expected: `the static analysis of process.args[0] "${clip(p.args[0] ?? '')}" in the rootfs finishes within ${ANALYSE_MS / 1000} s`,
      seen: asked.ok ? '' : asked.problem,
      next: `look for what makes the rootfs slow to read (thousands of files in /etc/ld.so.conf.d, huge library directories) in ${g.rootfs!.shown}`,
    });
    const a = fromWire(asked.answer.analysis);
    g.process = a;
    check(lesson, a.ok, {
      id: 'grade/process-args-0-executable',
      expected: `process.args[0] "${clip(p.args[0] ?? '')}" is ${(p.args[0] ?? '').includes('/') ? 'in the rootfs' : 'found in the rootfs through the PATH in config.json\'s "env"'}, is executable, and what it needs to start is in the rootfs`,
      seen: a.ok ? '' : [a.fault.cause, ...a.chain.map((c) => `  ${c}`)].join('\n'),
      next: a.ok ? '' : a.fault.fix,
      ...(a.ok ? {} : { hints: hints.process(a.fault) }),
    });
  });

  gradeCheck('container-joins-netns', async ({ g, lesson }) => {
    await lesson.step('Exercise 3; manual checklist, item 5');
    const program = g.process?.ok ? g.process.program : '';
    const r = await probeContainer(g, { rootfs: g.rootfs!.real, program, netnsPath: g.plan.netnsPath });
    check(lesson, r.created, {
      id: 'grade/runc-creates-grader-container',
      expected: `runc creates the grader's container (runc spec's config with the student's rootfs and network path; ${program} is never started)`,
      seen: r.error,
      next: `the static analysis found ${program} ready to start, so this is runc's own refusal: read its error above`,
    });
    check(lesson, r.containerInode === r.netnsInode, {
      id: 'grade/container-netns-inode-equals',
      expected: `the container's netns inode equals ${g.plan.netnsPath}'s (${r.netnsInode ?? '?'})`,
      seen: `container netns inode ${r.containerInode ?? '?'}`,
      commonError: fixes.wrongInterfaces(g.plan),
    });
    const veth = findIface(r.inside, g.plan.nsVeth);
    check(lesson, veth?.inet.includes(formatCidr(g.plan.nsCidr)) === true && findIface(r.inside, g.plan.hostVeth) === undefined, {
      id: 'grade/container-sees-veth-container',
      expected: `inside the container: ${g.plan.nsVeth} with ${formatCidr(g.plan.nsCidr)}, and no ${g.plan.hostVeth}`,
      seen: r.insideText || r.error,
      commonError: fixes.wrongInterfaces(g.plan),
    });
  });

  gradeCheck('container-pings-host', async ({ g, lesson, probe }) => {
    await lesson.step('Exercise 3 Step 1 (what this proves, 3: the container can ping the host)');
    const student = g.studentConfig!;
    const path = `${g.plan.bundleDir}/config.json`;
    // Nothing of the student's runs: the program is this machine's busybox; from their config come
    // only the settings that decide whether ping may run (capabilities within runc spec's plus
    // CAP_NET_RAW, uid and gid, noNewPrivileges) and the network path bundle-netns-path validated.
    const values = {
      // The student's path was proven to be this namespace (bundle-netns-path); runc gets the grader's own name for it, which no student can swap.
      netnsPath: g.plan.netnsPath,
      busybox: trustedBusybox(),
      hostIp: g.plan.hostCidr.address,
      capabilities: probeCapabilities(student, await g.runcSpec()),
      user: probeUser(student),
      noNewPrivileges: student.process.noNewPrivileges === true,
    };
    await probe(describePingProbe(values));
    const r = await pingProbe(g, values);
    check(lesson, r.started, {
      id: 'grade/runc-starts-ping-probe',
      expected: `runc starts the grader's ping probe in ${values.netnsPath}`,
      seen: r.refusal,
      next: `the probe's bundle is the grader's own; with ${values.netnsPath} validated a moment ago, read runc's error above (is the namespace still there? "ip netns list")`,
    });
    const ok = r.run.exitCode === 0 && replied(r.delta);
    const seen = `${formatPingDelta(r.delta)}; ping exited ${r.run.exitCode ?? `(${r.run.signal ?? 'killed'})`}: ${r.run.stdout}${r.run.stderr}`;
    const missing = netRawMissing(student);
    // The kernel's account: no echo request left the namespace, and the student's sets lack the capability a raw socket needs.
    const sentNothing = r.delta !== undefined && r.delta.requestsSent === 0;
    const erratum = RUNTIME_NEEDS['net-raw'].erratum;
    check(lesson, ok || missing.length === 0 || !sentNothing, {
      id: 'grade/ping-probe-has-net-raw',
      expected: `ping ${values.hostIp} from inside the container, with config.json's process capabilities, sends an echo request and gets the reply`,
      seen,
      hints: hints.netRaw(g.plan, missing, NET_RAW),
      next: `busybox ping needs a raw socket, and process.capabilities in ${path} lacks ${NET_RAW} in ${missing.join(', ')} (erratum ${erratum}): add "${NET_RAW}" to process.capabilities ${NET_RAW_SETS.join(', ')} in ${path}, e.g. jq '${NET_RAW_SETS.map((set) => `.process.capabilities.${set} += ["${NET_RAW}"]`).join(' | ')}' config.json`,
    });
    // A reply the namespace counted but this machine never answered came from inside the namespace itself.
    const answeredInside = r.delta !== undefined && r.delta.repliesReceived >= 1 && r.delta.answeredInside >= 1 && r.delta.requestsAnswered === 0;
    check(lesson, ok || !answeredInside, {
      id: 'grade/ping-probe-answered-by-host',
      expected: `the echo reply to ${values.hostIp} comes from this machine, through ${g.plan.hostVeth}`,
      seen,
      next: `${values.hostIp} answered from inside ${g.plan.netns} itself: it is an address there too ("ip -n ${g.plan.netns} addr" shows it); it belongs on ${g.plan.hostVeth} only (Exercise 1 Step 4)`,
    });
    // Both ends UP and addressed rules out Common Error 2, as for the ping checks.
    const linksOk = g.unmet(linkChecks).length === 0;
    check(lesson, ok, {
      id: 'grade/ping-probe-replied',
      expected: `ping ${values.hostIp} from inside the container exits 0, and the kernel counts the echo request leaving ${g.plan.netns}, this machine answering it, and the reply coming back`,
      seen,
      ...(linksOk ? { next: pathBlocked(g.plan, values.hostIp) } : { commonError: fixes.noConnectivity(g.plan) }),
    });
  });
});
