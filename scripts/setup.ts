/** `npm run setup` (after its own `npm ci`): the Debian packages the lesson needs, then a doctor run. */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { chalk } from 'zx';
import { DYNAMIC_BUSYBOX, DYNAMIC_BUSYBOX_DIR } from '../helpers/oci/busybox.js';
import { ensureRoot } from './lib/elevate.js';
import { aptInstallArgv, packagesToInstall } from './lib/packages.js';
import { fail, parseOrFail, runInteractive } from './lib/process.js';
import { parseHelpOnly } from './cli/simple-args.js';
import { SETUP_USAGE } from './cli/usage.js';

const { help } = parseOrFail(() => parseHelpOnly('npm run setup', process.argv.slice(2)), 'npm run setup -- --help lists the options');
if (help) {
  process.stdout.write(SETUP_USAGE);
  process.exit(0);
}

await ensureRoot('scripts/setup.ts', process.argv.slice(2), 'installing Debian packages');
const aptEnv = { DEBIAN_FRONTEND: 'noninteractive' };
const containerdIo = (await execa('dpkg-query', ['-W', '-f', '${Status}', 'containerd.io'], { reject: false })).stdout.includes(
  'install ok installed',
);
const packages = packagesToInstall(containerdIo);
if (containerdIo) process.stdout.write(chalk.dim("containerd.io is installed: its runc is used (Debian's runc would remove Docker)\n"));
process.stdout.write(chalk.bold(`Installing Debian packages: ${packages.join(' ')}\n`));
if ((await runInteractive(['apt-get', 'update'], aptEnv)) !== 0)
  fail('apt-get update failed', 'check that Debian mirrors are reachable, then run npm run setup again');
if ((await runInteractive(aptInstallArgv(packages), aptEnv)) !== 0)
  fail('apt-get install failed (it never removes packages, such as Docker, to make room)', 'read apt-get output above; then run npm run setup again');

/**
 * Debian's dynamic `busybox` conflicts with busybox-static, so it is never installed: its package
 * is downloaded and unpacked into a cache, where Exercise 2's spec shows it failing in an empty rootfs.
 */
async function unpackDynamicBusybox(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lesson06-setup-busybox-'));
  try {
    process.stdout.write(chalk.bold(`Unpacking Debian's dynamically linked busybox into ${DYNAMIC_BUSYBOX_DIR} (not installed)\n`));
    if ((await runInteractive(['apt-get', '-o', 'APT::Sandbox::User=root', 'download', 'busybox'], aptEnv, dir)) !== 0)
      fail('apt-get download busybox failed', 'check that Debian mirrors are reachable, then run npm run setup again');
    const deb = readdirSync(dir).find((n) => n.startsWith('busybox_') && n.endsWith('.deb'));
    if (deb === undefined) fail('apt-get download busybox left no busybox_*.deb', 'run npm run setup again and read the apt-get output');
    rmSync(DYNAMIC_BUSYBOX_DIR, { recursive: true, force: true });
    mkdirSync(DYNAMIC_BUSYBOX_DIR, { recursive: true });
    if ((await runInteractive(['dpkg-deb', '-x', join(dir, deb), DYNAMIC_BUSYBOX_DIR])) !== 0)
      fail(`dpkg-deb could not unpack ${deb}`, 'run npm run setup again');
    // Debian 13's package ships usr/bin/busybox (merged /usr); the specs look where Debian 12's puts it.
    if (!existsSync(DYNAMIC_BUSYBOX) && existsSync(join(DYNAMIC_BUSYBOX_DIR, 'usr/bin/busybox'))) {
      mkdirSync(dirname(DYNAMIC_BUSYBOX), { recursive: true });
      copyFileSync(join(DYNAMIC_BUSYBOX_DIR, 'usr/bin/busybox'), DYNAMIC_BUSYBOX);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
await unpackDynamicBusybox();

process.exit(await runInteractive([process.execPath, '--import', 'tsx', 'scripts/doctor.ts']));
