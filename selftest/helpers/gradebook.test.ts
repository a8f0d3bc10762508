import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BadInputError } from '../../helpers/errors.js';
import type { Evidence } from '../../helpers/grade/evidence.js';
import { DEFAULT_POINTS_PATH, parsePoints, readPoints, scoreChecks, type CheckState } from '../../helpers/grade/points.js';
import { defaultStudent, historyPaths, historyStamp, validateStudent } from '../../helpers/grade/student.js';
import { buildJUnit } from '../../helpers/report/build-junit.js';
import { gradescopeResults, prairieLearnResults } from '../../helpers/report/grade-formats.js';
import { gradeRecordOf, reportFacts, selectionOf } from '../../helpers/report/grade-output.js';
import { lessonPlan } from '../../helpers/lesson/plan.js';
import { HARNESS_VERSION, LESSON_ID, recordFromProperties, recordOf, toolsLine, type GradeRecord } from '../../helpers/report/grade-record.js';
import { buildGradebook, csvField, gradebookCsv } from '../../helpers/report/gradebook.js';
import { gradebookHtml } from '../../helpers/report/gradebook-html.js';
import { readGradeReport, reportFiles, type ReadReport } from '../../helpers/report/gradebook-read.js';
import type { CaseModel, RunEnvironment } from '../../helpers/report/model.js';
import { defaultRunConfig } from '../../helpers/run-config.js';
import { parseGradebookArgs } from '../../scripts/cli/gradebook-args.js';
import { parseTestArgs, type ParseContext } from '../../scripts/cli/test-args.js';
import { gradescopeSchemaErrors } from '../support/gradescope.js';

const points = readPoints(DEFAULT_POINTS_PATH, 'grading/points.json');
const IDS = Object.keys(points.weights);
const MAX = Object.values(points.weights).reduce((a, b) => a + b, 0);
const env: RunEnvironment = {
  target: 'host',
  distro: 'Debian GNU/Linux 12 (bookworm)',
  runtime: 'runc',
  runtimeName: 'runc',
  cgroup: 'v1',
  runtimeVersion: '1.1.5',
  iproute2: '6.1.0',
  kernel: '6.1.0-test',
  busybox: 'BusyBox v1.35.0',
};
const T0 = Date.parse('2026-12-03T07:00:00.000Z');

function caseOf(id: string, state: CaseModel['state']): CaseModel {
  return {
    section: 'verify',
    name: `${id}: the check ${id}`,
    fullName: `verify › ${id}: the check ${id}`,
    file: 'specs/grade.spec.ts',
    startTime: T0,
    durationMs: 10,
    state,
    skipNote: state === 'skipped' ? 'not checked: needs netns-exists' : undefined,
    steps: [],
    failures: state === 'failed' ? [`${id}\nexpected A; seen B (${id})`] : state === 'error' ? ['HarnessError: broke'] : [],
    headline: state === 'failed' ? `expected A; seen B (${id})` : state === 'error' ? 'Error: broke' : undefined,
    errorType: state === 'error' ? 'HarnessError.Error' : undefined,
    errata: [],
    adjustments: [],
  };
}

const evidence = (over: Partial<Evidence> = {}): Evidence => ({
  bootId: '0f6a2c8e-1b2c-4d5e-8f90-123456789abc',
  netnsInode: '4026532451',
  hostMac: '9a:1b:2c:3d:4e:5f',
  nsMac: 'aa:bb:cc:dd:ee:01',
  osRelease: '6.1.0-test',
  collectedAt: T0 + 20_000,
  ...over,
});

