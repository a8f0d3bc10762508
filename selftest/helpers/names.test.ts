import { describe, expect, test } from 'vitest';
import { BadInputError } from '../../helpers/errors.js';
import { IFNAME_MAX, validateIfName } from '../../helpers/net/names.js';
import { lessonPlan, validatePlan } from '../../helpers/lesson/plan.js';
import { networkOf, parseCidr, sameSubnet } from '../../helpers/net/cidr.js';

describe('interface names', () => {
  test('15 characters is the limit', () => {
    expect(validateIfName('a'.repeat(IFNAME_MAX))).toHaveLength(15);
    expect(() => validateIfName('veth-container-1')).toThrow(/16 characters; Linux allows at most 15/);
  });
  test('slashes, spaces and empty names are refused', () => {
    for (const bad of ['a/b', 'a b', '', 'x:1']) expect(() => validateIfName(bad)).toThrow(BadInputError);
  });
});

describe('CIDRs', () => {
  test('parse and compare subnets', () => {
    expect(parseCidr('10.0.0.1/24')).toEqual({ address: '10.0.0.1', prefix: 24 });
    expect(sameSubnet(parseCidr('10.0.0.1/24'), parseCidr('10.0.0.2/24'))).toBe(true);
    expect(sameSubnet(parseCidr('10.0.0.1/24'), parseCidr('10.0.1.2/24'))).toBe(false);
    expect(sameSubnet(parseCidr('10.0.0.1/24'), parseCidr('10.0.0.2/16'))).toBe(false);
  });
  test('networkOf gives the network for any prefix (used for the MASQUERADE source)', () => {
    expect(networkOf(parseCidr('10.0.0.1/24'))).toEqual({ address: '10.0.0.0', prefix: 24 });
    expect(networkOf(parseCidr('192.168.77.130/25'))).toEqual({ address: '192.168.77.128', prefix: 25 });
    expect(networkOf(parseCidr('10.1.2.3/0'))).toEqual({ address: '0.0.0.0', prefix: 0 });
    expect(networkOf(parseCidr('203.0.113.8/32'))).toEqual({ address: '203.0.113.8', prefix: 32 });
  });
  test('nonsense is a clear error', () => {
    for (const bad of ['10.0.0.1', '10.0.0.300/24', '10.0.0.1/33', 'ten/8']) expect(() => parseCidr(bad)).toThrow(/not an IPv4 address/);
  });
});

describe('lesson plan', () => {
  test("uses the lesson's exact names under the given home", () => {
    const p = lessonPlan('/root');
    expect([p.netns, p.hostVeth, p.nsVeth, p.bundleDir, p.containerId]).toEqual([
      'container-net',
      'veth-host',
      'veth-container',
      '/root/oci-netns-test',
      'netns-test',
    ]);
  });
  test('a plan with the two ends on different subnets is refused', () => {
    expect(() => validatePlan({ ...lessonPlan('/root'), nsCidr: parseCidr('10.0.1.2/24') })).toThrow(/not on one subnet/);
  });
});
