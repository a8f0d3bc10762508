import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { profileOnce, sharedProbe } from '../../helpers/oci/profile.js';

/** The runtime profile shared by a run's workers through the launcher's private directory (helpers/oci/profile.ts). */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const privateDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'lesson06-shared-probe-'));
  dirs.push(d);
  return d;
};
const ok = { ok: true as const, profile: { needs: new Map([['terminal' as const, 'open /dev/tty: no such device']]) } };

test('one worker probes; another reads its outcome instead of probing', async () => {
  const dir = privateDir();
  let probes = 0;
  const first = sharedProbe('k', dir, async () => {
    probes++;
    await new Promise((r) => setTimeout(r, 200));
    return ok;
  });
  const second = sharedProbe('k', dir, () => {
    probes++;
    return Promise.resolve(ok);
  });
  const [a, b] = await Promise.all([first, second]);
  expect(probes).toBe(1);
  expect(b).toEqual(a);
  expect(b.ok && [...b.profile.needs]).toEqual([['terminal', 'open /dev/tty: no such device']]);
});

test('a probe that breaks fails the waiting workers at once, with its cause, not after the wait', async () => {
  const dir = privateDir();
  const first = sharedProbe('k', dir, async () => {
    await new Promise((r) => setTimeout(r, 100));
    throw new Error('sandbox channel was closed');
  });
  const started = Date.now();
  const second = sharedProbe('k', dir, () => Promise.resolve(ok));
  await expect(first).rejects.toThrow(/sandbox channel was closed/);
  await expect(second).rejects.toThrow(/the runtime probe broke in the worker that ran it .*sandbox channel was closed/);
  expect(Date.now() - started).toBeLessThan(5_000);
});

test("a directory that is not the launcher's (open to others) is not shared: each caller probes itself", async () => {
  const dir = privateDir();
  const open = join(dir, 'open');
  mkdirSync(open, { mode: 0o777 });
  let probes = 0;
  const probe = (): Promise<typeof ok> => {
    probes++;
    return Promise.resolve(ok);
  };
  await profileOnce(`open-a-${process.pid}`, open, probe);
  await profileOnce(`open-b-${process.pid}`, open, probe);
  expect(probes).toBe(2);
  expect(await profileOnce(`missing-${process.pid}`, join(dir, 'no-such-dir'), probe)).toEqual(ok);
});
