/**
 * A selftest instrument for writing verdicts: runs the suite (or a --grep selection) under a fake
 * runtime and/or a broken lab, without the lesson document unless given one, exactly as a scenario's child suite
 * runs, and prints each test's state and id, the check it failed at and its diagnosis line. It judges
 * nothing: expectations are written from what each test claims, then compared with this.
 *
 *   node --import tsx selftest/support/try-scenario.ts [--runtime FAKE] [--fault NAME] [--grep REGEX] [--lesson PATH]
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { diagnosisOf, fullName } from './expect-failures.js';
import { runSuite } from './run-suite.js';
import { testIdOf } from './test-ids.js';

const { values } = parseArgs({
  options: { runtime: { type: 'string' }, fault: { type: 'string' }, grep: { type: 'string' }, lesson: { type: 'string' } },
  strict: true,
});
const run = await runSuite(values.grep, {
  ...(values.runtime ? { runtime: resolve('selftest/fakes', values.runtime) } : {}),
  ...(values.fault ? { fault: values.fault } : {}),
  ...(values.lesson ? { lesson: resolve(values.lesson) } : {}),
});
for (const c of run.cases) {
  // Verdicts name tests by id (selftest/support/verdicts.ts): the id first, the title for the reader.
  process.stdout.write(`${c.state.padEnd(7)} ${testIdOf(c) ?? '(no test-id)'}  ${fullName(c)}\n`);
  if (c.state === 'failed' || c.state === 'error') {
    process.stdout.write(`        at: ${(c.message ?? '').split('; seen ')[0]}\n`);
    const d = diagnosisOf(c.body)
      .split('\n')
      .filter((l) => /diagnosis:|next:|fix:/.test(l));
    for (const l of d) process.stdout.write(`        ${l.trim()}\n`);
  }
}
if (run.cases.length === 0) process.stdout.write(run.exec.stderr.slice(-1500));
