import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ReportersMap } from 'vitest/node';
import { parseCleanArgs } from '../../scripts/cli/clean-args.js';
import { parseMergeArgs } from '../../scripts/cli/merge-args.js';
import { parseBenchArgs, parseHelpOnly } from '../../scripts/cli/simple-args.js';
import { preflightProblems } from '../support/preflight.js';
import { BadInputError } from '../../helpers/errors.js';
import { BUILTIN_REPORTERS } from '../../scripts/cli/strict.js';
import { parseTestArgs, type ParseContext } from '../../scripts/cli/test-args.js';
import type { RunConfig } from '../../helpers/run-config.js';

const ctx: ParseContext = { pid: 4242, cwd: '/work/clone', env: { HOME: '/root' }, passwd: () => 'alice:x:1000:1000::/home/alice:/bin/bash\n' };
const config = (argv: string[], c: ParseContext = ctx): RunConfig => {
  const p = parseTestArgs(argv, c);
  if (p.help) throw new Error('unexpected --help');
  return p.config;
};

describe('npm test arguments: one typed configuration', () => {
  test('defaults: the lesson suite in sandboxes, runc from PATH, reports/junit.xml, named after this process', () => {
    const c = config([]);
    expect([c.mode, c.target, c.runtime, c.runId, c.junit, c.reporters]).toEqual([
      'suite',
      'sandbox',
      'runc',
      '4242',
      '/work/clone/reports/junit.xml',
      ['default'],
    ]);
    expect(c.workDir).toMatch(/^\/tmp\/lesson06-run-4242-/);
  });
  test('--grep, -g and --grep= are one regex over full names', () => {
    expect(config(['--grep', 'exercise-3']).grep).toBe('exercise-3');
    expect(config(['--grep=^exercise-(1|2)']).grep).toBe('^exercise-(1|2)');
    expect(config(['-g', 'common-error-4']).grep).toBe('common-error-4');
  });
  test('reporters add to the JUnit reporter; listed vitest options pass through', () => {
    const c = config(['--reporter=verbose', '--reporter', 'dot', '--bail', '1', '--maxWorkers', '2', '--shard', '1/2']);
    expect(c.reporters).toEqual(['verbose', 'dot']);
    expect(c.vitestArgs).toEqual(['--maxWorkers', '2', '--shard', '1/2']);
    expect(c.bail).toBe(1);
  });
  test('--help parses to help, whatever else is given', () => {
    expect(parseTestArgs(['--help'], ctx)).toEqual({ help: true });
    expect(parseTestArgs(['-h', '--grep', 'x'], ctx)).toEqual({ help: true });
  });
  test('under sudo the invoking user owns the files the run makes', () => {
    expect(config([], { ...ctx, env: { SUDO_UID: '1000', SUDO_GID: '1000' } }).invoker).toEqual({ uid: 1000, gid: 1000 });
    expect(config([]).invoker).toBeUndefined();
  });
  test("--lab existing is grading: host target, the lesson plan with ~ as the sudo user home, the sudo user's report history", () => {
    const c = config(['--lab', 'existing', '--netns', 'my-net'], {
      ...ctx,
      env: { SUDO_USER: 'alice', SUDO_UID: '1000', SUDO_GID: '1000' },
      now: () => new Date('2026-12-03T07:25:12.345Z'),
    });
    expect([c.mode, c.target, c.junit, c.grade?.student, c.grade?.latest]).toEqual([
      'grade',
      'host',
      '/work/clone/reports/grade/alice/20261203T072512Z.xml',
      'alice',
      '/work/clone/reports/grade/alice/latest.xml',
    ]);
    expect(c.plan?.netns).toBe('my-net');
    expect(c.plan?.bundleDir).toBe('/home/alice/oci-netns-test');
    expect(c.plan?.containerId).toBe('lesson06-grade-4242');
  });
});

describe('npm test arguments: the lesson document for the annotated lesson', () => {
  const root = mkdtempSync(join(tmpdir(), 'annotated-lesson-selftest-cli-'));
  const clone = join(root, 'clone');
  const shared = join(root, 'shared', 'lesson', '06-network-integration.md');
  mkdirSync(clone);
  const at = (cwd: string): ParseContext => ({ ...ctx, cwd });
  test('without --lesson, the shared copy beside the clone when there is one, else none', () => {
    expect(config([], at(clone)).lesson).toBeUndefined();
    mkdirSync(join(root, 'shared', 'lesson'), { recursive: true });
    writeFileSync(shared, '# lesson\n');
    expect(config([], at(clone)).lesson).toBe(shared);
    expect(config(['--lab', 'existing'], at(clone)).lesson).toBeUndefined();
  });
  test('--lesson FILE is resolved from the working directory; a missing file or grading with it is refused', () => {
    expect(config(['--lesson', '../shared/lesson/06-network-integration.md'], at(clone)).lesson).toBe(shared);
    expect(() => config(['--lesson', 'nope.md'], at(clone))).toThrow(
      new RegExp(`--lesson "nope.md" is not a readable file \\(relative to this clone: ${clone}/nope.md\\)`),
    );
    expect(() => config(['--lab', 'existing', '--lesson', shared], at(clone))).toThrow(/grading \(--lab existing\) does not use it/);
    rmSync(root, { recursive: true, force: true });
  });
});

