/**
 * Prints the lesson tests vitest collects (none runs), each with its stable id from the test's
 * meta, as JSON to the file named by the first argument. `vitest list --json` leaves meta out,
 * so this asks vitest's node API the same question. Run by selftest/support/test-ids.ts.
 *
 *   node --import tsx selftest/support/list-tests.ts OUT.json
 */
import { writeFileSync } from 'node:fs';
import { createVitest } from 'vitest/node';
import type { ListedTest } from './test-ids.js';

const out = process.argv[2];
if (out === undefined) throw new Error('usage: list-tests.ts OUT.json');
const vitest = await createVitest('test', { config: 'selftest/vitest.suite.config.ts', watch: false, reporters: [] });
try {
  const { testModules } = await vitest.collect();
  const listed: ListedTest[] = testModules.flatMap((m) =>
    [...m.children.allTests()].map((t) => {
      const parts: string[] = [t.name];
      for (let p = t.parent; p.type === 'suite'; p = p.parent) parts.unshift(p.name);
      const id = t.meta().testId;
      return { name: t.fullName, grepName: parts.join(' '), file: t.module.moduleId, ...(id !== undefined ? { id } : {}) };
    }),
  );
  const errors = testModules.flatMap((m) => m.errors().map((e) => `${m.moduleId}: ${e.message}`));
  if (errors.length > 0) throw new Error(`spec files that do not load:\n${errors.join('\n')}`);
  writeFileSync(out, JSON.stringify(listed, null, 1));
} finally {
  await vitest.close();
}
