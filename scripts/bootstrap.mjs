/**
 * `npm run setup`'s first step: `npm ci`, as the owner of the clone. It runs before node_modules
 * exists, so it uses node's own modules only (execa and zx are what it installs).
 *
 * Under `sudo npm run setup` (what a user without passwordless sudo is told to type) a plain
 * `npm ci` runs as root and leaves thousands of root-owned files in node_modules, which the
 * user's next `npm ci` or `npm run setup` cannot replace (EACCES). The Debian packages that
 * follow need root; the npm dependencies never do.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';

const npmCli = process.env.npm_execpath;
if (!npmCli) {
  process.stderr.write('error: scripts/bootstrap.mjs runs inside npm run setup (npm_execpath is not set)\nnext:  npm run setup\n');
  process.exit(2);
}

const ci = [process.execPath, npmCli, 'ci', '--no-audit', '--no-fund'];
const clone = statSync(process.cwd());

/** The owner's passwd entry (name, home), if the machine knows the uid. */
function passwdEntry(uid) {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((l) => l.split(':'))
    .find((f) => f.length >= 7 && Number(f[2]) === uid);
  return line ? { name: line[0], home: line[5] } : undefined;
}

let argv = ci;
let env = process.env;
if (process.getuid?.() === 0 && clone.uid !== 0) {
  const who = passwdEntry(clone.uid);
  // npm exports its own (root's) configuration to scripts as npm_config_*: the owner's npm must read its own.
  env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'SUDO_COMMAND'));
  env.HOME = who?.home ?? `/tmp/lesson06-npm-home-${clone.uid}`;
  if (who) env.USER = env.LOGNAME = who.name;
  argv = ['setpriv', `--reuid=${clone.uid}`, `--regid=${clone.gid}`, who ? '--init-groups' : '--clear-groups', '--', ...ci];
  process.stdout.write(`npm ci as ${who?.name ?? `uid ${clone.uid}`}, the owner of this clone (root installs only the Debian packages)\n`);
}

const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', env });
if (r.error) {
  process.stderr.write(`error: ${argv[0]} could not start: ${r.error.message}\nnext:  run npm ci yourself, then npm run setup again\n`);
  process.exit(1);
}
process.exit(r.status ?? 1);
