import { describe, expect, test } from 'vitest';
import { runSuite } from './support/run-suite.js';
import { FAULTS } from './support/faults.js';
import { FAULT_CASES } from './support/verdicts.js';
import { limit } from './support/limit.js';

const fullName = (c: { suite: string; name: string }): string => `${c.suite} ${c.name}`;
/** Child suites at once: each is mostly waiting on ip and runc, and CI has two cores. */
const pool = limit(4);

describe('a broken lab is caught', () => {
  test('veth-host DOWN: exercise-1 step 6 (host pings namespace) fails as Common Error 2, with the transcript', async () => {
    const grep = 'exercise-1 step 6: the host pings';
    const [healthy, broken] = await Promise.all([pool(() => runSuite(grep)), pool(() => runSuite(grep, { fault: 'veth-host-down' }))]);
    expect(healthy.exec.exitCode).toBe(0);
    expect(healthy.cases.map((c) => c.state)).toEqual(['passed']);
    expect(broken.exec.exitCode).toBe(1);
    expect(broken.cases).toHaveLength(1);
    const [c] = broken.cases;
    expect(c?.state).toBe('failed');
    expect(c?.message).toMatch(/^expected .*2 received; seen /);
    expect(c?.message).not.toContain('\n');
    expect(c?.body).toContain('Exercise 1: Set Up a Network Namespace with Connectivity, Step 6');
    expect(c?.body).toContain('diagnosis: Common Error 2');
    expect(c?.body).toContain('ip link set veth-host up');
    expect(c?.body).toContain('$ ip link set veth-host down');
    expect(c?.body).toMatch(/\$ ping -c 2 -W 1 10\.0\.0\.2\n\s+-> exit code [1-9]/);
  });
});

/**
 * The catalogue: every lab step skipped or wrong, every bundle edit wrong or missing, every
 * harness adjustment missing. Run in lesson order up to the first check the fault breaks, exactly
 * that test fails, at that check, with a diagnosis naming the real cause; nothing crashes.
 */
describe.concurrent('broken labs: the first failing check and its diagnosis', () => {
  test('the catalogue covers every fault, and has at least 24', () => {
    expect(FAULT_CASES.map((c) => c.fault).sort()).toEqual(Object.keys(FAULTS).sort());
    expect(FAULT_CASES.length).toBeGreaterThanOrEqual(24);
  });
  for (const c of FAULT_CASES) {
    test(`${c.fault} → "${c.first}" fails at "${c.check}" → ${c.diagnosis}`, async () => {
      const run = await pool(() => runSuite(c.grep, { fault: c.fault }));
      const report = run.cases.map((k) => `${k.state} ${fullName(k)}: ${k.message ?? ''}`).join('\n');
      expect(run.cases.length, report).toBeGreaterThan(0);
      expect(run.cases.filter((k) => k.state === 'error'), report).toEqual([]);
      expect(run.cases.filter((k) => k.state !== 'passed').map(fullName), report).toEqual([c.first]);
      const failed = run.cases.find((k) => fullName(k) === c.first);
      expect(failed?.message?.split("; seen ")[0], failed?.body).toContain(c.check);
      const diagnosis = failed?.body.split('--- transcript ---')[0] ?? '';
      if (c.diagnosis === 'next') {
        expect(diagnosis, diagnosis).not.toContain('diagnosis: Common Error');
        expect(diagnosis, diagnosis).toMatch(/\n {2}next: {5}/);
      } else {
        expect(diagnosis, diagnosis).toContain(`diagnosis: ${c.diagnosis}:`);
      }
      expect(diagnosis, diagnosis).toContain(c.says);
    });
  }
});
