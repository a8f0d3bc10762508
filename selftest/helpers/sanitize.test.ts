import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { clip } from '../../helpers/grade/clip.js';
import { formatDiagnosis } from '../../helpers/lesson/diagnosis.js';
import { SECTION_IDS } from '../../helpers/lesson/sections.js';
import { buildJUnit } from '../../helpers/report/build-junit.js';
import type { CaseModel } from '../../helpers/report/model.js';
import { visible, xmlText } from '../../helpers/report/sanitize.js';
import { runArgv } from '../../helpers/targets/exec.js';
import { ensureXmllint, JUNIT_XSD } from '../support/report-runs.js';

/** What a student can put into a name, a path or an output: a screen clear and a fake green verdict, bidi reordering, a NUL, two CDATA ends. */
const HOSTILE = 'veth\u001b[2J\u001b[H\u001b[32mPASS  everything\u001b[0m\r\u0007\u0000\u202eevil\u2066 ]]> and ]]> again \ud800 <&"\'>';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('one sanitizer for what a student controls', () => {
  test('console text: escapes, controls, bidi controls and lone surrogates become visible escapes; nothing raw is left', () => {
    const v = visible(HOSTILE);
    expect(v).toBe('veth\\x1b[2J\\x1b[H\\x1b[32mPASS  everything\\x1b[0m\\x0d\\x07\\x00\\u202eevil\\u2066 ]]> and ]]> again \\ud800 <&"\'>');
    // eslint-disable-next-line no-control-regex -- asserting their absence
    expect(v).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
    expect(visible('a\nb')).toBe('a\\nb');
    expect(visible('a\nb', { newlines: true })).toBe('a\nb');
    expect(visible(visible(HOSTILE))).toBe(visible(HOSTILE));
    expect(clip(HOSTILE, 8)).toBe('veth\\x1b…');
  });

  test("a diagnosis shows the student's strings escaped in its expected:, seen:, fix: and next: lines", () => {
    const text = formatDiagnosis({
      ref: { section: 'verify' },
      expected: `name ${HOSTILE}`,
      seen: `one\n${HOSTILE}`,
      commonError: { id: 2, fix: HOSTILE },
      next: HOSTILE,
    });
    // eslint-disable-next-line no-control-regex -- asserting their absence
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f\u202e\u2066]/);
    expect(text.split('\n').filter((l) => /PASS {2}everything/.test(l))).toHaveLength(4);
    // A line of output in seen: stays indented, never a line of its own at the margin.
    expect(text.split('\n').every((l) => !l.startsWith('PASS'))).toBe(true);
  });

  test('XML text: valid XML 1.0 for any input, in an attribute and in CDATA; every ]]> defused, not only the first', () => {
    expect(xmlText('a]]>b]]>c')).toBe('a]]\\x3eb]]\\x3ec');
    expect(xmlText('\u001b[31mred\u001b[0m')).toBe('red');
  });

  test('a JUnit file with the hostile string in every student-fed field validates with xmllint against junit-10.xsd', async () => {
    await ensureXmllint();
    const c: CaseModel = {
      section: 'verify',
      name: 'ns-veth-visible: the namespace end is inside the namespace',
      fullName: 'verify › ns-veth-visible',
      file: 'specs/grade.spec.ts',
      state: 'failed',
      durationMs: 5,
      headline: HOSTILE,
      failures: [formatDiagnosis({ ref: { section: 'verify' }, expected: HOSTILE, seen: HOSTILE, next: HOSTILE }), HOSTILE],
      transcript: `$ ip -j addr show\n${HOSTILE}`,
      steps: [HOSTILE],
      errata: [],
      adjustments: [HOSTILE],
      findings: [HOSTILE],
    };
    const skipped: CaseModel = { ...c, name: 'skipped', fullName: 'verify › skipped', state: 'skipped', skipNote: `not checked: ${HOSTILE}` };
    const errored: CaseModel = { ...c, name: 'error', fullName: 'verify › error', state: 'error', errorType: 'HarnessError' };
    const xml = buildJUnit(
      [c, skipped, errored],
      {
        target: 'host',
        distro: 'd',
        runtime: 'runc',
        runtimeName: 'runc',
        cgroup: 'v1',
        runtimeVersion: '1',
        iproute2: '6',
        kernel: '6',
        busybox: 'b',
      },
      SECTION_IDS,
      { startedAt: 0, durationMs: 1, hostname: 'h' },
    );
    const d = mkdtempSync(join(tmpdir(), 'sanitize-'));
    dirs.push(d);
    writeFileSync(join(d, 'grade.xml'), xml);
    const wellFormed = await runArgv(['xmllint', '--noout', join(d, 'grade.xml')]);
    expect(wellFormed.stderr).toBe('');
    expect(wellFormed.exitCode).toBe(0);
    const schema = await runArgv(['xmllint', '--noout', '--schema', JUNIT_XSD, join(d, 'grade.xml')]);
    expect(schema.exitCode, schema.stderr).toBe(0);
    // The text survives, readable: the grader sees that the student's string held an escape.
    expect(xml).toContain('\\x1b[2J');
    expect(xml).not.toContain('\u001b');
  });
});