/** A grade report as the grader writes it, for one student whose named checks did not pass. */
function report(
  student: string,
  states: Partial<Record<string, CaseModel['state']>> = {},
  over: { evidence?: Partial<Evidence>; selection?: string; lesson?: string; version?: string; fault?: string } = {},
): { xml: string; cases: CaseModel[]; record: GradeRecord } {
  const cases = IDS.map((id) => caseOf(id, states[id] ?? 'passed'));
  const toState = (s: CaseModel['state']): CheckState => (s === 'passed' ? 'pass' : s === 'skipped' ? 'not checked' : 'fail');
  const score = scoreChecks(
    cases.filter((c) => c.state !== 'error').map((c) => ({ id: c.name.split(':')[0] ?? '', state: toState(c.state) })),
    points,
    over.fault ?? (cases.some((c) => c.state === 'error') ? 'harness error' : undefined),
  );
  const record = recordOf(
    {
      lesson: over.lesson ?? LESSON_ID,
      harnessVersion: over.version ?? HARNESS_VERSION,
      selection: over.selection ?? 'all',
      student,
      pointsFile: points.file,
      pointsSha256: points.sha256,
      evidence: evidence(over.evidence),
      tools: toolsLine(env),
      netnsPath: '/var/run/netns/container-net',
      hostVeth: 'veth-host',
      nsVeth: 'veth-container',
      startedAt: T0,
      endedAt: T0 + 30_000,
    },
    score,
  );
  const facts = reportFacts(defaultRunConfig({ mode: 'grade' }), record);
  return { xml: buildJUnit(cases, env, ['verify'], { startedAt: T0, durationMs: 30_000, hostname: 'vm', ...facts }), cases, record };
}

