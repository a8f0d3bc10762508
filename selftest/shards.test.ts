import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { RunEnvironment } from '../helpers/report/model.js';
import { shardSetProblems, type FoundShard, type ShardRecord } from '../helpers/report/shards.js';
import { runArgv, type ExecResult } from '../helpers/targets/exec.js';
import { readJUnit, type ReportedCase } from './support/junit.js';
import { sharedLesson } from '../scripts/cli/test-args.js';
import { NO_LESSON_HINT } from '../helpers/report/lesson-reporter.js';

const env: RunEnvironment = {
  target: 'sandbox',
  distro: 'Debian GNU/Linux 12 (bookworm)',
  runtime: 'runc',
  runtimeName: 'runc',
  cgroup: 'hybrid',
  runtimeVersion: '1.1.5',
  iproute2: '6.1.0',
  kernel: '6.1',
  busybox: 'BusyBox v1.35.0',
};
const record = (index: number, count: number, over: Partial<ShardRecord> = {}): FoundShard => ({
  dir: `reports/shards/${index}-of-${count}`,
  blob: `reports/shards/${index}-of-${count}/blob.json`,
  problem: undefined,
  record: { shard: { index, count }, target: 'sandbox', distro: 'bookworm', grep: null, tagsFilter: null, environment: env, ...over },
});

describe('which shards merge-reports accepts', () => {
  test('every shard of one split, same selection and machine: no problem', () => {
    expect(shardSetProblems([record(1, 3), record(2, 3), record(3, 3)])).toEqual([]);
  });
  test.each([
    ['nothing at all', [], /no shard results were found/],
    ['a missing shard', [record(1, 3), record(3, 3)], /shard 2\/3 is missing/],
    ['a shard twice', [record(1, 2), record(2, 2), { ...record(2, 2), dir: 'copy' }], /shard 2\/2 is present 2 times/],
    ['a stale shard of another split', [record(1, 2), record(2, 2), record(3, 3)], /different splits \(n=2, n=3\)/],
    ['another --grep', [record(1, 2), record(2, 2, { grep: 'exercise-3' })], /shard 2\/2 selected other tests/],
    [
      'another distro',
      [record(1, 2), record(2, 2, { target: 'container', distro: 'trixie' })],
      /shard 2\/2 ran on --target container --distro trixie/,
    ],
    ['other tool versions', [record(1, 2), record(2, 2, { environment: { ...env, runtimeVersion: '1.1.15' } })], /other tool versions/],
    [
      'a shard that never finished',
      [record(1, 2), { ...record(2, 2), problem: 'reports/shards/2-of-2 has no blob.json (the shard did not finish)' }],
      /did not finish/,
    ],
  ])('refused: %s', (_what, found, says) => {
    expect(shardSetProblems(found).join('; ')).toMatch(says);
  });
});

/** What must be identical between a merged and an unsharded report (durations and timestamps differ by nature). */
const comparable = (cases: readonly ReportedCase[]): string[] =>
  cases
    .map((c) => {
      const props = c.properties.map((p) => `${p.name}=${p.value.replace(/time="[^"]*"/g, 'time=…')}`).sort();
      return [c.suite, c.name, c.state, c.message ?? '', ...props].join(' | ');
    })
    .sort();

const npm = (script: string, args: readonly string[]): Promise<ExecResult> =>
  runArgv([process.execPath, '--import', 'tsx', script, ...args], { timeoutMs: 180_000 });

describe('npm test -- --shard i/n, then npm run merge-reports', () => {
  // Two spec files, so each of the two shards runs one of them.
  const grep = '^(exercise-2|exercise-3) ';

  test('the merged report has exactly the test cases (states, steps, errata, properties) of an unsharded run', async () => {
    const dir = mkdtempSync(join(tmpdir(), `lesson06-selftest-${process.pid}-`));
    try {
      const [whole, one, two] = await Promise.all([
        npm('scripts/test.ts', ['--grep', grep, '--junit', join(dir, 'whole.xml'), '--reporter', 'dot']),
        npm('scripts/test.ts', ['--grep', grep, '--shard', '1/2', '--reporter', 'dot']),
        npm('scripts/test.ts', ['--grep', grep, '--shard', '2/2', '--reporter', 'dot']),
      ]);
      for (const r of [whole, one, two]) expect(r.exitCode, r.stdout.slice(-1500) + r.stderr).toBe(0);
      // Both write lesson.md beside their report (dir/): keep the unsharded run's before merging.
      const lesson = sharedLesson(process.cwd());
      if (lesson) renameSync(join(dir, 'lesson.md'), join(dir, 'whole-lesson.md'));
      const merged = await npm('scripts/merge-reports.ts', ['--junit', join(dir, 'merged.xml'), '--reporter', 'dot']);
      expect(merged.exitCode, merged.stdout.slice(-1500) + merged.stderr).toBe(0);
      if (lesson) {
        // The merged run puts the same mark on every line as the unsharded run did (the evidence
        // under a mark quotes runc's log with its timestamp, so only the marks are compared).
        const marks = (file: string): string[] =>
          readFileSync(file, 'utf8')
            .split('\n')
            .filter((l) => l.startsWith('> - ') || l.startsWith('lesson coverage:'));
        expect(marks(join(dir, 'lesson.md')).length).toBeGreaterThan(80);
        expect(marks(join(dir, 'lesson.md'))).toEqual(marks(join(dir, 'whole-lesson.md')));
        expect(merged.stdout).toMatch(/^lesson coverage: \d+ of \d+ command lines executed/m);
      } else {
        expect(merged.stdout).toContain(NO_LESSON_HINT);
      }

      const wholeCases = readJUnit(join(dir, 'whole.xml'));
      const parts = [readJUnit('reports/shards/1-of-2/junit.xml'), readJUnit('reports/shards/2-of-2/junit.xml')];
      expect(
        parts.every((p) => p.length > 0 && p.length < wholeCases.length),
        'each shard ran a part, not all',
      ).toBe(true);
      expect(wholeCases.length, 'the unsharded run selected tests').toBeGreaterThan(2);
      expect(comparable(readJUnit(join(dir, 'merged.xml')))).toEqual(comparable(wholeCases));
      // The same closing line as the unsharded run prints.
      const closing = (out: string): string | undefined => /^lesson06: .*$/m.exec(out)?.[0];
      expect(closing(merged.stdout)).toBe(closing(whole.stdout));
      expect(closing(merged.stdout)).toBe(`lesson06: ${wholeCases.length} passed, 0 failed, 0 skipped`);

      // Without shard 2 there is nothing honest to merge: refused, exit 2, no report.
      renameSync('reports/shards/2-of-2', join(dir, 'shard-2'));
      const partial = await npm('scripts/merge-reports.ts', ['--junit', join(dir, 'partial.xml')]);
      expect(partial.exitCode).toBe(2);
      expect(partial.stderr).toMatch(/shard 2\/2 is missing/);
      expect(readJUnit(join(dir, 'partial.xml'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync('reports/shards', { recursive: true, force: true });
    }
  });
});
