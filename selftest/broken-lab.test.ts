import { describe, expect, test } from 'vitest';
import { runSuite } from './support/run-suite.js';

/** A lab broken on purpose must turn the matching spec red, with the right diagnosis. */
describe('a broken lab is caught', () => {
  test('veth-host DOWN: exercise-1 step 6 (host pings namespace) fails as Common Error 2, with the transcript', async () => {
    const grep = 'exercise-1 step 6: the host pings';
    const healthy = await runSuite(grep);
    expect(healthy.exec.exitCode).toBe(0);
    expect(healthy.cases.map((c) => c.state)).toEqual(['passed']);

    const broken = await runSuite(grep, { fault: 'veth-host-down' });
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

  test("namespace address missing: exercise-1 step 4 fails as Common Error 2 and names the missing address", async () => {
    const broken = await runSuite('exercise-1 step 4', { fault: 'ns-address-missing' });
    expect(broken.exec.exitCode).toBe(1);
    const [c] = broken.cases;
    expect(c?.message).toContain('veth-container in container-net has 10.0.0.2/24');
    expect(c?.body).toContain('diagnosis: Common Error 2');
  });

  test('namespace deleted: verify script check 1 fails as Common Error 1', async () => {
    const broken = await runSuite('verify script check 1', { fault: 'netns-missing' });
    expect(broken.exec.exitCode).toBe(1);
    const [c] = broken.cases;
    expect(c?.body).toContain('Verify, automated script, check 1');
    expect(c?.body).toContain('diagnosis: Common Error 1');
    expect(c?.body).toContain('ip netns add container-net');
  });

  test('veth-host DOWN: the whole verify script passes its first two checks, stops at the ping, and says Common Error 2', async () => {
    const broken = await runSuite('verify the whole script', { fault: 'veth-host-down' });
    expect(broken.exec.exitCode).toBe(1);
    const [c] = broken.cases;
    expect(c?.message).toContain('seen PASS: Network namespace exists; PASS: veth-host interface exists; FAIL at "ping -c 1 -W 1 10.0.0.2"');
    expect(c?.body).toContain('diagnosis: Common Error 2');
    expect(c?.body).not.toContain('$ ip netns exec container-net ping');
  });

  test('wrong subnet: the namespace cannot ping the host and the diagnosis is Common Error 2', async () => {
    const broken = await runSuite('exercise-1 step 6: the namespace pings', { fault: 'wrong-subnet' });
    expect(broken.exec.exitCode).toBe(1);
    expect(broken.cases[0]?.body).toContain('diagnosis: Common Error 2');
    expect(broken.cases[0]?.body).toMatch(/Network is unreachable|0 received|100% packet loss/);
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
      const run = await runSuite(c.grep, { fault: c.fault });
      expect(run.exec.exitCode).toBe(1);
      expect(run.cases).toHaveLength(1);
      expect(run.cases[0]?.state).toBe('failed');
      expect(run.cases[0]?.body).toContain(`diagnosis: ${c.error}:`);
    });
  }
});
