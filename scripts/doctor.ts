/** `npm run doctor`: every prerequisite, as the elevated run will see it, with the command that installs it. */
import { chalk } from 'zx';
import { CONTAINER_PREREQUISITES, GRADE_PREREQUISITES, SANDBOX_PREREQUISITES, checkPrerequisites, installCommand } from '../helpers/prereqs.js';
import { elevatedPath } from '../helpers/run-config.js';
import { droppedVariables, KEPT_VARIABLES, ROOT_TOOLS, TRUSTED_PATH, trustedDirProblems, trustedTool } from '../helpers/toolchain.js';
import { describeLinkage, fileLinkage } from '../helpers/oci/busybox.js';
import { isRoot, parseOrFail, passwordlessSudo } from './lib/process.js';
import { parseHelpOnly } from './cli/simple-args.js';
import { DOCTOR_USAGE } from './cli/usage.js';

const { help } = parseOrFail(() => parseHelpOnly('npm run doctor', process.argv.slice(2)), 'npm run doctor -- --help lists the options');
if (help) {
  process.stdout.write(DOCTOR_USAGE);
  process.exit(0);
}

// The run itself executes as root with a fixed PATH of root-owned directories; look where it will look.
const path = elevatedPath();
const list = [...new Set([...SANDBOX_PREREQUISITES, ...GRADE_PREREQUISITES])];
const statuses = await checkPrerequisites(list, path);
const missing = statuses.filter((s) => !s.ok);
for (const { prereq, ok } of statuses)
  process.stdout.write(
    `${ok ? chalk.green('ok     ') : chalk.red('missing')}  ${prereq.name}: ${prereq.why}${ok ? '' : `\n         install: ${prereq.install ?? `apt-get install -y ${prereq.pkg}`}`}\n`,
  );
// Read from the ELF header (PT_INTERP), not from the package name: a machine may have either busybox.
const linkage = fileLinkage('/bin/busybox');
const linkageLabel = linkage?.kind === 'static' ? chalk.green('static ') : linkage?.kind === 'dynamic' ? chalk.red('dynamic') : chalk.red('missing');
process.stdout.write(
  `${linkageLabel}  ${describeLinkage('/bin/busybox', linkage)}${linkage?.kind === 'static' ? '' : '\n         install: apt-get install -y busybox-static (it replaces busybox)'}\n`,
);

const root = isRoot() || (await passwordlessSudo());
process.stdout.write(
  `${root ? chalk.green('ok     ') : chalk.red('missing')}  root: ${isRoot() ? 'running as root' : root ? 'via passwordless sudo (npm test re-runs itself with sudo -n)' : 'not root and sudo needs a password: run as root, or configure passwordless sudo'}\n`,
);
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const nodeOk = major > 20 || (major === 20 && minor >= 19);
process.stdout.write(`${nodeOk ? chalk.green('ok     ') : chalk.red('missing')}  Node.js >= 20.19 (have ${process.versions.node})\n`);
const docker = (await checkPrerequisites(CONTAINER_PREREQUISITES, path))[0];
process.stdout.write(
  `${docker?.ok ? chalk.green('ok     ') : chalk.dim('optional')}  docker: only for --target container${docker?.ok ? ', which also needs a running engine (check: sudo docker version)' : ' (apt-get install -y docker.io)'}\n`,
);
// What the elevated run uses: the fixed PATH, each tool it runs as root with its owner checked, and which of this shell's variables it drops.
const untrusted = [...trustedDirProblems(), ...ROOT_TOOLS.map((t) => trustedTool(t)).flatMap((t) => (t.ok ? [] : [t.problem]))];
process.stdout.write(
  `${untrusted.length === 0 ? chalk.green('ok     ') : chalk.red('unsafe ')}  elevated run: PATH=${TRUSTED_PATH}, tools root-owned and writable by root only${untrusted.map((u) => `\n         ${u}`).join('')}\n`,
);
for (const t of ROOT_TOOLS.map((n) => trustedTool(n)).filter((t) => t.ok))
  process.stdout.write(chalk.dim(`           ${t.name}: ${t.path}${t.real !== t.path ? ` -> ${t.real}` : ''}\n`));
const dropped = droppedVariables(process.env);
process.stdout.write(
  chalk.dim(`           environment: only ${KEPT_VARIABLES.join(', ')} pass${dropped.length > 0 ? `; dropped here: ${dropped.join(', ')}` : ''}\n`),
);
const problems = missing.length + (root ? 0 : 1) + (nodeOk ? 0 : 1) + (untrusted.length > 0 ? 1 : 0);
if (missing.length > 0) process.stdout.write(chalk.red(`\nto install what is missing: ${installCommand(missing)}\n`));
process.stdout.write(problems === 0 ? chalk.green('\nready: npm test\n') : chalk.red(`\n${problems} prerequisite(s) missing\n`));
process.exit(problems === 0 ? 0 : 1);
