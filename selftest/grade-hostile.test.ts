import { readFileSync, readlinkSync, statSync } from 'node:fs';
import { afterAll, describe, expect, test } from 'vitest';
import { analyseProcess } from '../helpers/grade/process-check.js';
import { withHook, type OciConfig } from '../helpers/oci/config.js';
import { GRADE_CHECKS, gradeStudentLab, lessonLab, MARKERS, studentLab, type GradeRun, type StudentLab } from './support/grade-lab.js';
import { HOSTILE, type Verdict } from './support/hostile-labs.js';
import { IsolatedSandbox } from './support/hostile-sandbox.js';
import { snapshotDiff, snapshotSandbox } from './support/hostile-snapshot.js';
import { ROOTFS_FAULTS } from './support/hostile-rootfs.js';

/**
 * Issue 9's catalogue: hostile labs and broken rootfs, each built in its own isolated sandbox and
 * graded by the real `npm run grade` running inside it. For each: the verdict and diagnosis, a
 * snapshot of the sandbox (its "host") before and after that must be identical, and no trace of
 * the secret the lab hid in anything the grader printed or wrote.
 */

const table: string[] = [];
const row = (kind: string, name: string, verdict: string, run: GradeRun): void => {
  table.push(
    `| ${kind} | ${name} | ${verdict} | ${run.changed.length === 0 ? 'yes' : `NO (${run.changed.length} lines)`} | ${(run.durationMs / 1000).toFixed(1)} s |`,
  );
};
afterAll(() => {
  if (table.length > 0)
    console.log(['| kind | case | verdict | host unchanged | grading took |', '|---|---|---|---|---|', ...table.sort()].join('\n'));
});

const byId = (run: GradeRun, id: string) => run.cases.find((c) => c.id === id);
const verdictText = (v: Verdict): string =>
  v.exit === 2
    ? 'refused (exit 2)'
    : v.fails
      ? `${[v.fails, ...(v.alsoFails ?? [])].join(' + ')} FAIL`
      : `all ${GRADE_CHECKS} PASS${v.findings ? ` + ${v.findings.length} finding(s)` : ''}`;

