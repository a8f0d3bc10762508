import { exercise2Args, exercise2Namespaces } from '../lesson/claims.js';
import type { LabPlan } from '../lesson/plan.js';
import type { Target } from '../targets/types.js';
import { needPatch, type RuntimeNeed } from './runtime-needs.js';
import { Bundle } from './bundle.js';
import { withArgs, withNamespaces, type Patch } from './config.js';
import type { Runc } from './runtime.js';

interface LessonBundleOptions {
  readonly cgroupsPath: string;
  /**
   * None: exactly what the lesson's commands make (busybox binary only, runc spec's terminal and
   * capabilities). Otherwise the needs the runtime under test was seen to need.
   */
  readonly needs?: readonly RuntimeNeed[];
}

/** The config.json patches of a set of needs. */
export const needPatches = (list: readonly RuntimeNeed[]): Patch[] => list.flatMap((a) => needPatch(a) ?? []);

/** Exercise 2's bundle: runc spec, the busybox rootfs, the lesson's namespaces and process. */
export async function lessonBundle(t: Target, runc: Runc, plan: LabPlan, opts: LessonBundleOptions): Promise<Bundle> {
  const needs = opts.needs ?? [];
  const b = await new Bundle(t, runc, plan.bundleDir).create({ applets: needs.includes('applets'), cgroupsPath: opts.cgroupsPath });
  await b.patch(withNamespaces(exercise2Namespaces(plan.netnsPath)), withArgs(...exercise2Args(plan)), ...needPatches(needs));
  return b;
}
