import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configToEnv, defaultRunConfig, type RunConfig } from '../../helpers/run-config.js';
import { runArgv, type ExecResult } from '../../helpers/targets/exec.js';
import { readJUnit, type ReportedCase } from './junit.js';

export interface SuiteRun {
  readonly exec: ExecResult;
  readonly cases: ReportedCase[];
  /** The annotated lesson the run wrote beside its JUnit file (runs given `lesson`), else undefined. */
  readonly lessonMd: string | undefined;
  readonly lessonHtml: string | undefined;
}

const readIfThere = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);

/**
 * Runs the real lesson suite in a child vitest (the product's config plus the breakage seam)
 * with a run configuration of its own, and reads its JUnit file.
 */
export async function runSuite(
  grep: string | undefined,
  over: Partial<RunConfig> = {},
  opts: { timeoutMs?: number; cwd?: string } = {},
): Promise<SuiteRun> {
  const dir = mkdtempSync(join(tmpdir(), `lesson06-selftest-${process.pid}-`));
  try {
    const config = defaultRunConfig({ grep, junit: join(dir, 'junit.xml'), workDir: join(dir, 'work'), ...over });
    const exec = await runArgv(['node_modules/.bin/vitest', 'run', '--config', 'selftest/vitest.suite.config.ts', ...config.vitestArgs], {
      env: configToEnv(config),
      timeoutMs: opts.timeoutMs ?? 180_000,
      ...(opts.cwd ? { cwd: opts.cwd } : {}),
    });
    return { exec, cases: readJUnit(config.junit), lessonMd: readIfThere(join(dir, 'lesson.md')), lessonHtml: readIfThere(join(dir, 'lesson.html')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