/** What every graded hostile lab must show, whatever its verdict. */
function expectHarmless(run: GradeRun): void {
  expect(run.exec.timedOut, 'the grader hung').toBe(false);
  expect(run.changed, 'the sandbox (the student\'s "host") changed').toEqual([]);
  expect(run.output.includes(run.secret), 'the secret leaked into the output or the report').toBe(false);
  expect(run.schema, 'the report is valid JUnit (xmllint, junit-10.xsd)').toBe('');
  // A student's escape sequence or control character never reaches the console raw (the harness's own colour codes may).
  expect(`${run.exec.stdout}${run.exec.stderr}`, 'a raw escape or control character on the console').not.toMatch(
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /\u001b(?!\[[0-9;]*m)|[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f\u009b\u202e]/,
  );
}

function expectVerdict(run: GradeRun, v: Verdict): void {
  expect(run.exec.exitCode, run.output.slice(0, 4000)).toBe(v.exit);
  if (v.refused) {
    expect(run.exec.stderr).toMatch(v.refused);
    expect(run.cases).toEqual([]);
    return;
  }
  expect(run.cases.length, run.output.slice(0, 4000)).toBe(GRADE_CHECKS);
  if (v.fails) {
    const c = byId(run, v.fails);
    expect(c?.state, JSON.stringify(run.cases, null, 1)).toBe('fail');
    expect(c?.message).toMatch(v.says ?? /./);
    expect(
      run.cases.filter((x) => x.state === 'fail').map((x) => x.id),
      'one root cause, one failure',
    ).toEqual([v.fails, ...(v.alsoFails ?? [])]);
    for (const id of v.alsoFails ?? []) expect(byId(run, id)?.message, id).toMatch(v.alsoSays ?? v.says ?? /./);
  } else
    expect(
      run.cases.filter((c) => c.state !== 'pass'),
      run.output.slice(0, 4000),
    ).toEqual([]);
  for (const id of v.notChecked ?? []) expect(byId(run, id)?.state, id).toBe('not checked');
  const findings = run.cases.flatMap((c) => c.findings);
  for (const f of v.findings ?? []) {
    expect(
      findings.some((x) => f.test(x)),
      `finding ${f} in ${JSON.stringify(findings)}`,
    ).toBe(true);
    expect(run.exec.stdout, 'findings are printed as notes too').toMatch(new RegExp(`note: ${f.source.replace(/^\^/, '')}`));
  }
  const probes = byId(run, 'container-pings-host')?.probes ?? [];
  if (v.probeSays) expect(probes, 'what the ping probe ran with').toEqual([expect.stringMatching(v.probeSays)]);
  if (v.probeLacks) expect(probes.join('\n'), 'granted to the ping probe').not.toMatch(v.probeLacks);
  if (v.withinMs !== undefined) expect(run.durationMs, 'grading took longer than its bound').toBeLessThan(v.withinMs);
  if (v.inspectSays) expect(run.inspected, 'what runc itself says of this config').toMatch(v.inspectSays);
  if (v.reportAtMost !== undefined) expect(run.reportBytes).toBeLessThanOrEqual(v.reportAtMost);
  if (v.reportSays) expect(run.output).toMatch(v.reportSays);
}

describe('the isolated sandbox hostile labs are built in', () => {
  test("PID 1 inside is the sandbox's own init, and /proc/1/ns/* are the sandbox's namespaces, not the ones the test runs in", async () => {
    const box = await IsolatedSandbox.start();
    try {
      // PID 1 is the sandbox's command agent (helpers/targets/agent.pl), which holds its namespaces.
      expect((await box.t.must(['cat', '/proc/1/cmdline'])).stdout).toMatch(/^perl\0-e\0/);
      for (const ns of ['mnt', 'net', 'pid', 'uts', 'ipc']) {
        const inside = (await box.t.must(['stat', '-L', '-c', '%i', `/proc/1/ns/${ns}`])).stdout.trim();
        expect(inside, ns).toBe(String(statSync(`/proc/${box.pid}/ns/${ns}`).ino));
        expect(readlinkSync(`/proc/${box.pid}/ns/${ns}`), ns).not.toBe(readlinkSync(`/proc/self/ns/${ns}`));
      }
      // Its cgroup hierarchies are rooted at its own subtree: a grader's sweep inside sees nothing else.
      const mountinfo = (await box.t.must(['cat', '/proc/self/mountinfo'])).stdout;
      const roots = mountinfo
        .split('\n')
        .filter((l) => / - cgroup2? /.test(l))
        .map((l) => l.split(' ')[3]);
      expect(roots.length).toBeGreaterThan(0);
      for (const r of roots) expect(r).toMatch(/^\/lesson06-hostile-\d+-\d+$/);
    } finally {
      await box.dispose();
    }
  });

  test('the snapshot sees a breach: the hostile bundle run by runc itself (as the old probe did) changes it', async () => {
    const s = await studentLab();
    try {
      await lessonLab(s);
      await s.bundle.patch(withHook('createRuntime', { path: '/usr/bin/mkdir', args: ['mkdir', '-p', `${MARKERS}/naive`] }), (c) => ({
        ...c,
        hostname: 'pwned-by-student',
        process: { ...c.process, terminal: false },
        linux: { ...c.linux, namespaces: c.linux.namespaces.map((n) => (n.type === 'uts' ? { type: 'uts', path: '/proc/1/ns/uts' } : n)) },
      }));
      const trees = [MARKERS];
      const before = await snapshotSandbox(s.box, { trees });
      // A created container's init keeps runc's stdio: nothing to capture.
      await s.t.must(['runc', 'create', '--bundle', s.plan.bundleDir, 'naive'], { discardOutput: true });
      const diff = snapshotDiff(before, await snapshotSandbox(s.box, { trees }));
      await s.t.must(['runc', 'delete', '--force', 'naive']);
      expect(
        diff.some((l) => l.includes(`${MARKERS}/naive/`)),
        diff.join('\n'),
      ).toBe(true);
      expect(
        diff.some((l) => l.includes('kernel.hostname = pwned-by-student')),
        diff.join('\n'),
      ).toBe(true);
    } finally {
      await s.box.dispose();
    }
  });
});

describe('hostile labs: verdict, diagnosis, host unchanged, no secret', { concurrent: true }, () => {
  for (const c of HOSTILE) {
    test(`${c.name} → ${verdictText(c.verdict)}`, async () => {
      const run = await gradeStudentLab(c.build, c.options);
      row('hostile', c.name, verdictText(c.verdict), run);
      expectHarmless(run);
      expectVerdict(run, c.verdict);
    });
  }
});

/**
 * What the static check says must be what really happens: the same bundle, run by runc in the
 * throwaway sandbox, fails with the symptom the analysis predicts.
 */
async function realRuncAgrees(s: StudentLab): Promise<string> {
  const config = JSON.parse(readFileSync(s.box.host(s.bundle.configPath), 'utf8')) as OciConfig;
  const a = analyseProcess(
    { rootfs: s.box.host(s.bundle.rootfs), shown: s.bundle.rootfs },
    { args: config.process.args, env: config.process.env ?? [], cwd: '/' },
  );
  const dir = '/tmp/agree';
  await s.t.must(['mkdir', '-p', dir]);
  const copy = {
    ...config,
    root: { path: s.bundle.rootfs, readonly: true },
    process: { ...config.process, terminal: false },
    linux: { ...config.linux, cgroupsPath: '/lesson06-agree' },
  };
  await s.t.writeFile(`${dir}/config.json`, JSON.stringify(copy));
  const r = await s.t.exec(['runc', 'run', '--bundle', dir, 'agree'], { timeoutMs: 15_000 });
  await s.t.exec(['runc', 'delete', '--force', 'agree']);
  return JSON.stringify({ kind: a.ok ? 'ok' : a.fault.kind, symptom: a.ok ? '$^' : a.fault.symptom.source, runc: `${r.stdout}${r.stderr}` });
}

describe('rootfs faults: the static check names the real cause, and runc agrees', { concurrent: true }, () => {
  for (const f of ROOTFS_FAULTS) {
    test(`${f.name} → bundle-process FAIL (${f.kind})`, async () => {
      const run = await gradeStudentLab(f.build, { inspect: realRuncAgrees });
      row('rootfs fault', f.name, `bundle-process FAIL (${f.kind})`, run);
      expectHarmless(run);
      expectVerdict(run, { exit: 1, fails: 'bundle-process', says: f.says, notChecked: ['container-joins-netns'] });
      const agree = JSON.parse(run.inspected) as { kind: string; symptom: string; runc: string };
      expect(agree.kind).toBe(f.kind);
      expect(agree.runc, `runc's real error for this rootfs`).toMatch(new RegExp(agree.symptom));
    });
  }
});
