import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, resolve } from 'node:path';
import { BadInputError } from '../../helpers/errors.js';
import { DEFAULT_POINTS_FILE, DEFAULT_POINTS_PATH, readPoints } from '../../helpers/grade/points.js';
import { defaultStudent, historyPaths, validateStudent } from '../../helpers/grade/student.js';
import { reportPathProblem } from '../../helpers/report/safe-write.js';
import { GRADE_FORMATS, type GradeFormat, type GradeOutput } from '../../helpers/run-config.js';

/** The options of npm run grade that say whose lab it is and what to write. */
export const GRADE_OUTPUT_OPTIONS = {
  student: { type: 'string' },
  points: { type: 'string' },
  format: { type: 'string' },
  results: { type: 'string' },
} as const;

interface GradeOutputValues {
  readonly student?: string;
  readonly points?: string;
  readonly format?: string;
  readonly results?: string;
  /** --junit as given, if it was. */
  readonly junit?: string;
}

interface GradeOutputContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly runId: string;
  /** The account this process runs as (tests pass their own). */
  readonly account?: () => string;
  readonly now?: () => Date;
}

/**
 * The student, points and outputs of a grade run, and its report path: without --junit, the
 * student's history (reports/grade/<student>/<UTC time>.xml, latest.xml beside it).
 */
export function parseGradeOutput(
  v: GradeOutputValues,
  ctx: GradeOutputContext,
  forbidden: readonly string[],
): { readonly grade: GradeOutput; readonly junit: string } {
  const student =
    v.student !== undefined ? validateStudent(v.student, '--student') : defaultStudent(ctx.env, ctx.account ?? (() => userInfo().username));
  const format = (v.format ?? 'junit') as GradeFormat;
  if (!(GRADE_FORMATS as readonly string[]).includes(format))
    throw new BadInputError(`--format "${v.format ?? ''}" must be one of: ${GRADE_FORMATS.join(', ')}`);
  if (v.results !== undefined && format === 'junit')
    throw new BadInputError(
      '--results is the file of --format gradescope or prairielearn; add --format, or drop --results (the JUnit report goes to --junit)',
    );
  const pointsShown = v.points ?? DEFAULT_POINTS_FILE;
  const points = readPoints(v.points === undefined ? DEFAULT_POINTS_PATH : resolve(ctx.cwd, v.points), pointsShown);

  const history =
    v.junit === undefined ? historyPaths(resolve(ctx.cwd, 'reports'), student, (ctx.now ?? (() => new Date()))(), existsSync, ctx.runId) : undefined;
  const junit = v.junit !== undefined ? resolve(ctx.cwd, v.junit) : (history?.junit ?? '');
  const results = format === 'junit' ? undefined : resolve(ctx.cwd, v.results ?? `${dirname(junit)}/results.json`);
  for (const [flag, path] of [
    ['--junit', junit],
    ['latest report', history?.latest],
    ['--results', results],
  ] as const) {
    const problem = path === undefined ? undefined : reportPathProblem(path, forbidden);
    if (problem) throw new BadInputError(`${flag}: ${problem}`);
  }
  if (results !== undefined && (results === junit || results === history?.latest))
    throw new BadInputError(`--results ${results} is the JUnit report's own path; give another file`);
  return { grade: { student, points, format, latest: history?.latest, results, hints: 3, only: undefined }, junit };
}
