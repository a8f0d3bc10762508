import type { Breakage } from '../../helpers/lesson/breakage.js';
import { formatCidr, networkOf } from '../../helpers/net/cidr.js';
import { CNI_PATH } from '../../helpers/net/cni.js';
import { DYNAMIC_BUSYBOX_DIR } from '../../helpers/oci/busybox.js';
import { WAN } from '../../helpers/net/wan.js';
import { inNetns } from '../../helpers/net/ops.js';
import { lessonPlan, type LabPlan } from '../../helpers/lesson/plan.js';
import { networkNamespace, withArgs, withNamespaces, withNetnsPath, withoutNetnsPath } from '../../helpers/oci/config.js';
import { exercise2Args } from '../../helpers/lesson/claims.js';
import type { LabStep } from '../../helpers/lesson/lab.js';
import type { Target } from '../../helpers/targets/types.js';

/**
 * Deliberate breakages, each a mistake a student (or the harness) can make: every lab step
 * skipped or done wrong, every bundle edit wrong or missing, every harness adjustment missing.
 * selftest/verdicts.test.ts runs each against the suite and asserts the first check that fails
 * and its diagnosis.
 */
const run =
  (commands: (p: LabPlan) => string[][]) =>
  async (t: Target, p: LabPlan): Promise<void> => {
    for (const argv of commands(p)) await t.must(argv);
  };

const skip = (name: string, step: LabStep): Breakage => ({ name, lab: { skip: [step] } });
const after = (name: string, step: LabStep, commands: (p: LabPlan) => string[][]): Breakage => ({ name, lab: { after: step, apply: run(commands) } });
const replace = (name: string, step: LabStep, commands: (p: LabPlan) => string[][]): Breakage => ({ name, lab: { replace: { [step]: commands } } });

const OTHER_NETNS = 'other-net';

/**
 * Puts a wrapper script in front of a real program inside the sandbox only (a copy of the real one
 * under /run, the script bind-mounted over each of `paths`): the script runs with $REAL set to the copy.
 */
async function shadowProgram(t: Target, real: string, paths: readonly string[], body: readonly string[]): Promise<void> {
  const name = real.split('/').pop() ?? 'program';
  await t.must(['cp', real, `/run/${name}-real`]);
  await t.writeFile(`/run/${name}-shadow`, ['#!/bin/sh', `REAL=/run/${name}-real`, ...body, ''].join('\n'), '755');
  for (const path of paths) await t.must(['mount', '--bind', `/run/${name}-shadow`, path]);
}

/** A jq whose filters with an assignment (` = `) run `assigning` ($last is the file); other filters run the real jq. */
const shadowJq = (t: Target, assigning: string): Promise<void> =>
  shadowProgram(
    t,
    '/usr/bin/jq',
    ['/usr/bin/jq'],
    ['for last in "$@"; do :; done', 'case "$*" in', `  *' = '*) ${assigning} ;;`, '  *) exec "$REAL" "$@" ;;', 'esac'],
  );

