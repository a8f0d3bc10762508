import { BadInputError } from '../../helpers/errors.js';
import { strictParse, wholeNumber } from './strict.js';

/** Commands that take no options but --help: a typo must not run them (setup installs, bench loads the machine). */
export function parseHelpOnly(command: string, argv: readonly string[]): { readonly help: boolean } {
  const v = strictParse(command, argv, { help: { type: 'boolean', short: 'h' } });
  return { help: v.help === true };
}

type BenchArgs = { readonly help: true } | { readonly help: false; readonly labs: number | undefined; readonly saturate: boolean };

/** `npm run bench -- [--labs N | --saturate]`. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const v = strictParse('npm run bench', argv, {
    help: { type: 'boolean', short: 'h' },
    labs: { type: 'string', multiple: true },
    saturate: { type: 'boolean' },
  });
  if (v.help) return { help: true };
  if ((v.labs?.length ?? 0) > 1) throw new BadInputError(`--labs was given ${v.labs?.length} times; give it once`);
  const labs = wholeNumber(v.labs?.[0], '--labs', 1, 500);
  if (labs !== undefined && v.saturate === true) throw new BadInputError('--labs and --saturate are two different benchmarks; give one');
  return { help: false, labs, saturate: v.saturate === true };
}
