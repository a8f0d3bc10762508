import { describe, expect, test } from 'vitest';
import { elevatedPath } from '../../helpers/run-config.js';
import { droppedVariables, notRootOnly, TRUSTED_PATH, trustedDirProblems, trustedEnv, trustedTool } from '../../helpers/toolchain.js';
import { sudoArgv } from '../../scripts/lib/elevate.js';

const HOSTILE = {
  PATH: '/home/alice/evil:/usr/bin',
  NODE_OPTIONS: '--require /home/alice/evil.js',
  NODE_PATH: '/home/alice/mods',
  LD_PRELOAD: '/home/alice/evil.so',
  LD_LIBRARY_PATH: '/home/alice/lib',
  BASH_ENV: '/home/alice/evil.sh',
  HOME: '/home/alice',
  TERM: 'xterm-256color',
  CI: 'true',
  SUDO_UID: '1000',
};

const stats = (over: Record<string, { uid: number; mode: number }>) => (p: string) => {
  const s = over[p] ?? { uid: 0, mode: 0o40755 };
  return { ...s, isFile: () => !p.endsWith('/') && (s.mode & 0o170000) === 0o100000 };
};

describe('the trusted toolchain and environment of a root run', () => {
  test('the elevated PATH is the fixed list of root-owned directories, whatever the caller had', () => {
    expect(elevatedPath()).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(TRUSTED_PATH).not.toContain('home');
  });

  test('a root child keeps the terminal, CI and sudo ids, and none of PATH, NODE_OPTIONS, LD_*, BASH_ENV or HOME', () => {
    const env = trustedEnv(HOSTILE);
    expect(env).toEqual({ PATH: TRUSTED_PATH, TERM: 'xterm-256color', CI: 'true', SUDO_UID: '1000' });
    expect(droppedVariables(HOSTILE)).toEqual(['BASH_ENV', 'LD_LIBRARY_PATH', 'LD_PRELOAD', 'NODE_OPTIONS', 'NODE_PATH']);
    expect(trustedEnv({ TERM: 'x\nNODE_OPTIONS=--require /e.js' }).TERM).toBeUndefined();
    // A locale or terminal given as a path would make glibc or ncurses read the caller's file.
    expect(trustedEnv({ LC_ALL: '/home/alice/evil-locale', TERM: '../../home/alice/t', LANG: 'C.UTF-8' })).toEqual({
      PATH: TRUSTED_PATH,
      LANG: 'C.UTF-8',
    });
  });

  test("the sudo hop is sudo -n -- env -i with the fixed PATH and the machine's node: nothing else of the caller crosses", () => {
    const argv = sudoArgv(
      { sudo: '/usr/bin/sudo', env: '/usr/bin/env', node: '/usr/bin/node', uid: 1000, gid: 1000, user: 'alice' },
      HOSTILE,
      'scripts/grade.ts',
      ['--netns', 'x'],
    );
    expect(argv.slice(0, 6)).toEqual(['/usr/bin/sudo', '-n', '--', '/usr/bin/env', '-i', `PATH=${TRUSTED_PATH}`]);
    expect(argv.join(' ')).not.toMatch(/NODE_OPTIONS|LD_PRELOAD|LD_LIBRARY_PATH|BASH_ENV|NODE_PATH|HOME=|evil/);
    expect(argv).toEqual(expect.arrayContaining(['TERM=xterm-256color', 'CI=true', 'SUDO_UID=1000', 'SUDO_GID=1000', 'SUDO_USER=alice']));
    expect(argv.slice(argv.indexOf('/usr/bin/node'))).toEqual(['/usr/bin/node', '--import', 'tsx', 'scripts/grade.ts', '--netns', 'x']);
  });

  test('a file or directory someone else could change is refused, naming owner or mode', () => {
    expect(notRootOnly({ uid: 0, mode: 0o100755 }, 'x')).toBeUndefined();
    expect(notRootOnly({ uid: 1000, mode: 0o100755 }, '/usr/local/bin/ip')).toMatch(/owned by uid 1000, not root/);
    expect(notRootOnly({ uid: 0, mode: 0o100775 }, 'x')).toMatch(/writable by its group \(mode 0775\)/);
    expect(notRootOnly({ uid: 0, mode: 0o41777 }, '/usr/local/bin')).toMatch(/writable by everyone \(mode 01777\)/);
    expect(trustedDirProblems(stats({ '/usr/local/bin': { uid: 0, mode: 0o40777 } }))).toEqual([
      expect.stringMatching(/^\/usr\/local\/bin is writable by everyone/),
    ]);
    expect(trustedDirProblems(stats({}))).toEqual([]);
  });

  test('tools resolve on this machine to root-owned files; a user-owned one or one under a writable directory is refused', () => {
    const ip = trustedTool('ip');
    expect(ip.ok, ip.ok ? '' : ip.problem).toBe(true);
    if (!ip.ok) return;
    expect(trustedTool('ip', stats({ [ip.real]: { uid: 1000, mode: 0o100755 } }))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/owned by uid 1000/),
    });
    const parent = ip.real.slice(0, ip.real.lastIndexOf('/'));
    expect(trustedTool('ip', stats({ [ip.real]: { uid: 0, mode: 0o100755 }, [parent]: { uid: 0, mode: 0o40777 } }))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/writable by everyone/),
    });
    expect(trustedTool('no-such-tool-here')).toMatchObject({ ok: false, problem: expect.stringMatching(/in none of/) });
    expect(trustedTool('../evil')).toMatchObject({ ok: false });
  });
});
