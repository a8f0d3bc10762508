/** Bad input from a user (a flag, a name, an address): one line, exit 2, nothing created. */
export class BadInputError extends Error {
  override name = 'BadInputError';
}

/**
 * The lab's own data (a command's output about it, a file of the student's) is beyond what the
 * grader reads: too large, too deep, unparsable. A verdict on the lab, never a harness fault:
 * the check that met it fails with this message and `next`.
 */
export class LabDataError extends Error {
  override name = 'LabDataError';
  constructor(
    message: string,
    readonly next: string,
  ) {
    super(message);
  }
}