describe('npm test arguments: every refusal is one clear error', () => {
  const refused: Array<[string[], RegExp]> = [
    [['--frobnicate'], /unknown option "--frobnicate" for npm test/],
    [['--watch'], /does not take --watch/],
    [['-w'], /does not take -w/],
    [['--ui'], /does not take --ui/],
    [['--retry', '2'], /retries would hide flaky verdicts/],
    [['--passWithNoTests'], /selects no test is never green/],
    [['specs/exercise-3.spec.ts'], /takes no bare arguments/],
    [['--grep', '('], /not a valid regular expression/],
    [['--grep'], /argument missing|--grep/],
    [['--grep', 'a', '--grep', 'b'], /given 2 times/],
    [['--grep', ''], /--grep needs a pattern; an empty one would select every test/],
    [['--grep=  '], /--grep needs a pattern/],
    [['--tagsFilter', ''], /--tagsFilter needs a tag expression/],
    [
      ['--tagsFilter', 'nosuchtag'],
      /--tagsFilter "nosuchtag": The tag pattern "nosuchtag" is not defined in the configuration\. \(the tags are the section names: exercise-1, /,
    ],
    [['--tagsFilter', 'exercise-*x'], /tag pattern "exercise-\*x" is not defined/],
    [['--tagsFilter', 'exercise-1 &&'], /--tagsFilter "exercise-1 &&": /],
    [['--target', 'moon'], /--target "moon" must be one of: sandbox, container/],
    [['--target', 'host'], /read-only grading target/],
    [['--distro', 'trixie'], /add --target container/],
    [['--target', 'container', '--distro', 'buster'], /must be one of: bookworm, trixie, sid/],
    [
      ['--target', 'container', '--runtime', '/usr/sbin/runc'],
      /a file on this machine; with --target container name a runtime installed in the lab image/,
    ],
    [['--runtime', 'no-such-runtime'], /no executable "no-such-runtime" in \/usr\/local\/sbin:/],
    [['--runtime', 'crun;rm'], /neither a runtime's name/],
    [['--cgroup', 'v3'], /--cgroup "v3" must be one of: host, v2/],
    [['--lab', 'existing', '--cgroup', 'v2'], /grading reads the lab as the machine has it/],
    [['--runtime', '/nonexistent/runc'], /not an executable file/],
    [['--runtime', './runc-relative'], /not an executable file given by its absolute path/],
    [['--lab', 'mine'], /--lab "mine" must be one of: build, existing/],
    [['--netns', 'x'], /goes with npm run grade/],
    [['--lab', 'existing', '--host-veth', 'veth-host-is-too-long'], /at most 15/],
    [['--lab', 'existing', '--ns-ip', '10.0.0.2'], /not an IPv4 address with a prefix length/],
    [['--lab', 'existing', '--bundle', 'relative'], /must be an absolute path/],
    [['--lab', 'existing', '--bundle', '/tmp/a,upperdir=/etc'], /cannot mount safely/],
    [['--bail', 'x'], /--bail needs a whole number/],
    [['--shard', '3/2'], /--shard "3\/2" must be i\/n/],
    [['--reporter', './my-reporter.js'], /built-in reporters/],
    [['--reporter', 'verbos'], /--reporter "verbos" is not one of vitest's built-in reporters: default, verbose/],
    [['--reporter', 'blob'], /--shard writes the blob/],
    [['--lab', 'existing', '--grep', 'netns-exists'], /grading runs every Verify check, in order/],
    [['--lab', 'existing', '--tagsFilter', 'verify'], /grading runs every Verify check, in order/],
  ];
  for (const [argv, says] of refused) test(argv.join(' '), () => expect(() => parseTestArgs(argv, ctx)).toThrow(says));
});

test("--reporter accepts exactly the reporters this vitest has built in (blob is the harness's own, for shards)", () => {
  expect([...BUILTIN_REPORTERS].sort()).toEqual(
    Object.keys(ReportersMap)
      .filter((n) => n !== 'blob')
      .sort(),
  );
});

describe('npm run clean arguments', () => {
  test('--dry-run, --all and --help; typos are refused instead of sweeping', () => {
    expect(parseCleanArgs([])).toEqual({ help: false, dryRun: false, all: false });
    expect(parseCleanArgs(['--dry-run', '--all'])).toEqual({ help: false, dryRun: true, all: true });
    expect(parseCleanArgs(['--help'])).toEqual({ help: true });
    expect(() => parseCleanArgs(['--dryrun'])).toThrow(/unknown option "--dryrun" for npm run clean/);
  });
});

describe('--shard and npm run merge-reports arguments', () => {
  test('a shard keeps its blob, record and partial report in reports/shards/I-of-N, never in reports/junit.xml', () => {
    const c = config(['--shard', '2/3']);
    expect([c.shard, c.shardDir, c.junit]).toEqual([
      { index: 2, count: 3 },
      '/work/clone/reports/shards/2-of-3',
      '/work/clone/reports/shards/2-of-3/junit.xml',
    ]);
    expect(config(['--shard', '1/2', '--junit', 'out/part.xml']).junit).toBe('/work/clone/out/part.xml');
    expect(config([]).shardDir).toBeUndefined();
  });
  test.each([
    [['--shard', '0/2'], /--shard "0\/2" must be i\/n/],
    [['--shard', '1/100'], /n <= 64/],
    [['--lab', 'existing', '--shard', '1/2'], /grading runs its checks in order/],
  ])('refused: %j', (argv, says) => {
    expect(() => config(argv)).toThrow(says);
  });
  test('merge-reports: defaults, options, and no blob reporter of its own', () => {
    // A clone with no ../shared beside it: no lesson document unless one is named.
    const clone = '/nonexistent/clone';
    expect(parseMergeArgs([], clone)).toEqual({
      help: false,
      from: `${clone}/reports/shards`,
      junit: `${clone}/reports/junit.xml`,
      reporters: ['default'],
      lesson: undefined,
    });
    expect(parseMergeArgs(['--from', 'dl', '--junit', 'out/all.xml', '--reporter', 'dot'], clone)).toEqual({
      help: false,
      from: `${clone}/dl`,
      junit: `${clone}/out/all.xml`,
      reporters: ['dot'],
      lesson: undefined,
    });
    const doc = resolve('README.md');
    expect(parseMergeArgs(['--lesson', doc], clone)).toMatchObject({ lesson: doc });
    expect(() => parseMergeArgs(['--lesson', 'no-such.md'], clone)).toThrow(/--lesson "no-such.md" is not a readable file/);
    expect(parseMergeArgs(['-h'], '/work/clone')).toEqual({ help: true });
    expect(() => parseMergeArgs(['--reporter', 'blob'], '/work/clone')).toThrow(/--reporter blob: --shard writes the blob/);
    expect(() => parseMergeArgs(['--form', 'x'], '/work/clone')).toThrow(/unknown option "--form" for npm run merge-reports/);
  });
});

describe('the other commands: --help, and no typo runs them', () => {
  test('doctor, setup and lint:workflows take only --help', () => {
    expect(parseHelpOnly('npm run setup', [])).toEqual({ help: false });
    expect(parseHelpOnly('npm run setup', ['-h'])).toEqual({ help: true });
    expect(() => parseHelpOnly('npm run setup', ['--frob'])).toThrow(/unknown option "--frob" for npm run setup/);
    expect(() => parseHelpOnly('npm run doctor', ['container'])).toThrow(BadInputError);
  });
  test('bench: --labs N from 1 to 500, once; --saturate; not both', () => {
    expect(parseBenchArgs([])).toEqual({ help: false, labs: undefined, saturate: false });
    expect(parseBenchArgs(['--labs', '50'])).toEqual({ help: false, labs: 50, saturate: false });
    expect(parseBenchArgs(['--saturate'])).toEqual({ help: false, labs: undefined, saturate: true });
    expect(() => parseBenchArgs(['--saturate', '--labs', '5'])).toThrow(/two different benchmarks/);
    expect(() => parseBenchArgs(['--saturate=yes'])).toThrow(BadInputError);
    expect(parseBenchArgs(['--help'])).toEqual({ help: true });
    expect(() => parseBenchArgs(['--labs', '0'])).toThrow(/--labs needs a whole number from 1 to 500, not "0"/);
    expect(() => parseBenchArgs(['--labs', 'x'])).toThrow(/--labs needs a whole number/);
    expect(() => parseBenchArgs(['--labs', '5', '--labs', '6'])).toThrow(/given 2 times/);
    expect(() => parseBenchArgs(['--lab', '5'])).toThrow(/unknown option "--lab" for npm run bench/);
  });
});

describe('npm test --grep x, without --', () => {
  test('npm keeps --grep for itself (npm_config_grep=true) and passes the pattern as a bare word: told to put -- first', () => {
    const ctx = { pid: 1, cwd: '/srv/lesson06', env: { npm_config_grep: 'true' } };
    expect(() => parseTestArgs(['exercise-3'], ctx)).toThrow(/npm took --grep as its own option.*npm test -- --grep exercise-3$/);
    expect(() => parseTestArgs(['--grep', 'exercise-3'], { ...ctx, env: {} })).not.toThrow();
  });
});

describe('the selftest says where it cannot run', () => {
  test('a clone under /tmp or /run is named with what to do; the lesson document is not needed', () => {
    expect(preflightProblems('/tmp/fresh-check')).toEqual([expect.stringContaining('this clone is under /tmp')]);
    expect(preflightProblems('/run/x')[0]).toContain('under /run');
    expect(preflightProblems('/tmpfoo/x')).toEqual([]);
    expect(preflightProblems('/srv/no-shared-beside-it')).toEqual([]);
  });
});
