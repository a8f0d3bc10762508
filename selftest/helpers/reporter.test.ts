import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { encodeErratum } from '../../helpers/lesson/errata.js';
import { SECTION_IDS } from '../../helpers/lesson/sections.js';
import { buildJUnit, formatCounts, formatErrataSummary, isoSeconds, seconds } from '../../helpers/report/build-junit.js';
import { formatFailedList, formatRunNotes } from '../../helpers/report/junit-reporter.js';
import { splitAnnotations, type CaseModel, type RunEnvironment, type RunFacts } from '../../helpers/report/model.js';
import { xmlSafe } from '../../helpers/report/junit-extensions.js';
import { outcomeOf } from '../../scripts/lib/launch.js';
import { outputProperties } from '../support/junit.js';

const env: RunEnvironment = {
  target: 'container',
  distro: 'Debian GNU/Linux 13 (trixie)',
  runtime: 'runc',
  runtimeName: 'runc',
  cgroup: 'hybrid',
  runtimeVersion: '1.1.15+ds1',
  iproute2: '6.15.0',
  kernel: '6.1',
  busybox: 'BusyBox v1.37.0',
};
const erratum = { id: 'E-x', where: 'Exercise 3 Step 1', claim: 'c', observed: 'ping is\nrefused', evidence: 'ping: <denied> & "quoted"' };
const run: RunFacts = { startedAt: Date.UTC(2025, 0, 2, 3, 4, 5, 678), durationMs: 12_345.6, hostname: 'lab-vm' };

const base = { file: 'specs/x.spec.ts', failures: [], steps: [], errata: [], adjustments: [] };
const cases: CaseModel[] = [
  {
    ...base,
    section: 'exercise-3',
    name: 'pings',
    testId: 'exercise-3/pings',
    fullName: 'exercise-3 › pings',
    startTime: run.startedAt + 1000,
    durationMs: 1500.4,
    state: 'failed',
    failures: ['Exercise 3, Step 1\n  expected: 3 received\n  diagnosis: Common Error 2 <&>'],
    headline: 'expected 3 received; seen 0 received',
    transcript: '[1] $ runc run --bundle /root/oci-netns-test netns-test\n    stdout: \u001b[31mred\u001b[0m and a bell \u0007',
    ...splitAnnotations([
      { type: 'lesson-step', message: 'Exercise 3, Step 1' },
      { type: 'erratum', message: encodeErratum(erratum) },
      { type: 'harness-adjustment', message: 'CAP_NET_RAW added' },
    ]),
  },
  {
    ...base,
    section: 'exercise-3',
    name: 'crashed',
    fullName: 'exercise-3 › crashed',
    startTime: run.startedAt + 2000,
    durationMs: 10,
    state: 'error',
    headline: 'CommandError: ip failed',
    errorType: 'HarnessError.CommandError',
    failures: ['CommandError: ip failed\n  at x'],
  },
  { ...base, section: 'exercise-1', name: 'ok', fullName: 'exercise-1 › ok', startTime: run.startedAt, durationMs: 10, state: 'passed' },
  {
    ...base,
    section: 'cleanup',
    name: 'skip',
    fullName: 'cleanup › skip',
    durationMs: 0,
    state: 'skipped',
    skipNote: 'not finished: vitest stopped the run after 1 failed test(s) (--bail 1) before this test ended',
  },
];

