import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runArgv } from '../../helpers/targets/exec.js';

/** Alive and not a zombie waiting for its parent. */
const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

describe('a timed-out command in its own session takes its whole process group with it', () => {
  test('a wrapper that does not exec (sh running its child and waiting) ends at the budget, and so does its child', async () => {
    const started = Date.now();
    // The child keeps the output pipes open: killing only the wrapper would leave the read waiting for it.
    const r = await runArgv(['sh', '-c', 'sleep 30 & echo $!; wait'], { timeoutMs: 500, newSession: true });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5_000);
    const child = Number(r.stdout.trim());
    expect(child).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alive(child)).toBe(false);
  });

  test('a command that ends in time is not touched', async () => {
    const r = await runArgv(['sh', '-c', 'echo ok'], { timeoutMs: 5_000, newSession: true });
    expect(r).toMatchObject({ exitCode: 0, timedOut: false, stdout: 'ok\n' });
  });
});

describe('the same through a sandbox (its command agent)', () => {
  test("a timed-out wrapper's child dies with it", async () => {
    const { SandboxTarget } = await import('../../helpers/targets/sandbox.js');
    const t = await SandboxTarget.start();
    try {
      const r = await t.exec(['sh', '-c', 'sleep 30 & echo $!; wait'], { timeoutMs: 500 });
      expect(r.timedOut).toBe(true);
      const child = Number(r.stdout.trim());
      expect(child).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      // The sandbox has no pid namespace of its own: the pid is the machine's.
      expect(alive(child)).toBe(false);
    } finally {
      await t.dispose();
    }
  });
});
