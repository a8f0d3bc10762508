import type { Reporter, TestCase, TestModule } from 'vitest/node';
import { FINDING_ANNOTATION } from '../lesson/annotations.js';
import type { RunConfig } from '../run-config.js';
import { wasSelected } from './case-model.js';
import { visible } from './sanitize.js';

/** What the grader left out, under the check that found it. */
const notes = (tc: TestCase): string =>
  tc
    .annotations()
    .filter((a) => a.type === FINDING_ANNOTATION)
    .map((a) => `\n        note: ${visible(a.message)}`)
    .join('');

const line = (tc: TestCase): { mark: string; text: string; state: 'pass' | 'fail' | 'not checked' } => {
  const r = tc.result();
  if (r.state === 'passed') return { mark: 'PASS', text: `${tc.name}${notes(tc)}`, state: 'pass' };
  if (r.state === 'failed') {
    const message = (r.errors[0]?.message ?? '').split('\n');
    // A diagnosis repeats the lesson step on its first line; anything else is shown whole.
    const detail = (message.length > 1 ? message.slice(1) : message).map((l) => visible(l)).join('\n        ');
    return { mark: 'FAIL', text: `${tc.name}\n        ${detail}${notes(tc)}`, state: 'fail' };
  }
  const note = r.state === 'skipped' ? (r.note ?? 'not checked') : 'not run';
  return { mark: '----', text: `${tc.name} (${visible(note)})`, state: 'not checked' };
};

/** One line per grading check and a final count; the lesson reporter writes the grader's file. */
export default class GradeReporter implements Reporter {
  constructor(private readonly config: RunConfig) {}

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines = modules.flatMap((m) => [...m.children.allTests()].filter(wasSelected)).map(line);
    if (lines.length === 0) return;
    for (const l of lines) process.stdout.write(`${l.mark}  ${l.text}\n`);
    const n = (s: string): number => lines.filter((l) => l.state === s).length;
    process.stdout.write(`\ngrade: ${n('pass')} passed, ${n('fail')} failed, ${n('not checked')} not checked\n`);
    process.stdout.write(`report for the grader: ${this.config.junit}\n`);
  }
}
