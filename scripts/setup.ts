/** `npm run setup` (after its own `npm ci`): the Debian packages the lesson needs, then a doctor run. */
import { execa } from 'execa';
import { chalk } from 'zx';
import { ensureRoot } from './lib/elevate.js';
import { aptInstallArgv, packagesToInstall } from './lib/packages.js';
import { fail, runInteractive } from './lib/process.js';

await ensureRoot('scripts/setup.ts', process.argv.slice(2), 'installing Debian packages');
const aptEnv = { DEBIAN_FRONTEND: 'noninteractive' };
const containerdIo = (await execa('dpkg-query', ['-W', '-f', '${Status}', 'containerd.io'], { reject: false })).stdout.includes('install ok installed');
const packages = packagesToInstall(containerdIo);
if (containerdIo) process.stdout.write(chalk.dim("containerd.io is installed: its runc is used (Debian's runc would remove Docker)\n"));
process.stdout.write(chalk.bold(`Installing Debian packages: ${packages.join(' ')}\n`));
if ((await runInteractive(['apt-get', 'update'], aptEnv)) !== 0) fail('apt-get update failed', 'check that Debian mirrors are reachable, then run npm run setup again');
if ((await runInteractive(aptInstallArgv(packages), aptEnv)) !== 0)
  fail('apt-get install failed (it never removes packages, such as Docker, to make room)', 'read apt-get output above; then run npm run setup again');
process.exit(await runInteractive([process.execPath, '--import', 'tsx', 'scripts/doctor.ts']));
