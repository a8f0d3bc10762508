import { describe, expect, test } from 'vitest';
import { parseLesson } from '../../helpers/lesson/document.js';
import { openCompounds, simpleArgv, splitCommands, tokenize } from '../../helpers/lesson/shell.js';

describe('shell reading of bash blocks', () => {
  test('words lose their quotes; operators and fd redirections are tokens of their own', () => {
    const t = tokenize(`ip link show veth-host 2>/dev/null && echo "WARN: x" || echo 'OK: y'`).tokens.map((x) => `${x.kind}:${x.value}`);
    expect(t).toEqual([
      'word:ip',
      'word:link',
      'word:show',
      'word:veth-host',
      'op:2>',
      'word:/dev/null',
      'op:&&',
      'word:echo',
      'word:WARN: x',
      'op:||',
      'word:echo',
      'word:OK: y',
    ]);
    expect(tokenize('ping -c 1 -W 1 10.0.0.2 &>/dev/null').tokens.map((x) => x.value)).toEqual([
      'ping',
      '-c',
      '1',
      '-W',
      '1',
      '10.0.0.2',
      '&>',
      '/dev/null',
    ]);
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
    const block =
      "# make it\nsudo ip netns add n\n\ncat c | jq '.x = [\n  1\n]' > t && mv t c\nif ! ip link show v; then\n  exit 1\nfi\n# Output: n\n";
    const { commands, comments } = splitCommands(block);
    expect(commands.map((c) => [c.line, c.lineCount])).toEqual([
      [2, 1],
      [4, 3],
      [7, 3],
    ]);
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
