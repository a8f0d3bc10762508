import { check, describe, test, testId } from '../fixtures/index.js';
import {
  checkJoined,
  checkPrintedView,
  checkRanAndPrinted,
  checkRepliesCrossed,
  checkRunOutcome,
  countersOf,
  ipOutputOf,
  startContainer,
  startIdle,
} from '../fixtures/proofs.js';
import { bridgeConf, invokeCni, resultMismatch, type CniResult } from '../helpers/net/cni.js';
import { formatResult, type ExecResult } from '../helpers/targets/exec.js';
import { findIface, parseIpAddrText } from '../helpers/net/ip.js';
import { fixes } from '../helpers/lesson/fixes.js';
import { inNetns, interfaces, linkExists, ping } from '../helpers/net/ops.js';
import { withArgs, withNetnsPath } from '../helpers/oci/config.js';
import type { Target } from '../helpers/targets/types.js';
import { waitFor } from '../helpers/wait.js';

const POD_NET = '/var/run/netns/shared-pod-net';
const C1_TO_C2 = { from: '/var/run/netns/c1', via: 'eth0', to: '/var/run/netns/c2' };

describe('notes', { tags: ['notes'] }, () => {
  test(
    'sharing a netns (pod pattern): two containers with the same path share inode, interfaces and localhost',
    testId('notes/shared-netns-pod'),
    async ({ target, plan, makeBundle, runc, lesson, cx }) => {
      await lesson.step('Sharing Network Namespaces');
      await lesson.checks('notes/cfg3');
      await target.must(['ip', 'netns', 'add', 'shared-pod-net']);
      await target.must(inNetns('shared-pod-net', ['ip', 'link', 'set', 'lo', 'up']));
      const a = await makeBundle(`${target.home}/pod-a`);
      const b = await makeBundle(`${target.home}/pod-b`);
      await a.patch(withNetnsPath(POD_NET), withArgs('nc', '-l', '-p', '8080', '-e', 'echo', 'hello-from-pod-a'));
      await b.patch(withNetnsPath(POD_NET));
      const ca = await startContainer(cx, 'pod-a', a, [POD_NET]);
      const cb = await startIdle(cx, 'pod-b', b, [POD_NET]);
      checkJoined(cx, ca, POD_NET);
      checkJoined(cx, cb, POD_NET);
      const viewA = await interfaces(target, 'shared-pod-net');
      const inB = await runc.exec('pod-b', ['ip', 'addr']);
      checkPrintedView(cx, parseIpAddrText(inB.stdout), viewA, 'shared-pod-net (as pod-b sees it through runc exec)');
      const listening = async (): Promise<boolean> =>
        (await target.exec(inNetns('shared-pod-net', ['ss', '-Hltn', 'sport = :8080']))).stdout.includes('8080');
      let up = false;
      await waitFor(async () => (up = await listening()), { timeoutMs: 5_000, what: 'pod-a to listen on port 8080' }).catch(() => undefined);
      // What pod-a runs instead, from the kernel: a runtime that never started the program leaves its own init there.
      const runs = up ? '' : (await target.exec(['cat', `/proc/${ca.pid}/cmdline`])).stdout.split('\0').filter(Boolean).join(' ');
      check(lesson, up, {
        id: 'notes/pod-nc-listens-port',
        expected: "pod-a's nc listens on port 8080 in shared-pod-net within 5 s",
        seen: `no listener; pod-a's process ${ca.pid} runs: ${runs || '(nothing: it exited)'}`,
        next:
          runs !== '' && !runs.startsWith('nc ')
            ? `pod-a's process runs "${runs}", not config.json's "nc -l -p 8080 …": the runtime under test (${runc.binary}) never started the program it was given`
            : "read pod-a's process in the transcript",
      });
      const reply = await runc.exec('pod-b', ['nc', '-w', '2', '127.0.0.1', '8080']);
      check(lesson, reply.stdout.includes('hello-from-pod-a'), {
        id: 'notes/pod-b-reads-pod',
        expected: "pod-b reads pod-a's listener on 127.0.0.1:8080",
        seen: formatResult(reply),
        commonError: fixes.wrongInterfaces(plan),
      });
    },
  );
});

