import { describe, expect, test } from 'vitest';
import { LabDataError } from '../../helpers/errors.js';
import {
  addressView,
  findIface,
  isUp,
  MAX_INTERFACES,
  parseIpAddrText,
  parseIpJson,
  parseLinkDetails,
  parseNetnsIds,
  parsePingSummary,
} from '../../helpers/net/ip.js';
import { cutNote } from '../../helpers/targets/exec.js';

const json = JSON.stringify([
  {
    ifindex: 1,
    ifname: 'lo',
    flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
    operstate: 'UNKNOWN',
    addr_info: [
      { family: 'inet', local: '127.0.0.1', prefixlen: 8 },
      { family: 'inet6', local: '::1', prefixlen: 128 },
    ],
  },
  {
    ifindex: 5,
    ifname: 'veth-host',
    flags: ['BROADCAST', 'MULTICAST'],
    operstate: 'DOWN',
    addr_info: [{ family: 'inet', local: '10.0.0.1', prefixlen: 24 }],
  },
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

describe('ip -j output is parsed within bounds: the lab gets a verdict, never a harness crash', () => {
  const iface = (i: number, name = `v${i}`) => ({ ifindex: i, ifname: name, flags: ['UP'], addr_info: [] });
  test('a name with a raw escape character (iproute2 prints it unescaped) parses, the escape kept', () => {
    const raw = JSON.stringify([iface(1, 'lo'), iface(2, 'e\u001b[2Jx')]).replace('\\u001b', '\u001b');
    expect(raw).toContain('\u001b');
    expect(parseIpJson(raw).map((i) => i.ifname)).toEqual(['lo', 'e\u001b[2Jx']);
  });
  test('more interfaces than the grader reads, or output cut at the cap, is a LabDataError naming the count and what to do', () => {
    const many = JSON.stringify(Array.from({ length: MAX_INTERFACES + 1 }, (_, i) => iface(i)));
    expect(() => parseIpJson(many)).toThrow(LabDataError);
    expect(() => parseIpJson(many)).toThrow(/lists 1025 entries, more than the 1024 the grader reads/);
    const cut = `${JSON.stringify(Array.from({ length: 50 }, (_, i) => iface(i))).slice(0, 900)}${cutNote(1_300_000)}`;
    expect(() => parseIpJson(cut)).toThrow(/exceeds what the grader keeps/);
    expect(() => parseIpJson('[{"ifname": "x", "addr_info": [null], "flags": 3}, null, 7]')).not.toThrow();
    expect(() => parseIpJson('Device "x\u001b[2J" does not exist.')).toThrow(/not JSON: Device "x\\x1b\[2J" does not exist\./);
  });
  test("a veth end's peer: its index and the nsid of its namespace; netns names with their ids", () => {
    expect(parseLinkDetails('[{"ifindex":17,"link_index":16,"ifname":"h","link_netnsid":0,"linkinfo":{"info_kind":"veth"}}]')).toEqual({
      ifindex: 17,
      kind: 'veth',
      peerIndex: 16,
      peerNetnsId: 0,
    });
    expect(parseLinkDetails('[{"ifindex":3,"ifname":"h","linkinfo":{"info_kind":"veth"},"link_index":4}]')).toEqual({
      ifindex: 3,
      kind: 'veth',
      peerIndex: 4,
      peerNetnsId: undefined,
    });
    expect(parseNetnsIds('[{"name":"decoy1","id":1},{"name":"container-net","id":0},{"name":"x"}]')).toEqual([
      { name: 'decoy1', id: 1 },
      { name: 'container-net', id: 0 },
      { name: 'x', id: undefined },
    ]);
  });
});
