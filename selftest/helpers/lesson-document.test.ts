import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseLesson, readLesson } from '../../helpers/lesson/document.js';
import { ERRATUM_LINES, MAX_NOT_EXECUTABLE, NOT_EXECUTABLE } from '../../helpers/lesson/line-notes.js';
import { openCompounds, simpleArgv, splitCommands, tokenize } from '../../helpers/lesson/shell.js';
import { SHARED_LESSON, sharedLesson } from '../../scripts/cli/test-args.js';

describe('shell reading of bash blocks', () => {
  test('words lose their quotes; operators and fd redirections are tokens of their own', () => {
    const t = tokenize(`ip link show veth-host 2>/dev/null && echo "WARN: x" || echo 'OK: y'`).tokens.map((x) => `${x.kind}:${x.value}`);
    expect(t).toEqual(['word:ip', 'word:link', 'word:show', 'word:veth-host', 'op:2>', 'word:/dev/null', 'op:&&', 'word:echo', 'word:WARN: x', 'op:||', 'word:echo', 'word:OK: y']);
    expect(tokenize('ping -c 1 -W 1 10.0.0.2 &>/dev/null').tokens.map((x) => x.value)).toEqual(['ping', '-c', '1', '-W', '1', '10.0.0.2', '&>', '/dev/null']);
    expect(tokenize('cmd 2>&1').tokens.map((x) => x.value)).toEqual(['cmd', '2>&1']);
  });
  test('an open quote, a trailing pipe or backslash continue the command; a # starting a word is a comment', () => {
    expect(tokenize(`jq '.a = [`).openQuote).toBe(true);
    expect(tokenize('ip netns list |').continues).toBe(true);
    expect(tokenize('ip netns \\').continues).toBe(true);
    expect(tokenize('ip link show veth-container  # Fails').tokens.map((x) => x.value)).toEqual(['ip', 'link', 'show', 'veth-container']);
    expect(tokenize('echo a#b').tokens.map((x) => x.value)).toEqual(['echo', 'a#b']);
  });
  test('if … fi is one command across lines; if inside a word is not a keyword', () => {
    expect(openCompounds(tokenize('if ! ip netns list | grep -q x; then').tokens)).toBe(1);
    expect(openCompounds(tokenize('if true; then\n  echo x\nfi').tokens)).toBe(0);
    expect(openCompounds(tokenize('echo if').tokens)).toBe(0);
  });
  test('a block splits into logical commands (first line, line count) and comment lines', () => {
    const block = "# make it\nsudo ip netns add n\n\ncat c | jq '.x = [\n  1\n]' > t && mv t c\nif ! ip link show v; then\n  exit 1\nfi\n# Output: n\n";
    const { commands, comments } = splitCommands(block);
    expect(commands.map((c) => [c.line, c.lineCount])).toEqual([[2, 1], [4, 3], [7, 3]]);
    expect(comments.map((c) => c.line)).toEqual([1, 10]);
    expect(simpleArgv(commands[0]?.tokens ?? [])).toEqual(['sudo', 'ip', 'netns', 'add', 'n']);
    expect(simpleArgv(commands[1]?.tokens ?? [])).toBeUndefined();
    expect(simpleArgv(tokenize('mkdir -p rootfs/{bin,proc}').tokens)).toBeUndefined();
  });
});

const SAMPLE = `# T

## Exercises

### Exercise 1: One

**Step 1: Make**

\`\`\`bash
# Make it
sudo ip netns add n
ip netns list
# Output: n
\`\`\`

**Step 2: Use**

\`\`\`bash
cd ~/b
runc spec
\`\`\`

**Expected output**:
\`\`\`
1: lo
\`\`\`

**What this proves**:
1. The first claim
2. The second \`claim\`

## Common Errors

### 1. "broken"

**Symptom**:
\`\`\`
it broke
\`\`\`

**Fix**:
\`\`\`bash
ip netns list
\`\`\`

## Notes

\`\`\`json
{ "a": 1 }
\`\`\`
`;

