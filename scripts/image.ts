/**
 * `npm run image`: builds the lab image for a Debian release. Where `debian:<release>` is not
 * already local and no registry answers, the base comes from `debootstrap --variant=minbase`
 * and `docker import`; `--pull-base` pulls it instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chalk } from 'zx';
import { BadInputError } from '../helpers/errors.js';
import { DISTROS, type Distro } from '../helpers/run-config.js';
import { baseImage, buildImage, debianMirror, engineReachable, imageExists, importImage, labImage, pullImage } from '../helpers/targets/docker.js';
import { strictParse } from './cli/strict.js';
import { ensureRoot } from './lib/elevate.js';
import { labImageState, RECIPE_DIR, RECIPE_LABEL, recipeHash } from './lib/image-recipe.js';
import { fail, parseOrFail, runInteractive } from './lib/process.js';

const USAGE = `Usage: npm run image -- [--distro bookworm|trixie|sid] [--rebuild] [--pull-base]

Builds lesson06-lab:<distro> (default bookworm) for npm test -- --target container.
  --distro NAME   Debian release of the lab image
  --rebuild       build again even if the image exists
  --pull-base     pull debian:<distro> from a registry instead of building it with debootstrap
`;

const argv = process.argv.slice(2);
const opts = parseOrFail(() => {
  const v = strictParse('npm run image', argv, {
    help: { type: 'boolean', short: 'h' },
    distro: { type: 'string' },
    rebuild: { type: 'boolean' },
    'pull-base': { type: 'boolean' },
  });
  const distro = v.distro ?? 'bookworm';
  if (!(DISTROS as readonly string[]).includes(distro)) throw new BadInputError(`--distro "${distro}" must be one of: ${DISTROS.join(', ')}`);
  return { help: v.help === true, distro: distro as Distro, rebuild: v.rebuild === true, pull: v['pull-base'] === true };
}, 'npm run image -- --help');
if (opts.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
await ensureRoot('scripts/image.ts', argv, 'building the lab image (debootstrap, docker)');

const engine = await engineReachable();
if (!engine.ok) fail(`no Docker engine: ${engine.why}`, 'apt-get install docker.io, then start dockerd (see README, "Container target")');
const lab = labImage(opts.distro);
const state = await labImageState(lab);
if (!opts.rebuild && state === 'current') {
  process.stdout.write(`${lab} is already built from this recipe (npm run image -- --distro ${opts.distro} --rebuild to build it again)\n`);
  process.exit(0);
}
if (state === 'stale') process.stdout.write(`${lab} was built from an older fixtures/image/Dockerfile: building it again\n`);

let base = `debian:${opts.distro}`;
// Pulling is opt-in (a runner with a registry); otherwise a missing base is built locally.
if (opts.pull && !(await imageExists(base)) && (await pullImage(base)) !== 0)
  fail(`docker pull ${base} failed`, 'drop --pull-base to build the base with debootstrap instead');
if (!(await imageExists(base))) {
  base = baseImage(opts.distro);
  if (opts.rebuild || !(await imageExists(base))) {
    const dir = mkdtempSync(join(tmpdir(), `lesson06-rootfs-${process.pid}-`));
    try {
      const mirror = debianMirror();
      process.stdout.write(chalk.bold(`debootstrap --variant=minbase ${opts.distro} from ${mirror} (about 30 s)\n`));
      const root = join(dir, 'root');
      if ((await runInteractive(['debootstrap', '--variant=minbase', opts.distro, root, mirror])) !== 0)
        fail('debootstrap failed', 'apt-get install debootstrap; check that the Debian mirror is reachable');
      const tar = join(dir, 'root.tar');
      if ((await runInteractive(['tar', '-C', root, '-cf', tar, '.'])) !== 0) fail('tar of the rootfs failed', 'check free disk space');
      if ((await importImage(tar, base)) !== 0) fail('docker import failed', 'check dockerd logs');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
process.stdout.write(chalk.bold(`docker build ${lab} FROM ${base}\n`));
process.exit(await buildImage({ dir: RECIPE_DIR, tag: lab, buildArgs: { BASE: base }, labels: { [RECIPE_LABEL]: recipeHash() } }));
