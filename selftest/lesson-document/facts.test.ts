import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { CLAIMED_PING_COUNT, EXERCISE_1_PING_COUNT, EXERCISE_3_PING, VERIFY_PING, exercise2Args } from '../../helpers/lesson/claims.js';
import { readLesson } from '../../helpers/lesson/document.js';
import { lessonPlan } from '../../helpers/lesson/plan.js';
import FACTS from '../../helpers/lesson/facts.json' with { type: 'json' };
import { sharedLesson } from '../../scripts/cli/test-args.js';

/** The lesson's facts (helpers/lesson/facts.json) are keyed by document ids: each must say what that item of the document says. */
const lessonPath = sharedLesson(process.cwd());
const doc = lessonPath && existsSync(lessonPath) ? readLesson(lessonPath) : undefined;
const text = (id: string): string => {
  const items = doc?.items.filter((i) => i.id === id || i.id.startsWith(`${id}/`)) ?? [];
  expect(items.length, `${id} is an item (or block) of the lesson`).toBeGreaterThan(0);
  return items.map((i) => i.text).join('\n');
};
const plan = lessonPlan('/root');

describe("the lesson's facts agree with the document", () => {
  test('every key of facts.json is an id of the lesson', () => {
    for (const id of Object.keys(FACTS)) text(id);
  });
  test("Exercise 1 Step 6's ping count", () => {
    expect(text('exercise-1/s6/b1')).toContain(`ping -c ${EXERCISE_1_PING_COUNT} ${plan.nsCidr.address}`);
    expect(text('exercise-1/s6/b1')).toContain(`ping -c ${EXERCISE_1_PING_COUNT} ${plan.hostCidr.address}`);
  });
  test("Exercise 2 Step 4's process (its ping count)", () => {
    expect(text('exercise-2/s4/b1/L1')).toContain(JSON.stringify(exercise2Args(plan)).replaceAll(',', ', '));
  });
  test("Exercise 3 Step 1's expected output: the header, then one reply per echo request with the stated ttl", () => {
    const out = text('exercise-3/s1/out1');
    expect(out).toContain(EXERCISE_3_PING.header(plan.hostCidr.address));
    expect([...out.matchAll(EXERCISE_3_PING.replyPattern(plan.hostCidr.address))].map((m) => Number(m[1]))).toEqual(EXERCISE_3_PING.seqs());
    expect(EXERCISE_3_PING.seqs()).toHaveLength(CLAIMED_PING_COUNT);
  });
  test("the Verify script's pings", () => {
    const script = text('verify/b1');
    expect(script).toContain(`ping -c ${VERIFY_PING.count} -W ${VERIFY_PING.waitSeconds} ${plan.nsCidr.address}`);
    expect(script).toContain(`ping -c ${VERIFY_PING.count} -W ${VERIFY_PING.waitSeconds} ${plan.hostCidr.address}`);
  });
});
