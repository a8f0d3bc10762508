import { describe, expect, test } from 'vitest';
import { addressView, findIface, isUp, parseIpAddrText, parseIpJson, parsePingSummary } from '../../helpers/net/ip.js';

const json = JSON.stringify([
  { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }, { family: 'inet6', local: '::1', prefixlen: 128 }] },
  { ifindex: 5, ifname: 'veth-host', flags: ['BROADCAST', 'MULTICAST'], operstate: 'DOWN', addr_info: [{ family: 'inet', local: '10.0.0.1', prefixlen: 24 }] },
]);

describe('parseIpJson', () => {
  test('keeps names, flags, operstate and IPv4 CIDRs only', () => {
    const list = parseIpJson(json);
    expect(list.map((i) => i.ifname)).toEqual(['lo', 'veth-host']);
    expect(findIface(list, 'lo')?.inet).toEqual(['127.0.0.1/8']);
    expect(isUp(findIface(list, 'lo')!)).toBe(true);
    expect(isUp(findIface(list, 'veth-host')!)).toBe(false);
    expect(findIface(list, 'veth-host')?.operstate).toBe('DOWN');
  });
  test('empty output is no interfaces; garbage is a clear error', () => {
    expect(parseIpJson('\n')).toEqual([]);
    expect(() => parseIpJson('Device "x" does not exist.')).toThrow(/not JSON/);
  });
});

describe('parseIpAddrText (busybox and iproute2 text)', () => {
  const text = [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000',
    '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    '    inet 127.0.0.1/8 scope host lo',
    '2: veth-container@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP qlen 1000',
    '    inet 10.0.0.2/24 scope global veth-container',
    '    inet6 fe80::1/64 scope link',
  ].join('\n');
  test('splits interfaces, strips @ifN, collects inet only', () => {
    const list = parseIpAddrText(text);
    expect(list.map((i) => i.ifname)).toEqual(['lo', 'veth-container']);
    expect(findIface(list, 'veth-container')?.inet).toEqual(['10.0.0.2/24']);
    expect(findIface(list, 'veth-container')?.operstate).toBe('UP');
    expect(findIface(list, 'lo')?.operstate).toBeUndefined();
  });
  test('addressView compares text and JSON views', () => {
    expect(addressView(parseIpAddrText(text))).toEqual(['lo 127.0.0.1/8', 'veth-container 10.0.0.2/24']);
  });
});

describe('parsePingSummary', () => {
  test('iputils and busybox wording', () => {
    expect(parsePingSummary('2 packets transmitted, 2 received, 0% packet loss')).toEqual({ transmitted: 2, received: 2 });
    expect(parsePingSummary('3 packets transmitted, 0 packets received, 100% packet loss')).toEqual({ transmitted: 3, received: 0 });
    expect(parsePingSummary('ping: permission denied (are you root?)')).toBeUndefined();
  });
});
