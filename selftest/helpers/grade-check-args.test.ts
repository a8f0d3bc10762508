import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  ALL_CHECK_INFO,
  CHECK_IDS,
  GRADE_CHECK_INFO,
  LAB_STEPS,
  STEP_CHECK_INFO,
  listChecks,
  nearestCheckId,
  selectChecks,
  stepOf,
} from '../../helpers/grade/catalog.js';
import { DEFAULT_POINTS_FILE, DEFAULT_POINTS_PATH, readPoints } from '../../helpers/grade/points.js';
import { hints, jqEdit } from '../../helpers/grade/hints.js';
import { lessonPlan } from '../../helpers/lesson/plan.js';
import { tokenize } from '../../helpers/lesson/shell.js';
import { checkLines, hintText, upToLevel, type Graded } from '../../helpers/report/grade-reporter.js';
import { formatHints } from '../../helpers/lesson/diagnosis.js';
import { parseTestArgs, type ParseContext } from '../../scripts/cli/test-args.js';

const ctx: ParseContext = { pid: 4242, cwd: '/work/clone', env: { HOME: '/home/alice' }, account: () => 'alice' };
const grade = (argv: string[]) => parseTestArgs(['--lab', 'existing', ...argv], ctx, 'npm run grade');

describe('npm run grade --check / --list-checks / --hints', () => {
  test('the catalogue names every check grading/points.json weighs and specs/grade.spec.ts defines, and each belongs to exactly one step', () => {
    const weighed = Object.keys(readPoints(DEFAULT_POINTS_PATH, DEFAULT_POINTS_FILE).weights).sort();
    expect(GRADE_CHECK_INFO.map((c) => c.id).sort()).toEqual(weighed);
    const spec = readFileSync('specs/grade.spec.ts', 'utf8');
    const defined = [...spec.matchAll(/gradeCheck\(\s*'([a-z-]+)'/g)].map((m) => m[1]);
    expect(defined).toEqual(GRADE_CHECK_INFO.map((c) => c.id));
    // The checklist's own steps (never scored) live in their own spec file, in the catalogue's order.
    const steps = readFileSync('specs/grade-steps.spec.ts', 'utf8');
    expect([...steps.matchAll(/gradeCheck\(\s*'([a-z-]+)'/g)].map((m) => m[1])).toEqual(STEP_CHECK_INFO.map((c) => c.id));
    for (const c of ALL_CHECK_INFO) expect(LAB_STEPS.filter((s) => s.checks.includes(c.id)).map((s) => s.id)).toEqual([stepOf(c.id).id]);
    for (const c of ALL_CHECK_INFO) for (const n of c.needs) expect(CHECK_IDS).toContain(n);
    // A scored check never needs a checklist-only one: a full grade does not run those.
    for (const c of GRADE_CHECK_INFO) for (const n of c.needs) expect(GRADE_CHECK_INFO.map((x) => x.id)).toContain(n);
    expect(new Set(CHECK_IDS).size).toBe(CHECK_IDS.length);
  });

  test('--check runs the named checks and, transitively, what they need, in the spec order', () => {
    expect(selectChecks(['exercise-1/step-4']).run).toEqual([
      'netns-exists',
      'host-veth-exists',
      'host-veth-address',
      'ns-veth-visible',
      'ns-veth-address',
    ]);
    expect(selectChecks(['exercise-1/step-1']).run).toEqual(['netns-exists']);
    expect(selectChecks(['bundle-process', 'exercise-1/step-2']).named.map((n) => n.checks)).toEqual([['bundle-process'], ['host-veth-exists']]);
    const c = grade(['--check', 'exercise-1/step-4']);
    if (c.help) throw new Error('unexpected help');
    expect(c.config.grade?.hints).toBe(1);
    expect(c.config.grade?.latest).toBeUndefined();
    expect(c.config.junit).toBe('/work/clone/reports/grade/alice/check.xml');
    const names = GRADE_CHECK_INFO.map((i) => `verify ${i.id}: ${i.title}`);
    expect(names.filter((n) => new RegExp(c.config.grep ?? '^$').test(n)).map((n) => n.split(':')[0])).toEqual(
      ['netns-exists', 'host-veth-exists', 'host-veth-address', 'ns-veth-visible', 'ns-veth-address'].map((i) => `verify ${i}`),
    );
  });

  test('refusals are one line with the way out: unknown id (nearest named), --check without id, --hints out of range, --check with a scored format', () => {
    expect(() => grade(['--check', 'exercise-1/stepp-4'])).toThrow(/did you mean exercise-1\/step-4\?.*--list-checks/);
    expect(nearestCheckId('host-veth-adress')).toBe('host-veth-address');
    expect(() => grade(['--check'])).toThrow(/--check needs a check id.*--list-checks/);
    expect(() => grade(['--check', '--hints', '2'])).toThrow(/--check needs a check id/);
    expect(() => grade(['--hints', '4'])).toThrow(/--hints "4" must be 1, 2 or 3/);
    expect(() => grade(['--check', 'exercise-1/step-1', '--format', 'gradescope'])).toThrow(/--check scores nothing/);
    expect(() => parseTestArgs(['--check', 'exercise-1/step-1'], ctx)).toThrow(/describes a student's lab/);
    const full = grade(['--hints', '2']);
    if (full.help) throw new Error('unexpected help');
    expect([full.config.grade?.hints, full.config.grade?.only, full.config.grep]).toEqual([2, undefined, undefined]);
  });

  test('--list-checks lists every id with its title', () => {
    expect(grade(['--list-checks'])).toEqual({ help: true, listChecks: true });
    const text = listChecks();
    for (const id of CHECK_IDS) expect(text).toMatch(new RegExp(`^  ${id} +\\S`, 'm'));
  });

  test('a --check line: ✓ when every check of the step passed, ✗ with hint 1 of the failing check, "not yet" when a step it needs fails', () => {
    const p = lessonPlan('/home/alice');
    const down = formatHints(hints.down(p, 'veth-host', false, 'flags BROADCAST')).join('\n');
    const gone = formatHints(hints.hostVethMissing(p)).join('\n');
    const only = selectChecks(['exercise-1/step-5', 'exercise-1/step-1']);
    const pass = (id: string): [string, Graded] => [id, { id, state: 'pass', message: '' }];
    const results = new Map<string, Graded>([
      pass('netns-exists'),
      pass('ns-veth-visible'),
      pass('ns-veth-up'),
      pass('ns-loopback-up'),
      pass('host-veth-exists'),
      ['host-veth-up', { id: 'host-veth-up', state: 'fail', message: `Exercise 1 Step 5\n${down}` }],
    ]);
    expect(checkLines(only, results, 1)).toEqual([
      `✗ exercise-1/step-5 both ends and the namespace's loopback are up — veth-host is DOWN (flags BROADCAST): it carries no packets`,
      '✓ exercise-1/step-1 the network namespace exists',
    ]);
    expect(checkLines(only, results, 3).filter((l) => l.startsWith('    hint 3: '))).toEqual(['    hint 3: $ sudo ip link set veth-host up']);
    const waiting = new Map<string, Graded>([
      ['host-veth-exists', { id: 'host-veth-exists', state: 'fail' as const, message: `x\n${gone}` }],
      ['host-veth-up', { id: 'host-veth-up', state: 'not checked' as const, message: 'not checked: needs host-veth-exists' }],
    ]);
    expect(checkLines(selectChecks(['host-veth-up']), waiting, 1)[0]).toMatch(
      /^✗ host-veth-up .* — not yet: exercise-1\/step-2 \(host-veth-exists\) comes first: there is no interface veth-host/,
    );
    expect(hintText(down, 2)[0]).toMatch(/^Exercise 1, Step 5/);
    expect(upToLevel(down.split('\n'), 1)).toHaveLength(1);
    const diagnosis = [
      '  expected: x',
      '  seen:     y',
      '  diagnosis: Common Error 2',
      '  fix:      sudo ip link set veth-host up',
      ...down.split('\n'),
    ];
    expect(upToLevel(diagnosis, 2).map((l) => l.slice(0, 10))).toEqual(['  expected', '  seen:   ', '  hint 1: ', '  hint 2: ']);
  });

  test('a jq edit is one command a shell splits into sh -c and the lesson’s jq-then-mv script', () => {
    const cmd = jqEdit("/home/al ice/b'x", '.linux.namespaces |= map(if .type == "network" then .path = "/var/run/netns/n" else . end)');
    const t = tokenize(cmd);
    expect(t.tokens.every((x) => x.kind === 'word')).toBe(true);
    expect(t.tokens.map((x) => x.value)).toEqual([
      'sh',
      '-c',
      `cd '/home/al ice/b'\\''x' && jq '.linux.namespaces |= map(if .type == "network" then .path = "/var/run/netns/n" else . end)' config.json > config.json.tmp && mv config.json.tmp config.json`,
    ]);
  });
});
