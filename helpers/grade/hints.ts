import { formatCidr, networkOf } from '../net/cidr.js';
import type { HintLadder } from '../lesson/diagnosis.js';
import { fixes } from '../lesson/fixes.js';
import type { LabPlan } from '../lesson/plan.js';
import type { NetnsPathVerdict, NewNetnsVerdict } from '../lesson/verify-checks.js';
import type { PathFact } from './student-reader.js';
import type { ProcessFault } from './process-check.js';

/**
 * The hint ladders of the grade checks (specs/grade.spec.ts): level 1 says what is wrong in the
 * student's names, level 2 which lesson section builds it and what the kernel shows, level 3 the
 * commands that fix it, in the student's paths, `sudo` where the lesson uses it. Commands are
 * printed for a person to type; the selftest runs each one as printed, split into argv, no shell.
 */

/** A word as a shell reads it back unchanged: bare when safe, otherwise in single quotes. */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** A word inside double quotes: `\`, `"`, `$` and backquotes escaped. */
const doubleQuoted = (s: string): string => `"${s.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;

/**
 * The lesson's in-place jq edit of config.json (Exercise 2, Steps 3-4: jq into config.json.tmp,
 * then mv), as one command: `sh -c "…"`, since the redirection and the mv need a shell.
 */
export function jqEdit(bundleDir: string, filter: string): string {
  const script = `cd ${shellWord(bundleDir)} && jq ${shellWord(filter)} config.json > config.json.tmp && mv config.json.tmp config.json`;
  return `sh -c ${doubleQuoted(script)}`;
}

/** The PATH the lesson's prestart hook entry gives its hook. */
const HOOK_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const netnsPathFilter = (p: LabPlan, hasEntry: boolean): string =>
  hasEntry
    ? `.linux.namespaces |= map(if .type == "network" then .path = ${JSON.stringify(p.netnsPath)} else . end)`
    : `.linux.namespaces += [{"type": "network", "path": ${JSON.stringify(p.netnsPath)}}]`;

export const hints = {
  netnsMissing: (p: LabPlan, listed: readonly string[], notNsfs: boolean): HintLadder => ({
    symptom: notNsfs
      ? `${p.netnsPath} is there but is no network namespace (not nsfs): "ip netns list" shows a name without a namespace behind it`
      : `there is no network namespace named ${p.netns}: "ip netns list" shows ${listed.length > 0 ? listed.join(', ') : 'none'}`,
    concept: `Exercise 1, Step 1: "ip netns add" creates a namespace and keeps it alive as the file ${p.netnsPath} (the kernel shows it as nsfs); every later step, and config.json's network path, refers to that file (Common Error 1)`,
    commands: [...(notNsfs ? [`sudo ip netns delete ${p.netns}`] : []), fixes.addNetns(p)],
  }),
  netnsIsHost: (p: LabPlan): HintLadder => ({
    symptom: `${p.netnsPath} is this machine's own network namespace, not a new one: nothing in it is isolated`,
    concept: `Exercise 1, Step 1: "ip netns add" makes a new, empty namespace; a link or bind mount of /proc/…/ns/net names an existing one (the kernel shows the same nsfs inode as the host's)`,
    commands: [`sudo ip netns delete ${p.netns}`, fixes.addNetns(p)],
  }),
  hostVethMissing: (p: LabPlan): HintLadder => ({
    symptom: `there is no interface ${p.hostVeth} on the host: the veth pair was not created (or was deleted)`,
    concept: `Exercise 1, Step 2: "ip link add … type veth peer name …" creates two linked interfaces at once; ${p.hostVeth} stays on the host, ${p.nsVeth} moves into ${p.netns} in Step 3`,
    commands: [`sudo ip link add ${p.hostVeth} type veth peer name ${p.nsVeth}`],
  }),
  nsVethNotInside: (p: LabPlan, onHost: boolean, hostEndThere: boolean): HintLadder => ({
    symptom: onHost
      ? `${p.nsVeth} is still on the host: it was never moved into ${p.netns}`
      : `${p.nsVeth} is neither inside ${p.netns} nor on the host`,
    concept: `Exercise 1, Step 3: an interface lives in exactly one network namespace; "ip link set … netns" moves it, after which the host no longer lists it and "ip netns exec ${p.netns} ip link" does (Common Error 5)`,
    commands: onHost
      ? [`sudo ip link set ${p.nsVeth} netns ${p.netns}`]
      : [
          ...(hostEndThere ? [`sudo ip link del ${p.hostVeth}`] : []),
          `sudo ip link add ${p.hostVeth} type veth peer name ${p.nsVeth}`,
          `sudo ip link set ${p.nsVeth} netns ${p.netns}`,
        ],
  }),
  notOnePair: (p: LabPlan): HintLadder => ({
    symptom: `${p.hostVeth} and ${p.nsVeth} both exist but are not the two ends of one veth pair`,
    concept: `Exercise 1, Steps 2-3: both ends come from one "ip link add … type veth peer name …"; the kernel records each end's peer (ifindex and namespace, "ip -d link"), and here they do not point at each other`,
    commands: [
      `sudo ip link del ${p.hostVeth}`,
      `sudo ip netns exec ${p.netns} ip link del ${p.nsVeth}`,
      `sudo ip link add ${p.hostVeth} type veth peer name ${p.nsVeth}`,
      `sudo ip link set ${p.nsVeth} netns ${p.netns}`,
    ],
  }),
  down: (p: LabPlan, name: string, inNamespace: boolean, flags: string): HintLadder => ({
    symptom: `${name}${inNamespace ? ` inside ${p.netns}` : ''} is DOWN (${flags}): it carries no packets`,
    concept: `Exercise 1, Step 5 brings each end up; a veth pair passes packets only when both ends are UP (the kernel's link flags show UP and, once the peer is up too, LOWER_UP) (Common Error 2)`,
    commands: [fixes.bringUp(p, name, inNamespace).fix],
  }),
  loopbackDown: (p: LabPlan): HintLadder => ({
    symptom: `the loopback interface lo inside ${p.netns} is DOWN`,
    concept: `Exercise 1, Step 5 also brings up lo inside the namespace: a new network namespace starts with lo down, so 127.0.0.1 does not answer inside the container`,
    commands: [`sudo ip netns exec ${p.netns} ip link set lo up`],
  }),
  address: (p: LabPlan, name: string, inNamespace: boolean, has: readonly string[]): HintLadder => {
    const want = inNamespace ? p.nsCidr : p.hostCidr;
    const wrong = has.filter((a) => a !== formatCidr(want));
    const otherNet = wrong.some((a) => !a.startsWith(`${networkOf(want).address.split('.').slice(0, 3).join('.')}.`));
    return {
      symptom:
        wrong.length > 0
          ? `${name} has ${wrong.join(', ')} instead of ${formatCidr(want)}${otherNet ? ` (another subnet than ${formatCidr(networkOf(want))}, so the two ends cannot reach each other)` : ''}`
          : `${name} has no IPv4 address; it needs ${formatCidr(want)}`,
      concept: `Exercise 1, Step 4 gives the two ends ${formatCidr(p.hostCidr)} and ${formatCidr(p.nsCidr)}, one /24 subnet: the kernel routes ${formatCidr(networkOf(want))} through ${name} only with that address on it (Common Error 2, "Verify IP addresses match")`,
      commands: fixes.addressCommands(p, name, inNamespace, has),
    };
  },
  pathBlocked: (p: LabPlan, to: string): HintLadder => ({
    symptom: `${to} does not answer, although both ends are UP with the right addresses`,
    concept: `Exercise 1, Step 6; not Common Error 2 (links and addresses are right): the kernel sends the echo request, and a firewall rule or a route drops or misroutes it`,
    commands: [],
    todo: `read the firewall ("sudo iptables -S", "sudo nft list ruleset", and the same inside ${p.netns} with "sudo ip netns exec ${p.netns} …") and the routes ("ip route get ${to}", also inside ${p.netns}); remove what drops ICMP`,
  }),
  configUnreadable: (p: LabPlan, problem: string): HintLadder => {
    const missing = / does not exist$/.test(problem);
    return {
      symptom: missing ? `there is no config.json in ${p.bundleDir}` : `${p.bundleDir}/config.json cannot be used: ${problem}`,
      concept: `Exercise 2, Step 1: "runc spec" writes a default config.json into the directory it runs in, and that directory is the bundle (config.json beside rootfs); the grader looks in ${p.bundleDir}`,
      commands: missing ? [`mkdir -p ${shellWord(p.bundleDir)}`, `runc spec --bundle ${shellWord(p.bundleDir)}`] : [],
      ...(missing
        ? {}
        : {
            todo: `make config.json again: move the broken one away, then "runc spec --bundle ${shellWord(p.bundleDir)}" and redo Exercise 2, Steps 3-4`,
          }),
    };
  },
  netnsPath: (p: LabPlan, verdict: NetnsPathVerdict, path: string | undefined): HintLadder => {
    const shown = `"${path ?? ''}"`;
    const symptom: Record<NetnsPathVerdict, string> = {
      joins: '',
      'names-it': '',
      'no-entry': `config.json has no "network" entry in linux.namespaces: the container would share the host's network`,
      'no-path': `config.json's "network" namespace has no "path": runc would create a new, empty namespace instead of joining ${p.netns} (the jq edit was not applied)`,
      missing: `config.json's network path ${shown} does not exist: it does not name your namespace ${p.netnsPath} (a typo?)`,
      unreadable: `config.json's network path ${shown} cannot be looked at with your rights`,
      'not-a-namespace': `config.json's network path ${shown} is a file but no network namespace`,
      'other-namespace': `config.json's network path ${shown} is another network namespace, not ${p.netns}`,
    };
    return {
      symptom: symptom[verdict],
      concept: `Exercise 2, Step 3 puts "path": "${p.netnsPath}" on the "network" entry of linux.namespaces; runc opens that file and joins the namespace it is (by the kernel's account, the nsfs inode "ip netns add" made) (${verdict === 'missing' ? 'Common Error 1' : 'Common Error 6'})`,
      commands: [jqEdit(p.bundleDir, netnsPathFilter(p, verdict !== 'no-entry'))],
    };
  },
  rootfs: (p: LabPlan, problem: string, rootPath: string | undefined): HintLadder => {
    const rootfs = `${p.bundleDir}/rootfs`;
    const missing = rootPath === 'rootfs' && / does not exist$/.test(problem);
    return {
      symptom: missing ? `the bundle has no rootfs directory: ${rootfs} does not exist` : problem,
      concept: `Exercise 2, Step 1 builds the rootfs beside config.json (root.path "rootfs" is relative to the bundle) with busybox in rootfs/bin; runc makes it the container's /`,
      commands: missing ? [`mkdir -p ${shellWord(`${rootfs}/bin`)}`, `cp /bin/busybox ${shellWord(`${rootfs}/bin/`)}`] : [],
      ...(missing ? {} : { todo: `make root.path "rootfs" and build the rootfs there (Exercise 2, Step 1)` }),
    };
  },
  process: (fault: ProcessFault): HintLadder => {
    const command = /^(sudo |chmod |cp |mkdir |ln )/.test(fault.fix) && !fault.fix.includes(' && ');
    return fault.kind === 'no-applets'
      ? {
          symptom: `${fault.cause.split(' (')[0] ?? fault.cause}: the rootfs has busybox but not the links (sh, ip, ping …) that run it. The lesson's step is incomplete here, not your mistake; this is what works`,
          concept: `Exercise 2, Step 1 copies only the busybox binary; busybox acts as "sh" or "ip" only when started through a link of that name, and runc looks process.args[0] up inside the rootfs through the PATH in config.json`,
          commands: [fault.fix],
        }
      : {
          symptom: fault.cause,
          concept: `Exercise 2, Steps 1 and 4: runc starts process.args[0] inside the rootfs, so the program and everything it loads (its interpreter, its libraries) must be in the rootfs`,
          commands: command ? [fault.fix] : [],
          ...(command ? {} : { todo: fault.fix }),
        };
  },
  netRaw: (p: LabPlan, sets: readonly string[], capability: string): HintLadder => ({
    symptom: `the container cannot ping: its process lacks ${capability}, which ping needs for a raw socket. The lesson's step is incomplete here (runc spec's default capabilities leave it out), not your mistake; this is what works`,
    concept: `Exercise 3, Step 1: the container's process has only the capabilities listed in process.capabilities of config.json; the kernel counted no echo request leaving ${p.netns}`,
    commands: [jqEdit(p.bundleDir, sets.map((set) => `.process.capabilities.${set} += [${JSON.stringify(capability)}]`).join(' | '))],
  }),
  newBundle: (p: LabPlan, configProblem: string | undefined, rootfsProblem: string | undefined): HintLadder => {
    const dir = p.newBundleDir;
    const noConfig = configProblem !== undefined && / does not exist$/.test(configProblem);
    const noRootfs = rootfsProblem !== undefined && / does not exist$/.test(rootfsProblem);
    const commands = [
      ...(noConfig || noRootfs ? [`mkdir -p ${shellWord(`${dir}/rootfs/bin`)}`] : []),
      ...(noConfig ? [`runc spec --bundle ${shellWord(dir)}`] : []),
      ...(noRootfs || (noConfig && rootfsProblem === undefined) ? [`cp /bin/busybox ${shellWord(`${dir}/rootfs/bin/`)}`] : []),
    ];
    const fixable = (configProblem === undefined || noConfig) && (rootfsProblem === undefined || noRootfs);
    return {
      symptom: noConfig
        ? `there is no second bundle yet: ${dir}/config.json does not exist`
        : configProblem !== undefined
          ? `${dir}/config.json cannot be used: ${configProblem}`
          : `the second bundle has no usable rootfs: ${rootfsProblem ?? ''}`,
      concept: `Exercise 4, Step 1 makes a second bundle like the first (runc spec, a rootfs with busybox) so that its container can be compared with Exercise 3's; the grader looks in ${dir} (--new-bundle)`,
      commands: fixable ? commands : [],
      ...(fixable ? {} : { todo: `make ${dir} again as Exercise 4, Step 1 does: runc spec there, and a rootfs with busybox in rootfs/bin` }),
    };
  },
  newNetns: (p: LabPlan, verdict: NewNetnsVerdict, path: string | undefined): HintLadder => ({
    symptom:
      verdict === 'has-path'
        ? `the second bundle's config.json joins the namespace "${path ?? ''}": Exercise 4 wants the network entry without a path (the jq edit of Exercise 2 went into this bundle too?)`
        : `the second bundle's config.json has no "network" entry in linux.namespaces: its container would share the host's network`,
    concept: `Exercise 4, Step 2 keeps runc spec's default {"type": "network"}: without a path runc creates a new, empty namespace for the container (only lo, DOWN), which is what the exercise compares with Exercise 3`,
    commands: [
      jqEdit(
        p.newBundleDir,
        verdict === 'has-path'
          ? '.linux.namespaces |= map(if .type == "network" then del(.path) else . end)'
          : '.linux.namespaces += [{"type": "network"}]',
      ),
    ],
  }),
  hooksConfig: (p: LabPlan, missing: readonly ('prestart' | 'poststop')[], malformed: string | undefined): HintLadder => {
    const hook = (name: string, args: boolean): string =>
      JSON.stringify({ path: `/usr/local/bin/${name}`, ...(args ? { args: [name, '--container-id'], env: [HOOK_PATH] } : {}) });
    const add = missing.map(
      (stage) => `.hooks.${stage} += [${stage === 'prestart' ? hook('setup-network.sh', true) : hook('cleanup-network.sh', false)}]`,
    );
    return {
      symptom:
        malformed !== undefined
          ? `the second bundle's config.json has a "hooks" section runc cannot use: ${malformed}`
          : `the second bundle's config.json has no ${missing.join(' and no ')} hook`,
      concept: `Exercise 5: runc runs each entry of hooks.prestart (or createRuntime) after it made the container's namespaces and before its process starts, and each of hooks.poststop after the container is deleted; each entry names a program by its absolute "path" (the grader never runs them)`,
      commands: malformed === undefined ? [jqEdit(p.newBundleDir, add.join(' | '))] : [],
      ...(malformed === undefined ? {} : { todo: `make "hooks" an object of lists of {"path": "/absolute/path", "args": […]} as Exercise 5 shows` }),
    };
  },
  hookScripts: (bad: readonly { readonly path: string; readonly fact: PathFact }[]): HintLadder => {
    const said: Record<PathFact, string> = {
      missing: 'does not exist',
      directory: 'is a directory',
      'not-a-file': 'is not a regular file',
      'not-executable': 'is not executable (no x bit), so runc cannot start it',
      unreadable: 'cannot be looked at with your rights',
      executable: '',
    };
    const chmod = bad.filter((b) => b.fact === 'not-executable').map((b) => `sudo chmod +x ${shellWord(b.path)}`);
    const other = bad.filter((b) => b.fact !== 'not-executable');
    return {
      symptom: bad.map((b) => `the hook ${b.path} ${said[b.fact]}`).join('; '),
      concept: `Exercise 5: runc starts each hook's "path" as a program (state JSON on its stdin) and fails the container when it cannot; the file must exist, be a regular file and be executable`,
      commands: other.length === 0 ? chmod : [],
      ...(other.length === 0
        ? {}
        : { todo: `write ${other.map((b) => b.path).join(' and ')} (a script that reads the container's state on stdin), then "sudo chmod +x" it` }),
    };
  },
  containersLeft: (left: readonly { readonly id: string; readonly runtime: string }[]): HintLadder => ({
    symptom: `the container${left.length > 1 ? 's' : ''} ${left.map((l) => l.id).join(' and ')} ${left.length > 1 ? 'are' : 'is'} still there (${left.map((l) => `${l.runtime} keeps its state`).join(', ')})`,
    concept: `Clean Up deletes the containers first: a container that ran detached, or whose run was interrupted, keeps its state (and maybe its process) until "runc delete -f"`,
    commands: left.map((l) => `sudo ${l.runtime} delete -f ${l.id}`),
  }),
  vethLeft: (p: LabPlan, names: readonly string[]): HintLadder => ({
    symptom: `${names.join(' and ')} ${names.length > 1 ? 'are' : 'is'} still on the host`,
    concept: `Clean Up: deleting one end of a veth pair deletes both ("ip link del ${p.hostVeth}"); an end never moved into ${p.netns} is on the host too`,
    commands: names.map((n) => `sudo ip link del ${n}`),
  }),
  netnsLeft: (p: LabPlan): HintLadder => ({
    symptom: `the network namespace ${p.netns} is still there ("ip netns list" shows it)`,
    concept: `Clean Up: "ip netns del" removes ${p.netnsPath}; the kernel frees the namespace, and the veth end inside it, once nothing uses it any more`,
    commands: [`sudo ip netns del ${p.netns}`],
  }),
  bundlesLeft: (dirs: readonly string[]): HintLadder => ({
    symptom: `${dirs.join(' and ')} ${dirs.length > 1 ? 'are' : 'is'} still there`,
    concept: `Clean Up removes both test bundles last, once no container uses them`,
    commands: [`rm -rf ${dirs.map(shellWord).join(' ')}`],
  }),
} as const;
