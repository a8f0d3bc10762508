import { NET_RAW } from '../lesson/claims.js';
import { withCapability, withTerminal, type Patch } from './config.js';

/**
 * What a runtime may need before the lesson's bundle runs unattended, each tied to the erratum
 * that observes why. The harness applies one only when the runtime under test was seen to need it
 * (helpers/oci/profile.ts), and every test that gets one declares it. (The annotated lesson's
 * named adjustments, helpers/lesson/adjustments.ts, say how a lesson line was run; these say what
 * was changed in the bundle for this runtime.)
 */
export type RuntimeNeed = 'applets' | 'terminal' | 'net-raw';

export const RUNTIME_NEEDS: Readonly<Record<RuntimeNeed, { readonly what: string; readonly erratum: string }>> = {
  applets: { what: 'busybox applet links installed in rootfs/bin', erratum: 'E-rootfs-needs-applets' },
  terminal: { what: 'process.terminal set to false', erratum: 'E-terminal-needs-tty' },
  'net-raw': { what: `${NET_RAW} added to the process capabilities`, erratum: 'E-ping-needs-net-raw' },
};

export const NEED_ORDER: readonly RuntimeNeed[] = ['applets', 'terminal', 'net-raw'];

/** The config.json part of meeting a need; applets are a rootfs change made by Bundle.create. */
export function needPatch(n: RuntimeNeed): Patch | undefined {
  switch (n) {
    case 'terminal':
      return withTerminal(false);
    case 'net-raw':
      return withCapability(NET_RAW);
    case 'applets':
      return undefined;
  }
}

/** The annotation text a test carries for a need it was given. */
export function describeNeed(n: RuntimeNeed, evidence: string): string {
  const why =
    evidence
      .trim()
      .split('\n')
      .find((l) => l.trim() !== '') ?? '';
  return `${RUNTIME_NEEDS[n].what}: this runtime needs it (${RUNTIME_NEEDS[n].erratum}; observed: ${why.slice(0, 200)})`;
}
