import { describe, expect, test } from 'vitest';
import { expandHome, gradePlan, invokingHome } from '../../helpers/grade/options.js';
import { readOnlyViolation } from '../../helpers/grade/guard.js';

const passwd = (): string => 'root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n';

describe('grade options', () => {
  test("defaults are the lesson's values; ~ is the sudo user's home", () => {
    const plan = gradePlan({}, '77', invokingHome({ SUDO_USER: 'alice', HOME: '/root' }, passwd));
    expect(plan.netns).toBe('container-net');
    expect(plan.bundleDir).toBe('/home/alice/oci-netns-test');
    expect(plan.containerId).toBe('lesson06-grade-77');
    expect(invokingHome({ HOME: '/home/bob' }, passwd)).toBe('/home/bob');
    expect(expandHome('~/b', '/h')).toBe('/h/b');
  });
  test('bad values are refused before anything runs', () => {
    const bad = [
      { hostVeth: 'a-very-long-interface' },
      { nsVeth: 'a/b' },
      { hostIp: '10.0.0.1' },
      { nsIp: '10.0.1.2/24' },
      { bundle: 'relative' },
      { bundle: '/tmp/a,b' },
      { bundle: '/tmp/a\\b' },
      { netns: '../etc' },
    ];
    for (const v of bad) expect(() => gradePlan(v, '1', '/root'), JSON.stringify(v)).toThrow();
  });
});

describe('read-only guard', () => {
  const ctx = { scratch: '/tmp/lesson06-grade-abc', ownIdPrefix: 'lesson06-grade-' };
  test('reads pass', () => {
    for (const argv of [
      ['ip', '-j', 'addr', 'show'],
      ['ip', 'netns', 'list'],
      ['ip', '-n', 'container-net', '-j', 'addr', 'show'],
      ['ip', 'netns', 'exec', 'x', 'ip', '-j', 'addr', 'show'],
      ['ip', 'netns', 'exec', 'x', 'ping', '-c', '1', '10.0.0.1'],
      ['stat', '-L', '-c', '%i', '/var/run/netns/x'],
      ['cat', '/root/oci-netns-test/config.json'],
    ])
      expect(readOnlyViolation(argv, ctx), argv.join(' ')).toBeUndefined();
  });
  test('anything that changes the machine is refused', () => {
    for (const argv of [
      ['ip', 'link', 'set', 'veth-host', 'up'],
      ['ip', 'netns', 'add', 'x'],
      ['ip', '-n', 'x', 'link', 'set', 'lo', 'up'],
      ['ip', 'netns', 'exec', 'x', 'ip', 'addr', 'add', '10.0.0.2/24', 'dev', 'v'],
      ['ip', 'netns', 'exec', 'x', 'sh'],
      ['rm', '-rf', '/root/oci-netns-test'],
      ['rm', '-rf', '/tmp/lesson06-grade-abc/../x'],
      ['mkdir', '/etc/x'],
      ['dd', 'of=/root/oci-netns-test/config.json'],
      ['runc', 'delete', '-f', 'student'],
      ['runc', '--root', '/tmp/lesson06-grade-abc/runc', 'delete', '-f', 'student'],
      ['nsenter', '-t', '1', '--mount', '--net', '--', 'ip', 'link'],
      ['find', '/', '-delete'],
      ['iptables', '-F'],
    ])
      expect(readOnlyViolation(argv, ctx), argv.join(' ')).toBeDefined();
  });
  test("the grader's own scratch work passes", () => {
    expect(readOnlyViolation(['mkdir', '-p', '/tmp/lesson06-grade-abc/bundle'], ctx)).toBeUndefined();
    expect(
      readOnlyViolation(
        ['nsenter', '-t', '9', '--mount', '--', 'runc', '--root', '/tmp/lesson06-grade-abc/runc', 'delete', '--force', 'lesson06-grade-1'],
        ctx,
      ),
    ).toBeUndefined();
  });
});
