import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CLAIMED_PING_COUNT, EXERCISE_3_PING } from '../../helpers/lesson/claims.js';
import { parsePingSummary } from '../../helpers/net/ip.js';
import { lessonPlan } from '../../helpers/lesson/plan.js';
import { runArgv } from '../../helpers/targets/exec.js';

describe("the canned fake runtime prints the lesson's facts (helpers/lesson/facts.json), not a copy of them", () => {
  test("canned-runc run: Exercise 3 Step 1's ping header, one reply per echo request, and a summary that counts them", async () => {
    const plan = lessonPlan('/root');
    const dir = mkdtempSync(join(tmpdir(), 'lesson06-fakes-'));
    try {
      writeFileSync(join(dir, 'config.json'), JSON.stringify({ linux: { namespaces: [{ type: 'network', path: plan.netnsPath }] } }));
      const r = await runArgv([join(process.cwd(), 'selftest/fakes/canned-runc'), 'run', '--bundle', dir, plan.containerId]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(EXERCISE_3_PING.header(plan.hostCidr.address));
      expect([...r.stdout.matchAll(EXERCISE_3_PING.replyPattern(plan.hostCidr.address))].map((m) => Number(m[1]))).toEqual(EXERCISE_3_PING.seqs());
      expect(parsePingSummary(r.stdout)).toMatchObject({ transmitted: CLAIMED_PING_COUNT, received: CLAIMED_PING_COUNT });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
