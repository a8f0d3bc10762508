import { splitCommands } from './shell.js';

/**
 * Running one of the lesson's bash blocks as a script, as the student would: the file holds the
 * block exactly as the document has it and bash runs it. The run is root, so `sudo` in it is a
 * shim on PATH that runs its arguments (declared on the test); nothing else on PATH is ours.
 */

/** Where the shims live inside a sandbox (its /tmp is private). */
export const SHIM_DIR = '/tmp/lesson06-shims';

export const SUDO_SHIM = '#!/bin/sh\n# lesson06 harness: the run is root already; sudo runs its arguments as they are.\nexec "$@"\n';

/** PATH for a script the lesson runs: the shims first, then root's usual directories. */
export const SCRIPT_PATH = `${SHIM_DIR}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;

export const SHIM_DECLARATION = `the lesson's script runs with PATH=${SCRIPT_PATH}, where sudo is a shim that runs its arguments (the run is root already), HOME set to the lesson's ~`;

/**
 * What the script prints when every check passes: its top-level `echo` lines, in order (the
 * `echo "FAIL…"` lines sit inside the if blocks and print only on failure).
 */
export function scriptSaysWhenAllPass(text: string): string {
  return splitCommands(text)
    .commands.filter((c) => c.tokens[0]?.kind === 'word' && c.tokens[0].value === 'echo' && c.tokens.every((t) => t.kind === 'word'))
    .map((c) => `${c.tokens.slice(1).map((t) => t.value).join(' ')}\n`)
    .join('');
}