/** docker0-style bridge with two namespaces plugged in, as Docker's default network does. */
async function dockerStyleBridge(t: Target): Promise<void> {
  const run = async (argv: string[]): Promise<void> => void (await t.must(argv));
  await run(['ip', 'link', 'add', 'docker0', 'type', 'bridge']);
  await run(['ip', 'addr', 'add', '172.17.0.1/16', 'dev', 'docker0']);
  await run(['ip', 'link', 'set', 'docker0', 'up']);
  for (const [n, addr] of [
    ['c1', '172.17.0.2/16'],
    ['c2', '172.17.0.3/16'],
  ] as const) {
    await run(['ip', 'netns', 'add', n]);
    await run(['ip', 'link', 'add', `veth-${n}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', n]);
    await run(['ip', 'link', 'set', `veth-${n}`, 'master', 'docker0']);
    await run(['ip', 'link', 'set', `veth-${n}`, 'up']);
    await run(inNetns(n, ['ip', 'addr', 'add', addr, 'dev', 'eth0']));
    await run(inNetns(n, ['ip', 'link', 'set', 'eth0', 'up']));
    await run(inNetns(n, ['ip', 'link', 'set', 'lo', 'up']));
  }
}

describe('notes', { tags: ['notes'] }, () => {
  test(
    'Docker-style bridge: two namespaces on docker0 reach each other and the bridge address',
    testId('notes/docker-bridge'),
    async ({ target, lesson }) => {
      await lesson.step('How This Relates to Docker');
      await dockerStyleBridge(target);
      const peer = await ping(target, '172.17.0.3', { netns: 'c1', count: 1 });
      const gateway = await ping(target, '172.17.0.1', { netns: 'c1', count: 1 });
      check(lesson, peer.ok && gateway.ok, {
        id: 'notes/c1-c2-172-17',
        expected: 'c1 → c2 (172.17.0.3) and c1 → docker0 (172.17.0.1) both answer',
        seen: `peer: ${formatResult(peer.result)}\nbridge: ${formatResult(gateway.result)}`,
        next: 'check the bridge: "ip link show master docker0" should list veth-c1 and veth-c2, both UP',
      });
    },
  );

  test(
    'Docker-style bridge: a runc container joining c1 by path reaches c2 through the bridge',
    testId('notes/docker-bridge-runc'),
    async ({ target, makeBundle, runc, lesson, cx }) => {
      await lesson.step('How This Relates to Docker');
      await dockerStyleBridge(target);
      const b = await makeBundle(`${target.home}/bridge-test`);
      await b.patch(withNetnsPath('/var/run/netns/c1'), withArgs('sh', '-c', 'ip addr && ping -c 1 -W 1 172.17.0.3'));
      const before = await countersOf(cx, C1_TO_C2);
      const r = await runc.run('bridge-test', b.dir);
      checkPrintedView(cx, ipOutputOf(r.stdout), await interfaces(target, 'c1'), 'c1');
      await checkRunOutcome(cx, b, r, { symptoms: ['ok'], expected: 'the container pings c2 (172.17.0.3): 1 reply' });
      await checkRepliesCrossed(cx, before, r, C1_TO_C2);
    },
  );

  test(
    'docker run --network bridge alpine ip addr, by hand: the container started with the netns path sees eth0 with its 172.17 address',
    testId('notes/docker-run-by-hand'),
    async ({ target, plan, makeBundle, runc, lesson, cx }) => {
      await lesson.step('How This Relates to Docker (docker run, by hand)');
      await lesson.runs('notes/b1/L2', {
        adjustment: 'docker-by-hand',
        as: [
          ['ip', 'link', 'add', 'docker0', 'type', 'bridge'],
          ['runc', 'run'],
        ],
      });
      await dockerStyleBridge(target);
      const b = await makeBundle(`${target.home}/docker-run-test`);
      await b.patch(withNetnsPath('/var/run/netns/c1'), withArgs('ip', 'addr'));
      const r = await runc.run('docker-run-test', b.dir);
      const seen = await checkRanAndPrinted(cx, b, r, await interfaces(target, 'c1'), 'c1');
      const eth0 = findIface(seen, 'eth0');
      check(
        lesson,
        eth0?.inet.includes('172.17.0.2/16') === true &&
          seen
            .map((i) => i.ifname)
            .sort()
            .join(',') === 'eth0,lo',
        {
          id: 'notes/ip-addr-container-lists',
          expected: 'ip addr in the container lists lo and eth0 with 172.17.0.2/16 (the end Docker moved in from docker0)',
          seen: formatResult(r),
          commonError: fixes.wrongInterfaces(plan),
        },
      );
    },
  );
});

const CNI_NETNS = 'cni-test';
const CNI_NETNS_PATH = `/var/run/netns/${CNI_NETNS}`;
/** The CNI gateway is the bridge's address, in the lab host's own namespace. */
const CNI_TO_GATEWAY = { from: CNI_NETNS_PATH, via: 'eth0', to: undefined };

async function cniAdd(t: Target): Promise<{ r: ExecResult; result: CniResult }> {
  await t.must(['ip', 'netns', 'add', CNI_NETNS]);
  const r = await invokeCni(t, { command: 'ADD', containerId: 'cni-ctr', netnsPath: CNI_NETNS_PATH, ifname: 'eth0', conf: bridgeConf() });
  let result: CniResult = {};
  try {
    result = JSON.parse(r.stdout) as CniResult;
  } catch {
    // left empty: the check below reports the plugin's own output
  }
  return { r, result };
}

describe('notes', { tags: ['notes'] }, () => {
  test(
    'CNI ADD: the bridge plugin with host-local IPAM puts eth0 with a 10.22.0.0/16 address into the netns',
    testId('notes/cni-add'),
    async ({ target, lesson }) => {
      await lesson.step('The CNI Standard');
      await lesson.checks('notes/cfg2');
      const { r, result } = await cniAdd(target);
      const ip = result.ips?.[0]?.address ?? '';
      const eth0 = findIface(await interfaces(target, CNI_NETNS), 'eth0');
      check(lesson, r.exitCode === 0 && ip.startsWith('10.22.') && eth0?.inet.includes(ip) === true, {
        id: 'notes/add-exits-0-eth0',
        expected: 'ADD exits 0 and eth0 in the netns carries the address from the result',
        seen: `${formatResult(r)}\neth0: ${eth0?.inet.join(', ') ?? 'missing'}`,
        next:
          r.exitCode === 0
            ? resultMismatch(CNI_NETNS, ip, eth0?.inet)
            : "read the plugin's error above; the plugins live in /usr/lib/cni (containernetworking-plugins)",
      });
    },
  );

  test(
    'CNI + runc: the container joins the CNI netns, has the CNI address and reaches the gateway',
    testId('notes/cni-runc'),
    async ({ target, makeBundle, runc, lesson, cx }) => {
      await lesson.step('The CNI Standard (runtime starts with the CNI netns path)');
      const { r: add, result } = await cniAdd(target);
      const ip = result.ips?.[0]?.address;
      const gw = result.ips?.[0]?.gateway;
      check(lesson, add.exitCode === 0 && ip !== undefined && gw !== undefined, {
        id: 'notes/cni-add-gives-address',
        expected: 'CNI ADD gives an address and a gateway',
        seen: formatResult(add),
        next: "read the plugin's error above",
      });
      const b = await makeBundle(`${target.home}/cni-test`);
      await b.patch(withNetnsPath(CNI_NETNS_PATH), withArgs('sh', '-c', `ip addr && ping -c 1 -W 1 ${gw}`));
      const before = await countersOf(cx, CNI_TO_GATEWAY);
      const r = await runc.run('cni-ctr', b.dir);
      const printed = ipOutputOf(r.stdout);
      checkPrintedView(cx, printed, await interfaces(target, CNI_NETNS), CNI_NETNS);
      // The printed view is the CNI namespace's own (checked above): a different address there is the plugin's doing, not the bundle's.
      const eth0 = findIface(printed, 'eth0');
      check(lesson, eth0?.inet.includes(ip) === true, {
        id: 'notes/container-sees-eth0',
        expected: `the container sees eth0 with ${ip}`,
        seen: formatResult(r),
        next: resultMismatch(CNI_NETNS, ip, eth0?.inet),
      });
      await checkRunOutcome(cx, b, r, { symptoms: ['ok'], expected: `the container pings the gateway ${gw}: 1 reply` });
      await checkRepliesCrossed(cx, before, r, CNI_TO_GATEWAY);
    },
  );

  test('CNI CHECK with the previous result succeeds', testId('notes/cni-check'), async ({ target, lesson }) => {
    await lesson.step('The CNI Standard (CHECK)');
    const { result } = await cniAdd(target);
    const r = await invokeCni(target, {
      command: 'CHECK',
      containerId: 'cni-ctr',
      netnsPath: CNI_NETNS_PATH,
      ifname: 'eth0',
      conf: { ...bridgeConf(), prevResult: result },
    });
    check(lesson, r.exitCode === 0, {
      id: 'notes/check-exits-0',
      expected: 'CHECK exits 0',
      seen: formatResult(r),
      next: "read the plugin's error above",
    });
  });

  test('CNI DEL removes the veth and releases the address; a second DEL succeeds', testId('notes/cni-del'), async ({ target, lesson }) => {
    await lesson.step('The CNI Standard (cleanup on exit)');
    const { r: add, result } = await cniAdd(target);
    const hostVeth = result.interfaces?.find((i) => i.sandbox === undefined && i.name !== 'cni0')?.name ?? '(none)';
    const ip = (result.ips?.[0]?.address ?? '').split('/')[0] ?? '';
    const lease = `/run/cni-ipam/lesson06/${ip}`;
    const before = (await linkExists(target, hostVeth)) && (await target.exists(lease));
    const del = { command: 'DEL' as const, containerId: 'cni-ctr', netnsPath: CNI_NETNS_PATH, ifname: 'eth0', conf: bridgeConf() };
    const first = await invokeCni(target, del);
    const gone = !(await linkExists(target, hostVeth)) && !(await target.exists(lease));
    const second = await invokeCni(target, del);
    check(lesson, before && first.exitCode === 0 && gone && second.exitCode === 0, {
      id: 'notes/lease-exist-after-add',
      expected: `${hostVeth} and the lease ${lease} exist after ADD, are gone after DEL, and a second DEL exits 0`,
      seen: `before ${before}; first DEL ${formatResult(first)}; gone ${gone}; second DEL ${formatResult(second)}`,
      // Only an ADD that succeeded can name what it did not make; a failed one has its own error.
      next:
        before || add.exitCode !== 0
          ? "read the plugin's error above"
          : `${hostVeth} or the lease ${lease} is missing right after ADD: the ADD result names what the plugin did not make (compare it with "ip link" and /run/cni-ipam)`,
    });
  });
});
