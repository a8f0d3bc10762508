/**
 * `npm run clean`: removes what crashed or killed runs left behind, and only that (see --help).
 * The arguments are parsed before anything else: --help and typos never sweep.
 */
import { findLeftovers, sweep, summarize } from '../helpers/targets/sweep.js';
import { parseCleanArgs } from './cli/clean-args.js';
import { CLEAN_USAGE } from './cli/usage.js';
import { ensureRoot } from './lib/elevate.js';
import { exitOnHarnessCrash, parseOrFail } from './lib/process.js';

exitOnHarnessCrash('npm run clean');
const argv = process.argv.slice(2);
const args = parseOrFail(() => parseCleanArgs(argv), 'npm run clean -- --help lists the options');
if (args.help) {
  process.stdout.write(CLEAN_USAGE);
  process.exit(0);
}
await ensureRoot('scripts/clean.ts', argv, 'removing cgroups, processes and containers of dead runs');
const scope = args.all ? ({ all: true } as const) : ({ deadRuns: true } as const);
const found = args.dryRun ? await findLeftovers(scope) : await sweep(scope);
for (const f of found) process.stdout.write(`${args.dryRun ? 'would remove' : 'removed'} ${f.what} ${f.id} (run ${f.run})\n`);
process.stdout.write(found.length === 0 ? 'nothing to clean\n' : `${summarize(found)}\n`);
