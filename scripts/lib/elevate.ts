import { userInfo } from 'node:os';
import { KEPT_VARIABLES, safeValue, TRUSTED_PATH, trustedTool } from '../../helpers/toolchain.js';
import { fail, isRoot, passwordlessSudo, runInteractive } from './process.js';

interface SudoHop {
  readonly sudo: string;
  readonly env: string;
  readonly node: string;
  readonly uid: number;
  readonly gid: number;
  readonly user: string;
}

/**
 * The elevated command line: `sudo -n -- env -i` with only the kept variables, the fixed PATH and
 * who invoked it, then the machine's own node. `env -i` drops whatever sudoers' env_keep or
 * SETENV would let through (NODE_OPTIONS, LD_PRELOAD, BASH_ENV, …). SUDO_UID/GID/USER are this
 * process's own ids: sudo's would be the same, and env -i would drop them.
 */
export function sudoArgv(hop: SudoHop, env: NodeJS.ProcessEnv, script: string, argv: readonly string[]): string[] {
  const kept = KEPT_VARIABLES.filter((k) => !k.startsWith('SUDO_') && env[k] !== undefined && safeValue(env[k] ?? '')).map(
    (k) => `${k}=${env[k] ?? ''}`,
  );
  const who = [`SUDO_UID=${hop.uid}`, `SUDO_GID=${hop.gid}`, `SUDO_USER=${hop.user}`];
  return [hop.sudo, '-n', '--', hop.env, '-i', `PATH=${TRUSTED_PATH}`, ...kept, ...who, hop.node, '--import', 'tsx', script, ...argv];
}

/**
 * The sudo hop. As root nothing happens. Otherwise the same script runs again through
 * `sudo -n`, with the same arguments (it parses them again, to the same configuration), and
 * nothing of this process's environment but the terminal, CI and who invoked it; this process
 * waits and exits with it. sudo, env and node are the machine's (root-owned, from the fixed
 * directories), never the first ones on the caller's PATH.
 */
export async function ensureRoot(script: string, argv: readonly string[], why: string): Promise<void> {
  if (isRoot()) return;
  const found = (['sudo', 'env', 'node'] as const).map((t) => trustedTool(t));
  const noSudo = (): never =>
    fail(`${why} needs root, and sudo cannot run without a password here`, 'run it as root (sudo npm …), or give this user passwordless sudo');
  const sudoFound = found[0];
  if (sudoFound !== undefined && !sudoFound.ok && /in none of/.test(sudoFound.problem)) noSudo();
  const real = found.map((t) => {
    if (!t.ok)
      fail(
        `${why} needs root, and the elevated run would use ${t.name}, which cannot be trusted: ${t.problem}`,
        'install it from Debian (apt-get install sudo coreutils nodejs), root-owned: npm run doctor shows what the elevated run uses',
      );
    return t.real;
  });
  const [sudo = 'sudo', env = 'env', node = 'node'] = real;
  if (!(await passwordlessSudo(sudo))) noSudo();
  const me = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0, username: userInfo().username };
  // The terminal's Ctrl-C reaches the elevated run directly; this process only waits for it.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  const code = await runInteractive(sudoArgv({ sudo, env, node, uid: me.uid, gid: me.gid, user: me.username }, process.env, script, argv));
  process.exit(code);
}
