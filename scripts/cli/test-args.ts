import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createTagsFilter } from '@vitest/runner/utils';
import { BadInputError } from '../../helpers/errors.js';
import { gradePlan, invokingHome } from '../../helpers/grade/options.js';
import { LAB_STEPS, selectChecks, type CheckSelection } from '../../helpers/grade/catalog.js';
import { SECTION_IDS } from '../../helpers/lesson/sections.js';
import { reportPathProblem } from '../../helpers/report/safe-write.js';
import {
  CGROUP_CHOICES,
  DISTROS,
  defaultRunConfig,
  shardDirOf,
  SUITE_TARGETS,
  type Distro,
  type GradeOutput,
  type Invoker,
  type RunConfig,
  type TargetKind,
} from '../../helpers/run-config.js';
import { providerFor } from '../../helpers/targets/providers.js';
import { GRADE_OUTPUT_OPTIONS, parseGradeOutput } from './grade-output-args.js';
import { reporterNames, single, strictParse, wholeNumber, type Refusals } from './strict.js';

/** Where and as whom the command line is parsed; tests pass their own. */
export interface ParseContext {
  readonly pid: number;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly passwd?: () => string;
  /** The account this process runs as, the default --student without sudo. */
  readonly account?: () => string;
  readonly now?: () => Date;
}

export const processContext = (): ParseContext => ({ pid: process.pid, cwd: process.cwd(), env: process.env });

/** `listChecks`: `npm run grade -- --list-checks`, which prints the check ids (helpers/grade/catalog.ts) instead of the usage. */
export type Parsed = { readonly help: true; readonly listChecks?: true } | { readonly help: false; readonly config: RunConfig };

const GRADE_OPTIONS = {
  netns: { type: 'string' },
  'host-veth': { type: 'string' },
  'ns-veth': { type: 'string' },
  'host-ip': { type: 'string' },
  'ns-ip': { type: 'string' },
  bundle: { type: 'string' },
  'new-bundle': { type: 'string' },
  check: { type: 'string', multiple: true },
  'list-checks': { type: 'boolean' },
  hints: { type: 'string' },
  ...GRADE_OUTPUT_OPTIONS,
} as const;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  grep: { type: 'string', short: 'g', multiple: true },
  target: { type: 'string', multiple: true },
  distro: { type: 'string', multiple: true },
  junit: { type: 'string', multiple: true },
  runtime: { type: 'string', multiple: true },
  cgroup: { type: 'string', multiple: true },
  lab: { type: 'string', multiple: true },
  lesson: { type: 'string', multiple: true },
  ...GRADE_OPTIONS,
  // vitest options that pass through (an explicit list; see usage)
  reporter: { type: 'string', multiple: true },
  bail: { type: 'string' },
  maxWorkers: { type: 'string' },
  testTimeout: { type: 'string' },
  tagsFilter: { type: 'string', multiple: true },
  silent: { type: 'boolean' },
  shard: { type: 'string' },
} as const;

const NO_SELECTION = 'a run that selects no test is never green; choose tests with --grep';
/** vitest options people reach for, and why this harness refuses each. */
const REFUSED: Refusals = {
  '--watch': 'the suite builds namespaces and runs runc as root; run npm test again instead of watching',
  '-w': 'watch mode is not supported; run npm test again',
  '--ui': 'the interfaces are the console and reports/junit.xml',
  '--retry': 'retries would hide flaky verdicts, and a flaky namespace check is a bug',
  '--passWithNoTests': NO_SELECTION,
  '--update': 'there are no snapshots to update',
  '-u': 'there are no snapshots to update',
  '--coverage': 'coverage of the harness is not a lesson verdict',
  '--config': 'the harness chooses vitest configuration itself',
  '--project': 'choose sections with --grep (npm run grade for grading)',
  '--run': 'runs are always single runs',
};

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new BadInputError(`${flag} "${value}" must be one of: ${allowed.join(', ')}`);
  return value as T;
}

function invokerOf(env: NodeJS.ProcessEnv): Invoker | undefined {
  const uid = Number(env.SUDO_UID);
  const gid = Number(env.SUDO_GID);
  return Number.isInteger(uid) && uid > 0 && Number.isInteger(gid) ? { uid, gid } : undefined;
}

function executableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Harness options npm would keep for itself when given without `--` (none of them is an npm setting). */
const NPM_SWALLOWED = [
  'grep',
  'runtime',
  'distro',
  'junit',
  'lesson',
  'cgroup',
  'lab',
  'shard',
  'bundle',
  'new-bundle',
  'netns',
  'host-veth',
  'ns-veth',
  'host-ip',
  'ns-ip',
  'check',
  'hints',
  'list-checks',
  'watch',
] as const;

/** Root's fixed tool directories: a bare --runtime name is looked up there, never on a caller's PATH. */
const TRUSTED_BIN_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;

/**
 * `--runtime runc|crun|NAME|PATH`. A bare name is the runtime installed on the machine (sandbox
 * target, looked up in the fixed root directories) or in the lab image (container target); a path
 * is a file on this machine, so it goes with the sandbox target only.
 */
function parseRuntime(given: string | undefined, target: TargetKind): string {
  if (given === undefined) return 'runc';
  const byPath = providerFor(target).runtimeChosenByPath;
  if (given.includes('/')) {
    if (!byPath)
      throw new BadInputError(
        `--runtime "${given}" is a file on this machine; with --target container name a runtime installed in the lab image (runc or crun)`,
      );
    if (!given.startsWith('/') || !executableFile(given))
      throw new BadInputError(
        `--runtime "${given}" is not an executable file given by its absolute path (e.g. /usr/sbin/runc), nor a runtime's name (runc, crun)`,
      );
    return given;
  }
  if (!/^[a-z][a-z0-9._-]*$/.test(given))
    throw new BadInputError(`--runtime "${given}" is neither a runtime's name (runc, crun) nor an absolute path`);
  if (byPath && given !== 'runc' && !TRUSTED_BIN_DIRS.some((d) => executableFile(`${d}/${given}`)))
    throw new BadInputError(
      `--runtime ${given}: no executable "${given}" in ${TRUSTED_BIN_DIRS.join(':')} (install it: apt-get install ${given}), or give its absolute path`,
    );
  return given;
}

/** Where the course keeps the lesson beside a clone of this repository (CI and the team have it). */
export const SHARED_LESSON = '../shared/lesson/06-network-integration.md';

/** The lesson document a run annotates by default: the shared copy beside the clone, when there is one. */
export function sharedLesson(repoRoot: string): string | undefined {
  const path = resolve(repoRoot, SHARED_LESSON);
  return isFile(path) ? path : undefined;
}

/** `--check ID…` and `--hints N` of npm run grade: which checks run, and how much of each hint ladder is printed. */
function checkOptions(ids: readonly string[] | undefined, hintsText: string | undefined, format: string): Pick<GradeOutput, 'hints' | 'only'> {
  const only = ids === undefined ? undefined : selectChecks(ids);
  if (only && format !== 'junit') throw new BadInputError(`--format ${format} writes a score, and --check scores nothing; drop one of them`);
  if (hintsText !== undefined && !/^[123]$/.test(hintsText))
    throw new BadInputError(
      `--hints "${hintsText}" must be 1, 2 or 3 (1: what is wrong, 2: which lesson section and what the kernel shows, 3: the commands that fix it)`,
    );
  const hints = hintsText === undefined ? (only ? 1 : 3) : (Number(hintsText) as 1 | 2 | 3);
  return { hints, only };
}

/** The vitest name filter of a --check run: exactly the grade checks it runs ("<id>: <title>"). */
const onlyPattern = (only: CheckSelection): string => `(?:^| )(?:${only.run.join('|')}): `;