export const FAULTS = {
  // Exercise 1: each step skipped.
  'skip-step-1': skip('skip-step-1', 1),
  'skip-step-2': skip('skip-step-2', 2),
  'skip-step-3': skip('skip-step-3', 3),
  'skip-step-4': skip('skip-step-4', 4),
  'skip-step-5': skip('skip-step-5', 5),
  // Exercise 1: each step done wrong.
  'netns-name-typo': replace('netns-name-typo', 1, (p) => [['ip', 'netns', 'add', `${p.netns}x`]]),
  'veth-peer-misnamed': replace('veth-peer-misnamed', 2, (p) => [
    ['ip', 'link', 'add', p.hostVeth, 'type', 'veth', 'peer', 'name', `${p.nsVeth.slice(0, 13)}-x`],
  ]),
  'wrong-end-moved': replace('wrong-end-moved', 3, (p) => [['ip', 'link', 'set', p.hostVeth, 'netns', p.netns]]),
  'host-address-wrong': after('host-address-wrong', 4, (p) => [
    ['ip', 'addr', 'del', formatCidr(p.hostCidr), 'dev', p.hostVeth],
    ['ip', 'addr', 'add', '10.0.0.3/24', 'dev', p.hostVeth],
  ]),
  'wrong-subnet': after('wrong-subnet', 4, (p) => [
    inNetns(p.netns, ['ip', 'addr', 'del', formatCidr(p.nsCidr), 'dev', p.nsVeth]),
    inNetns(p.netns, ['ip', 'addr', 'add', '10.0.1.2/24', 'dev', p.nsVeth]),
  ]),
  'ns-address-missing': after('ns-address-missing', 4, (p) => [inNetns(p.netns, ['ip', 'addr', 'del', formatCidr(p.nsCidr), 'dev', p.nsVeth])]),
  'veth-host-down': after('veth-host-down', 5, (p) => [['ip', 'link', 'set', p.hostVeth, 'down']]),
  'veth-container-down': after('veth-container-down', 5, (p) => [inNetns(p.netns, ['ip', 'link', 'set', p.nsVeth, 'down'])]),
  'ns-lo-down': after('ns-lo-down', 5, (p) => [inNetns(p.netns, ['ip', 'link', 'set', 'lo', 'down'])]),
  // The lab undone after it was built.
  'ns-veth-deleted': after('ns-veth-deleted', 3, (p) => [inNetns(p.netns, ['ip', 'link', 'del', p.nsVeth])]),
  'netns-missing': after('netns-missing', 5, (p) => [['ip', 'netns', 'del', p.netns]]),
  'veth-pair-deleted': after('veth-pair-deleted', 5, (p) => [['ip', 'link', 'del', p.hostVeth]]),
  'ns-veth-moved-away': after('ns-veth-moved-away', 5, (p) => [
    ['ip', 'netns', 'add', OTHER_NETNS],
    inNetns(p.netns, ['ip', 'link', 'set', p.nsVeth, 'netns', OTHER_NETNS]),
  ]),
  // The host's address also given to the namespace: pings "work" without crossing the veth.
  'host-ip-inside-netns': after('host-ip-inside-netns', 5, (p) => [inNetns(p.netns, ['ip', 'addr', 'add', `${p.hostCidr.address}/32`, 'dev', 'lo'])]),
  // Exercise 2: each edit of the lesson's bundle missing or wrong.
  'edit-path-missing': { name: 'edit-path-missing', config: (c) => withoutNetnsPath(c) },
  'edit-path-typo': { name: 'edit-path-typo', config: (c, p) => withNetnsPath(`${p.netnsPath}x`)(c) },
  'edit-path-other-netns': {
    name: 'edit-path-other-netns',
    config: (c) => withNetnsPath(`/var/run/netns/${OTHER_NETNS}`)(c),
    bundle: async (t) => void (await t.must(['ip', 'netns', 'add', OTHER_NETNS])),
  },
  'edit-network-dropped': {
    name: 'edit-network-dropped',
    config: (c) => withNamespaces(c.linux.namespaces.filter((n) => n !== networkNamespace(c)))(c),
  },
  'edit-args-missing': { name: 'edit-args-missing', config: (c) => withArgs('sh')(c) },
  'edit-args-wrong-address': {
    name: 'edit-args-wrong-address',
    config: (c, p) => withArgs(...exercise2Args({ ...p, hostCidr: { ...p.hostCidr, address: '10.0.0.3' } }))(c),
  },
  'rootfs-no-busybox': { name: 'rootfs-no-busybox', bundle: async (t, dir) => void (await t.must(['rm', '-f', `${dir}/rootfs/bin/busybox`])) },
  'spec-missing': { name: 'spec-missing', bundle: async (t, dir) => void (await t.must(['rm', '-f', `${dir}/config.json`])) },
  // Exercise 1 done out of order or with another name; the namespace file not a namespace.
  'netns-wrong-name': replace('netns-wrong-name', 1, () => [['ip', 'netns', 'add', 'lab-net']]),
  'netns-file-forged': replace('netns-file-forged', 1, (p) => [
    ['mkdir', '-p', '/var/run/netns'],
    ['touch', p.netnsPath],
    ['chown', '65534:65534', p.netnsPath],
  ]),
  'netns-deleted-after-move': after('netns-deleted-after-move', 3, (p) => [['ip', 'netns', 'del', p.netns]]),
  'ns-veth-up-early': after('ns-veth-up-early', 3, (p) => [inNetns(p.netns, ['ip', 'link', 'set', p.nsVeth, 'up'])]),
  // The two ends the lesson names are not one pair: veth-host is a bridge, veth-container's peer a stray.
  'veth-ends-not-a-pair': replace('veth-ends-not-a-pair', 2, (p) => [
    ['ip', 'link', 'add', p.hostVeth, 'type', 'bridge'],
    ['ip', 'link', 'add', p.nsVeth, 'type', 'veth', 'peer', 'name', 'stray-peer'],
  ]),
  // A second namespace whose name contains the lesson's: the lesson's grep-based checks see it.
  'similar-netns-left': after('similar-netns-left', 1, (p) => [['ip', 'netns', 'add', `${p.netns}-old`]]),
  // The lab host already masquerades the lab subnet (an earlier attempt at Common Error 4's fix):
  // route + ip_forward alone then get replies. Only in the sandbox's own network namespace.
  'nat-already-there': after('nat-already-there', 5, (p) => [
    ['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', formatCidr(networkOf(p.hostCidr)), '-j', 'MASQUERADE'],
  ]),
  // The same on a lab host that does not forward until the lesson's ip_forward fix (the sandbox's own sysctl).
  'nat-already-there-no-forward': {
    ...after('nat-already-there-no-forward', 5, (p) => [
      ['iptables', '-t', 'nat', '-A', 'POSTROUTING', '-s', formatCidr(networkOf(p.hostCidr)), '-j', 'MASQUERADE'],
    ]),
    machine: (t) => t.writeFile('/proc/sys/net/ipv4/ip_forward', '0\n'),
  },
  // The lab host already source-NATs the lab subnet with a rule ahead of POSTROUTING's end, where the
  // lesson appends MASQUERADE: the container reaches the WAN, but not through the lesson's rule.
  'snat-before-masquerade': after('snat-before-masquerade', 5, (p) => [
    ['iptables', '-t', 'nat', '-I', 'POSTROUTING', '1', '-s', formatCidr(networkOf(p.hostCidr)), '-j', 'SNAT', '--to-source', WAN.uplinkCidr.address],
  ]),
  // The namespace file is mounted twice (a second bind mount over the first): "ip netns del" takes
  // one mount away, cannot remove the file, and the namespace stays listed after Clean Up.
  'netns-pinned': after('netns-pinned', 1, (p) => [['mount', '--bind', p.netnsPath, p.netnsPath]]),
  // The machine a test runs on (its sandbox) is not as the lesson assumes.
  'netns-name-taken': { name: 'netns-name-taken', machine: async (t) => void (await t.must(['ip', 'netns', 'add', lessonPlan(t.home).netns])) },
  'ip-setuid-root': {
    name: 'ip-setuid-root',
    machine: async (t) => {
      await t.must(['cp', '/usr/sbin/ip', '/run/ip-setuid']);
      await t.must(['chmod', '4755', '/run/ip-setuid']);
      for (const path of ['/usr/sbin/ip', '/usr/bin/ip']) await t.must(['mount', '--bind', '/run/ip-setuid', path]);
    },
  },
  'cni-plugins-hidden': {
    name: 'cni-plugins-hidden',
    machine: async (t) => void (await t.must(['mount', '-t', 'tmpfs', 'lesson06-fault', CNI_PATH])),
  },
  // jq on this machine does not do what the lesson's filters mean: assignments are dropped (the
  // input comes back unchanged), or an assignment also adds a field of its own. Reads stay real.
  'jq-ignores-assignments': { name: 'jq-ignores-assignments', machine: (t) => shadowJq(t, 'exec "$REAL" . "$last"') },
  'jq-adds-a-field': { name: 'jq-adds-a-field', machine: (t) => shadowJq(t, `"$REAL" "$@" | "$REAL" '. + {"x-added": true}'`) },
  // iproute2 words a missing device neither as the lesson nor as iproute2 does ("ip link show X" still fails).
  'ip-error-reworded': {
    name: 'ip-error-reworded',
    machine: (t) =>
      shadowProgram(
        t,
        '/usr/sbin/ip',
        ['/usr/sbin/ip', '/usr/bin/ip'],
        [
          'err=$(mktemp)',
          '"$REAL" "$@" 2>"$err"',
          'rc=$?',
          'if grep -q "does not exist\\|Cannot find device" "$err"; then echo "Error: no such link." >&2; else cat "$err" >&2; fi',
          'rm -f "$err"',
          'exit $rc',
        ],
      ),
  },
  // Debian's dynamic busybox (Exercise 2's counter-example) was never unpacked on this machine.
  'dynamic-busybox-missing': {
    name: 'dynamic-busybox-missing',
    machine: async (t) => void (await t.must(['mount', '-t', 'tmpfs', 'lesson06-fault', DYNAMIC_BUSYBOX_DIR])),
  },
  // The lab host's firewall refuses to forward (Docker sets FORWARD's policy to DROP on the machines it runs on).
  'forward-policy-drop': { name: 'forward-policy-drop', machine: async (t) => void (await t.must(['iptables', '-P', 'FORWARD', 'DROP'])) },
  // A CNI plugin whose ADD result names another address than the one it gave eth0 (a plugin and
  // its IPAM out of step): the result is rewritten, the namespace is as the real plugin left it.
  'cni-result-lies': {
    name: 'cni-result-lies',
    machine: (t) =>
      shadowProgram(
        t,
        `${CNI_PATH}/bridge`,
        [`${CNI_PATH}/bridge`],
        [
          '[ "$CNI_COMMAND" = ADD ] || exec "$REAL" "$@"',
          'out=$(mktemp)',
          '"$REAL" "$@" >"$out"',
          'rc=$?',
          'if [ $rc -eq 0 ]; then jq -c \'.ips[0].address = "10.22.0.99/16"\' "$out"; else cat "$out"; fi',
          'rm -f "$out"',
          'exit $rc',
        ],
      ),
  },
  'host-ignores-echo': { name: 'host-ignores-echo', machine: (t) => t.writeFile('/proc/sys/net/ipv4/icmp_echo_ignore_all', '1\n') },
  // The runtime needs the harness meets, each left out although the runtime has it.
  'no-applets': { name: 'no-applets', dropNeeds: ['applets'] },
  'no-terminal-fix': { name: 'no-terminal-fix', dropNeeds: ['terminal'] },
  'no-net-raw': { name: 'no-net-raw', dropNeeds: ['net-raw'] },
} as const satisfies Record<string, Breakage>;

export type FaultName = keyof typeof FAULTS;
