import { execa } from 'execa';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { elevatedPath } from '../helpers/run-config.js';
import { runArgv } from '../helpers/targets/exec.js';
import { waitFor } from '../helpers/wait.js';
import { readJUnit } from './support/junit.js';
import { closingCounts, plain, vitestTotal } from './support/report-runs.js';
import { asUser, cloneFor, createUser, ensureSudo, removeUser, rootOwned, type ThrowawayUser } from './support/users.js';

/**
 * The product as students run it: not as root. A throwaway user with passwordless sudo works in
 * its own copy of the repository; a second throwaway user has no sudo at all. Both users, their
 * homes and the sudoers file are removed at the end.
 */

const errorLines = (stderr: string): string[] =>
  plain(stderr)
    .split('\n')
    .filter((l) => l.startsWith('error:'));

describe('as real users: one with passwordless sudo, one without', () => {
  let sudoer: ThrowawayUser;
  let plainUser: ThrowawayUser;
  let clone: string;

  beforeAll(async () => {
    await ensureSudo();
    const tag = String(process.pid);
    sudoer = await createUser(`l06-sudo-${tag}`, true);
    plainUser = await createUser(`l06-nosudo-${tag}`, false);
    clone = await cloneFor(sudoer, process.cwd());
  }, 300_000);

  afterAll(async () => {
    const problems = [...(sudoer ? await removeUser(sudoer) : []), ...(plainUser ? await removeUser(plainUser) : [])];
    expect(problems).toEqual([]);
  }, 120_000);

  test('sudo user: npm test -- --grep exercise-1 passes every selected test and leaves no root-owned file in the clone', async () => {
    const r = await asUser(sudoer, ['npm', 'test', '--', '--grep', 'exercise-1'], clone);
    const out = plain(r.stdout);
    expect(r.exitCode, `${out.slice(-3000)}\n${r.stderr}`).toBe(0);
    const cases = readJUnit(join(clone, 'reports/junit.xml'));
    const closing = closingCounts(out);
    expect(closing).toEqual({ passed: cases.length, failed: 0, skipped: 0 });
    expect(cases.length).toBeGreaterThanOrEqual(8);
    expect(cases.length).toBe((vitestTotal(out) ?? 0) - Number(/^not selected: (\d+)/m.exec(out)?.[1]));
    expect(cases.every((c) => c.state === 'passed')).toBe(true);
    expect(statSync(join(clone, 'reports/junit.xml')).uid).toBe(sudoer.uid);
    expect(rootOwned(clone)).toEqual([]);
  });

  test('sudo user: a --grep that selects nothing exits 2 with one error line, keeps the report and leaves nothing of root behind', async () => {
    const report = join(clone, 'reports/junit.xml');
    const before = existsSync(report) ? readFileSync(report, 'utf8') : undefined;
    const r = await asUser(sudoer, ['npm', 'test', '--', '--grep', 'zz-no-such-test'], clone);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(errorLines(r.stderr)).toEqual([expect.stringMatching(/--grep "zz-no-such-test" selects no test; no report was written/)]);
    expect(existsSync(report) ? readFileSync(report, 'utf8') : undefined).toBe(before);
    expect(rootOwned(clone)).toEqual([]);
  });

  test('sudo user: npm run doctor sees the tools exactly as the elevated run does', async () => {
    const asStudent = await asUser(sudoer, ['npm', 'run', '--silent', 'doctor'], clone);
    const elevated = await asUser(
      sudoer,
      ['sudo', '-n', '--', 'env', '-i', `PATH=${elevatedPath()}`, process.execPath, '--import', 'tsx', 'scripts/doctor.ts'],
      clone,
    );
    expect(asStudent.exitCode, plain(asStudent.stdout)).toBe(0);
    expect(elevated.exitCode, plain(elevated.stdout)).toBe(0);
    // Only the line about root differs ("via passwordless sudo" against "running as root"), and the variables this shell has that the elevated run drops.
    const tools = (out: string): string[] =>
      plain(out)
        .split('\n')
        .filter((l) => !/^\S+\s+root: /.test(l) && !/^\s+environment: /.test(l));
    expect(tools(asStudent.stdout)).toEqual(tools(elevated.stdout));
    expect(plain(asStudent.stdout)).toMatch(/^ok\s+iptables: /m);
    expect(plain(asStudent.stdout)).toMatch(/^ok\s+root: via passwordless sudo/m);
  });

  // A student who controls their environment, with a sudoers rule that lets it through (no env_reset):
  // their own ip, runc, stat … first on PATH, NODE_OPTIONS that loads their code, an LD_PRELOAD library.
  // Each one leaves a marker named after the uid it ran as; the student's own processes prove it works.
  test('sudo user with a hostile PATH, NODE_OPTIONS and LD_PRELOAD: npm run grade runs nothing of theirs as root', async () => {
    const evil = join(sudoer.home, 'evil');
    const marks = join(evil, 'marks');
    const keep = `/etc/sudoers.d/${sudoer.name}-env`;
    mkdirSync(marks, { recursive: true, mode: 0o777 });
    for (const tool of ['ip', 'runc', 'stat', 'cat', 'ping', 'nsenter', 'unshare', 'mount', 'sudo', 'mkdir', 'setpriv'])
      writeFileSync(join(evil, tool), `#!/bin/sh\ntouch "${marks}/path-${tool}-$(id -u)"\nexit 1\n`, { mode: 0o755 });
    writeFileSync(join(evil, 'hook.cjs'), `require('fs').writeFileSync(${JSON.stringify(marks)} + '/node-options-' + process.getuid(), '');\n`);
    writeFileSync(
      join(evil, 'evil.c'),
      `#include <stdio.h>\n#include <unistd.h>\n__attribute__((constructor)) static void mark(void) { char p[512]; snprintf(p, sizeof p, "${marks}/ld-preload-%d", (int)getuid()); FILE *f = fopen(p, "w"); if (f) fclose(f); }\n`,
    );
    const cc = await runArgv(['cc', '-shared', '-fPIC', '-o', join(evil, 'evil.so'), join(evil, 'evil.c')], { timeoutMs: 60_000 });
    expect(cc.exitCode, cc.stderr).toBe(0);
    await runArgv(['chown', '-R', `${sudoer.uid}:${sudoer.gid}`, evil]);
    writeFileSync(keep, `Defaults:${sudoer.name} !env_reset, !secure_path\n`, { mode: 0o440 });
    try {
      const hostile = [
        `PATH=${evil}:/usr/local/bin:/usr/bin:/bin`,
        `NODE_OPTIONS=--require ${join(evil, 'hook.cjs')}`,
        `LD_PRELOAD=${join(evil, 'evil.so')}`,
        `BASH_ENV=${join(evil, 'hook.cjs')}`,
      ];
      const r = await asUser(sudoer, ['/usr/bin/env', ...hostile, 'npm', 'run', 'grade'], clone, 180_000);
      const out = `${plain(r.stdout)}\n${r.stderr}`;
      const made = readdirSync(marks).sort();
      // The hostility is real: as the student, NODE_OPTIONS and LD_PRELOAD did load.
      expect(made, out.slice(-3000)).toEqual(expect.arrayContaining([`node-options-${sudoer.uid}`, `ld-preload-${sudoer.uid}`]));
      expect(
        made.filter((m) => m.endsWith('-0')),
        out.slice(-3000),
      ).toEqual([]);
      // A verdict, not a harness error: the lab is absent, so checks fail (exit 1) with 15 lines.
      expect(r.exitCode, out.slice(-3000)).toBe(1);
      expect(plain(r.stdout)).toMatch(/^grade: \d+ passed, \d+ failed, \d+ not checked$/m);
      expect(rootOwned(clone)).toEqual([]);
    } finally {
      rmSync(keep, { force: true });
      rmSync(evil, { recursive: true, force: true });
    }
  }, 240_000);

  test('refusals exit 2 with one error line, before any root check: the user without sudo gets the refusal, not "needs root"', async () => {
    const refusals: Array<[string[], RegExp]> = [
      [['npm', 'test', '--', '--frobnicate'], /unknown option "--frobnicate" for npm test/],
      [['npm', 'test', '--', '--watch'], /does not take --watch/],
      [['npm', 'test', '--', '--grep', ''], /--grep needs a pattern/],
      [['npm', 'run', 'clean', '--', '--dryrun'], /unknown option "--dryrun" for npm run clean/],
    ];
    const users = [sudoer, plainUser];
    const runs = await Promise.all(users.flatMap((u) => refusals.map(([argv]) => asUser(u, argv, clone, 60_000))));
    runs.forEach((r, i) => {
      const says = refusals[i % refusals.length]![1];
      expect(r.exitCode, r.stderr).toBe(2);
      expect(errorLines(r.stderr)).toEqual([expect.stringMatching(says)]);
    });
  });

  // The user's SIGINT reaches only its own processes and sudo; sudo passes it to the elevated
  // launcher alone, so the launcher must relay it to vitest (root) and its workers. Started
  // without npm, whose own exit on SIGINT would hide the launcher's code.
  test("sudo user, no terminal: SIGINT to the run's process group ends it with 130 and leaves no process of it", async () => {
    const run = execa(
      'setpriv',
      [
        `--reuid=${sudoer.uid}`,
        `--regid=${sudoer.gid}`,
        '--init-groups',
        '--reset-env',
        '--',
        process.execPath,
        '--import',
        'tsx',
        'scripts/test.ts',
        '--grep',
        'exercise-3',
      ],
      { cwd: clone, detached: true, reject: false, stdin: 'ignore' },
    );
    let out = '';
    run.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    await waitFor(() => / RUN /.test(plain(out)), { timeoutMs: 60_000, intervalMs: 100, what: 'vitest to start under sudo' });
    const kill = await asUser(sudoer, ['kill', '-INT', '--', `-${run.pid}`], clone, 10_000);
    expect(kill.exitCode, kill.stderr).toBe(0);
    const done = await run;
    expect(done.exitCode, `${plain(done.stdout).slice(-2000)}\n${done.stderr}`).toBe(130);
    expect(errorLines(done.stderr)).toEqual([expect.stringMatching(/^error: interrupted/)]);
    // Workers end just after vitest itself; none may stay.
    await waitFor(async () => (await runArgv(['pgrep', '-g', String(run.pid)], { timeoutMs: 10_000 })).stdout.trim() === '', {
      timeoutMs: 10_000,
      intervalMs: 200,
      what: 'every process of the interrupted run to end',
    });
    expect(rootOwned(clone)).toEqual([]);
  }, 120_000);

  // For the user without sudo any sweep would first stop at "needs root": exit 0 with the usage proves clean --help never sweeps.
  test('--help prints the usage without root, for both users; clean --help never reaches the sweep', async () => {
    const runs = await Promise.all([
      asUser(sudoer, ['npm', 'test', '--', '--help'], clone, 60_000),
      asUser(plainUser, ['npm', 'test', '--', '--help'], clone, 60_000),
      asUser(plainUser, ['npm', 'run', 'clean', '--', '--help'], clone, 60_000),
    ]);
    for (const r of runs) {
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/error:/);
    }
    expect(runs[0]?.stdout).toContain('Usage: npm test -- [options]');
    expect(runs[2]?.stdout).toContain('Usage: npm run clean -- [options]');
  });

  test('user without sudo: npm test and npm run clean are one clear error line and exit 2', async () => {
    const [test, clean] = await Promise.all([
      asUser(plainUser, ['npm', 'test', '--', '--grep', 'exercise-1'], clone, 60_000),
      asUser(plainUser, ['npm', 'run', 'clean'], clone, 60_000),
    ]);
    expect(test.exitCode).toBe(2);
    expect(errorLines(test.stderr)).toEqual([
      'error: the lesson suite (ip netns, veth pairs, runc) needs root, and sudo cannot run without a password here',
    ]);
    expect(plain(test.stdout)).not.toMatch(/RUN|lesson06:/);
    expect(clean.exitCode).toBe(2);
    expect(errorLines(clean.stderr)).toEqual([expect.stringMatching(/needs root, and sudo cannot run without a password/)]);
    expect(rootOwned(clone)).toEqual([]);
  });
});
