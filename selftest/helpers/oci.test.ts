import { describe, expect, test } from 'vitest';
import {
  compose,
  networkNamespace,
  parseConfig,
  withArgs,
  withCapability,
  withNetnsPath,
  withoutNetnsPath,
  withTerminal,
  type OciConfig,
} from '../../helpers/oci/config.js';

const base = (): OciConfig =>
  parseConfig(
    JSON.stringify({
      ociVersion: '1.0.2',
      process: { terminal: true, args: ['sh'], capabilities: { bounding: ['CAP_KILL'], effective: ['CAP_KILL'] } },
      root: { path: 'rootfs' },
      linux: { namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'mount' }] },
    }),
  );

describe('config patches', () => {
  test('withNetnsPath sets only the network entry and keeps order', () => {
    const c = withNetnsPath('/var/run/netns/x')(base());
    expect(c.linux.namespaces).toEqual([{ type: 'pid' }, { type: 'network', path: '/var/run/netns/x' }, { type: 'mount' }]);
    expect(networkNamespace(withoutNetnsPath(c))).toEqual({ type: 'network' });
  });
  test('patches are pure: the input is unchanged', () => {
    const c = base();
    compose(withNetnsPath('/p'), withArgs('ip', 'addr'), withTerminal(false), withCapability('CAP_NET_RAW'))(c);
    expect(c).toEqual(base());
  });
  test('withCapability adds to every set once', () => {
    const c = withCapability('CAP_NET_RAW')(withCapability('CAP_NET_RAW')(base()));
    expect(c.process.capabilities).toEqual({ bounding: ['CAP_KILL', 'CAP_NET_RAW'], effective: ['CAP_KILL', 'CAP_NET_RAW'] });
  });
  test('a file that is not an OCI config is refused', () => {
    expect(() => parseConfig('{"hello":1}')).toThrow(/not an OCI runtime config/);
  });
});
