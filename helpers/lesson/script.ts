import { quoteArg } from '../targets/exec.js';
import type { Target } from '../targets/types.js';
import { splitCommands, type ShellCommand } from './shell.js';

/**
 * Running one of the lesson's bash blocks as a script, as the student would: the file holds the
 * block exactly as the document has it and bash runs it. The run is root, so `sudo` in it is a
 * shim on PATH that runs its arguments; `runc` is the runtime under test. Both are declared on
 * the test; nothing else on PATH is ours.
 */

/** Where the shims live inside a sandbox (its /tmp is private). */
const SHIM_DIR = '/tmp/lesson06-shims';

const SUDO_SHIM = '#!/bin/sh\n# lesson06 harness: the run is root already; sudo runs its arguments as they are.\nexec "$@"\n';

/** Root's usual directories. */
const WITHOUT_SHIMS = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** PATH for a script the lesson runs: the shims first, then root's usual directories. */
const SCRIPT_PATH = `${SHIM_DIR}:${WITHOUT_SHIMS}`;

/**
 * Puts the shims in place and returns what the test declares about them. `runtime` is the
 * runtime under test as the run configuration names it; a runtime that is `runc` on PATH needs no shim.
 */
export async function installShims(t: Target, runtime: string): Promise<string> {
  await t.must(['mkdir', '-p', SHIM_DIR]);
  await t.writeFile(`${SHIM_DIR}/sudo`, SUDO_SHIM, '755');
  const runcShim = runtime !== 'runc';
  if (runcShim)
    await t.writeFile(
      `${SHIM_DIR}/runc`,
      // The shim leaves PATH without itself: a runtime that is a wrapper calling `runc` (a user's
      // script, selftest's fakes) reaches the real runc, not this shim again in a loop.
      `#!/bin/sh\n# lesson06 harness: the lesson's runc is the runtime under test.\nPATH=${WITHOUT_SHIMS} exec ${quoteArg(runtime)} "$@"\n`,
      '755',
    );
  return `the lesson's script runs with PATH=${SCRIPT_PATH}, where sudo is a shim that runs its arguments (the run is root already)${runcShim ? ` and runc one that runs ${runtime}` : ''}, HOME set to the lesson's ~`;
}

/** The argv prefix a lesson script runs under: in `dir`, with the shims' PATH and the lesson's ~ as HOME. */
export const scriptEnv = (dir: string, home: string): string[] => ['env', '-C', dir, `PATH=${SCRIPT_PATH}`, `HOME=${home}`];

const isEcho = (c: ShellCommand): boolean => c.tokens[0]?.kind === 'word' && c.tokens[0].value === 'echo' && c.tokens.every((t) => t.kind === 'word');

/**
 * What the script prints when every check passes: its top-level `echo` lines, in order (the
 * `echo "FAIL…"` lines sit inside the if blocks and print only on failure).
 */
export function scriptSaysWhenAllPass(text: string): string {
  return splitCommands(text)
    .commands.filter(isEcho)
    .map(
      (c) =>
        `${c.tokens
          .slice(1)
          .map((t) => t.value)
          .join(' ')}\n`,
    )
    .join('');
}

/**
 * What `CHECK && echo "WARN…" || echo "OK…"` lines print when the check finds nothing: the echo
 * after the last `||` of each, in order.
 */
export function scriptSaysWhenAllGone(text: string): string {
  return splitCommands(text)
    .commands.flatMap((c) => {
      const or = c.tokens.map((t) => t.kind === 'op' && t.value === '||').lastIndexOf(true);
      const tail = c.tokens.slice(or + 1);
      return or > 0 && tail[0]?.value === 'echo' && tail.every((t) => t.kind === 'word')
        ? [
            `${tail
              .slice(1)
              .map((t) => t.value)
              .join(' ')}\n`,
          ]
        : [];
    })
    .join('');
}
