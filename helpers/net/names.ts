import { BadInputError } from '../errors.js';

/** Linux IFNAMSIZ is 16 including the trailing NUL. */
export const IFNAME_MAX = 15;

export function validateIfName(name: string, what = 'interface name'): string {
  if (name.length === 0) throw new BadInputError(`${what} is empty`);
  if (name.length > IFNAME_MAX) throw new BadInputError(`${what} "${name}" is ${name.length} characters; Linux allows at most ${IFNAME_MAX}`);
  if (/[\s/:]/.test(name) || name === '.' || name === '..')
    throw new BadInputError(`${what} "${name}" contains a character Linux refuses (whitespace, "/" or ":")`);
  return name;
}

export function validateNetnsName(name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name))
    throw new BadInputError(`network namespace name "${name}" must be 1-64 characters of letters, digits, "_", "." or "-"`);
  return name;
}
