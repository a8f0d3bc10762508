import { BadInputError } from '../../helpers/errors.js';
import { CHECKLIST_IDS } from '../../helpers/grade/checklist.js';

/** Options a live checklist cannot honour, and why (the one line a refusal prints). */
const NOT_WITH_WATCH: Readonly<Record<string, string>> = {
  '--check': 'the live checklist shows every step; --check checks the named ones once',
  '--list-checks': '--list-checks only lists the ids',
  '--format': 'a watch scores nothing, so there is no results.json to write',
  '--points': 'a watch scores nothing',
  '--results': 'a watch scores nothing, so there is no results.json to write',
};

/**
 * `npm run grade -- --watch`: undefined without it; otherwise the grade arguments of one re-check
 * (the given ones, `--check` of every lesson step added), or a one-line refusal of an option it
 * cannot honour. `--hints N` is the hint level the view starts at.
 */
export function watchArgs(argv: readonly string[]): { readonly argv: readonly string[] } | undefined {
  // -w too: vitest's spelling, which npm test refuses, means the live checklist here.
  if (!argv.includes('--watch') && !argv.includes('-w')) return undefined;
  const rest = argv.filter((a) => a !== '--watch' && a !== '-w');
  for (const arg of rest) {
    const flag = arg.split('=')[0] ?? arg;
    const why = NOT_WITH_WATCH[flag];
    if (why !== undefined) throw new BadInputError(`--watch cannot be combined with ${flag}: ${why}`);
  }
  return { argv: [...rest, ...CHECKLIST_IDS.flatMap((id) => ['--check', id])] };
}