const dir = mkdtempSync(join(tmpdir(), 'gradebook-units-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(student: string, xml: string, file = 'latest.xml'): ReadReport {
  mkdirSync(join(dir, 'grade', student), { recursive: true });
  const path = join(dir, 'grade', student, file);
  writeFileSync(path, xml);
  const r = readGradeReport(path);
  if (typeof r === 'string') throw new Error(r);
  return r;
}

describe('points', () => {
  test('a points file is {"checks": {id: weight}}; anything else is one line naming the file', () => {
    expect(parsePoints('{"checks":{"a":1,"b":2.5}}', 'p.json').weights).toEqual({ a: 1, b: 2.5 });
    for (const [text, says] of [
      ['{', /p\.json is not JSON/],
      ['{"check":{}}', /has no "checks" object/],
      ['{"checks":{"A B":1}}', /not a grade check id/],
      ['{"checks":{"a":-1}}', /from 0 to 1000/],
      ['{"checks":{"a":"2"}}', /from 0 to 1000/],
      ['{"checks":{"a":0}}', /no check a weight above 0/],
    ] as const)
      expect(() => parsePoints(text, 'p.json')).toThrow(says);
  });
  test('grading/points.json weighs exactly the grade checks of specs/grade.spec.ts, in their order', () => {
    const spec = readFileSync('specs/grade.spec.ts', 'utf8');
    const ids = [...spec.matchAll(/gradeCheck\(\s*'([a-z0-9-]+)'/g)].map((m) => m[1]);
    expect(ids.length).toBeGreaterThan(0);
    expect(IDS).toEqual(ids);
  });
  test('"not checked" scores 0 and counts in the maximum; a harness fault or a points file that does not fit is ungradable, never 0', () => {
    const t = parsePoints('{"checks":{"a":2,"b":3,"c":1}}', 'p.json');
    expect(
      scoreChecks(
        [
          { id: 'a', state: 'pass' },
          { id: 'b', state: 'fail' },
          { id: 'c', state: 'not checked' },
        ],
        t,
        undefined,
      ),
    ).toMatchObject({ gradable: true, score: 2, max: 6 });
    expect(
      scoreChecks(
        [
          { id: 'a', state: 'pass' },
          { id: 'b', state: 'pass' },
          { id: 'c', state: 'pass' },
        ],
        t,
        'harness error in x',
      ),
    ).toMatchObject({ gradable: false, reason: 'harness error in x', max: 6 });
    expect(
      scoreChecks(
        [
          { id: 'a', state: 'pass' },
          { id: 'b', state: 'pass' },
        ],
        t,
        undefined,
      ),
    ).toMatchObject({ gradable: false, reason: 'p.json weighs c, which this run did not report' });
    expect(
      scoreChecks(
        [
          { id: 'a', state: 'pass' },
          { id: 'b', state: 'pass' },
          { id: 'c', state: 'pass' },
          { id: 'd', state: 'pass' },
        ],
        t,
        undefined,
      ),
    ).toMatchObject({ gradable: false, reason: 'p.json gives no weight to d' });
  });
});

describe('--student', () => {
  const ctx: ParseContext = { pid: 4242, cwd: '/work/clone', env: {}, account: () => 'carol', now: () => new Date('2026-12-03T07:25:12Z') };
  const parse = (argv: string[], c: ParseContext = ctx) => {
    const p = parseTestArgs(['--lab', 'existing', ...argv], c);
    if (p.help) throw new Error('help');
    return p.config;
  };
  test('default: SUDO_USER under sudo, else the account; its history is reports/grade/<student>/<UTC time>.xml with latest.xml beside', () => {
    expect(parse([]).grade?.student).toBe('carol');
    expect(parse([], { ...ctx, env: { SUDO_USER: 'alice', SUDO_UID: '1000', SUDO_GID: '1000' } }).grade?.student).toBe('alice');
    const c = parse(['--student', 'Bob.Smith_2']);
    expect([c.junit, c.grade?.latest, c.grade?.format, c.grade?.results]).toEqual([
      '/work/clone/reports/grade/Bob.Smith_2/20261203T072512Z.xml',
      '/work/clone/reports/grade/Bob.Smith_2/latest.xml',
      'junit',
      undefined,
    ]);
    expect(historyStamp(new Date('2026-01-02T03:04:05.999Z'))).toBe('20260102T030405Z');
    expect(historyPaths('/r', 'a', new Date('2026-01-02T03:04:05Z'), (p) => p === '/r/grade/a/20260102T030405Z.xml', '77').junit).toBe(
      '/r/grade/a/20260102T030405Z-77.xml',
    );
  });
  test('an explicit --junit still works, and has no latest.xml; --format writes results.json beside the report', () => {
    const c = parse(['--student', 'bob', '--junit', 'out/x.xml', '--format', 'gradescope']);
    expect([c.junit, c.grade?.latest, c.grade?.results]).toEqual(['/work/clone/out/x.xml', undefined, '/work/clone/out/results.json']);
    expect(parse(['--format', 'prairielearn', '--results', '/grade/results/results.json']).grade?.results).toBe('/grade/results/results.json');
  });
  test('a name that is not a safe file name, a bad format or points file: one line, before anything runs', () => {
    for (const [argv, says] of [
      [['--student', '../eve'], /--student "\.\.\/eve" is not a safe file name/],
      [['--student', 'a/b'], /not a safe file name/],
      [['--student', ''], /not a safe file name/],
      [['--student=-x'], /not a safe file name/],
      [['--student', 'a'.repeat(65)], /not a safe file name/],
      [['--student', 'ok..no'], /not a safe file name/],
      [['--format', 'moodle'], /--format "moodle" must be one of: junit, gradescope, prairielearn/],
      [['--results', 'r.json'], /--results is the file of --format gradescope or prairielearn/],
      [['--points', '/nonexistent/p.json'], /points file \/nonexistent\/p\.json cannot be read \(ENOENT\)/],
      [
        ['--bundle', '/home/s/b', '--format', 'gradescope', '--results', '/home/s/b/results.json'],
        /--results: \/home\/s\/b\/results\.json lies inside \/home\/s\/b/,
      ],
      [['--bundle', '/home/s/b', '--junit', '/home/s/b/x/g.xml'], /--junit: \/home\/s\/b\/x\/g\.xml lies inside \/home\/s\/b/],
      [['--format', 'gradescope', '--junit', 'o/r.xml', '--results', 'o/r.xml'], /--results \/work\/clone\/o\/r\.xml is the JUnit report's own path/],
    ] as const)
      expect(() => parse([...argv]), argv.join(' ')).toThrow(says);
    expect(() => parse([], { ...ctx, account: () => 'name with space' })).toThrow(
      /the invoking user "name with space" is not a safe file name: .* \(or give --student NAME\)/,
    );
    expect(() => defaultStudent({ SUDO_USER: 'x;y', SUDO_UID: '1000' }, () => 'root')).toThrow(BadInputError);
    expect(validateStudent('a-b.c_D9', '--student')).toBe('a-b.c_D9');
    expect(() => parseTestArgs(['--student', 'x'], ctx)).toThrow(/--student describes a student's lab; it goes with npm run grade/);
  });
});

describe('the grade record in the JUnit report', () => {
  test('the suite is named after the student; the record reads back exactly as written, digest included', () => {
    const { xml, record } = report('alice', { 'ping-host-to-ns': 'failed', 'container-joins-netns': 'skipped' });
    expect(xml).toContain('<testsuite name="alice: verify"');
    const r = write('alice', xml);
    expect(r.record).toEqual(record);
    expect(r.record.score).toBe(MAX - (points.weights['ping-host-to-ns'] ?? 0) - (points.weights['container-joins-netns'] ?? 0));
    expect(xml).toContain('<property name="grade.check.container-joins-netns" value="not checked 0/3"/>');
    expect(xml).toContain(`<property name="grade.max" value="${MAX}"/>`);
    expect(recordFromProperties([{ name: 'lesson', value: 'x' }])).toMatch(/has no harness.version, run.selection/);
  });
  test('the selection is a suite property of every report: "all", or what left tests out', () => {
    expect(selectionOf(defaultRunConfig())).toBe('all');
    expect(selectionOf(defaultRunConfig({ grep: 'exercise-3', vitestArgs: ['--shard', '1/2'] }))).toBe('--grep exercise-3 --shard 1/2');
    expect(reportFacts(defaultRunConfig({ tagsFilter: 'verify' }), undefined)).toEqual({ properties: [['run.selection', '--tagsFilter verify']] });
  });
  test('a harness fault: the report says ungradable (no score), PrairieLearn gradable false, and no Gradescope file', () => {
    const { xml, cases, record } = report('dan', { 'bundle-config': 'error' });
    expect(record.score).toBeUndefined();
    expect(xml).toContain('<property name="grade.score" value="ungradable"/>');
    expect(xml).toContain('<property name="grade.gradable" value="false"/>');
    expect(gradescopeResults(record, cases)).toBeUndefined();
    expect(prairieLearnResults(record, cases)).toMatchObject({ gradable: false });
  });
  test('from the grader\'s own cases: a harness error or a run stopped early is ungradable, naming why; evidence of a lab that is not there is "none"', async () => {
    const plan = {
      ...lessonPlan('/nonexistent'),
      netns: 'lesson06-selftest-absent',
      netnsPath: '/var/run/netns/lesson06-selftest-absent',
      hostVeth: 'l06-absent-h',
      nsVeth: 'l06-absent-c',
    };
    const config = defaultRunConfig({
      mode: 'grade',
      plan,
      grade: { student: 'dan', points, format: 'junit', latest: undefined, results: undefined },
    });
    const run = { startedAt: T0, durationMs: 1000 };
    const cases = IDS.map((id) => caseOf(id, id === 'bundle-config' ? 'error' : 'passed'));
    const broken = await gradeRecordOf(cases, config, env, run);
    expect(broken?.ungradable).toBe('harness error in "verify › bundle-config: the check bundle-config": Error: broke');
    expect(broken?.score).toBeUndefined();
    expect([broken?.evidence.netnsInode, broken?.evidence.hostMac, broken?.evidence.nsMac]).toEqual(['none', 'none', 'none']);
    expect(broken?.evidence.bootId).toMatch(/^[0-9a-f-]{36}$/);
    const stopped = await gradeRecordOf(
      IDS.map((id) => caseOf(id, 'passed')),
      config,
      env,
      { ...run, stopped: 'the run was interrupted' },
    );
    expect(stopped?.ungradable).toBe('the run stopped early: the run was interrupted');
    const fine = await gradeRecordOf(
      IDS.map((id) => caseOf(id, id === 'ns-veth-up' ? 'failed' : 'passed')),
      config,
      env,
      run,
    );
    expect([fine?.score, fine?.max, fine?.ungradable]).toEqual([MAX - 1, MAX, undefined]);
    expect(await gradeRecordOf(cases, defaultRunConfig(), env, run)).toBeUndefined();
  });
  test('Gradescope results fit the documented shape (and the schema check itself can fail); PrairieLearn scores 0..1', () => {
    const { cases, record } = report('eve', { 'host-veth-up': 'failed', 'ping-host-to-ns': 'skipped' });
    const gs = gradescopeResults(record, cases);
    expect(gradescopeSchemaErrors(gs)).toEqual([]);
    expect(gs?.tests.find((t) => t.name.startsWith('host-veth-up'))).toMatchObject({
      score: 0,
      max_score: 1,
      status: 'failed',
      output: 'host-veth-up\nexpected A; seen B (host-veth-up)',
    });
    expect(gs?.tests.find((t) => t.name.startsWith('ping-host-to-ns'))?.output).toBe('not checked: needs netns-exists');
    expect(gradescopeSchemaErrors({ ...gs, tests: [{ name: 'x', max_points: 1 }] })).toEqual(
      expect.arrayContaining([expect.stringMatching(/additional properties \(max_points\)/)]),
    );
    const pl = prairieLearnResults(record, cases) as { score: number; gradable: boolean };
    expect(pl.gradable).toBe(true);
    expect(pl.score).toBeCloseTo((MAX - 3) / MAX, 4);
  });
});

describe('npm run gradebook', () => {
  const alice = report('alice');
  const bob = report(
    'bob',
    { 'host-veth-up': 'failed', 'ping-host-to-ns': 'skipped', 'ping-ns-to-host': 'skipped' },
    { evidence: { hostMac: '9a:1b:2c:3d:4e:60', nsMac: 'aa:bb:cc:dd:ee:02' } },
  );
  const refused = (r: ReadReport): string => {
    try {
      buildGradebook([r], points);
      return '';
    } catch (e) {
      expect(e).toBeInstanceOf(BadInputError);
      return (e as Error).message;
    }
  };
  test("the class table: rescored from each report's verdicts with the points file; CSV and a page that escapes what it shows", () => {
    const book = buildGradebook([write('bob', bob.xml), write('alice', alice.xml)], points);
    const csv = gradebookCsv(book).split('\r\n');
    expect(csv[0]).toBe(['student', 'score', 'max', ...IDS, 'flags'].join(','));
    expect(csv[1]).toBe(['alice', MAX, MAX, ...IDS.map((id) => points.weights[id]), ''].join(','));
    expect(csv[2]?.split(',').slice(0, 3)).toEqual(['bob', String(MAX - 5), String(MAX)]);
    const rate = book.checks.find((c) => c.id === 'host-veth-up');
    expect(rate).toMatchObject({ failed: 1, graded: 2, diagnosis: { text: 'expected A; seen B (host-veth-up)', count: 1, of: 1 } });
    const html = gradebookHtml(book, (p) => p, new Date(T0));
    expect(html).not.toMatch(/<script|<link|https?:\/\//);
    expect(csvField('=cmd()')).toBe("'=cmd()");
    expect(csvField('a,"b"')).toBe('"a,""b"""');
  });
  test('refused, naming the file: another lesson, another harness version, a partial selection, checks missing, a student twice, not a grade report', () => {
    expect(refused(write('x1', report('x1', {}, { lesson: '05-storage' }).xml))).toMatch(
      /x1\/latest\.xml: it grades lesson "05-storage", not 06-network-integration/,
    );
    expect(refused(write('x2', report('x2', {}, { version: 'lesson06-network-harness@0.0.9' }).xml))).toMatch(
      /written by harness lesson06-network-harness@0\.0\.9, this gradebook is lesson06/,
    );
    expect(refused(write('x3', report('x3', {}, { selection: '--grep ping' }).xml))).toMatch(
      /partial report \(selection "--grep ping"\), not a full grade/,
    );
    const partial = write('x4', alice.xml.replace(/<testcase [^>]*name="netns-exists:[\s\S]*?<\/testcase>/, ''));
    expect(refused(partial)).toMatch(/no verdict for netns-exists, which grading\/points\.json weighs: a partial report is not a full grade/);
    expect(() => buildGradebook([write('alice', alice.xml), write('alice', alice.xml, '20261203T070000Z.xml')], points)).toThrow(
      /a second report for alice/,
    );
    expect(() => buildGradebook([write('x5', alice.xml)], parsePoints('{"checks":{"netns-exists":1}}', 'small.json'))).toThrow(
      /it has checks small\.json gives no weight: host-veth-exists, /,
    );
    writeFileSync(join(dir, 'suite.xml'), '<testsuites name="x"><testsuite name="verify"><testcase name="a"/></testsuite></testsuites>');
    expect(readGradeReport(join(dir, 'suite.xml'))).toMatch(/no grade\.student property/);
    writeFileSync(join(dir, 'junk.xml'), 'not xml <<');
    expect(readGradeReport(join(dir, 'junk.xml'))).toMatch(/not (XML|a JUnit report)/);
  });
  test('flagged: two students with one lab (same boot id and MACs), and a report edited by hand', () => {
    const copy = report('mallory');
    const book = buildGradebook([write('alice', alice.xml), write('mallory', copy.xml), write('bob', bob.xml)], points);
    const flags = Object.fromEntries(book.rows.map((r) => [r.student, r.flags]));
    expect(flags.alice).toEqual([expect.stringMatching(/^duplicate: the same lab as mallory \(boot id 0f6a2c8e/)]);
    expect(flags.mallory).toEqual([expect.stringMatching(/^duplicate: the same lab as alice/)]);
    expect(flags.bob).toEqual([]);
    // bob raises his score by hand: the verdict, the points, the total, the digest no longer agree.
    const edited = bob.xml
      .replace('value="fail 0/1"', 'value="pass 1/1"')
      .replace(`name="grade.score" value="${MAX - 5}"`, `name="grade.score" value="${MAX}"`);
    const [row] = buildGradebook([write('bob', edited)], points).rows;
    expect(row?.flags).toEqual(
      expect.arrayContaining([
        'inconsistent: its grade.digest does not match what it says (edited after grading?)',
        'inconsistent: host-veth-up is "fail" in its test case but "pass" in its points',
        `inconsistent: its score ${MAX} is not the sum of its checks' points (${MAX - 4})`,
      ]),
    );
    // Renamed into another student's directory.
    const moved = buildGradebook([write('trudy', alice.xml)], points).rows[0];
    expect(moved?.flags).toContain("inconsistent: it lies in trudy's report directory but grades alice");
    // Evidence that contradicts the verdicts.
    const noMac = buildGradebook([write('zed', report('zed', {}, { evidence: { hostMac: 'none', bootId: 'not-a-uuid' } }).xml)], points).rows[0];
    // Tool versions changed in the properties but not in the evidence (or the other way round).
    const tools = buildGradebook(
      [write('tina', report('tina').xml.replace('name="runtime.version" value="1.1.5"', 'name="runtime.version" value="1.3.0"'))],
      points,
    ).rows[0];
    expect(tools?.flags).toContain(
      'inconsistent: its tool versions (runc 1.3.0; iproute2 6.1.0; BusyBox v1.35.0; kernel 6.1.0-test; Debian GNU/Linux 12 (bookworm)) are not those its evidence names (runc 1.1.5; iproute2 6.1.0; BusyBox v1.35.0; kernel 6.1.0-test; Debian GNU/Linux 12 (bookworm))',
    );
    expect(noMac?.flags).toEqual(
      expect.arrayContaining([
        'inconsistent: host-veth-exists passed, yet its evidence has no MAC for the host end',
        'inconsistent: its boot id "not-a-uuid" is not one the kernel writes',
      ]),
    );
  });
  test("which files a path stands for: a file, a student directory's latest.xml, every student's latest.xml, or a flat directory of reports", () => {
    const tree: Record<string, 'file' | 'dir'> = {
      '/c': 'dir',
      '/c/a': 'dir',
      '/c/a/latest.xml': 'file',
      '/c/a/20260101T000000Z.xml': 'file',
      '/c/b': 'dir',
      '/c/b/latest.xml': 'file',
      '/f': 'dir',
      '/f/x.xml': 'file',
      '/f/y.txt': 'file',
    };
    const kind = (p: string) => tree[p] ?? 'none';
    const list = (d: string) =>
      Object.keys(tree)
        .filter((p) => p.startsWith(`${d}/`) && !p.slice(d.length + 1).includes('/'))
        .map((p) => p.slice(d.length + 1));
    expect(reportFiles('/c', list, kind)).toEqual(['/c/a/latest.xml', '/c/b/latest.xml']);
    expect(reportFiles('/c/a', list, kind)).toEqual(['/c/a/latest.xml']);
    expect(reportFiles('/f', list, kind)).toEqual(['/f/x.xml']);
    expect(reportFiles('/c/a/20260101T000000Z.xml', list, kind)).toEqual(['/c/a/20260101T000000Z.xml']);
    expect(reportFiles('/nope', list, kind)).toEqual([]);
    tree['/c/d'] = 'dir';
    tree['/c/d/20260101T000000Z.xml'] = 'file';
    expect(() => reportFiles('/c', list, kind)).toThrow(/\/c\/d holds reports but no latest\.xml/);
  });
  test('arguments: reports are positional; --help, unknown options and no reports are one line each', () => {
    expect(parseGradebookArgs(['--help'], '/c')).toEqual({ help: true });
    expect(parseGradebookArgs(['reports/grade'], '/c')).toMatchObject({
      inputs: ['/c/reports/grade'],
      csv: '/c/reports/gradebook.csv',
      html: '/c/reports/gradebook.html',
      pointsShown: 'grading/points.json',
    });
    expect(() => parseGradebookArgs([], '/c')).toThrow(/name the reports/);
    expect(() => parseGradebookArgs(['x', '--pionts', 'p'], '/c')).toThrow(/unknown option "--pionts" for npm run gradebook/);
  });
});
