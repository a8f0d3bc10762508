/** `npm run setup` (after its own `npm ci`): the Debian packages the lesson needs, then a doctor run. */
import { chalk } from 'zx';
import { ensureRoot } from './lib/elevate.js';
import { fail, runInteractive } from './lib/process.js';

export const DEBIAN_PACKAGES = [
  'runc',
  'busybox-static',
  'iproute2',
  'iputils-ping',
  'jq',
  'iptables',
  'containernetworking-plugins',
  'util-linux',
  'coreutils',
];

await ensureRoot('scripts/setup.ts', process.argv.slice(2), 'installing Debian packages');
const aptEnv = { DEBIAN_FRONTEND: 'noninteractive' };
process.stdout.write(chalk.bold(`Installing Debian packages: ${DEBIAN_PACKAGES.join(' ')}\n`));
if ((await runInteractive(['apt-get', 'update'], aptEnv)) !== 0) fail('apt-get update failed', 'check that Debian mirrors are reachable, then run npm run setup again');
if ((await runInteractive(['apt-get', 'install', '-y', '--no-install-recommends', ...DEBIAN_PACKAGES], aptEnv)) !== 0)
  fail('apt-get install failed', 'read apt-get output above; then run npm run setup again');
process.exit(await runInteractive([process.execPath, '--import', 'tsx', 'scripts/doctor.ts']));
