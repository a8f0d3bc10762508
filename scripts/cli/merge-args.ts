import { resolve } from 'node:path';
import { BadInputError } from '../../helpers/errors.js';
import { reportPathProblem } from '../../helpers/report/safe-write.js';
import { isFile, sharedLesson } from './test-args.js';
import { reporterNames, single, strictParse } from './strict.js';

type MergeArgs =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly from: string;
      readonly junit: string;
      readonly reporters: readonly string[];
      readonly lesson: string | undefined;
    };

/** `npm run merge-reports -- [--from DIR] [--junit FILE] [--reporter NAME] [--lesson FILE]`. */
export function parseMergeArgs(argv: readonly string[], cwd: string): MergeArgs {
  const v = strictParse('npm run merge-reports', argv, {
    help: { type: 'boolean', short: 'h' },
    from: { type: 'string', multiple: true },
    junit: { type: 'string', multiple: true },
    reporter: { type: 'string', multiple: true },
    lesson: { type: 'string', multiple: true },
  });
  if (v.help) return { help: true };
  const junit = resolve(cwd, single(v.junit, '--junit') ?? 'reports/junit.xml');
  const problem = reportPathProblem(junit);
  if (problem) throw new BadInputError(`--junit: ${problem}`);
  const reporters = reporterNames(v.reporter);
  // The shards' blobs carry each test's lesson links, so the merged run can annotate the lesson
  // as a whole run would (a single shard never can: it ran part of the suite).
  const lessonText = single(v.lesson, '--lesson');
  if (lessonText !== undefined && !isFile(resolve(cwd, lessonText))) throw new BadInputError(`--lesson "${lessonText}" is not a readable file`);
  const lesson = lessonText === undefined ? sharedLesson(cwd) : resolve(cwd, lessonText);
  return {
    help: false,
    from: resolve(cwd, single(v.from, '--from') ?? 'reports/shards'),
    junit,
    reporters: reporters.length > 0 ? reporters : ['default'],
    lesson,
  };
}
