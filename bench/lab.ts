import { IDLE_ARGS } from '../helpers/lesson/claims.js';
import { LabBuilder } from '../helpers/lesson/lab.js';
import { lessonPlan } from '../helpers/lesson/plan.js';
import { nsInode, ping } from '../helpers/net/ops.js';
import { withArgs } from '../helpers/oci/config.js';
import { lessonBundle } from '../helpers/oci/lesson-bundle.js';
import { NEED_ORDER } from '../helpers/oci/runtime-needs.js';
import { Runc } from '../helpers/oci/runtime.js';
import { harnessCgroupPath } from '../helpers/targets/run-id.js';
import { SandboxTarget } from '../helpers/targets/sandbox.js';

let seq = 0;

interface LabOutcome {
  readonly ok: boolean;
  readonly netnsInode: string;
  readonly error: string;
}

/** One whole lab, as the benchmark's scale test builds it: Exercise 1, then a container that joins. */
export async function buildAndVerifyLab(runId: string): Promise<LabOutcome> {
  const t = await SandboxTarget.start();
  const runc = new Runc(t);
  try {
    const plan = lessonPlan(t.home);
    await new LabBuilder(t, plan).through(5);
    const there = await ping(t, plan.nsCidr.address, { count: 1 });
    const back = await ping(t, plan.hostCidr.address, { count: 1, netns: plan.netns });
    const b = await lessonBundle(t, runc, plan, { cgroupsPath: harnessCgroupPath(runId), needs: NEED_ORDER });
    await b.patch(withArgs(...IDLE_ARGS));
    const { pid, log } = await runc.runDetached(plan.containerId, b.dir);
    const netnsInode = await nsInode(t, plan.netnsPath);
    const joined = pid !== undefined && (await nsInode(t, `/proc/${pid}/ns/net`)) === netnsInode;
    const ok = there.ok && back.ok && joined;
    return { ok, netnsInode, error: ok ? '' : `ping ${there.ok}/${back.ok}, joined ${joined} ${log}` };
  } catch (e) {
    return { ok: false, netnsInode: `error-${++seq}`, error: String(e) };
  } finally {
    await runc.deleteAll();
    await t.dispose();
  }
}
