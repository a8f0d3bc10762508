import { BadInputError } from '../errors.js';

/**
 * A student's name as it appears in a file name, a JUnit suite name, a CSV cell and a URL: letters,
 * digits, "." "_" "-", starting with a letter or digit, at most 64 characters. Nothing else is
 * accepted (no escaping to get wrong later, no "..", no "/").
 */
const SAFE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const isSafeStudent = (name: string): boolean => SAFE.test(name) && !name.includes('..');

export function validateStudent(name: string, source: string): string {
  if (isSafeStudent(name)) return name;
  const shown = JSON.stringify(name.slice(0, 80));
  throw new BadInputError(
    `${source} ${shown} is not a safe file name: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit${source === '--student' ? '' : ' (or give --student NAME)'}`,
  );
}

/**
 * Whose lab a grade run is for, unless --student says: the user who typed the command. Under sudo
 * that is SUDO_USER (sudo sets it; the elevated process parses the same arguments again), else the
 * account this process runs as.
 */
export function defaultStudent(env: NodeJS.ProcessEnv, account: () => string): string {
  const sudoUser = env.SUDO_USER;
  if (sudoUser !== undefined && sudoUser !== '' && Number(env.SUDO_UID) > 0) return validateStudent(sudoUser, 'the invoking user (SUDO_USER)');
  return validateStudent(account(), 'the invoking user');
}

/** A report's file name in the student's history: UTC, sortable, no ":" (which some filesystems refuse). */
export const historyStamp = (d: Date): string =>
  d
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');

/** Where grade reports go without --junit: one directory per student, a report per run, latest.xml beside. */
export function historyPaths(
  reportsDir: string,
  student: string,
  now: Date,
  exists: (path: string) => boolean,
  runId: string,
): { junit: string; latest: string } {
  const dir = `${reportsDir}/grade/${student}`;
  const stamp = historyStamp(now);
  // Two runs in the same second keep both reports: the second one's name carries its run id.
  const junit = exists(`${dir}/${stamp}.xml`) ? `${dir}/${stamp}-${runId}.xml` : `${dir}/${stamp}.xml`;
  return { junit, latest: `${dir}/latest.xml` };
}
