import { parseArgs, type ParseArgsConfig } from 'node:util';
import { BadInputError } from '../../helpers/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options refused on purpose, with the reason the user reads. */
export type Refusals = Readonly<Record<string, string>>;

/**
 * node:util parseArgs in strict mode, no positionals; every parse error becomes one line that
 * names the command and how to list its options.
 */
export function strictParse<O extends Options>(command: string, argv: readonly string[], options: O, refused: Refusals = {}) {
  for (const arg of argv) {
    const flag = arg.split('=')[0] ?? arg;
    const why = refused[flag];
    if (why !== undefined) throw new BadInputError(`${command} does not take ${flag}: ${why}`);
  }
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    const code = (e as { code?: string }).code;
    const msg = (e as Error).message;
    const opt = /'(-[^']*)'/.exec(msg)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new BadInputError(`unknown option "${opt}" for ${command}`);
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
      throw new BadInputError(`${command} takes no bare arguments (got "${/'([^']*)'/.exec(msg)?.[1] ?? ''}"); use --grep to choose tests`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new BadInputError(`${msg.split('\n')[0]?.replace(/\.$/, '')}`);
    throw e;
  }
}

/** A flag given more than once that must be given once. */
export function single(values: string | string[] | undefined, flag: string): string | undefined {
  if (Array.isArray(values)) {
    if (values.length > 1) throw new BadInputError(`${flag} was given ${values.length} times; give it once`);
    return values[0];
  }
  return values;
}

export function wholeNumber(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) throw new BadInputError(`${flag} needs a whole number from ${min} to ${max}, not "${value}"`);
  return n;
}

/**
 * vitest's built-in reporters (its ReportersMap; selftest compares the two) without `blob`, which
 * the harness adds itself for shards. vitest only fails on an unknown name after the sudo hop,
 * with a stack trace and no report, so a typo is refused here as one line.
 */
export const BUILTIN_REPORTERS = [
  'default',
  'verbose',
  'dot',
  'tree',
  'minimal',
  'agent',
  'tap',
  'tap-flat',
  'json',
  'junit',
  'github-actions',
  'hanging-process',
] as const;

/** `--reporter` values, each one of BUILTIN_REPORTERS. */
export function reporterNames(values: readonly string[] | undefined): string[] {
  const names = [...(values ?? [])];
  for (const r of names) {
    if (r === 'blob') throw new BadInputError('--reporter blob: --shard writes the blob npm run merge-reports reads');
    if (!(BUILTIN_REPORTERS as readonly string[]).includes(r))
      throw new BadInputError(`--reporter "${r}" is not one of vitest's built-in reporters: ${BUILTIN_REPORTERS.join(', ')}`);
  }
  return names;
}
