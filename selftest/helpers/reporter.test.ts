import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { encodeErratum } from '../../helpers/lesson/errata.js';
import { SECTION_IDS } from '../../helpers/lesson/sections.js';
import { buildJUnit, formatErrataSummary } from '../../helpers/report/build-junit.js';
import { splitAnnotations, type CaseModel, type RunEnvironment } from '../../helpers/report/model.js';

const env: RunEnvironment = {
  target: 'container',
  distro: 'Debian GNU/Linux 13 (trixie)',
  runtime: 'runc',
  runtimeVersion: '1.1.15+ds1',
  iproute2: '6.15.0',
  kernel: '6.1',
  busybox: 'BusyBox v1.37.0',
};
const erratum = { id: 'E-x', where: 'Exercise 3 Step 1', claim: 'c', observed: 'o', evidence: 'ping: <denied> & "quoted"' };

const cases: CaseModel[] = [
  {
    section: 'exercise-3',
    name: 'pings',
    file: 'specs/exercise-3.spec.ts',
    durationMs: 1500,
    state: 'failed',
    failures: ['Exercise 3, Step 1\n  expected: 3 received\n  diagnosis: Common Error 2 <&>'],
    headline: 'expected 3 received; seen 0 received',
    transcript: '[1] $ runc run --bundle /root/oci-netns-test netns-test',
    ...splitAnnotations([
      { type: 'lesson-step', message: 'Exercise 3, Step 1' },
      { type: 'erratum', message: encodeErratum(erratum) },
    ]),
  },
  { section: 'exercise-1', name: 'ok', file: 'f', durationMs: 10, state: 'passed', failures: [], steps: [], errata: [], adjustments: [] },
  { section: 'cleanup', name: 'skip', file: 'f', durationMs: 0, state: 'skipped', skipNote: 'prerequisite missing: runc', failures: [], steps: [], errata: [], adjustments: [] },
];

describe('JUnit report', () => {
  const xml = buildJUnit(cases, env, SECTION_IDS);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml);
  const suites = [doc.testsuites.testsuite].flat();

  test('is well-formed XML even with <, & and quotes in output', () => {
    expect(XMLValidator.validate(xml)).toBe(true);
  });
  test('one testsuite per section, in lesson order, with run properties', () => {
    expect(suites.map((s: { name: string }) => s.name)).toEqual(['exercise-1', 'exercise-3', 'cleanup']);
    const props = [suites[1].properties.property].flat().map((p: { name: string; value: string }) => `${p.name}=${p.value}`);
    expect(props).toEqual([
      'target=container',
      'distro=Debian GNU/Linux 13 (trixie)',
      'runtime=runc',
      'runtime.version=1.1.15+ds1',
      'iproute2=6.15.0',
      'kernel=6.1',
      'busybox=BusyBox v1.37.0',
    ]);
  });
  test('a failure carries the diagnosis and the transcript; the step is a property', () => {
    const tc = suites[1].testcase;
    expect(tc.failure.message).toBe('expected 3 received; seen 0 received');
    expect(tc.failure['#text']).toContain('diagnosis: Common Error 2 <&>');
    expect(tc.failure['#text']).toContain('runc run --bundle /root/oci-netns-test netns-test');
    const props = [tc.properties.property].flat().map((p: { name: string }) => p.name);
    expect(props).toContain('lesson.step');
    expect(props).toContain('erratum');
  });
  test('a skip keeps its reason', () => {
    const tc = suites[2].testcase;
    expect(tc.skipped).toBeDefined();
    expect(JSON.stringify(tc.properties)).toContain('prerequisite missing: runc');
  });
  test('errata summary lists each erratum once, with the release it was seen on', () => {
    const twice = [...cases, { ...cases[0]!, name: 'again' }];
    const summary = formatErrataSummary(twice, env);
    expect(summary.match(/E-x/g)).toHaveLength(1);
    expect(summary).toContain('seen on:     Debian GNU/Linux 13 (trixie)');
    expect(summary).toMatch(/^Errata: 1 place\(s\) .* on Debian GNU\/Linux 13 \(trixie\) \(container target\): runc 1\.1\.15\+ds1, iproute2 6\.15\.0, BusyBox v1\.37\.0, kernel 6\.1/);
    expect(formatErrataSummary([cases[1]!], env)).toMatch(/^Errata: none .* held on Debian GNU\/Linux 13 \(trixie\)/);
  });
});
