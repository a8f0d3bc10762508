import { exercise2Args, exercise2Namespaces, NET_RAW } from '../lesson/claims.js';
import type { LabPlan } from '../lesson/plan.js';
import type { Target } from '../targets/types.js';
import { Bundle } from './bundle.js';
import { withArgs, withCapability, withNamespaces, withTerminal, type Patch } from './config.js';
import type { Runc } from './runtime.js';

export interface LessonBundleOptions {
  readonly cgroupsPath: string;
  /**
   * false: exactly what the lesson's commands make (busybox binary only, terminal: true, runc
   * spec's capabilities). true: plus the adjustments that let it run unattended (applet links,
   * terminal off, CAP_NET_RAW); each is an erratum the specs observe.
   */
  readonly adjusted: boolean;
}

/** The adjustments, as patches; the applet links are a rootfs change made by Bundle.create. */
export const UNATTENDED_PATCHES: readonly Patch[] = [withTerminal(false), withCapability(NET_RAW)];

/** Exercise 2's bundle: runc spec, the busybox rootfs, the lesson's namespaces and process. */
export async function lessonBundle(t: Target, runc: Runc, plan: LabPlan, opts: LessonBundleOptions): Promise<Bundle> {
  const b = await new Bundle(t, runc, plan.bundleDir).create({ applets: opts.adjusted, cgroupsPath: opts.cgroupsPath });
  await b.patch(withNamespaces(exercise2Namespaces(plan.netnsPath)), withArgs(...exercise2Args(plan)), ...(opts.adjusted ? UNATTENDED_PATCHES : []));
  return b;
}
