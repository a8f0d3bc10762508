/**
 * `npm run test:self:lesson`: the selftests that read the course's own lesson document (its shape,
 * the ids the specs declare, the annotated lesson of real runs). Without the document it refuses
 * in one line: a coverage run that could not read the lesson is no coverage run.
 */
import { execa } from 'execa';
import { parseHelpOnly } from './cli/simple-args.js';
import { SHARED_LESSON, sharedLesson } from './cli/test-args.js';
import { fail, parseOrFail } from './lib/process.js';

const USAGE = `Usage: npm run test:self:lesson

Runs the selftests that need the course's lesson document (${SHARED_LESSON}, beside this clone):
the document's shape, every lesson id the specs declare, and the annotated lesson of real runs.
Refuses (exit 2) when the document is not there. npm run test:self needs no document.
`;

const { help } = parseOrFail(() => parseHelpOnly('npm run test:self:lesson', process.argv.slice(2)), 'npm run test:self:lesson -- --help');
if (help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (sharedLesson(process.cwd()) === undefined)
  fail(
    `no lesson document at ${SHARED_LESSON}: this run checks the harness against the course's own lesson and cannot run without it`,
    "put the course repository's shared/ beside this clone (CI: set LESSON_REPOSITORY), then run npm run test:self:lesson again",
  );
const r = await execa('node_modules/.bin/vitest', ['run', '--config', 'vitest.self.config.ts', '--project', 'lesson-document'], {
  stdio: 'inherit',
  reject: false,
});
process.exit(r.exitCode ?? 1);