/** `npm test -- …` (and `npm run grade -- …`, which is `--lab existing`). */
export function parseTestArgs(argv: readonly string[], ctx: ParseContext, command = 'npm test'): Parsed {
  // `npm test --grep x` (no --): npm keeps the option as its own config (npm_config_grep) and the
  // harness would see none, running everything the student did not ask for.
  const swallowed = NPM_SWALLOWED.find(
    (o) => ctx.env[`npm_config_${o.replaceAll('-', '_')}`] !== undefined && !argv.some((a) => a === `--${o}` || a.startsWith(`--${o}=`)),
  );
  if (swallowed !== undefined) {
    // npm keeps "--grep" as the flag npm_config_grep=true and passes its value on as a bare word.
    const kept = ctx.env[`npm_config_${swallowed.replaceAll('-', '_')}`];
    const value = kept !== undefined && kept !== 'true' ? kept : (argv.find((a) => !a.startsWith('-')) ?? 'PATTERN');
    throw new BadInputError(
      `npm took --${swallowed} as its own option, so the harness never saw it: put -- before the harness's options: ${command} -- --${swallowed} ${value}`,
    );
  }
  // parseArgs would say "argument missing" with its own spelling; a lab platform's script needs the way out.
  const bareCheck = argv.findIndex((a, i) => a === '--check' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('-')));
  if (bareCheck >= 0)
    throw new BadInputError(`--check needs a check id, e.g. --check ${LAB_STEPS[3]!.id}; npm run grade -- --list-checks lists them`);
  const v = strictParse(command, argv, OPTIONS, REFUSED);
  if (v.help) return { help: true };
  const lab = oneOf(single(v.lab, '--lab'), ['build', 'existing'] as const, '--lab', 'build');
  const grading = lab === 'existing';
  const runId = String(ctx.pid);

  const givenGrade = Object.keys(GRADE_OPTIONS).filter((k) => v[k as keyof typeof GRADE_OPTIONS] !== undefined);
  if (!grading && givenGrade.length > 0)
    throw new BadInputError(`--${givenGrade[0]} describes a student's lab; it goes with npm run grade (or --lab existing)`);
  if (v['list-checks']) return { help: true, listChecks: true };

  const grep = single(v.grep, '--grep');
  // The checks depend on each other and README promises exit 0 only when all of them pass: a
  // subset would be a green grade of part of the lab, or a skip blamed on prerequisites.
  if (grading && (v.grep !== undefined || v.tagsFilter !== undefined))
    throw new BadInputError(`${v.grep !== undefined ? '--grep' : '--tagsFilter'} selects lesson tests; grading runs every Verify check, in order`);
  // An empty pattern matches every name: `--grep "$SECTION"` with SECTION unset would run everything.
  if (grep !== undefined && grep.trim() === '')
    throw new BadInputError('--grep needs a pattern; an empty one would select every test (drop --grep to run them all)');
  if (grep !== undefined) {
    try {
      new RegExp(grep);
    } catch {
      throw new BadInputError(`--grep "${grep}" is not a valid regular expression`);
    }
  }
  const targetText = single(v.target, '--target');
  if (targetText === 'host') throw new BadInputError('--target host is the read-only grading target: run npm run grade');
  const target: TargetKind = grading ? 'host' : oneOf(targetText, SUITE_TARGETS, '--target', 'sandbox');
  if (grading && targetText !== undefined) throw new BadInputError('grading always runs on this machine (the host target); drop --target');
  const distro: Distro = oneOf(single(v.distro, '--distro'), DISTROS, '--distro', 'bookworm');
  if (single(v.distro, '--distro') !== undefined && !providerFor(target).hasDistro)
    throw new BadInputError('--distro chooses the lab image of --target container; add --target container');

  const runtime = parseRuntime(single(v.runtime, '--runtime'), target);
  const cgroup = oneOf(single(v.cgroup, '--cgroup'), CGROUP_CHOICES, '--cgroup', 'host');
  if (grading && cgroup !== 'host')
    throw new BadInputError("--cgroup chooses the cgroup layout of the suite's sandboxes; grading reads the lab as the machine has it");

  const shardText = v.shard;
  let shard: RunConfig['shard'];
  if (shardText !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shardText);
    const index = Number(m?.[1]);
    const count = Number(m?.[2]);
    if (!m || index < 1 || index > count || count > 64)
      throw new BadInputError(`--shard "${shardText}" must be i/n with 1 <= i <= n <= 64, e.g. 1/2`);
    if (grading) throw new BadInputError('--shard splits the lesson suite; grading runs its checks in order on one machine');
    shard = { index, count };
  }
  const shardDir = shard ? shardDirOf(resolve(ctx.cwd, 'reports'), shard) : undefined;

  const plan = grading
    ? gradePlan(
        {
          netns: v.netns,
          hostVeth: v['host-veth'],
          nsVeth: v['ns-veth'],
          hostIp: v['host-ip'],
          nsIp: v['ns-ip'],
          bundle: v.bundle,
          newBundle: v['new-bundle'],
        },
        runId,
        invokingHome(ctx.env, ctx.passwd),
      )
    : undefined;
  // A shard's own report is partial: it stays beside its blob, never where the whole run's report goes.
  const junitText = single(v.junit, '--junit');
  const graded = plan
    ? parseGradeOutput({ student: v.student, points: v.points, format: v.format, results: v.results, junit: junitText }, { ...ctx, runId }, [
        plan.bundleDir,
        plan.newBundleDir,
      ])
    : undefined;
  const gradeOut = graded && { ...graded, grade: { ...graded.grade, ...checkOptions(v.check, v.hints, graded.grade.format) } };
  // A --check run scores nothing: its report replaces the student's one check.xml, never their history or latest.xml.
  const checked =
    gradeOut?.grade.only && junitText === undefined
      ? { ...gradeOut, junit: `${dirname(gradeOut.grade.latest ?? gradeOut.junit)}/check.xml`, grade: { ...gradeOut.grade, latest: undefined } }
      : gradeOut;
  const junit = checked?.junit ?? resolve(ctx.cwd, junitText ?? (shardDir ? `${shardDir}/junit.xml` : 'reports/junit.xml'));
  const problem = reportPathProblem(junit, plan ? [plan.bundleDir, plan.newBundleDir] : []);
  if (problem) throw new BadInputError(`--junit: ${problem}`);

  const lessonText = single(v.lesson, '--lesson');
  if (grading && lessonText !== undefined) throw new BadInputError('--lesson annotates the lesson suite; grading (--lab existing) does not use it');
  const lesson = lessonText === undefined ? (grading ? undefined : sharedLesson(ctx.cwd)) : resolve(ctx.cwd, lessonText);
  if (lessonText !== undefined && !isFile(resolve(ctx.cwd, lessonText)))
    throw new BadInputError(
      `--lesson "${lessonText}" is not a readable file${lessonText.startsWith('/') ? '' : ` (relative to this clone: ${resolve(ctx.cwd, lessonText)})`}; give the path of the lesson document, e.g. --lesson /path/to/shared/lesson/06-network-integration.md`,
    );

  const vitestArgs: string[] = [];
  const bail = wholeNumber(v.bail, '--bail', 1, 10_000);
  const workers = wholeNumber(v.maxWorkers, '--maxWorkers', 1, 64);
  if (workers !== undefined) vitestArgs.push('--maxWorkers', String(workers));
  const timeout = wholeNumber(v.testTimeout, '--testTimeout', 1_000, 3_600_000);
  if (timeout !== undefined) vitestArgs.push('--testTimeout', String(timeout));
  if (v.silent) vitestArgs.push('--silent');
  if (shard) vitestArgs.push('--shard', `${shard.index}/${shard.count}`);
  const reporters = reporterNames(v.reporter);

  const tagsFilter = single(v.tagsFilter, '--tagsFilter');
  if (tagsFilter !== undefined && tagsFilter.trim() === '') throw new BadInputError('--tagsFilter needs a tag expression, e.g. exercise-3');
  if (tagsFilter !== undefined) {
    // vitest would reject an unknown tag only inside each worker, as one harness error per spec file.
    try {
      createTagsFilter(
        [tagsFilter],
        SECTION_IDS.map((name) => ({ name })),
      );
    } catch (e) {
      throw new BadInputError(
        `--tagsFilter "${tagsFilter}": ${((e as Error).message.split('\n')[0] ?? '').replace(/\s*Available tags are:$/, '')} (the tags are the section names: ${SECTION_IDS.join(', ')})`,
      );
    }
  }
  return {
    help: false,
    config: defaultRunConfig({
      mode: grading ? 'grade' : 'suite',
      target,
      distro,
      runtime,
      cgroup,
      runId,
      junit,
      grep: checked?.grade.only ? onlyPattern(checked.grade.only) : grep,
      tagsFilter,
      lesson,
      reporters: grading ? reporters : reporters.length > 0 ? reporters : ['default'],
      vitestArgs,
      bail,
      shard,
      shardDir,
      plan,
      grade: checked?.grade,
      ci: ctx.env.CI === 'true' || ctx.env.CI === '1',
      invoker: invokerOf(ctx.env),
    }),
  };
}
