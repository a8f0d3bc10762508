import { check, describe, test } from '../fixtures/index.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { addressView, findIface, isUp, parseIpAddrText, parsePingSummary } from '../helpers/net/ip.js';
import { CLAIMED_PING_COUNT, exercise2Args, exercise2Namespaces, IDLE_ARGS } from '../helpers/lesson/claims.js';
import { formatCidr } from '../helpers/net/cidr.js';
import { interfacesAsTheLessonAsks, nsInode } from '../helpers/net/ops.js';
import { withArgs, withNamespaces, withTerminal } from '../helpers/oci/config.js';
import { inDir } from '../helpers/lesson/as-written.js';
import { RUN_TIMEOUT_MS } from '../helpers/oci/runtime.js';
import { outcomeText } from '../helpers/net/views.js';

/** The part of the container's output that `ip addr` printed, before ping starts. */
const ipAddrPart = (stdout: string): string => stdout.split(/^PING /m)[0] ?? '';

describe('exercise-3', { tags: ['exercise-3'] }, () => {
  test('step 1: the container sees veth-container with 10.0.0.2/24 and lo up, not veth-host', async ({ plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('Step 1');
    await lesson.checks('exercise-3/s1/proves/1', 'exercise-3/s1/proves/2', 'exercise-3/s1/proves/4');
    await lab.through(5);
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    const seen = parseIpAddrText(ipAddrPart(r.stdout));
    const veth = findIface(seen, plan.nsVeth);
    const lo = findIface(seen, 'lo');
    check(lesson, veth !== undefined && findIface(seen, plan.hostVeth) === undefined, {
      expected: `the container lists ${plan.nsVeth} and not ${plan.hostVeth}`,
      seen: r.stdout + r.stderr,
      commonError: fixes.wrongInterfaces(plan),
    });
    check(lesson, veth.inet.includes(formatCidr(plan.nsCidr)) && isUp(veth), {
      expected: `${plan.nsVeth} is UP with ${formatCidr(plan.nsCidr)}`,
      seen: `flags ${veth.flags.join(',')}; inet ${veth.inet.join(', ') || 'none'}`,
      commonError: fixes.noConnectivity(plan),
    });
    check(lesson, lo !== undefined && isUp(lo) && lo.inet.includes('127.0.0.1/8'), {
      expected: 'lo is present, UP, with 127.0.0.1/8',
      seen: lo ? `flags ${lo.flags.join(',')}; inet ${lo.inet.join(', ') || 'none'}` : 'no lo',
      commonError: fixes.noConnectivity(plan),
    });
  });

  test('step 1: the container pings the host at 10.0.0.1 (3 sent, 3 received)', async ({ plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('Step 1');
    await lesson.checks('exercise-3/s1/proves/3');
    await lab.through(5);
    const r = await runc.run(plan.containerId, lessonBundle.dir);
    const summary = parsePingSummary(r.stdout);
    check(lesson, r.exitCode === 0 && summary?.received === CLAIMED_PING_COUNT, {
      expected: `exit 0 and "${CLAIMED_PING_COUNT} packets transmitted, ${CLAIMED_PING_COUNT} packets received"`,
      seen: `exit ${r.exitCode}; ${r.stdout}${r.stderr}`,
      commonError: fixes.noConnectivity(plan),
    });
  });

  test("step 1: with runc spec's default capabilities the container's ping is refused (needs CAP_NET_RAW)", async ({ plan, lab, makeBundle, runc, lesson }) => {
    await lesson.step('Step 1');
    await lab.through(5);
    const bundle = await makeBundle(plan.bundleDir);
    const config = await bundle.patch(
      withNamespaces(exercise2Namespaces(plan.netnsPath)),
      withArgs(...exercise2Args(plan)),
      withTerminal(false),
    );
    const caps = config.process.capabilities?.bounding ?? [];
    const r = await runc.run(plan.containerId, bundle.dir);
    const out = r.stdout + r.stderr;
    check(lesson, !caps.includes('CAP_NET_RAW') && r.exitCode !== 0 && /permission denied|not permitted/i.test(out), {
      expected: `without CAP_NET_RAW (bounding set: ${caps.join(', ')}) busybox ping inside the container is refused`,
      seen: `exit ${r.exitCode}; ${out}`,
    });
    await lesson.erratum({
      id: 'E-ping-needs-net-raw',
      where: 'Exercise 3 Step 1',
      claim: 'the container prints three ping replies from 10.0.0.1',
      observed: `runc spec's default capabilities (${caps.join(', ')}) lack CAP_NET_RAW, so busybox ping fails; adding CAP_NET_RAW to the capability sets makes the lesson's output appear`,
      evidence: out.split('\n').filter((l) => /ping|denied|permitted/i.test(l)).join('\n'),
    });
  });

  test("proof of joining: the container's /proc/<pid>/ns/net is /var/run/netns/container-net (same inode)", async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('Step 1 (what this proves)');
    await lesson.runs('exercise-3/s1/b1/L2', { adjustment: 'idle-process', as: [['runc', 'run', '--detach', plan.containerId]] });
    await lesson.checks('exercise-3/s1/proves/1', 'background-how-container-runtimes-handle-networking/cfg2', 'the-config-json-namespaces-section/cfg1');
    await lab.through(5);
    await lessonBundle.patch(withArgs(...IDLE_ARGS));
    const { result, pid, log } = await runc.runDetached(plan.containerId, lessonBundle.dir);
    check(lesson, pid !== undefined, { expected: 'the container starts detached', seen: `${result.stderr}${log}` });
    const container = await nsInode(target, `/proc/${pid}/ns/net`);
    const netns = await nsInode(target, plan.netnsPath);
    const host = await nsInode(target, '/proc/self/ns/net');
    check(lesson, container === netns && container !== host, {
      expected: `inode of /proc/${pid}/ns/net equals inode of ${plan.netnsPath} (${netns}) and differs from the host's (${host})`,
      seen: `container netns inode ${container}`,
      commonError: fixes.wrongInterfaces(plan),
    });
  });

  test('step 2: ip netns pids container-net lists the running container', async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('Step 2');
    await lesson.runs('exercise-3/s1/b1/L2', { adjustment: 'idle-process', as: [['runc', 'run', '--detach', plan.containerId]] });
    await lab.through(5);
    await lessonBundle.patch(withArgs(...IDLE_ARGS));
    const { pid } = await runc.runDetached(plan.containerId, lessonBundle.dir);
    const state = await runc.state(plan.containerId);
    const pids = (await target.must(['ip', 'netns', 'pids', plan.netns])).stdout.split('\n').filter(Boolean);
    check(lesson, pid !== undefined && state?.pid === pid && state.status === 'running' && pids.includes(String(pid)), {
      expected: `runc state says running with pid ${pid ?? '?'}, and "ip netns pids ${plan.netns}" lists it`,
      seen: `state ${JSON.stringify(state)}; pids [${pids.join(', ')}]`,
      commonError: fixes.wrongInterfaces(plan),
    });
  });

  test('step 2: ip netns exec container-net ip addr matches what the container sees', async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('Step 2');
    await lesson.runs('exercise-3/s1/b1/L2', { adjustment: 'idle-process', as: [['runc', 'run', '--detach', plan.containerId]] });
    await lesson.runs('exercise-3/s2/b1/L5', { adjustment: 'json-output', as: [['ip', 'netns', 'exec', plan.netns, 'ip', '-j', 'addr', 'show']] });
    await lesson.checks('exercise-3/s2/b1/L6');
    await lab.through(5);
    await lessonBundle.patch(withArgs(...IDLE_ARGS));
    await runc.runDetached(plan.containerId, lessonBundle.dir);
    const inside = await runc.exec(plan.containerId, ['ip', 'addr']);
    const fromContainer = addressView(parseIpAddrText(inside.stdout));
    const fromNetns = addressView(await interfacesAsTheLessonAsks(target, plan.netns));
    check(lesson, inside.exitCode === 0 && JSON.stringify(fromContainer) === JSON.stringify(fromNetns), {
      expected: `the same interfaces and addresses: ${fromNetns.join(' | ')}`,
      seen: `runc exec ip addr: ${fromContainer.join(' | ') || inside.stderr}`,
      commonError: fixes.wrongInterfaces(plan),
    });
  });

  test("as written: cd ~/oci-netns-test; runc run netns-test prints the lesson's expected output", async ({ target, plan, lab, lessonBundle, runc, lesson }) => {
    await lesson.step('Step 1, as written');
    await lesson.runs('exercise-3/s1/b1/L1', { adjustment: 'cwd', as: [['env', '-C', lessonBundle.dir]] });
    await lesson.runs('exercise-3/s1/b1/L2', { adjustment: 'unattended-bundle', as: [inDir(lessonBundle.dir, ['runc', 'run', plan.containerId])] });
    await lesson.checks('exercise-3/s1/out1');
    await lab.through(5);
    const r = await target.exec(inDir(lessonBundle.dir, [runc.binary, 'run', plan.containerId]), { timeoutMs: RUN_TIMEOUT_MS });
    const seen = parseIpAddrText(ipAddrPart(r.stdout));
    const lo = findIface(seen, 'lo');
    const veth = findIface(seen, plan.nsVeth);
    const seqs = [...r.stdout.matchAll(new RegExp(`^64 bytes from ${plan.hostCidr.address.replaceAll('.', '\\.')}: seq=(\\d+) ttl=64 `, 'gm'))].map((m) => Number(m[1]));
    check(lesson, r.exitCode === 0 && seen.length === 2 && lo !== undefined && isUp(lo) && lo.inet.includes('127.0.0.1/8') && veth !== undefined && isUp(veth) && veth.inet.includes(formatCidr(plan.nsCidr)), {
      expected: `ip addr lists exactly lo (UP, 127.0.0.1/8) and ${plan.nsVeth} (UP, ${formatCidr(plan.nsCidr)})`,
      seen: outcomeText(r),
      commonError: fixes.wrongInterfaces(plan),
    });
    check(lesson, r.stdout.includes(`PING ${plan.hostCidr.address} (${plan.hostCidr.address}): 56 data bytes`) && JSON.stringify(seqs) === '[0,1,2]', {
      expected: `"PING ${plan.hostCidr.address} (${plan.hostCidr.address}): 56 data bytes" and replies seq=0, 1, 2 with ttl=64`,
      seen: `replies seq=${JSON.stringify(seqs)}; ${outcomeText(r)}`,
      commonError: fixes.noConnectivity(plan),
    });
  });
});
