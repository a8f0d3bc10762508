/**
 * `npm run merge-reports`: joins the shards of a split run (`npm test -- --shard i/n`, each on
 * its own runner) into the one reports/junit.xml and closing line an unsharded run writes.
 * vitest's --mergeReports replays the shards' blobs through the same reporters; this script
 * first checks that the blobs belong together, and hands the reporters the shards' own
 * machine facts (the merging machine may not even have Docker).
 */
import { execa } from 'execa';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BLOB_FILE, findShards, shardSetProblems } from '../helpers/report/shards.js';
import { configToEnv, defaultRunConfig, DISTROS, SUITE_TARGETS, type Distro } from '../helpers/run-config.js';
import { parseMergeArgs } from './cli/merge-args.js';
import { MERGE_USAGE } from './cli/usage.js';
import { exitCodeFor, privateWorkDir, readSummary } from './lib/launch.js';
import { fail, parseOrFail } from './lib/process.js';

const argv = process.argv.slice(2);
const args = parseOrFail(() => parseMergeArgs(argv, process.cwd()), 'npm run merge-reports -- --help lists the options');
if (args.help) {
  process.stdout.write(MERGE_USAGE);
  process.exit(0);
}

const found = findShards(args.from);
const problems = shardSetProblems(found);
if (problems.length > 0)
  fail(
    `cannot merge the shards in ${relative(process.cwd(), args.from) || '.'}: ${problems.join('; ')}`,
    'run npm test -- --shard i/n once for every i of the same n (with the same options), then merge again',
  );
const records = found.flatMap((f) => (f.record ? [f.record] : []));
const first = records[0];
if (!first) fail('no shard record', 'run npm test -- --shard 1/2 and --shard 2/2 first');

const config = defaultRunConfig({
  workDir: privateWorkDir(String(process.pid)),
  target: SUITE_TARGETS.find((t) => t === first.target) ?? 'sandbox',
  distro: (DISTROS as readonly string[]).includes(first.distro) ? (first.distro as Distro) : 'bookworm',
  grep: first.grep ?? undefined,
  tagsFilter: first.tagsFilter ?? undefined,
  junit: args.junit,
  lesson: args.lesson,
  reporters: args.reporters,
  environment: first.environment,
  ci: process.env.CI === 'true' || process.env.CI === '1',
});
// vitest reads every file of the directory it is given as a blob: give it the blobs alone.
const blobs = mkdtempSync(join(tmpdir(), `lesson06-merge-${process.pid}-`));
let code: number;
try {
  for (const r of records)
    copyFileSync(join(args.from, `${r.shard.index}-of-${r.shard.count}`, BLOB_FILE), join(blobs, `blob-${r.shard.index}-${r.shard.count}.json`));
  process.stdout.write(`merging ${records.length} shard(s) of ${first.shard.count} from ${relative(process.cwd(), args.from)}\n`);
  const r = await execa('node_modules/.bin/vitest', ['run', '--mergeReports', blobs], {
    stdio: 'inherit',
    reject: false,
    env: { ...process.env, ...configToEnv(config) },
  });
  code = exitCodeFor(config, readSummary(config), r.exitCode);
} finally {
  rmSync(blobs, { recursive: true, force: true });
  rmSync(config.workDir, { recursive: true, force: true });
}
process.exit(code);
