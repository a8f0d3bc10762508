/**
 * `npm run clean`: removes what crashed or killed runs left behind, and only that: lab containers,
 * processes in harness cgroups, the cgroups and temporary directories named after a run that is
 * no longer alive. `--all` also takes those of live runs (use it only when none is running).
 */
import { findLeftovers, sweep, summarize } from '../helpers/targets/sweep.js';

const all = process.argv.includes('--all');
const dryRun = process.argv.includes('--dry-run');
const scope = all ? ({ all: true } as const) : ({ deadRuns: true } as const);
const found = dryRun ? await findLeftovers(scope) : await sweep(scope);
for (const f of found) process.stdout.write(`${dryRun ? 'would remove' : 'removed'} ${f.kind} ${f.id} (run ${f.run})\n`);
process.stdout.write(found.length === 0 ? 'nothing to clean\n' : `${summarize(found)}\n`);
