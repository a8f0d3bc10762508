import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOnPath } from '../../helpers/prereqs.js';
import { runArgv, type ExecResult } from '../../helpers/targets/exec.js';
import { readJUnit, type ReportedCase } from './junit.js';

/** The schema graders' tools validate JUnit files against (origin noted in the file). */
export const JUNIT_XSD = 'selftest/support/junit-10.xsd';

// eslint-disable-next-line no-control-regex -- removing terminal colour codes is the point
export const plain = (s: string): string => s.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, '');

/**
 * xmllint comes from Debian's libxml2-utils; CI installs it in .ci/run. Where it is missing the
 * selftest installs it itself and says so, rather than skipping the schema check.
 */
export async function ensureXmllint(): Promise<void> {
  if (await findOnPath('xmllint', process.env.PATH ?? '')) return;
  process.stdout.write('selftest: xmllint is missing; installing libxml2-utils (apt-get) for the JUnit schema check\n');
  const r = await runArgv(['apt-get', 'install', '-y', '--no-install-recommends', 'libxml2-utils'], {
    timeoutMs: 300_000,
    env: { DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (r.exitCode !== 0) throw new Error(`cannot install libxml2-utils for the JUnit schema check: ${r.stderr.slice(-500)}`);
}

/** xmllint's complaints about a JUnit file, or '' when it validates against the schema. */
export async function schemaErrors(file: string): Promise<string> {
  const r = await runArgv(['xmllint', '--noout', '--schema', JUNIT_XSD, file], { timeoutMs: 30_000 });
  return r.exitCode === 0 ? '' : `${r.stderr}${r.stdout}`.trim() || `xmllint exit ${r.exitCode}`;
}

export interface ReportRun {
  readonly exec: ExecResult;
  readonly junit: string;
  readonly cases: ReportedCase[];
  /** stdout without colour codes. */
  readonly out: string;
  /** The closing line's numbers, if it was printed. */
  readonly closing: { passed: number; failed: number; skipped: number } | undefined;
  readonly dispose: () => void;
}

/** The numbers of the closing line ("lesson06: N passed, N failed, N skipped"), alone on its line. */
export function closingCounts(out: string): ReportRun['closing'] {
  const m = /^lesson06: (\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(plain(out));
  return m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3]) } : undefined;
}

/** vitest's own "Tests …" summary: the number in parentheses is every test it collected. */
export function vitestTotal(out: string): number | undefined {
  const m = /^\s*Tests\s+.*\((\d+)\)\s*$/m.exec(plain(out));
  return m ? Number(m[1]) : undefined;
}

/** Runs a node script of this repository (argv after `node --import tsx`) with a JUnit file of its own. */
export async function reportRun(argv: readonly string[]): Promise<ReportRun> {
  const dir = mkdtempSync(join(tmpdir(), `lesson06-selftest-${process.pid}-`));
  const junit = join(dir, 'junit.xml');
  const exec = await runArgv([process.execPath, '--import', 'tsx', ...argv, '--junit', junit], { timeoutMs: 240_000 });
  return {
    exec,
    junit,
    cases: readJUnit(junit),
    out: plain(exec.stdout),
    closing: closingCounts(exec.stdout),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `npm test` through the product's launcher, with a selftest vitest configuration and fault (selftest/support/launch-with.ts). */
export const launchWith = (vitestConfig: string, fault: string, args: readonly string[]): Promise<ReportRun> =>
  reportRun(['selftest/support/launch-with.ts', vitestConfig, fault, ...args]);
