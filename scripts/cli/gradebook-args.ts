import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BadInputError } from '../../helpers/errors.js';
import { DEFAULT_POINTS_FILE, DEFAULT_POINTS_PATH } from '../../helpers/grade/points.js';
import { reportPathProblem } from '../../helpers/report/safe-write.js';
import { single } from './strict.js';

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  points: { type: 'string', multiple: true },
  out: { type: 'string', multiple: true },
} as const;

/** parseArgs, strict, with the report paths as positionals; its errors as one line each. */
function parse(argv: readonly string[]): ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true; strict: true }>> {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true });
  } catch (e) {
    const msg = (e as Error).message;
    if ((e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw new BadInputError(`unknown option "${/'(-[^']*)'/.exec(msg)?.[1] ?? ''}" for npm run gradebook`);
    throw new BadInputError(msg.split('\n')[0]?.replace(/\.$/, '') ?? 'bad arguments');
  }
}

type GradebookArgs =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly inputs: readonly string[];
      readonly points: string;
      readonly pointsShown: string;
      readonly csv: string;
      readonly html: string;
    };

/** `npm run gradebook -- DIR|FILE… [--points FILE] [--out DIR]`. */
export function parseGradebookArgs(argv: readonly string[], cwd: string): GradebookArgs {
  const { values: v, positionals } = parse(argv);
  if (v.help) return { help: true };
  if (positionals.length === 0)
    throw new BadInputError('name the reports: npm run gradebook -- reports/grade (a directory per student, each with latest.xml)');
  const pointsGiven = single(v.points, '--points');
  const pointsShown = pointsGiven ?? DEFAULT_POINTS_FILE;
  const out = resolve(cwd, single(v.out, '--out') ?? 'reports');
  const csv = `${out}/gradebook.csv`;
  const html = `${out}/gradebook.html`;
  for (const p of [csv, html]) {
    const problem = reportPathProblem(p);
    if (problem) throw new BadInputError(`--out: ${problem}`);
  }
  return {
    help: false,
    inputs: positionals.map((p) => resolve(cwd, p)),
    points: pointsGiven === undefined ? DEFAULT_POINTS_PATH : resolve(cwd, pointsGiven),
    pointsShown,
    csv,
    html,
  };
}
