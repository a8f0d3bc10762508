import { describe, expect, test } from 'vitest';
import { runSuite } from './support/run-suite.js';
import { FAULTS } from './support/faults.js';
import { FAULT_SCENARIOS, judge, scenarioConfig, scenarioGrep } from './support/scenarios.js';
import { limit } from './support/limit.js';
import { grepOf } from './support/test-ids.js';

/** Child suites at once: each is mostly waiting on ip and runc, and CI has two cores. */
const pool = limit(4);

describe('a broken lab is caught', () => {
  test('veth-host DOWN: exercise-1 step 6 (host pings namespace) fails as Common Error 2, with the transcript', async () => {
    const grep = await grepOf('exercise-1/step-6-host-pings-netns');
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

  test('veth-host DOWN: the whole verify script passes its first two checks, stops at the ping, and says Common Error 2', async () => {
    const grep = await grepOf('verify/whole-script');
    const broken = await pool(() => runSuite(grep, { fault: 'veth-host-down' }));
    expect(broken.exec.exitCode).toBe(1);
    const [c] = broken.cases;
    expect(c?.message).toContain('seen PASS: Network namespace exists; PASS: veth-host interface exists; FAIL at "ping -c 1 -W 1 10.0.0.2"');
    expect(c?.body).toContain('diagnosis: Common Error 2');
    expect(c?.body).not.toContain('$ ip netns exec container-net ping');
  });
});

/**
 * The catalogue: every lab step skipped or wrong, every bundle edit wrong or missing, every
 * harness adjustment missing, and the faults that reach each Verify and Exercise 3 check. In each
 * selection exactly the listed tests fail, each at its check with a diagnosis naming the real
 * cause; everything else passes and nothing crashes.
 */
describe.concurrent('broken labs: the failing check and its diagnosis', () => {
  test('the catalogue covers every fault, and has at least 24', () => {
    expect([...new Set(FAULT_SCENARIOS.map((c) => c.fault))].sort()).toEqual(Object.keys(FAULTS).sort());
    expect(Object.keys(FAULTS).length).toBeGreaterThanOrEqual(24);
  });
  for (const s of FAULT_SCENARIOS) {
    const title = s.fails.map((f) => `"${f.test}" at "${f.check}" (${f.diagnosis})`).join('; ');
    test(`${s.name} → ${title}`, async () => {
      const grep = await scenarioGrep(s);
      const run = await pool(() => runSuite(grep, scenarioConfig(s)));
      expect(judge(run, s)).toEqual([]);
    });
  }
});
