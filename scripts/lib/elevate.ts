import { elevatedPath } from '../../helpers/run-config.js';
import { fail, isRoot, passwordlessSudo, runInteractive } from './process.js';

/**
 * The sudo hop. As root nothing happens. Otherwise the same script runs again through
 * `sudo -n`, with the same arguments (it parses them again, to the same configuration), a PATH
 * that includes the sbin directories, and CI passed on; this process waits and exits with it.
 * sudo itself tells the elevated run who invoked it (SUDO_UID), so files go back to that user.
 */
export async function ensureRoot(script: string, argv: readonly string[], why: string): Promise<void> {
  if (isRoot()) return;
  if (!(await passwordlessSudo()))
    fail(`${why} needs root, and sudo cannot run without a password here`, 'run it as root (sudo npm …), or give this user passwordless sudo');
  const env = [`PATH=${elevatedPath(process.env.PATH)}`, ...(process.env.CI ? [`CI=${process.env.CI}`] : [])];
  // The terminal's Ctrl-C reaches the elevated run directly; this process only waits for it.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  const code = await runInteractive(['sudo', '-n', '--', 'env', ...env, process.execPath, '--import', 'tsx', script, ...argv]);
  process.exit(code);
}
