import { describe, expect, test } from 'vitest';
import { testId } from '../fixtures/test-id.js';
import { grepFor, listedTests, selects, testIdProblems, type ListedTest } from './support/test-ids.js';
import { FAKE_SCENARIOS, FAULT_SCENARIOS } from './support/scenarios.js';
import * as verdicts from './support/verdicts.js';

const listed = (name: string, id?: string): ListedTest => {
  const [section = '', title = ''] = name.split(' > ');
  return { name, grepName: `${section} ${title}`, file: `/repo/specs/${section}.spec.ts`, ...(id !== undefined ? { id } : {}) };
};

/** Every id the verdicts name: pass sets, "all but" sets, selections, expected failures. */
function idsInVerdicts(): string[] {
  const lists = (Object.values(verdicts) as unknown[]).filter((v): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string'));
  const scenarios = [...FAKE_SCENARIOS, ...FAULT_SCENARIOS];
  return [
    ...lists.filter((l) => l !== (verdicts.NON_RUNTIME_ERRATA as readonly string[])).flat(),
    ...scenarios.flatMap((s) => [
      ...(Array.isArray(s.passes) ? s.passes : typeof s.passes === 'object' && 'allBut' in s.passes ? s.passes.allBut : []),
      ...(s.select ?? []),
      ...s.fails.map((f) => f.test),
    ]),
  ];
}

describe('every lesson test has a stable id: what verdicts, graders and CI key on instead of its title', () => {
  test('the suite as vitest collects it: every test has an id <section>/<slug> of its own section, and no two share one', async () => {
    const tests = await listedTests();
    expect(tests.length).toBeGreaterThan(70);
    expect(testIdProblems(tests)).toEqual([]);
  });

  test('every id or section the selftest verdicts name is a test (or section) of the suite', async () => {
    const known = new Set((await listedTests()).map((t) => t.id));
    const sections = new Set([...known].map((id) => id?.split('/')[0]));
    const unknown = [...new Set(idsInVerdicts())].filter((id) => (id.includes('/') ? !known.has(id) : !sections.has(id)));
    expect(unknown).toEqual([]);
  });

  test('a test without an id, a malformed one, one outside its section and a shared one are each reported', () => {
    expect(
      testIdProblems([
        listed('exercise-1 > step 1: a', 'exercise-1/step-1'),
        listed('exercise-1 > step 1: b', 'exercise-1/step-1'),
        listed('exercise-1 > no id'),
        listed('exercise-1 > bad', 'exercise-1/Step_2'),
        listed('exercise-2 > elsewhere', 'exercise-1/elsewhere'),
      ]),
    ).toEqual([
      'test id "exercise-1/step-1" is used twice: "exercise-1 step 1: a" and "exercise-1 step 1: b"',
      '/repo/specs/exercise-1.spec.ts: "exercise-1 no id" has no test id (testId(\'<section>/<slug>\') as its options)',
      '/repo/specs/exercise-1.spec.ts: "exercise-1 bad": test id "exercise-1/Step_2" is not <section>/<slug>',
      '/repo/specs/exercise-2.spec.ts: "exercise-2 elsewhere": test id "exercise-1/elsewhere" is not in its section exercise-2',
    ]);
  });

  test('a selection of ids becomes the --grep of exactly those titles, a section its prefix; an unknown id is an error', () => {
    const tests = [
      listed('exercise-2 > as written: jq … > tmp && mv (x)', 'exercise-2/as-written'),
      listed('exercise-2 > step 1: a', 'exercise-2/step-1'),
      listed('verify > script check 5: jq -e', 'verify/script-check-5'),
      listed('verify > script check 5 with any path', 'verify/script-check-5-any-path'),
    ];
    const chosen = (sel: string[]): string[] => {
      const re = new RegExp(grepFor(sel, tests));
      return tests.filter((t) => re.test(t.grepName)).map((t) => t.id ?? '');
    };
    expect(chosen(['verify/script-check-5'])).toEqual(['verify/script-check-5']);
    expect(chosen(['exercise-2/as-written', 'verify/script-check-5-any-path'])).toEqual(['exercise-2/as-written', 'verify/script-check-5-any-path']);
    expect(chosen(['exercise-2'])).toEqual(['exercise-2/as-written', 'exercise-2/step-1']);
    expect(() => grepFor(['verify/no-such-test'], tests)).toThrow(/no lesson test has the id or section "verify\/no-such-test"/);
    expect(selects(undefined, 'verify/script-check-5')).toBe(true);
    expect(selects(['verify'], 'verify/script-check-5')).toBe(true);
    expect(selects(['verify/script-check-5'], 'verify/script-check-5-any-path')).toBe(false);
  });

  test("testId(…) puts the id in the test's meta and refuses one that is not <section>/<slug>", () => {
    expect(testId('exercise-3/sees-veth-container')).toEqual({ meta: { testId: 'exercise-3/sees-veth-container' } });
    for (const bad of ['exercise-3', 'exercise-3/', 'Exercise-3/x', 'exercise-3/a b', 'exercise-3/a/b', 'exercise-3/create_runtime'])
      expect(() => testId(bad), bad).toThrow(/is not <section>\/<slug>/);
  });
});
