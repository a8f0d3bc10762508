import { existsSync, lstatSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findOnPath } from '../../helpers/prereqs.js';
import { runArgv, type ExecResult } from '../../helpers/targets/exec.js';

/** A throwaway login user made by a selftest, removed with its home, its sudoers file and its caches. */
export interface ThrowawayUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
  readonly sudoers: string | undefined;
  /** tsx's cache directory for this uid already existed (a deleted user's, with a reused uid): not ours to remove. */
  readonly tsxCacheExisted: boolean;
}

async function must(argv: readonly string[], timeoutMs = 120_000): Promise<ExecResult> {
  const r = await runArgv(argv, { timeoutMs });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
  return r;
}

/** sudo is not installed on a fresh Debian; the selftest installs it, as a student would. */
export async function ensureSudo(): Promise<void> {
  if (await findOnPath('sudo', '/usr/bin:/bin')) return;
  process.stdout.write('selftest: sudo is missing; installing it (apt-get) for the real-user tests\n');
  const r = await runArgv(['apt-get', 'install', '-y', '--no-install-recommends', 'sudo'], {
    timeoutMs: 300_000,
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.exitCode !== 0) throw new Error(`cannot install sudo: ${r.stderr.slice(-500)}`);
}

export async function createUser(name: string, passwordlessSudo: boolean): Promise<ThrowawayUser> {
  await must(['useradd', '--create-home', '--shell', '/bin/bash', name]);
  const uid = Number((await must(['id', '-u', name])).stdout.trim());
  const gid = Number((await must(['id', '-g', name])).stdout.trim());
  const home = (await must(['getent', 'passwd', name])).stdout.split(':')[5] ?? `/home/${name}`;
  let sudoers: string | undefined;
  if (passwordlessSudo) {
    sudoers = `/etc/sudoers.d/${name}`;
    writeFileSync(sudoers, `${name} ALL=(ALL:ALL) NOPASSWD: ALL\n`, { mode: 0o440 });
    await must(['visudo', '--check', '--quiet', '--file', sudoers]);
  }
  return { name, uid, gid, home, sudoers, tsxCacheExisted: existsSync(`/tmp/tsx-${uid}`) };
}

/** Removes the user, its home, its sudoers file and what its runs cached in /tmp (tsx keeps /tmp/tsx-<uid>), if that was new. */
export async function removeUser(u: ThrowawayUser): Promise<string[]> {
  const problems: string[] = [];
  if (u.sudoers) rmSync(u.sudoers, { force: true });
  const r = await runArgv(['userdel', '--remove', u.name], { timeoutMs: 60_000 });
  // userdel warns (exit 12) when the mail spool it also removes does not exist; the user is gone all the same.
  if (r.exitCode !== 0 && r.exitCode !== 12) problems.push(`userdel ${u.name}: exit ${r.exitCode} ${r.stderr.trim()}`);
  if (!u.tsxCacheExisted) rmSync(`/tmp/tsx-${u.uid}`, { recursive: true, force: true });
  if (existsSync(u.home)) problems.push(`${u.home} still exists`);
  return problems;
}

/**
 * Runs argv as the user, with the environment a login gives it (setpriv --reset-env: HOME, USER,
 * and a PATH without the sbin directories, which is exactly what trips tools like iptables).
 */
export function asUser(u: ThrowawayUser, argv: readonly string[], cwd: string, timeoutMs = 240_000): Promise<ExecResult> {
  return runArgv(['setpriv', `--reuid=${u.uid}`, `--regid=${u.gid}`, '--init-groups', '--reset-env', '--', ...argv], { cwd, timeoutMs });
}

/**
 * The repository as a student has it: the working tree's files (tracked, and new ones not
 * ignored) plus one copy of node_modules, all owned by the user.
 */
export async function cloneFor(u: ThrowawayUser, repo: string): Promise<string> {
  const dest = join(u.home, 'lesson06');
  const files = (await must(['git', '-C', repo, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'])).stdout
    .split('\0')
    .filter((f) => f !== '' && existsSync(join(repo, f)));
  await must(['mkdir', '-p', dest]);
  // cp --parents keeps each file's relative path; one cp for all of them, then node_modules whole.
  await runArgv(['cp', '--parents', '--no-dereference', '--preserve=mode,timestamps', '--target-directory', dest, ...files], {
    cwd: repo,
    timeoutMs: 120_000,
  }).then((r) => {
    if (r.exitCode !== 0) throw new Error(`copying the working tree failed: ${r.stderr}`);
  });
  await must(['cp', '-a', join(repo, 'node_modules'), join(dest, 'node_modules')]);
  await must(['chown', '-R', `${u.uid}:${u.gid}`, u.home]);
  // The user without sudo works in this clone too: it must be able to read it.
  await must(['chmod', '755', u.home]);
  return dest;
}

/** Every path under dir owned by root, without following links. */
export function rootOwned(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    const st = lstatSync(p);
    if (st.uid === 0) out.push(p);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  walk(dir);
  return out;
}
