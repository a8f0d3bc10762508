import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { BadInputError } from '../errors.js';

/** The points file as read: each grade check's weight, and where the weights came from. */
export interface PointsTable {
  /** As the user gave it (or the default), for the report. */
  readonly file: string;
  /** sha256 of the file's bytes: two reports graded with the same weights carry the same digest. */
  readonly sha256: string;
  /** Check id → weight, in the file's order. */
  readonly weights: Readonly<Record<string, number>>;
}

/** The harness's own weights, shown by this name; found beside the harness, wherever it runs from. */
export const DEFAULT_POINTS_FILE = 'grading/points.json';
export const DEFAULT_POINTS_PATH = fileURLToPath(new URL('../../grading/points.json', import.meta.url));

const CHECK_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** A points file's text as data: `{ "checks": { "<check id>": <weight>, … } }`, weights 0..1000. */
export function parsePoints(text: string, file: string): PointsTable {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new BadInputError(
      `points file ${file} is not JSON (${(e as Error).message.split('\n')[0] ?? ''}); it holds {"checks": {"netns-exists": 1, …}}`,
    );
  }
  const checks = (data as { checks?: unknown } | null)?.checks;
  if (typeof checks !== 'object' || checks === null || Array.isArray(checks))
    throw new BadInputError(`points file ${file} has no "checks" object; it holds {"checks": {"netns-exists": 1, …}}`);
  const weights: Record<string, number> = {};
  for (const [id, w] of Object.entries(checks)) {
    if (!CHECK_ID.test(id))
      throw new BadInputError(`points file ${file}: "${id.slice(0, 64)}" is not a grade check id (lowercase letters, digits and -)`);
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 1000)
      throw new BadInputError(`points file ${file}: the weight of ${id} must be a number from 0 to 1000, not ${JSON.stringify(w)}`);
    weights[id] = w;
  }
  if (Object.values(weights).every((w) => w === 0))
    throw new BadInputError(`points file ${file} gives no check a weight above 0, so every lab would score 0 of 0`);
  return { file, sha256: createHash('sha256').update(text).digest('hex'), weights };
}

/** Reads and checks a points file once, at parse time, so a typo is refused before any grading. */
export function readPoints(path: string, shown: string): PointsTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new BadInputError(
      `points file ${shown} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); give one with --points FILE`,
    );
  }
  return parsePoints(text, shown);
}

export type CheckState = 'pass' | 'fail' | 'not checked';

export interface CheckScore {
  readonly id: string;
  readonly state: CheckState;
  readonly points: number;
  readonly max: number;
}

export type Score =
  | { readonly gradable: true; readonly score: number; readonly max: number; readonly checks: readonly CheckScore[] }
  /** A harness fault: the grader cannot say what the lab is worth, so there is no score at all (never 0). */
  | { readonly gradable: false; readonly reason: string; readonly max: number; readonly checks: readonly CheckScore[] };

/** Sums without binary fractions showing up (0.1 + 0.2). */
const round = (n: number): number => Math.round(n * 1000) / 1000;

/**
 * Points for each check and the total. "not checked" scores 0 and counts in the maximum; a check
 * the table has no weight for, a weight for a check that did not report, or a harness fault makes
 * the run ungradable rather than silently scoring it.
 */
export function scoreChecks(
  checks: ReadonlyArray<{ readonly id: string; readonly state: CheckState }>,
  table: PointsTable,
  harnessFault: string | undefined,
): Score {
  const scored = checks.map((c): CheckScore => {
    const max = round(table.weights[c.id] ?? 0);
    return { id: c.id, state: c.state, points: c.state === 'pass' ? max : 0, max };
  });
  const max = round(scored.reduce((s, c) => s + c.max, 0));
  const seen = new Set(checks.map((c) => c.id));
  const unweighted = checks.filter((c) => table.weights[c.id] === undefined).map((c) => c.id);
  const absent = Object.keys(table.weights).filter((id) => !seen.has(id));
  const reason =
    harnessFault ??
    (unweighted.length > 0
      ? `${table.file} gives no weight to ${unweighted.join(', ')}`
      : absent.length > 0
        ? `${table.file} weighs ${absent.join(', ')}, which this run did not report`
        : undefined);
  if (reason !== undefined) return { gradable: false, reason, max, checks: scored };
  return { gradable: true, score: round(scored.reduce((s, c) => s + c.points, 0)), max, checks: scored };
}

/** A number as the report and the gradebook print it: no trailing zeros. */
export const formatPoints = (n: number): string => String(round(n));
