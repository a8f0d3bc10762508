/** `npm run doctor`: every prerequisite, ok or missing, with the command that installs it. */
import { chalk } from 'zx';
import { checkPrerequisites } from '../helpers/prereqs.js';
import { isRoot, passwordlessSudo } from './lib.js';

const statuses = await checkPrerequisites();
const sudo = !isRoot() && (await passwordlessSudo());
let missing = 0;
for (const { prereq, ok } of statuses) {
  // Without root, passwordless sudo is as good: npm test re-runs itself with sudo -n.
  const fine = ok || (prereq.name === 'root' && sudo);
  if (!fine) missing++;
  const mark = fine ? chalk.green('ok     ') : chalk.red('missing');
  const extra = fine ? (prereq.name === 'root' && !ok ? ' (via passwordless sudo)' : '') : `\n         install: ${prereq.install}`;
  process.stdout.write(`${mark}  ${prereq.name}: ${prereq.why}${extra}\n`);
}
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const nodeOk = major > 20 || (major === 20 && minor >= 19);
if (!nodeOk) missing++;
process.stdout.write(`${nodeOk ? chalk.green('ok     ') : chalk.red('missing')}  Node.js >= 20.19 (have ${process.versions.node})\n`);
process.stdout.write(missing === 0 ? chalk.green('\nready: npm test\n') : chalk.red(`\n${missing} prerequisite(s) missing: run npm run setup\n`));
process.exit(missing === 0 ? 0 : 1);