describe('JUnit report (built from a model)', () => {
  const xml = buildJUnit(cases, env, SECTION_IDS, run);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false }).parse(xml);
  const suites = [doc.testsuites.testsuite].flat();
  const exercise3 = suites[1];
  const [failed, crashed] = exercise3.testcase;

  test('is well-formed XML even with <, &, quotes, colour codes and control characters in output', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
    expect([xml.includes('\u001b'), xml.includes('\u0007')]).toEqual([false, false]);
    expect(xml).toContain('\\x07');
  });
  test('one testsuite per section, in lesson order, with timestamp, hostname and time', () => {
    expect(suites.map((s: { name: string }) => s.name)).toEqual(['exercise-1', 'exercise-3', 'cleanup']);
    expect(exercise3.timestamp).toBe('2025-01-02T03:04:06Z');
    expect(exercise3.hostname).toBe('lab-vm');
    // The section's tests ran from +1.0 s to +2.5 s: its wall time, not the sum of its tests.
    expect(Number(exercise3.time)).toBe(1.5);
    expect([exercise3.tests, exercise3.failures, exercise3.errors, exercise3.skipped]).toEqual(['2', '1', '1', '0']);
    expect(doc.testsuites.time).toBe('12.346');
  });
  test('every property has a value; a section lists its errata as id and one-line summary', () => {
    const props = [exercise3.properties.property].flat() as Array<{ name: string; value?: string }>;
    expect(props.every((p) => typeof p.value === 'string' && p.value !== '' && !p.value.includes('\n'))).toBe(true);
    expect(props.map((p) => `${p.name}=${p.value}`)).toEqual([
      'target=container',
      'distro=Debian GNU/Linux 13 (trixie)',
      'runtime=runc',
      'runtime.name=runc',
      'runtime.version=1.1.15+ds1',
      'cgroup=hybrid',
      'iproute2=6.15.0',
      'kernel=6.1',
      'busybox=BusyBox v1.37.0',
      'erratum=E-x: ping is refused',
    ]);
    expect(xml, 'a property with a body instead of a value').not.toMatch(/<property\b[^>]*[^/]>/);
  });
  test("a test's id, step, errata and adjustments are key: value lines of its system-out, the erratum's full text after them", () => {
    const out = String(failed['system-out']);
    expect(outputProperties(out)).toEqual([
      { name: 'test-id', value: 'exercise-3/pings' },
      { name: 'full name', value: 'exercise-3 › pings' },
      { name: 'file', value: 'specs/x.spec.ts' },
      { name: 'lesson.step', value: 'Exercise 3, Step 1' },
      { name: 'erratum', value: 'E-x: ping is refused' },
      { name: 'harness.adjustment', value: 'CAP_NET_RAW added' },
    ]);
    expect(out).toContain('evidence:    ping: <denied> & "quoted"');
  });
  test('a failure: one-line message, the diagnosis and the transcript in the body, time in seconds to the millisecond', () => {
    expect(failed.failure.message).toBe('expected 3 received; seen 0 received');
    expect(failed.failure.type).toBe('LessonCheckFailure');
    expect(failed.failure['#text']).toContain('diagnosis: Common Error 2 <&>');
    expect(failed.failure['#text']).toContain('runc run --bundle /root/oci-netns-test netns-test');
    expect(Number(failed.time)).toBe(1.5);
    expect(xml.match(/ time="[^"]*"/g)?.every((t) => /^ time="\d+(\.\d{1,3})?"$/.test(t))).toBe(true);
  });
  test('a harness fault is an <error> whose type names the harness, never a <failure>', () => {
    expect(crashed.failure).toBeUndefined();
    expect(crashed.error.type).toBe('HarnessError.CommandError');
    expect(crashed.error.message).toBe('harness fault, not a lesson verdict: CommandError: ip failed');
  });
  test('a skip carries its reason as <skipped message>', () => {
    expect(suites[2].testcase.skipped.message).toMatch(/^not finished: .*--bail 1/);
  });
  test('errata summary lists each erratum once, with the release it was seen on', () => {
    const twice = [...cases, { ...cases[0]!, name: 'again' }];
    const summary = formatErrataSummary(twice, env);
    expect(summary.match(/E-x \(/g)).toHaveLength(1);
    expect(summary).toContain('seen on:     Debian GNU/Linux 13 (trixie), runc 1.1.15+ds1, cgroup hybrid');
    expect(summary).toMatch(
      /^Errata: 1 place\(s\) .* on Debian GNU\/Linux 13 \(trixie\) \(container target\): runc 1\.1\.15\+ds1, cgroup hybrid, iproute2 6\.15\.0, BusyBox v1\.37\.0, kernel 6\.1/,
    );
    // A runtime is named by what it says it is: crun is never called runc.
    expect(formatErrataSummary(twice, { ...env, runtime: 'crun', runtimeName: 'crun', runtimeVersion: '1.28' })).toMatch(
      /: crun 1\.28, cgroup hybrid/,
    );
    expect(formatErrataSummary([cases[2]!], env)).toMatch(/^Errata: none .* held on Debian GNU\/Linux 13 \(trixie\)/);
  });
});

describe('XML text', () => {
  test('forbidden characters become visible instead of vanishing; colour codes go', () => {
    expect(xmlSafe('x\u0000y\u001b[1mz\ud800')).toBe('x\\x00yz\\ud800');
  });
  test('seconds and timestamps', () => {
    expect([seconds(0), seconds(1), seconds(1499.5), seconds(61_000)]).toEqual(['0.000', '0.001', '1.500', '61.000']);
    expect(isoSeconds(Date.UTC(2025, 11, 31, 23, 59, 59, 999))).toBe('2025-12-31T23:59:59Z');
  });
});

