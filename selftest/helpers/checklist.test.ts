import { describe, expect, test } from 'vitest';
import { ALL_CHECK_INFO, LAB_STEPS, isCleanup } from '../../helpers/grade/catalog.js';
import { CHECKLIST_IDS, changedLines, judgeChecklist, renderChecklist, stepLine } from '../../helpers/grade/checklist.js';
import { hints } from '../../helpers/grade/hints.js';
import { formatHints } from '../../helpers/lesson/diagnosis.js';
import { lessonPlan } from '../../helpers/lesson/plan.js';
import type { Graded } from '../../helpers/report/grade-reporter.js';
import { watchArgs } from '../../scripts/cli/watch-args.js';
import { readOnlyViolation } from '../../helpers/grade/guard.js';

const p = lessonPlan('/home/alice');
const CLEANUP = new Set(LAB_STEPS.filter(isCleanup).flatMap((s) => s.checks));
const pass = (id: string): Graded => ({ id, state: 'pass', message: '' });
const fail = (id: string, message: string): Graded => ({ id, state: 'fail', message });

/** Every check passing, except those given. */
function results(overrides: readonly Graded[] = [], cleanedUp = false): Map<string, Graded> {
  const all = new Map(
    ALL_CHECK_INFO.map((c) => [
      c.id,
      CLEANUP.has(c.id) === cleanedUp ? pass(c.id) : fail(c.id, `Clean Up\n${formatHints(hints.netnsLeft(p)).join('\n')}`),
    ]),
  );
  for (const o of overrides) all.set(o.id, o);
  return all;
}

describe('the live checklist (npm run grade -- --watch)', () => {
  test('a failing step is ✗ with hint 1, a step it holds back is "not yet", and hints 2-3 appear only up to the level shown', () => {
    const down = fail('host-veth-up', `Exercise 1 Step 5\n${formatHints(hints.down(p, 'veth-host', false, 'BROADCAST')).join('\n')}`);
    const waits = (id: string): Graded => ({ id, state: 'not checked', message: 'not checked: needs host-veth-up' });
    const c = judgeChecklist(results([down, waits('ping-host-to-ns'), waits('ping-ns-to-host')]), new Set());
    const step5 = c.steps.find((v) => v.step.id === 'exercise-1/step-5')!;
    expect(stepLine(step5)).toMatch(/^✗ exercise-1\/step-5 .* — veth-host is DOWN/);
    const step6 = c.steps.find((v) => v.step.id === 'exercise-1/step-6')!;
    expect(step6.mark).toBe('·');
    expect(step6.note).toMatch(/^not yet: exercise-1\/step-5 \(host-veth-up\) comes first/);
    expect(renderChecklist(c, 1).join('\n')).not.toMatch(/hint 2:/);
    expect(renderChecklist(c, 2).join('\n')).toMatch(/^ {6}hint 2: Exercise 1, Step 5/m);
    expect(renderChecklist(c, 2).join('\n')).not.toMatch(/hint 3:/);
    expect(renderChecklist(c, 3).join('\n')).toMatch(/^ {6}hint 3: \$ sudo ip link set veth-host up$/m);
    expect(renderChecklist(c, 1)[0]).toMatch(/^Exercise 1: .* {2}4\/6$/);
  });

  test('Clean Up is "not yet" until every earlier step was seen done; then cleaned-up steps stay done and Clean Up is judged', () => {
    const lab = judgeChecklist(results(), new Set());
    expect(lab.complete).toBe(true);
    // Seen complete in this run: Clean Up is judged at once (the lab is still there: ✗).
    expect(lab.steps.filter((v) => isCleanup(v.step)).map((v) => v.mark)).toEqual(['✗', '✗', '✗', '✗']);
    const before = judgeChecklist(results([fail('netns-exists', 'Exercise 1 Step 1\nx')]), new Set());
    expect(before.complete).toBe(false);
    expect(before.steps.filter((v) => isCleanup(v.step)).every((v) => v.mark === '·' && /Clean Up comes once the lab is complete/.test(v.note))).toBe(
      true,
    );
    // Everything but step 1 seen before, step 1 now: complete.
    const later = judgeChecklist(results(), before.seen);
    expect(later.complete).toBe(true);
    const cleaned = judgeChecklist(results([], true), later.seen);
    expect(cleaned.steps.filter((v) => !isCleanup(v.step)).every((v) => v.mark === '✓')).toBe(true);
    expect(cleaned.steps.find((v) => v.step.id === 'exercise-1/step-1')?.note).toBe('done (cleaned up since)');
    expect(cleaned.steps.filter((v) => isCleanup(v.step)).map((v) => v.mark)).toEqual(['✓', '✓', '✓', '✓']);
    // Never seen complete: a cleaned-up machine is not a finished lesson.
    const fresh = judgeChecklist(results([], true), new Set());
    expect(fresh.steps.find((v) => v.step.id === 'exercise-1/step-1')?.mark).toBe('✗');
    expect(fresh.steps.filter((v) => isCleanup(v.step)).every((v) => v.mark === '·')).toBe(true);
  });

  test('without a terminal, only the steps whose line changed are printed', () => {
    const a = judgeChecklist(results([fail('netns-exists', 'Exercise 1 Step 1\nx')]), new Set());
    expect(changedLines(undefined, a)).toHaveLength(LAB_STEPS.length);
    expect(changedLines(a, a)).toEqual([]);
    const b = judgeChecklist(results(), a.seen);
    expect(changedLines(a, b).some((l) => l.startsWith('✓ exercise-1/step-1 '))).toBe(true);
    expect(changedLines(a, b).some((l) => l.startsWith('✓ exercise-1/step-2 '))).toBe(false);
  });

  test('--watch adds --check of every step; options it cannot honour are one-line refusals', () => {
    expect(watchArgs(['--bundle', '/x'])).toBeUndefined();
    expect(watchArgs(['-w'])?.argv).toEqual(CHECKLIST_IDS.flatMap((id) => ['--check', id]));
    expect(watchArgs(['--watch', '--hints', '2'])?.argv).toEqual(['--hints', '2', ...CHECKLIST_IDS.flatMap((id) => ['--check', id])]);
    for (const [flag, says] of [
      ['--check', /--watch cannot be combined with --check: the live checklist shows every step/],
      ['--format=gradescope', /--watch cannot be combined with --format: a watch scores nothing/],
      ['--points', /--watch cannot be combined with --points/],
      ['--list-checks', /--watch cannot be combined with --list-checks/],
    ] as const)
      expect(() => watchArgs(['--watch', flag, 'x'])).toThrow(says);
  });

  test("the watch's kernel listeners pass the grader's read-only guard; nothing else of ip monitor's does", () => {
    const ctx = { scratch: '/tmp/x', ownIdPrefix: 'lesson06-grade-' };
    expect(readOnlyViolation(['ip', 'monitor', 'link', 'address'], ctx)).toBeUndefined();
    expect(readOnlyViolation(['ip', '-n', 'container-net', 'monitor', 'link', 'address'], ctx)).toBeUndefined();
    expect(readOnlyViolation(['ip', 'monitor'], ctx)).toMatch(/not a read-only ip command/);
    expect(readOnlyViolation(['ip', 'monitor', 'link', 'file', '/tmp/x'], ctx)).toMatch(/not a read-only ip command/);
  });
});
