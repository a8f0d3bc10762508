import { realpathSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { lessonPlan } from '../../helpers/lesson/plan.js';
import type { Iface } from '../../helpers/net/ip.js';
import {
  classifyNetnsPath,
  judgeNetnsPath,
  netnsPathCommonError,
  netnsPathPasses,
  verifyPingArgv,
  vethEnd,
  type NetnsPathFacts,
  type NetnsPathVerdict,
} from '../../helpers/lesson/verify-checks.js';
import { runArgv } from '../../helpers/targets/exec.js';
import type { Target } from '../../helpers/targets/types.js';

const plan = lessonPlan('/root');
const NS = '4026532999';
const at = (path: string | undefined, file: NetnsPathFacts['file'], over: Partial<NetnsPathFacts> = {}): NetnsPathFacts => ({
  entry: { type: 'network', ...(path === undefined ? {} : { path }) },
  sameName: false,
  file,
  reference: NS,
  ...over,
});
const missing = { exists: false as const, error: 'No such file or directory' };
const nsfs = (inode: string) => ({ exists: true as const, nsfs: true, inode });

describe('Verify check 5: one verdict for each kind of network path, shared by the suite and the grader', () => {
  // [case, facts, verdict, Common Error when it fails]
  const cases: Array<[string, NetnsPathFacts, NetnsPathVerdict, 1 | 6 | undefined]> = [
    ["the lesson's path, the namespace (same nsfs inode)", at('/var/run/netns/container-net', nsfs(NS), { sameName: true }), 'joins', undefined],
    [
      '/run/netns/container-net: the same file where /var/run links to /run',
      at('/run/netns/container-net', nsfs(NS), { sameName: true }),
      'joins',
      undefined,
    ],
    [
      "a /proc/<pid>/ns/net of a process inside the namespace (the lesson's Background allows it)",
      at('/proc/42/ns/net', nsfs(NS)),
      'joins',
      undefined,
    ],
    ['no network entry at all', { ...at(undefined, missing), entry: undefined }, 'no-entry', 6],
    ['a network entry without a path', at(undefined, missing), 'no-path', 6],
    ['an empty path', at('', missing), 'no-path', 6],
    ['a typo: the path does not exist', at('/var/run/netns/container-nte', missing), 'missing', 1],
    [
      'a path the student cannot resolve (the grader stats it with their rights)',
      at('/proc/1/ns/net', { exists: false, error: "stat: cannot statx '/proc/1/ns/net': Permission denied" }),
      'unreadable',
      6,
    ],
    ['an existing file that is no namespace', at('/etc/hostname', { exists: true, nsfs: false, inode: '12' }), 'not-a-namespace', 6],
    ["/proc/1/ns/net: the machine's own namespace", at('/proc/1/ns/net', nsfs('4026531840')), 'other-namespace', 6],
    ['another named namespace', at('/var/run/netns/other-net', nsfs('4026533000')), 'other-namespace', 6],
    [
      'the namespace is not there; the path is its name',
      at('/var/run/netns/container-net', missing, { sameName: true, reference: undefined }),
      'names-it',
      undefined,
    ],
    ['the namespace is not there; a typo that does not exist', at('/var/run/netns/container-nte', missing, { reference: undefined }), 'missing', 1],
    [
      'the namespace is not there; the path is another namespace',
      at('/proc/1/ns/net', nsfs('4026531840'), { reference: undefined }),
      'other-namespace',
      6,
    ],
  ];
  for (const [name, facts, verdict, ce] of cases)
    test(`${name} → ${verdict}${ce ? ` (Common Error ${ce})` : ''}`, () => {
      const v = classifyNetnsPath(facts);
      expect(v).toBe(verdict);
      expect(netnsPathPasses(v)).toBe(ce === undefined);
      if (ce !== undefined) expect(netnsPathCommonError(v, plan).id).toBe(ce);
    });
});

/** Reads only (stat, realpath), on this machine: the facts come from the kernel, not from a table. */
const local = { exec: (argv: readonly string[]) => runArgv(argv) } as unknown as Target;

describe('Verify check 5 facts from the kernel', () => {
  const here = { ...plan, netnsPath: '/proc/self/ns/net' };
  test('another spelling of the same namespace joins; a regular file, a missing path and no path do not', async () => {
    expect((await judgeNetnsPath(local, here, { type: 'network', path: '/proc/thread-self/ns/net' })).verdict).toBe('joins');
    expect((await judgeNetnsPath(local, here, { type: 'network', path: '/etc/hostname' })).verdict).toBe('not-a-namespace');
    const typo = await judgeNetnsPath(local, here, { type: 'network', path: '/proc/self/ns/nett' });
    expect(typo.verdict).toBe('missing');
    expect(typo.commonError.id).toBe(1);
    expect(typo.seen).toContain('/proc/self/ns/nett');
    expect((await judgeNetnsPath(local, here, { type: 'network' })).verdict).toBe('no-path');
    expect((await judgeNetnsPath(local, here, undefined)).verdict).toBe('no-entry');
  });
  test('an option that looks like a flag is only ever a path', async () => {
    expect((await judgeNetnsPath(local, here, { type: 'network', path: '--version' })).verdict).toBe('missing');
  });
  test.runIf(realpathSync('/var/run') === '/run')(
    '/run/netns/<name> names the same file as /var/run/netns/<name> (/var/run links to /run)',
    async () => {
      const absent = { ...plan, netnsPath: '/var/run/netns/lesson06-selftest-absent' };
      const v = await judgeNetnsPath(local, absent, { type: 'network', path: '/run/netns/lesson06-selftest-absent' }, { compare: false });
      expect(v.verdict).toBe('names-it');
      expect(v.facts.sameName).toBe(true);
    },
  );
});

describe("Verify checks 3 and 4: the script's ping", () => {
  test('runs -c 1 -W 1 from the host, and inside the namespace the other way', () => {
    expect(verifyPingArgv(plan, 'host-to-ns')).toEqual(['ping', '-c', '1', '-W', '1', '10.0.0.2']);
    expect(verifyPingArgv(plan, 'ns-to-host')).toEqual(['ip', 'netns', 'exec', 'container-net', 'ping', '-c', '1', '-W', '1', '10.0.0.1']);
  });
});

describe("manual checklist items 2-3 and the grader's up/address checks: one reading of a veth end", () => {
  const iface = (over: Partial<Iface>): Iface => ({
    ifname: 'veth-host',
    flags: ['BROADCAST', 'UP', 'LOWER_UP'],
    operstate: 'UP',
    inet: ['10.0.0.1/24'],
    ...over,
  });
  test('UP with its address; DOWN; another address; not listed', () => {
    expect(vethEnd([iface({})], 'veth-host', plan.hostCidr)).toMatchObject({ up: true, addressed: true, inet: 'inet 10.0.0.1/24' });
    expect(vethEnd([iface({ flags: ['BROADCAST'], operstate: 'DOWN' })], 'veth-host', plan.hostCidr)).toMatchObject({
      up: false,
      addressed: true,
      flags: 'flags BROADCAST',
    });
    expect(vethEnd([iface({ inet: ['10.0.0.9/24'] })], 'veth-host', plan.hostCidr).addressed).toBe(false);
    expect(vethEnd([], 'veth-host', plan.hostCidr)).toMatchObject({
      iface: undefined,
      up: false,
      addressed: false,
      flags: 'flags (gone)',
      inet: 'inet none',
    });
  });
});
