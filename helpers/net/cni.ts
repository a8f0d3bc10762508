import type { ExecResult } from '../targets/exec.js';
import type { Target } from '../targets/types.js';

export const CNI_PATH = '/usr/lib/cni';

/** A bridge + host-local network whose IPAM state lives in the target's private /run. */
export function bridgeConf(name = 'lesson06', subnet = '10.22.0.0/16'): Record<string, unknown> {
  return {
    cniVersion: '1.0.0',
    name,
    type: 'bridge',
    bridge: 'cni0',
    isGateway: true,
    ipam: { type: 'host-local', subnet, dataDir: '/run/cni-ipam' },
  };
}

interface CniCall {
  readonly command: 'ADD' | 'CHECK' | 'DEL';
  readonly containerId: string;
  readonly netnsPath: string;
  readonly ifname: string;
  readonly conf: Record<string, unknown>;
}

/** Invokes a plugin exactly as a runtime does: CNI_* variables and the netconf on stdin. */
export function invokeCni(t: Target, call: CniCall): Promise<ExecResult> {
  const type = String(call.conf.type);
  return t.exec([`${CNI_PATH}/${type}`], {
    input: JSON.stringify(call.conf),
    env: {
      CNI_COMMAND: call.command,
      CNI_CONTAINERID: call.containerId,
      CNI_NETNS: call.netnsPath,
      CNI_IFNAME: call.ifname,
      CNI_PATH,
    },
  });
}

export interface CniResult {
  readonly interfaces?: Array<{ name: string; sandbox?: string }>;
  readonly ips?: Array<{ address: string; gateway?: string; interface?: number }>;
}

/** Why an ADD that exited 0 left eth0 without the address its result names. */
export const resultMismatch = (netns: string, ip: string, eth0: readonly string[] | undefined): string =>
  `the CNI plugin's ADD result says ${ip || '(no address)'}, but eth0 in ${netns} has ${eth0 ? eth0.join(', ') || 'no address' : 'never been created'}: the plugin's result does not describe what it configured (check the plugin and its IPAM)`;
