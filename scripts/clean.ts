/**
 * `npm run clean`: removes what a crashed or killed run left behind, and only that:
 * lab containers carrying the harness label whose run (the `npm test` process) is gone,
 * and empty `lesson06-*` cgroups whose creating worker is gone. `--all` ignores liveness.
 */
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { chalk } from 'zx';
import { docker, engineReachable, HARNESS_LABEL, RUN_LABEL } from '../helpers/docker.js';

const all = process.argv.includes('--all');
const alive = (pid: string): boolean => /^\d+$/.test(pid) && existsSync(`/proc/${pid}`);
let removed = 0;

if ((await engineReachable()).ok) {
  const r = await docker(['ps', '-a', '--filter', `label=${HARNESS_LABEL}=1`, '--format', `{{.ID}} {{.Label "${RUN_LABEL}"}}`]);
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [id = '', run = ''] = line.split(' ');
    if (!all && alive(run)) continue;
    await docker(['rm', '-f', id]);
    process.stdout.write(`removed lab container ${id} (run ${run || '?'})\n`);
    removed++;
  }
}

// Bundles use cgroupsPath /lesson06-<worker pid>-<n>; an empty one of a dead worker is a leftover.
for (const controller of existsSync('/sys/fs/cgroup') ? readdirSync('/sys/fs/cgroup') : []) {
  const dir = join('/sys/fs/cgroup', controller);
  let entries: string[] = [];
  try {
    entries = readdirSync(dir).filter((n) => /^lesson06-\d+-\d+$/.test(n));
  } catch {
    continue;
  }
  for (const name of entries) {
    if (!all && alive(name.split('-')[1] ?? '')) continue;
    try {
      rmdirSync(join(dir, name));
      process.stdout.write(`removed cgroup ${join(dir, name)}\n`);
      removed++;
    } catch (e) {
      process.stdout.write(chalk.yellow(`kept ${join(dir, name)}: ${String(e)}\n`));
    }
  }
}
process.stdout.write(removed === 0 ? 'nothing to clean\n' : `${removed} leftover(s) removed\n`);
