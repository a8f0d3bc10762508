import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withoutNetnsPath, withNetnsPath } from '../helpers/oci/config.js';
import { runArgv } from '../helpers/targets/exec.js';
import { visit } from './support/browser.js';
import { lessonLab, type StudentLab } from './support/grade-lab.js';
import { gradeLabAs, type GradedStudent } from './support/gradebook-labs.js';
import { gradescopeSchemaErrors } from './support/gradescope.js';
import { readJUnit } from './support/junit.js';
import { limit } from './support/limit.js';
import { ensureXmllint, schemaErrors } from './support/report-runs.js';

/** Where selftest leaves the gradebook's screenshot and CSV for a person to look at. */
const SCREENSHOT = resolve('reports/selftest-gradebook.png');
const CSV_COPY = resolve('reports/selftest-gradebook.csv');

const weights = (JSON.parse(readFileSync('grading/points.json', 'utf8')) as { checks: Record<string, number> }).checks;
const MAX = Object.values(weights).reduce((a, b) => a + b, 0);
/** Every grade check the points file weighs (its unit test holds it to specs/grade.spec.ts). */
const CHECKS = Object.keys(weights).length;

/** Six students' labs: two built as the lesson says, four broken in one place each. */
const LABS: Array<{ student: string; build: (s: StudentLab) => Promise<void>; fails?: string; args?: string[]; twice?: string }> = [
  { student: 'alice', build: lessonLab, twice: 'alice' },
  {
    student: 'bob',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ip', 'link', 'set', s.plan.hostVeth, 'down']);
    },
    fails: 'host-veth-up',
  },
  {
    student: 'carol',
    build: async (s) => {
      await lessonLab(s);
      await s.bundle.patch(withoutNetnsPath);
    },
    fails: 'bundle-netns-path',
  },
  {
    student: 'dave',
    build: async (s) => {
      await s.bundle.create({ applets: true, cgroupsPath: '/x' });
      await s.bundle.patch(withNetnsPath(s.plan.netnsPath));
    },
    fails: 'netns-exists',
  },
  {
    student: 'erin',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['rm', '-f', `${s.bundle.rootfs}/bin/busybox`]);
    },
    fails: 'bundle-process',
    args: ['--format', 'prairielearn'],
  },
  // mallory hands in frank's lab: graded on the same machine, the same boot, the same veth pair.
  { student: 'frank', build: lessonLab, args: ['--format', 'gradescope'], twice: 'mallory' },
];

const out = mkdtempSync(join(tmpdir(), 'gradebook-selftest-'));
const graded: GradedStudent[] = [];

