import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readLesson } from '../../helpers/lesson/document.js';
import { runArgv } from '../../helpers/targets/exec.js';
import { sharedLesson, SHARED_LESSON } from '../../scripts/cli/test-args.js';
import { visit } from '../support/browser.js';
import { runSuite } from '../support/run-suite.js';
import { grepOf } from '../support/test-ids.js';

const lessonPath = sharedLesson(process.cwd());
const lesson = (): string => {
  if (lessonPath === undefined) throw new Error(`the annotated-lesson selftest needs ${SHARED_LESSON} beside this clone`);
  return lessonPath;
};

/** Where selftest leaves the page's screenshot for a person to look at. */
const SCREENSHOT = resolve('reports/selftest-lesson.png');

describe('the annotated lesson of the course document, from real suite runs', () => {
  test('a --grep run writes lesson.md and lesson.html: every command line with its mark, the coverage line last; Chromium renders the page without a console error', async () => {
    const run = await runSuite('^exercise-1 ', { lesson: lesson() });
    expect(run.exec.exitCode, run.exec.stdout).toBe(0);
    const md = run.lessonMd ?? '';
    const doc = readLesson(lesson());
    for (const item of doc.items.filter((i) => i.kind === 'command')) expect(md, item.id).toMatch(new RegExp(`^> - \\S+ \`${item.id}\``, 'm'));
    expect(md).toMatch(/^> - ✓ `exercise-1\/s6\/b1\/L2` `ping -c 2 10\.0\.0\.2` — ran as written and passed \(exercise-1 › as written/m);
    expect(md).toMatch(/^> - · `exercise-3\/s1\/b1\/L2` `sudo runc run netns-test` — not run in this selection$/m);
    expect(md).toMatch(/^> - ⊘ `exercise-2\/s1\/b2\/L2` `docker pull alpine:latest` — not executable here \(no image registry/m);
    const last = md.trimEnd().split('\n').at(-1) ?? '';
    expect(last).toMatch(/^lesson coverage: (\d+) of 80 command lines executed, (\d+) with adjustments, 4 not executable$/);
    expect(run.exec.stdout).toContain(last);

    const dir = mkdtempSync(join(tmpdir(), 'annotated-lesson-selftest-page-'));
    try {
      const page = join(dir, 'lesson.html');
      writeFileSync(page, run.lessonHtml ?? '');
      mkdirSync(resolve('reports'), { recursive: true });
      const seen = await visit(page, SCREENSHOT, ['table.lines', '.mark.m-verbatim', '.mark.m-not-executable', '.mark.m-not-selected']);
      expect(seen.problems).toEqual([]);
      expect(seen.text).toContain(last);
      expect(seen.text).toContain('Exercise 3: Run the Container and Verify Networking');
      expect(seen.counts['table.lines']).toBeGreaterThan(20);
      for (const kind of ['.mark.m-verbatim', '.mark.m-not-executable', '.mark.m-not-selected']) expect(seen.counts[kind], kind).toBeGreaterThan(0);
      expect(statSync(SCREENSHOT).size).toBeGreaterThan(50_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a broken lab marks the lines its failing test ran as failed, and the transcript names the lesson line of each command', async () => {
    const run = await runSuite(await grepOf('exercise-1/as-written'), { fault: 'veth-host-down', lesson: lesson() });
    expect(run.exec.exitCode).toBe(1);
    const [c] = run.cases;
    expect(c?.state).toBe('failed');
    expect(c?.body).toMatch(/\$ ip netns add container-net\n\s+= lesson exercise-1\/s1\/b1\/L2 \(as written\)/);
    expect(c?.body).toMatch(/\$ ping -c 2 10\.0\.0\.2\n\s+= lesson exercise-1\/s6\/b1\/L2 \(as written\)/);
    expect(run.lessonMd).toMatch(/^> - ✗ `exercise-1\/s6\/b1\/L2` `ping -c 2 10\.0\.0\.2` — failed \(exercise-1 › as written/m);
  });

  test('npm test exits 3 when a spec declares a lesson line the document does not have (here: a lesson without Exercise 3 Step 2)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'annotated-lesson-selftest-doc-'));
    try {
      const text = readFileSync(lesson(), 'utf8');
      const cut = text.replace(/\*\*Step 2: Verify from outside the container\*\*[\s\S]*?(?=### Exercise 4)/, '');
      expect(cut.length).toBeLessThan(text.length);
      writeFileSync(join(dir, 'lesson.md'), cut);
      const r = await runArgv(
        [
          process.execPath,
          '--import',
          'tsx',
          'scripts/test.ts',
          '--grep',
          'exercise-3 step 2: ip netns exec',
          '--lesson',
          join(dir, 'lesson.md'),
          '--junit',
          join(dir, 'junit.xml'),
        ],
        { timeoutMs: 120_000 },
      );
      expect(r.exitCode, r.stdout + r.stderr).toBe(3);
      expect(r.stdout).toMatch(/lesson bookkeeping: .*names lesson line "exercise-3\/s2\/b1\/L5", which the lesson document does not have/);
      expect(r.stderr).toContain("fault(s) in the harness's own lesson bookkeeping");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
