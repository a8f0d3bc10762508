import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../run-config.js';
import type { RunEnvironment } from './model.js';

/**
 * What a shard run records beside its vitest blob, so `npm run merge-reports` can tell that the
 * blobs belong together: the same split, the same selection, the same machine facts.
 */
export interface ShardRecord {
  readonly shard: { readonly index: number; readonly count: number };
  readonly target: string;
  readonly distro: string;
  readonly grep: string | null;
  readonly tagsFilter: string | null;
  readonly environment: RunEnvironment;
}

export const BLOB_FILE = 'blob.json';
export const RECORD_FILE = 'shard.json';

export function shardRecord(config: RunConfig, environment: RunEnvironment): ShardRecord | undefined {
  if (!config.shard) return undefined;
  return {
    shard: config.shard,
    target: config.target,
    distro: config.distro,
    grep: config.grep ?? null,
    tagsFilter: config.tagsFilter ?? null,
    environment,
  };
}

/** A shard directory as found on disk: its record (or why it has none) and whether its blob exists. */
export interface FoundShard {
  readonly dir: string;
  readonly record: ShardRecord | undefined;
  readonly problem: string | undefined;
  readonly blob: string;
}

export function findShards(root: string): FoundShard[] {
  let names: string[];
  try {
    names = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
  return names.map((n) => {
    const dir = join(root, n);
    const blob = join(dir, BLOB_FILE);
    const hasBlob = readdirSync(dir).includes(BLOB_FILE);
    try {
      const record = JSON.parse(readFileSync(join(dir, RECORD_FILE), 'utf8')) as ShardRecord;
      return { dir, record, blob, problem: hasBlob ? undefined : `${dir} has no ${BLOB_FILE} (the shard did not finish)` };
    } catch {
      return { dir, record: undefined, blob, problem: `${dir} has no readable ${RECORD_FILE} (not written by npm test -- --shard)` };
    }
  });
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Why these shards cannot be merged into one report, or an empty list: every shard of one
 * split i/n present exactly once, all with the same selection, target and machine facts.
 */
export function shardSetProblems(found: readonly FoundShard[]): string[] {
  if (found.length === 0) return ['no shard results were found (run npm test -- --shard i/n for every i first)'];
  const problems = found.flatMap((f) => (f.problem ? [f.problem] : []));
  const records = found.flatMap((f) => (f.record ? [f.record] : []));
  const first = records[0];
  if (!first) return problems;
  const counts = [...new Set(records.map((r) => r.shard.count))];
  if (counts.length > 1) problems.push(`the shards come from different splits (${counts.map((c) => `n=${c}`).join(', ')}); remove the stale ones`);
  const count = first.shard.count;
  for (let i = 1; i <= count; i++) {
    const n = records.filter((r) => r.shard.index === i && r.shard.count === count).length;
    if (n === 0) problems.push(`shard ${i}/${count} is missing`);
    if (n > 1) problems.push(`shard ${i}/${count} is present ${n} times`);
  }
  for (const r of records.slice(1)) {
    const what = `shard ${r.shard.index}/${r.shard.count}`;
    if (!same([r.grep, r.tagsFilter], [first.grep, first.tagsFilter]))
      problems.push(`${what} selected other tests (--grep/--tagsFilter) than shard ${first.shard.index}/${first.shard.count}`);
    if (!same([r.target, r.distro], [first.target, first.distro]))
      problems.push(
        `${what} ran on --target ${r.target} --distro ${r.distro}, shard ${first.shard.index}/${first.shard.count} on --target ${first.target} --distro ${first.distro}`,
      );
    else if (!same(r.environment, first.environment))
      problems.push(`${what} ran with other tool versions than shard ${first.shard.index}/${first.shard.count}: one report would misstate them`);
  }
  return problems;
}