beforeAll(async () => {
  const three = limit(3);
  const runs = await Promise.all(
    LABS.map((l) => three(() => gradeLabAs(l.build, [{ student: l.student, args: l.args }, ...(l.twice ? [{ student: l.twice }] : [])], out))),
  );
  graded.push(...runs.flat());
  // The class directory holds the six; mallory's copy of frank's lab goes beside frank's, elsewhere.
  mkdirSync(`${out}/copied`);
  renameSync(`${out}/grade/mallory`, `${out}/copied/mallory`);
  cpSync(`${out}/grade/frank`, `${out}/copied/frank`, { recursive: true });
}, 600_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

const gradebook = (args: readonly string[]) => runArgv([process.execPath, '--import', 'tsx', 'scripts/gradebook.ts', ...args], { timeoutMs: 60_000 });
const run = (student: string): GradedStudent => {
  const g = graded.find((x) => x.student === student);
  if (g === undefined) throw new Error(`no grade run for ${student}`);
  return g;
};
const latest = (student: string): string => `${out}/grade/${student}/latest.xml`;

describe('npm run grade --student, six labs, and npm run gradebook', () => {
  test('six --student names give six distinct reports in reports/grade/<student>/, each naming its student in the suite, a property and the console; history is kept; each is valid JUnit', async () => {
    await ensureXmllint();
    for (const l of LABS) expect(await schemaErrors(latest(l.student)), l.student).toBe('');
    const texts = LABS.map((l) => readFileSync(latest(l.student), 'utf8'));
    expect(new Set(texts).size).toBe(6);
    for (const l of LABS) {
      const r = run(l.student);
      expect(r.exec.exitCode, r.exec.stdout + r.exec.stderr).toBe(l.fails ? 1 : 0);
      expect(r.exec.stdout).toMatch(new RegExp(`^student ${l.student}: \\d+/${MAX} points \\(weights from grading/points\\.json\\)$`, 'm'));
      expect(r.exec.stdout).toMatch(new RegExp(`report for the grader: \\S+/reports/grade/${l.student}/\\d{8}T\\d{6}Z(-\\d+)?\\.xml`));
      const cases = readJUnit(latest(l.student));
      expect(cases.length).toBe(CHECKS);
      for (const c of cases) {
        expect(c.suite).toBe(`${l.student}: verify`);
        expect(c.suiteProperties).toContainEqual({ name: 'grade.student', value: l.student });
        expect(c.suiteProperties).toContainEqual({ name: 'run.selection', value: 'all' });
      }
      if (l.fails) expect(cases.find((c) => c.name.startsWith(`${l.fails}: `))?.state).toBe('failed');
    }
    // alice was graded twice: two reports in her history, latest.xml the second.
    const history = readdirSync(`${out}/grade/alice`)
      .filter((f) => /^\d{8}T\d{6}Z(-\d+)?\.xml$/.test(f))
      .sort();
    expect(history.length).toBe(2);
    expect(readFileSync(`${out}/grade/alice/${history[1] ?? ''}`, 'utf8')).toBe(readFileSync(latest('alice'), 'utf8'));
  });

  test("npm run gradebook -- DIR: a CSV row per student whose scores are the points file applied to each report's verdicts, and a page Chromium shows with all six", async () => {
    const r = await gradebook([`${out}/grade`, '--out', out]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const [header, ...rows] = readFileSync(`${out}/gradebook.csv`, 'utf8').trimEnd().split('\r\n');
    expect(header).toBe(['student', 'score', 'max', ...Object.keys(weights), 'flags'].join(','));
    expect(rows.length).toBe(6);
    for (const [i, l] of [...LABS].sort((a, b) => a.student.localeCompare(b.student)).entries()) {
      const cells = (rows[i] ?? '').split(',');
      const cases = readJUnit(latest(l.student));
      const earned = Object.keys(weights).map((id) => (cases.find((c) => c.name.startsWith(`${id}: `))?.state === 'passed' ? (weights[id] ?? 0) : 0));
      expect(cells).toEqual([l.student, String(earned.reduce((a, b) => a + b, 0)), String(MAX), ...earned.map(String), '']);
      if (l.fails) expect(cells[3 + Object.keys(weights).indexOf(l.fails)]).toBe('0');
      else expect(cells[1]).toBe(String(MAX));
    }
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    copyFileSync(`${out}/gradebook.csv`, CSV_COPY);
    const html = readFileSync(`${out}/gradebook.html`, 'utf8');
    const seen = await visit(`${out}/gradebook.html`, SCREENSHOT, [
      'tr.student',
      'tr#failure-rate td.rate',
      'tr.diagnosis',
      'td.check.fail',
      'tr.flagged',
    ]);
    expect(seen.problems).toEqual([]);
    const failed = LABS.flatMap((l) => readJUnit(latest(l.student))).filter((c) => c.state === 'failed').length;
    expect(failed).toBeGreaterThanOrEqual(4);
    expect(seen.counts).toEqual({
      'tr.student': 6,
      'tr#failure-rate td.rate': CHECKS,
      'tr.diagnosis': CHECKS,
      'td.check.fail': failed,
      'tr.flagged': 0,
    });
    for (const l of LABS) expect(seen.text).toContain(l.student);
    // Each student's link leads to that student's report, relative to the page.
    const links = [...html.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => [m[2], m[1]]);
    expect(links.map(([s]) => s)).toEqual(LABS.map((l) => l.student).sort());
    for (const [s, href] of links)
      expect(readFileSync(resolve(out, decodeURIComponent(href ?? '')), 'utf8')).toBe(readFileSync(latest(s ?? ''), 'utf8'));
    // The most common diagnosis of a check that failed is its report's own message.
    const bob = readJUnit(latest('bob')).find((c) => c.name.startsWith('host-veth-up: '));
    expect(seen.text).toContain(bob?.message ?? '(none)');
  });

  test("--format gradescope writes a results.json that fits Gradescope's documented shape; --format prairielearn a score from 0 to 1", () => {
    const gs = JSON.parse(readFileSync(`${out}/grade/frank/results.json`, 'utf8')) as { score: number; tests: Array<Record<string, unknown>> };
    expect(gradescopeSchemaErrors(gs)).toEqual([]);
    expect(gs.score).toBe(MAX);
    expect(gs.tests.length).toBe(CHECKS);
    for (const t of gs.tests) expect(Object.keys(t)).toEqual(expect.arrayContaining(['name', 'score', 'max_score', 'status', 'output']));
    const pl = JSON.parse(readFileSync(`${out}/grade/erin/results.json`, 'utf8')) as {
      gradable: boolean;
      score: number;
      tests: Array<{ points: number; max_points: number }>;
    };
    expect(pl.gradable).toBe(true);
    const erin = readJUnit(latest('erin'));
    const earned = Object.keys(weights).reduce(
      (s, id) => s + (erin.find((c) => c.name.startsWith(`${id}: `))?.state === 'passed' ? (weights[id] ?? 0) : 0),
      0,
    );
    expect(pl.score).toBeCloseTo(earned / MAX, 4);
    expect(pl.score).toBeLessThan(1);
  });

  test('two reports of one lab under two students are both flagged as duplicates, and a hand-edited report as inconsistent; the gradebook is written and exits 1', async () => {
    const r = await gradebook([`${out}/copied`, '--out', `${out}/copied-book`]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^flagged: frank: duplicate: the same lab as mallory \(boot id [0-9a-f-]{36}, MACs [0-9a-f:]{17} [0-9a-f:]{17}\)$/m);
    expect(r.stdout).toMatch(/^flagged: mallory: duplicate: the same lab as frank /m);
    expect(readFileSync(`${out}/copied-book/gradebook.csv`, 'utf8')).toMatch(
      new RegExp(`^frank,${MAX},${MAX},.*duplicate: the same lab as mallory`, 'm'),
    );
    // bob raises his own score by hand in a real report: flagged as contradicting itself, still listed.
    mkdirSync(`${out}/edited/bob`, { recursive: true });
    const bobXml = readFileSync(latest('bob'), 'utf8');
    const edited = bobXml.replace('name="grade.check.host-veth-up" value="fail 0/1"', 'name="grade.check.host-veth-up" value="pass 1/1"');
    expect(edited).not.toBe(bobXml);
    writeFileSync(`${out}/edited/bob/latest.xml`, edited);
    const e = await gradebook([`${out}/edited`, '--out', `${out}/edited-book`]);
    expect(e.exitCode, e.stdout + e.stderr).toBe(1);
    expect(e.stdout).toContain('flagged: bob: inconsistent: its grade.digest does not match what it says (edited after grading?)');
    expect(e.stdout).toContain('flagged: bob: inconsistent: host-veth-up is "fail" in its test case but "pass" in its points');
    // The six distinct labs share this machine's boot id, yet none is flagged: the veth MACs differ.
    const bootIds = new Set(LABS.map((l) => readJUnit(latest(l.student))[0]?.suiteProperties.find((p) => p.name === 'evidence.boot_id')?.value));
    expect(bootIds.size).toBe(1);
  });
});
