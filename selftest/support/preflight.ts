import { realpathSync } from 'node:fs';

/** Directories every selftest sandbox replaces with a private tmpfs (selftest/support/hostile-sandbox.ts). */
const SANDBOX_PRIVATE = ['/tmp', '/run'];

/**
 * What the selftest needs of where it runs, checked once before any test: a clone under a
 * directory the sandboxes hide makes the harness they start vanish (dozens of unrelated-looking
 * failures). The course's lesson document is not needed here: npm run test:self:lesson checks
 * for it itself.
 */
export function preflightProblems(root: string): string[] {
  const problems: string[] = [];
  const hidden = SANDBOX_PRIVATE.find((d) => root === d || root.startsWith(`${d}/`));
  if (hidden)
    problems.push(
      `this clone is under ${hidden}, which the selftest's sandboxes replace with a private tmpfs, so the harness they run would not be there: clone the repository elsewhere (e.g. /srv/lesson06 or your home)`,
    );
  return problems;
}

export default function setup(): void {
  const problems = preflightProblems(realpathSync(process.cwd()));
  if (problems.length > 0) throw new Error(`the selftest cannot run here:\n- ${problems.join('\n- ')}`);
}
