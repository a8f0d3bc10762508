import { NET_RAW } from '../lesson/claims.js';
import { withCapability, withTerminal, type Patch } from './config.js';

/**
 * What the harness may change in the lesson's bundle so the lesson's own commands can run
 * unattended, each tied to the erratum that observes why. One is applied only when the runtime
 * under test was seen to need it (helpers/oci/profile.ts), and every test that gets one declares it.
 */
export type Adjustment = 'applets' | 'terminal' | 'net-raw';

export const ADJUSTMENTS: Readonly<Record<Adjustment, { readonly what: string; readonly erratum: string }>> = {
  applets: { what: 'busybox applet links installed in rootfs/bin', erratum: 'E-rootfs-needs-applets' },
  terminal: { what: 'process.terminal set to false', erratum: 'E-terminal-needs-tty' },
  'net-raw': { what: `${NET_RAW} added to the process capabilities`, erratum: 'E-ping-needs-net-raw' },
};

export const ADJUSTMENT_ORDER: readonly Adjustment[] = ['applets', 'terminal', 'net-raw'];

/** The config.json part of an adjustment; applets are a rootfs change made by Bundle.create. */
export function adjustmentPatch(a: Adjustment): Patch | undefined {
  switch (a) {
    case 'terminal':
      return withTerminal(false);
    case 'net-raw':
      return withCapability(NET_RAW);
    case 'applets':
      return undefined;
  }
}

/** The annotation text a test carries for an adjustment it got. */
export function describeAdjustment(a: Adjustment, evidence: string): string {
  const why = evidence.trim().split('\n').find((l) => l.trim() !== '') ?? '';
  return `${ADJUSTMENTS[a].what}: this runtime needs it (${ADJUSTMENTS[a].erratum}; observed: ${why.slice(0, 200)})`;
}
