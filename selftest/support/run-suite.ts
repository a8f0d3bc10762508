import { XMLParser } from 'fast-xml-parser';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runArgv, type ExecResult } from '../../helpers/targets/exec.js';

export interface ReportedCase {
  readonly suite: string;
  readonly name: string;
  readonly failure: string | undefined;
  readonly body: string;
  readonly skipped: boolean;
}

export interface SuiteRun {
  readonly exec: ExecResult;
  readonly cases: ReportedCase[];
}

interface XmlCase {
  name: string;
  failure?: { message?: string; '#text'?: string };
  skipped?: unknown;
}

/** Runs the real lesson suite as `npm test` would, in a child vitest, and reads its JUnit file. */
export async function runSuite(grep: string, env: Record<string, string> = {}): Promise<SuiteRun> {
  const dir = mkdtempSync(join(tmpdir(), `lesson06-selftest-${process.pid}-`));
  try {
    const junit = join(dir, 'junit.xml');
    const exec = await runArgv(['node_modules/.bin/vitest', 'run', '--testNamePattern', grep], {
      env: { ...env, LESSON06_JUNIT: junit },
      timeoutMs: 180_000,
    });
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(readFileSync(junit, 'utf8'));
    const suites = [doc.testsuites?.testsuite ?? []].flat() as Array<{ name: string; testcase: XmlCase | XmlCase[] }>;
    const cases = suites.flatMap((s) =>
      [s.testcase].flat().map((c) => ({
        suite: s.name,
        name: c.name,
        failure: c.failure?.message,
        body: c.failure?.['#text'] ?? '',
        skipped: c.skipped !== undefined,
      })),
    );
    return { exec, cases };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