describe('the lesson document, parsed with markdown-it', () => {
  const doc = parseLesson(SAMPLE, 'sample.md');
  test('ids are section/step/block/line for commands and expectations, outN, claims and cfgN', () => {
    expect(doc.items.map((i) => `${i.kind} ${i.id}`)).toEqual([
      'command exercise-1/s1/b1/L2',
      'command exercise-1/s1/b1/L3',
      'output exercise-1/s1/b1/L4',
      'command exercise-1/s2/b1/L1',
      'command exercise-1/s2/b1/L2',
      'output exercise-1/s2/out1',
      'claim exercise-1/s2/proves/1',
      'claim exercise-1/s2/proves/2',
      'output common-error-1/out1',
      'command common-error-1/b1/L1',
      'config notes/cfg1',
    ]);
    expect(doc.title).toBe('T');
  });
  test('items know their document line, block, argv as written and the directory of the last cd', () => {
    const add = doc.items.find((i) => i.id === 'exercise-1/s1/b1/L2');
    expect(add?.line).toBe(SAMPLE.split('\n').indexOf('sudo ip netns add n') + 1);
    expect(add?.argv).toEqual(['sudo', 'ip', 'netns', 'add', 'n']);
    expect(doc.items.find((i) => i.id === 'exercise-1/s2/b1/L2')?.cwd).toBe('~/b');
    expect(doc.items.find((i) => i.id === 'common-error-1/b1/L1')?.cwd).toBeUndefined();
    expect(doc.items.find((i) => i.id === 'exercise-1/s2/proves/2')?.text).toBe('The second claim');
  });
});

const lessonPath = sharedLesson(process.cwd());

describe('the shared lesson document', () => {
  test(`is present beside the clone (${SHARED_LESSON}); the annotated-lesson selftests need it`, () => {
    expect(lessonPath, `no ${SHARED_LESSON}: clone the course repository's shared/ beside this one`).toBeDefined();
  });
  const doc = lessonPath && existsSync(lessonPath) ? readLesson(lessonPath) : undefined;
  const ids = new Set(doc?.items.map((i) => i.id) ?? []);
  const specIds = readdirSync('specs')
    .filter((f) => f.endsWith('.spec.ts'))
    .flatMap((f) => [...readFileSync(`specs/${f}`, 'utf8').matchAll(/'((?:exercise|verify|cleanup|common-error|notes|background|the-config)[\w-]*\/[\w/-]+)'/g)].map((m) => `${f}: ${m[1] ?? ''}`));

  test('every id a spec declares (lesson.runs, lesson.checks) names a line of the lesson', () => {
    expect(specIds.length).toBeGreaterThan(40);
    expect(specIds.filter((s) => !ids.has(s.split(': ')[1] ?? ''))).toEqual([]);
  });
  test('every erratum a spec records is placed on lesson lines that exist', () => {
    const recorded = readdirSync('specs').flatMap((f) => [...readFileSync(`specs/${f}`, 'utf8').matchAll(/id: '(E-[\w-]+)'/g)].map((m) => m[1] ?? ''));
    expect(recorded.filter((id) => ERRATUM_LINES[id] === undefined)).toEqual([]);
    expect(Object.values(ERRATUM_LINES).flat().filter((id) => !ids.has(id))).toEqual([]);
  });
  test(`at most ${MAX_NOT_EXECUTABLE} lines are declared not executable, each a command line with a reason`, () => {
    const list = Object.entries(NOT_EXECUTABLE);
    expect(list.length).toBeLessThanOrEqual(MAX_NOT_EXECUTABLE);
    for (const [id, reason] of list) {
      expect(doc?.items.find((i) => i.id === id)?.kind, id).toBe('command');
      expect(reason.length, id).toBeGreaterThan(20);
    }
  });
  test('the shape this harness was written against: 80 command lines, 4 + 4 claims', () => {
    expect(doc?.items.filter((i) => i.kind === 'command')).toHaveLength(80);
    expect(doc?.items.filter((i) => i.kind === 'claim').map((i) => i.id)).toEqual([
      'exercise-3/s1/proves/1',
      'exercise-3/s1/proves/2',
      'exercise-3/s1/proves/3',
      'exercise-3/s1/proves/4',
      'exercise-4/s3/observes/1',
      'exercise-4/s3/observes/2',
      'exercise-4/s3/observes/3',
      'exercise-4/s3/observes/4',
    ]);
  });
});