describe('the closing count never contradicts vitest', () => {
  const counts = { selected: 8, passed: 5, failed: 1, errors: 1, skipped: 1 };
  test('the closing line is the plain "N passed, N failed, N skipped" with nothing after it; harness errors count as failed', () => {
    expect(formatCounts(counts)).toBe('lesson06: 5 passed, 2 failed, 1 skipped');
    expect(formatCounts(counts)).toMatch(/^\w+: \d+ passed, \d+ failed, \d+ skipped$/);
  });
  test('the lines above it explain what vitest counts differently', () => {
    const notes = formatRunNotes(counts, {
      notSelected: 59,
      notStarted: ['specs/verify.spec.ts'],
      stopped: 'vitest stopped the run after 1 failed test(s) (--bail 1)',
      selection: '--grep "exercise-1"',
    });
    expect(notes.join('\n')).toMatch(/^not selected: 59 test\(s\) outside --grep "exercise-1"; vitest's summary counts them as skipped/m);
    expect(notes.join('\n')).toMatch(/^stopped early: vitest stopped the run after 1 failed test\(s\) \(--bail 1\)/m);
    expect(notes.join('\n')).toMatch(/^not started: 1 spec file\(s\)/m);
    expect(notes.join('\n')).toMatch(/^harness errors: 1 /m);
    expect(formatRunNotes({ ...counts, errors: 0 }, { notSelected: 0, notStarted: [], stopped: undefined, selection: '' })).toEqual([]);
  });
});

test('the failed tests are listed once, one line each, just above the count', () => {
  const cases = [
    { state: 'passed', fullName: 'exercise-1 › step 1: ok' },
    { state: 'failed', fullName: 'exercise-3 › step 1: sees veth-container', headline: 'expected veth-container; seen "lo"' },
    { state: 'error', fullName: 'verify › check 1', headline: 'CommandError: ip timed out' },
  ] as const;
  expect(formatFailedList(cases, 'r.xml')).toEqual([
    "\n2 test(s) did not pass; each one's diagnosis, fix and transcript are above and in r.xml:",
    '  failed: exercise-3 › step 1: sees veth-container: expected veth-container; seen "lo"',
    '  harness error: verify › check 1: CommandError: ip timed out',
  ]);
  expect(formatFailedList([{ state: 'failed', fullName: 'x', headline: 'y'.repeat(500) }], 'r.xml')[1]).toHaveLength(220);
  expect(formatFailedList([cases[0]], 'r.xml')).toEqual([]);
});

describe('exit code: never 0 unless something was selected and everything selected passed', () => {
  const summary = { selected: 8, passed: 8, failed: 0, errors: 0, skipped: 0, junit: 'r.xml', interrupted: false, notSelected: 0, notStarted: [] };
  const code = (over: Partial<typeof summary> | undefined, vitestExit = 0): number =>
    outcomeOf(over === undefined ? undefined : { ...summary, ...over }, vitestExit, '--grep "x"', 'r.xml').code;
  test.each([
    ['all passed', {}, 0, 0],
    ['a lesson check failed', { passed: 7, failed: 1 }, 1, 1],
    ['a harness error, even next to a failure', { passed: 6, failed: 1, errors: 1 }, 1, 3],
    ['--bail stopped the run after a failure', { passed: 5, failed: 1, skipped: 2, interrupted: true }, 1, 1],
    ['nothing selected', { selected: 0, passed: 0 }, 1, 2],
    ['a selected test skipped', { passed: 7, skipped: 1 }, 0, 2],
    ['Ctrl-C before the end, nothing failed', { passed: 3, skipped: 5, interrupted: true }, 130, 130],
    ['vitest failed but no test did', {}, 1, 3],
  ] as const)('%s', (_what, over, vitestExit, expected) => expect(code(over, vitestExit)).toBe(expected));
  test('no summary at all: the harness broke', () => expect(code(undefined, 1)).toBe(3));
  test('no summary after vitest exits 130 (Ctrl-C on a terminal): interrupted, and the stale report is named', () => {
    expect(code(undefined, 130)).toBe(130);
    expect(outcomeOf(undefined, 130, '', 'r.xml').error).toMatch(
      /^interrupted \(Ctrl-C\).*r\.xml was not written \(a file there is from an earlier run\)/,
    );
  });
  test('each non-verdict exit says why in one error line', () => {
    expect(outcomeOf({ ...summary, selected: 0, passed: 0 }, 1, '--grep "x"', 'r.xml').error).toBe(
      '--grep "x" selects no test; no report was written (r.xml is unchanged)',
    );
    expect(outcomeOf({ ...summary, errors: 2 }, 1, '', 'r.xml').error).toMatch(/^the harness itself broke in 2 place\(s\)/);
  });
});
