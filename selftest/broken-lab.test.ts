import { describe, expect, test } from 'vitest';
import { FAULT_ENV } from './support/faults.js';
import { runSuite } from './support/run-suite.js';

/** A lab broken on purpose must turn the matching spec red, with the right diagnosis. */
describe('a broken lab is caught', () => {
  test('veth-host DOWN: exercise-1 step 6 (host pings namespace) fails as Common Error 2, with the transcript', async () => {
    const grep = 'exercise-1 step 6: the host pings';
    const healthy = await runSuite(grep);
    expect(healthy.exec.exitCode).toBe(0);
    expect(healthy.cases.map((c) => c.failure)).toEqual([undefined]);

    const broken = await runSuite(grep, { [FAULT_ENV]: 'veth-host-down' });
    expect(broken.exec.exitCode).toBe(1);
    expect(broken.cases).toHaveLength(1);
    const [c] = broken.cases;
    expect(c?.failure).toContain('Exercise 1: Set Up a Network Namespace with Connectivity, Step 6');
    expect(c?.failure).toContain('diagnosis: Common Error 2');
    expect(c?.failure).toContain('ip link set veth-host up');
    expect(c?.body).toContain('$ ip link set veth-host down');
    expect(c?.body).toMatch(/\$ ping -c 2 -W 1 10\.0\.0\.2\n\s+-> exit code [1-9]/);
  });

  test("namespace address missing: exercise-1 step 4 fails as Common Error 2 and names the missing address", async () => {
    const broken = await runSuite('exercise-1 step 4', { [FAULT_ENV]: 'ns-address-missing' });
    expect(broken.exec.exitCode).toBe(1);
    const [c] = broken.cases;
    expect(c?.failure).toContain('veth-container in container-net has 10.0.0.2/24');
    expect(c?.failure).toContain('diagnosis: Common Error 2');
  });

  test('namespace deleted: verify script check 1 fails as Common Error 1', async () => {
    const broken = await runSuite('verify script check 1', { [FAULT_ENV]: 'netns-missing' });
    expect(broken.exec.exitCode).toBe(1);
    const [c] = broken.cases;
    expect(c?.failure).toContain('Verify, automated script, check 1');
    expect(c?.failure).toContain('diagnosis: Common Error 1');
    expect(c?.failure).toContain('ip netns add container-net');
  });

  test('wrong subnet: the namespace cannot ping the host and the diagnosis is Common Error 2', async () => {
    const broken = await runSuite('exercise-1 step 6: the namespace pings', { [FAULT_ENV]: 'wrong-subnet' });
    expect(broken.exec.exitCode).toBe(1);
    expect(broken.cases[0]?.failure).toContain('diagnosis: Common Error 2');
    expect(broken.cases[0]?.failure).toMatch(/Network is unreachable|0 received|100% packet loss/);
  });
});

/** The Common Error specs apply the lesson's fix; on a lab that stays broken the fix must not look like it worked. */
describe('a broken lab turns the matching Common Error spec red', () => {
  const cases = [
    { fault: 'veth-host-down', grep: 'common-error-2 interfaces not brought up', error: 'Common Error 2' },
    { fault: 'netns-missing', grep: 'common-error-1 a typo in the name', error: 'Common Error 1' },
    { fault: 'ns-veth-deleted', grep: 'common-error-5 right:', error: 'Common Error 5' },
    { fault: 'netns-missing', grep: 'common-error-6 no path', error: 'Common Error 6' },
  ] as const;
  for (const c of cases) {
    test(`${c.fault}: "${c.grep}" fails with the ${c.error} diagnosis`, async () => {
      const run = await runSuite(c.grep, { [FAULT_ENV]: c.fault });
      expect(run.exec.exitCode).toBe(1);
      expect(run.cases).toHaveLength(1);
      expect(run.cases[0]?.failure).toContain(`diagnosis: ${c.error}:`);
    });
  }
});
