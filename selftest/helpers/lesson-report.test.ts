import { describe, expect, test } from 'vitest';
import { parseLesson } from '../../helpers/lesson/document.js';
import {
  commandIndex,
  isSubsequence,
  lessonForm,
  linkTranscript,
  runForm,
  stepNumber,
  transcriptLabels,
  type LinkInput,
} from '../../helpers/lesson/links.js';
import { annotateLesson, formatCoverage, type TestEvidence } from '../../helpers/report/lesson-marks.js';
import { renderLessonHtml, renderLessonMarkdown } from '../../helpers/report/lesson-render.js';
import { isPartialRun, lessonReportPaths } from '../../helpers/report/lesson-reporter.js';
import { defaultRunConfig } from '../../helpers/run-config.js';
import { formatTranscript } from '../../helpers/targets/transcript.js';
import type { ExecResult } from '../../helpers/targets/exec.js';

const LESSON = `# Lab

## Exercises

### Exercise 1: Build

**Step 1: Make**

\`\`\`bash
sudo ip netns add n
ip link show v
\`\`\`

**Step 2: Move**

\`\`\`bash
sudo ip link set v netns n
ip link show v
# Error: Cannot find device "v"
\`\`\`

### Exercise 2: Bundle

**Step 1: Spec**

\`\`\`bash
mkdir -p ~/b
cd ~/b
runc spec
cat config.json | jq '.a' > x && mv x config.json
docker pull alpine:latest
\`\`\`

**What this proves**:
1. It <works> & "holds"
`;

const doc = parseLesson(LESSON, 'lab.md');
const index = commandIndex(doc);
const base: Omit<LinkInput, 'argvs' | 'section' | 'step'> = {
  index,
  declarations: [],
  home: '/root',
  bundleDir: '/root/oci-netns-test',
  runtime: '/usr/sbin/runc',
};

