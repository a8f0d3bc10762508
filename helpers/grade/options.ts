import { readFileSync } from 'node:fs';
import { BadInputError } from '../errors.js';
import { parseCidr } from '../net/cidr.js';
import { validateIfName, validateNetnsName } from '../net/names.js';
import { validatePlan, type LabPlan } from '../lesson/plan.js';

/** What `npm run grade` accepts; every default is the lesson's value. */
export interface GradeOptions {
  readonly plan: LabPlan;
  readonly junit: string;
}

export const GRADE_PLAN_ENV = 'LESSON06_GRADE_PLAN';

const FLAGS = ['--netns', '--host-veth', '--ns-veth', '--host-ip', '--ns-ip', '--bundle', '--junit'] as const;
type Flag = (typeof FLAGS)[number];

/** The home `~` means for the person typing: under sudo, the invoking user's, as a shell would expand it. */
export function invokingHome(env: NodeJS.ProcessEnv = process.env, passwd = (): string => readFileSync('/etc/passwd', 'utf8')): string {
  const sudoUser = env.SUDO_USER;
  if (sudoUser && sudoUser !== 'root') {
    const line = passwd()
      .split('\n')
      .find((l) => l.split(':')[0] === sudoUser);
    const home = line?.split(':')[5];
    if (home) return home;
  }
  return env.HOME && env.HOME !== '' ? env.HOME : '/root';
}

export function expandHome(path: string, home: string): string {
  return path === '~' ? home : path.startsWith('~/') ? `${home}${path.slice(1)}` : path;
}

function validateBundlePath(path: string): string {
  if (!path.startsWith('/')) throw new BadInputError(`--bundle "${path}" must be an absolute path (or start with ~/)`);
  // The path becomes an overlayfs lowerdir option, where "," and ":" are separators.
  if (/[,:\n]/.test(path)) throw new BadInputError(`--bundle "${path}" contains "," ":" or a newline, which the grader cannot mount safely`);
  return path.replace(/\/+$/, '') || '/';
}

export function parseGradeArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, passwd?: () => string): GradeOptions {
  const values = new Map<Flag, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = (eq > 0 ? arg.slice(0, eq) : arg) as Flag;
    if (!FLAGS.includes(flag)) throw new BadInputError(`unknown option "${arg}"; grade takes ${FLAGS.join(' ')}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new BadInputError(`${flag} needs a value`);
    values.set(flag, value);
  }
  const home = invokingHome(env, passwd);
  const netns = validateNetnsName(values.get('--netns') ?? 'container-net');
  const hostVeth = validateIfName(values.get('--host-veth') ?? 'veth-host', '--host-veth');
  const nsVeth = validateIfName(values.get('--ns-veth') ?? 'veth-container', '--ns-veth');
  const bundleDir = validateBundlePath(expandHome(values.get('--bundle') ?? '~/oci-netns-test', home));
  const plan = validatePlan({
    netns,
    netnsPath: `/var/run/netns/${netns}`,
    hostVeth,
    nsVeth,
    hostCidr: parseCidr(values.get('--host-ip') ?? '10.0.0.1/24'),
    nsCidr: parseCidr(values.get('--ns-ip') ?? '10.0.0.2/24'),
    bundleDir,
    containerId: `lesson06-grade-${process.pid}`,
    newBundleDir: bundleDir,
    newContainerId: `lesson06-grade-${process.pid}-b`,
  });
  return { plan, junit: values.get('--junit') ?? 'reports/grade.xml' };
}

export function encodePlan(plan: LabPlan): string {
  return JSON.stringify(plan);
}

export function decodePlan(text: string | undefined): LabPlan {
  if (!text) throw new Error(`${GRADE_PLAN_ENV} is not set: grading runs through npm run grade`);
  return validatePlan(JSON.parse(text) as LabPlan);
}
