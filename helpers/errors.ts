/** Bad input from a user (a flag, a name, an address): one line, exit 2, nothing created. */
export class BadInputError extends Error {
  override name = 'BadInputError';
}