describe('linking a transcript to the lesson', () => {
  test('lesson form drops sudo and expands ~; run form names the runtime runc and reads env -C as the directory', () => {
    expect(lessonForm(['sudo', 'mkdir', '-p', '~/b'], '/root')).toEqual(['mkdir', '-p', '/root/b']);
    expect(runForm(['env', '-C', '/root/b', '/usr/sbin/runc', 'spec'], '/usr/sbin/runc')).toEqual({ cwd: '/root/b', argv: ['runc', 'spec'] });
    expect(isSubsequence(['runc', 'run', '--detach'], ['runc', '--log', 'l', 'run', '--detach', 'x'])).toBe(true);
    expect(isSubsequence(['runc', 'run', '--detach'], ['runc', 'run', 'x'])).toBe(false);
    expect(stepNumber('Step 3 (what this proves)')).toBe(3);
    expect(stepNumber('Steps 1–6, as written')).toBeUndefined();
  });
  test('a command written twice is linked in lesson order; a step-1 test never links step-2 lines', () => {
    const argvs = [
      ['ip', 'netns', 'add', 'n'],
      ['ip', 'link', 'show', 'v'],
      ['ip', 'link', 'set', 'v', 'netns', 'n'],
      ['ip', 'link', 'show', 'v'],
    ];
    const walk = linkTranscript({ ...base, argvs, section: 'exercise-1', step: undefined });
    expect(walk.map((l) => `${l.id}:${l.entries.join(',')}`).sort()).toEqual([
      'exercise-1/s1/b1/L1:1',
      'exercise-1/s1/b1/L2:2',
      'exercise-1/s2/b1/L1:3',
      'exercise-1/s2/b1/L2:4',
    ]);
    const step1 = linkTranscript({ ...base, argvs, section: 'exercise-1', step: 1 });
    expect(step1.map((l) => `${l.id}:${l.entries.join(',')}`).sort()).toEqual(['exercise-1/s1/b1/L1:1', 'exercise-1/s1/b1/L2:2,4']);
    expect(linkTranscript({ ...base, argvs, section: 'exercise-2', step: undefined })).toEqual([]);
  });
  test('a command run in a directory matches only a lesson line written after a cd to that directory', () => {
    const inB = linkTranscript({
      ...base,
      argvs: [
        ['mkdir', '-p', '/root/b'],
        ['env', '-C', '/root/b', '/usr/sbin/runc', 'spec'],
      ],
      section: 'exercise-2',
      step: undefined,
    });
    expect(inB.map((l) => l.id)).toEqual(['exercise-2/s1/b1/L1', 'exercise-2/s1/b1/L3']);
    const elsewhere = linkTranscript({ ...base, argvs: [['env', '-C', '/tmp', '/usr/sbin/runc', 'spec']], section: 'exercise-2', step: undefined });
    expect(elsewhere).toEqual([]);
  });
  test('declared adjustments are proven by their argv in the transcript, or marked unproven', () => {
    const declarations = [
      {
        id: 'exercise-2/s1/b1/L4',
        adjustment: 'jq-redirect' as const,
        as: [
          ['jq', '.a', 'config.json'],
          ['mv', 'x', 'config.json'],
        ],
      },
      { id: 'exercise-2/s1/b1/L2', adjustment: 'cwd' as const, as: [['env', '-C', '/elsewhere']] },
      { id: 'exercise-1/s1/b1/L1' },
    ];
    const links = linkTranscript({
      ...base,
      declarations,
      argvs: [
        ['env', '-C', '/root/b', 'jq', '.a', 'config.json'],
        ['env', '-C', '/root/b', 'mv', 'x', 'config.json'],
        ['ip', 'netns', 'add', 'n'],
      ],
      section: 'exercise-2',
      step: undefined,
    });
    const byId = new Map(links.map((l) => [l.id, l]));
    expect(byId.get('exercise-2/s1/b1/L4')).toMatchObject({ how: 'adjusted', proven: true, entries: [1, 2] });
    expect(byId.get('exercise-2/s1/b1/L2')).toMatchObject({ how: 'adjusted', proven: false });
    expect(byId.get('exercise-1/s1/b1/L1')).toMatchObject({ how: 'verbatim', declared: true, proven: true, entries: [3] });
  });
  test('the transcript shows what each command ran of the lesson', () => {
    const links = linkTranscript({ ...base, argvs: [['ip', 'netns', 'add', 'n']], section: 'exercise-1', step: 1 });
    const entry: ExecResult = {
      argv: ['ip', 'netns', 'add', 'n'],
      exitCode: 0,
      signal: undefined,
      timedOut: false,
      stdout: '',
      stderr: '',
      durationMs: 3,
      spawnError: undefined,
    };
    expect(formatTranscript([entry], transcriptLabels(links))).toBe(
      '[1] $ ip netns add n\n    = lesson exercise-1/s1/b1/L1 (as written)\n    -> exit code 0, 3 ms',
    );
  });
});

const evidence = (over: Partial<TestEvidence>): TestEvidence => ({
  name: 'exercise-1 › t',
  state: 'passed',
  links: [],
  declaredRuns: [],
  checks: [],
  errata: [],
  ...over,
});
const link = (id: string, how: 'verbatim' | 'adjusted' = 'verbatim', proven = true) => ({
  id,
  how,
  adjustment: how === 'adjusted' ? ('cwd' as const) : undefined,
  declared: how === 'adjusted',
  entries: [1],
  proven,
});

