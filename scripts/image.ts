/**
 * `npm run image`: builds the lab image. Where `debian:bookworm` is not already local and no
 * registry answers, the base comes from `debootstrap --variant=minbase` and `docker import`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chalk } from 'zx';
import { BASE_IMAGE, debianMirror, engineReachable, imageExists, LAB_IMAGE } from '../helpers/targets/docker.js';
import { fail, runInteractive } from './lib.js';

const force = process.argv.includes('--rebuild');
const engine = await engineReachable();
if (!engine.ok) fail(`no Docker engine: ${engine.why}`, 'apt-get install docker.io, then start dockerd (see README, "Container target")');

if (!force && (await imageExists(LAB_IMAGE))) {
  process.stdout.write(`${LAB_IMAGE} is already built (npm run image -- --rebuild to build it again)\n`);
  process.exit(0);
}

let base = 'debian:bookworm';
// Pulling is opt-in (a runner with a registry); otherwise a missing base is built locally.
if (process.argv.includes('--pull-base') && !(await imageExists(base)) && (await runInteractive(['docker', 'pull', base])) !== 0)
  fail(`docker pull ${base} failed`, 'drop --pull-base to build the base with debootstrap instead');
if (!(await imageExists(base))) {
  base = BASE_IMAGE;
  if (force || !(await imageExists(base))) {
    const dir = mkdtempSync(join(tmpdir(), 'lesson06-rootfs-'));
    try {
      const mirror = debianMirror();
      process.stdout.write(chalk.bold(`debootstrap --variant=minbase bookworm from ${mirror} (about 30 s)\n`));
      const root = join(dir, 'root');
      if ((await runInteractive(['debootstrap', '--variant=minbase', 'bookworm', root, mirror])) !== 0)
        fail('debootstrap failed', 'apt-get install debootstrap; check that the Debian mirror is reachable');
      const tar = join(dir, 'root.tar');
      if ((await runInteractive(['tar', '-C', root, '-cf', tar, '.'])) !== 0) fail('tar of the rootfs failed', 'check free disk space');
      if ((await runInteractive(['docker', 'import', tar, BASE_IMAGE])) !== 0) fail('docker import failed', 'check dockerd logs');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
process.stdout.write(chalk.bold(`docker build ${LAB_IMAGE} FROM ${base}\n`));
const built = await runInteractive(['docker', 'build', '--build-arg', `BASE=${base}`, '-t', LAB_IMAGE, 'fixtures/image']);
process.exit(built);
