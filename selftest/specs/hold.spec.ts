/**
 * Not a lesson spec: selftest includes it (LESSON06_SELFTEST_SPECS=1) to have a run that is
 * certainly busy, with a runc container alive, when it is interrupted or killed.
 */
import { test } from '../../fixtures/index.js';
import { IDLE_ARGS } from '../../helpers/lesson/claims.js';
import { withArgs, withTerminal } from '../../helpers/oci/config.js';
import { waitFor } from '../../helpers/wait.js';

test('hold: a container runs until the run is interrupted', { timeout: 120_000 }, async ({ target, plan, lab, makeBundle, runc }) => {
  await lab.through(5);
  const b = await makeBundle(plan.bundleDir);
  await b.patch(withTerminal(false), withArgs(...IDLE_ARGS));
  const { pid, log } = await runc.runDetached(plan.containerId, b.dir);
  if (pid === undefined) throw new Error(`hold container did not start: ${log}`);
  await target.must(['touch', '/tmp/holding']);
  // Waits for a file nobody creates: the run is stopped from outside.
  await waitFor(async () => (await target.exec(['test', '-e', '/tmp/never'])).exitCode === 0, { timeoutMs: 100_000, intervalMs: 500, what: 'an interrupt' });
});