describe('marks and coverage', () => {
  const tests = [
    evidence({ name: 'exercise-1 › ok', links: [link('exercise-1/s1/b1/L1'), link('exercise-1/s1/b1/L2')] }),
    evidence({ name: 'exercise-1 › red', state: 'failed', links: [link('exercise-1/s2/b1/L1')] }),
    evidence({
      name: 'exercise-2 › adj',
      links: [link('exercise-2/s1/b1/L2', 'adjusted'), link('exercise-2/s1/b1/L3', 'adjusted', false)],
      checks: ['exercise-2/s1/proves/1'],
    }),
  ];
  const full = annotateLesson(doc, tests, false);
  const mark = (id: string) => full.marks.find((m) => m.item.id === id);
  test('each line gets the most telling mark: failed, verbatim, adjusted, unproven, not run', () => {
    expect(mark('exercise-1/s1/b1/L1')?.kind).toBe('verbatim');
    expect(mark('exercise-1/s2/b1/L1')?.kind).toBe('failed');
    expect(mark('exercise-2/s1/b1/L2')?.kind).toBe('adjusted');
    expect(mark('exercise-2/s1/b1/L3')?.kind).toBe('unproven');
    expect(mark('exercise-2/s1/b1/L5')?.kind).toBe('not-run');
    expect(mark('exercise-2/s1/proves/1')?.kind).toBe('checked');
    expect(mark('exercise-1/s2/b1/L3')?.kind).toBe('not-run');
  });
  test('the coverage line counts executed, adjusted-only and not-executable command lines', () => {
    expect(formatCoverage(full.coverage)).toBe('lesson coverage: 4 of 9 command lines executed, 1 with adjustments, 0 not executable');
  });
  test('a full run reports unproven declarations and lines nobody ran as harness problems; a --grep run does not count gaps', () => {
    expect(full.problems.some((p) => p.includes('declares it runs exercise-2/s1/b1/L3'))).toBe(true);
    expect(full.problems.some((p) => p.includes('neither ran nor are declared not executable') && p.includes('exercise-2/s1/b1/L5'))).toBe(true);
    const partial = annotateLesson(doc, tests, true);
    expect(partial.problems.some((p) => p.includes('neither ran'))).toBe(false);
    expect(partial.marks.find((m) => m.item.id === 'exercise-2/s1/b1/L5')?.kind).toBe('not-selected');
  });
  test('an id the lesson does not have is a problem, wherever it is declared', () => {
    const a = annotateLesson(doc, [evidence({ checks: ['exercise-9/s1/proves/1'] })], true);
    expect(a.problems.some((p) => p.includes('"exercise-9/s1/proves/1"'))).toBe(true);
  });
});

describe('the annotated lesson files', () => {
  const a = annotateLesson(doc, [evidence({ name: 'exercise-1 › ok', links: [link('exercise-1/s1/b1/L1')] })], true);
  const facts = { generated: '2026-01-01T00:00:00Z', target: 'sandbox', runtime: 'runc', selection: 'part' };
  const md = renderLessonMarkdown(doc, a, facts);
  const html = renderLessonHtml(doc, a, facts);
  test('lesson.md keeps the lesson text, puts a mark line under each block for each of its command lines, and ends with the coverage line', () => {
    for (const line of LESSON.split('\n')) expect(md).toContain(line);
    for (const item of doc.items.filter((i) => i.kind === 'command')) expect(md).toMatch(new RegExp(`^> - \\S+ \`${item.id}\``, 'm'));
    expect(md).toContain('> - ✓ `exercise-1/s1/b1/L1` `sudo ip netns add n` — ran as written and passed (exercise-1 › ok)');
    expect(md.trimEnd().split('\n').at(-1)).toBe(formatCoverage(a.coverage));
  });
  test('lesson.html is one self-contained page: escaped text, no script, no external resource', () => {
    expect(html).toContain('It &lt;works&gt; &amp; &quot;holds&quot;');
    expect(html).not.toMatch(/<script|<link |src=|https?:\/\/(?!github\.com\/opencontainers)/);
    expect(html).toContain('<code class="id">exercise-1/s1/b1/L1</code>');
    expect(html).toContain(formatCoverage(a.coverage));
  });
});

describe('where the annotated lesson goes, and when a run is partial', () => {
  test('beside the JUnit file, named after it', () => {
    expect(lessonReportPaths(defaultRunConfig({ junit: '/c/reports/junit.xml' }))).toEqual({
      md: '/c/reports/lesson.md',
      html: '/c/reports/lesson.html',
    });
    expect(lessonReportPaths(defaultRunConfig({ junit: '/c/reports/junit-container.xml' })).md).toBe('/c/reports/lesson-container.md');
    expect(lessonReportPaths(defaultRunConfig({ junit: '/out/alice.xml' })).html).toBe('/out/lesson.html');
  });
  test('--grep, --tagsFilter, --shard and --bail make a run partial; --maxWorkers does not', () => {
    expect(isPartialRun(defaultRunConfig())).toBe(false);
    expect(isPartialRun(defaultRunConfig({ vitestArgs: ['--maxWorkers', '2'] }))).toBe(false);
    expect(isPartialRun(defaultRunConfig({ grep: 'x' }))).toBe(true);
    expect(isPartialRun(defaultRunConfig({ tagsFilter: 'verify' }))).toBe(true);
    expect(isPartialRun(defaultRunConfig({ vitestArgs: ['--shard', '1/2'] }))).toBe(true);
    expect(isPartialRun(defaultRunConfig({ bail: 1 }))).toBe(true);
  });
});
