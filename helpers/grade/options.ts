import { readFileSync } from 'node:fs';
import { BadInputError } from '../errors.js';
import { parseCidr } from '../net/cidr.js';
import { validateIfName, validateNetnsName } from '../net/names.js';
import { validatePlan, type LabPlan } from '../lesson/plan.js';

/** The student's names and addresses as typed; every one defaults to the lesson's value. */
interface GradeValues {
  readonly netns?: string;
  readonly hostVeth?: string;
  readonly nsVeth?: string;
  readonly hostIp?: string;
  readonly nsIp?: string;
  readonly bundle?: string;
  /** Exercise 4's second bundle (and Exercise 5's hooks), checked only by --check and --watch. */
  readonly newBundle?: string;
}

/** The home `~` means for the person typing: under sudo, the invoking user's, as a shell would expand it. */
export function invokingHome(env: NodeJS.ProcessEnv, passwd = (): string => readFileSync('/etc/passwd', 'utf8')): string {
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

function validateBundlePath(path: string, flag = '--bundle'): string {
  if (!path.startsWith('/')) throw new BadInputError(`${flag} "${path}" must be an absolute path (or start with ~/)`);
  // The path becomes an overlayfs lowerdir option, where "," and ":" are separators.
  if (/[,:\\"\n]/.test(path))
    throw new BadInputError(`${flag} "${path}" contains "," ":" "\\" '"' or a newline, which the grader cannot mount safely`);
  return path.replace(/\/+$/, '') || '/';
}

/** The plan of the lab under grading, validated; the grader's own container ids carry the run id. */
export function gradePlan(v: GradeValues, runId: string, home: string): LabPlan {
  const netns = validateNetnsName(v.netns ?? 'container-net');
  const bundleDir = validateBundlePath(expandHome(v.bundle ?? '~/oci-netns-test', home));
  return validatePlan({
    netns,
    netnsPath: `/var/run/netns/${netns}`,
    hostVeth: validateIfName(v.hostVeth ?? 'veth-host', '--host-veth'),
    nsVeth: validateIfName(v.nsVeth ?? 'veth-container', '--ns-veth'),
    hostCidr: parseCidr(v.hostIp ?? '10.0.0.1/24'),
    nsCidr: parseCidr(v.nsIp ?? '10.0.0.2/24'),
    bundleDir,
    containerId: `lesson06-grade-${runId}`,
    newBundleDir: validateBundlePath(expandHome(v.newBundle ?? '~/oci-newnetns-test', home), '--new-bundle'),
    newContainerId: `lesson06-grade-${runId}-b`,
  });
}
