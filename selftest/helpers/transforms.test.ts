import { describe, expect, test } from 'vitest';
import type { AdjustmentName } from '../../helpers/lesson/adjustments.js';
import { bashBlocks, parseLesson } from '../../helpers/lesson/document.js';
import { scriptSaysWhenAllGone, scriptSaysWhenAllPass } from '../../helpers/lesson/script.js';
import { commandIndex, linkTranscript } from '../../helpers/lesson/links.js';
import { changeInLesson, TRANSFORMS, type TransformContext } from '../../helpers/lesson/transforms.js';
import { annotateLesson } from '../../helpers/report/lesson-marks.js';

const ctx: TransformContext = { home: '/root', cwd: undefined, bundleDir: '/root/b' };
const inB: TransformContext = { ...ctx, cwd: '~/b' };

const runs = (name: AdjustmentName, text: string, c: TransformContext = ctx): unknown => {
  const t = TRANSFORMS[name];
  if (t === undefined) throw new Error(`${name} has no transformation`);
  return t(text, c);
};

describe('adjustments are transformations of the line as the lesson writes it', () => {
  test.each<[AdjustmentName, string, TransformContext, string[][]]>([
    ['cwd', 'cd ~/b', ctx, [['env', '-C', '/root/b']]],
    [
      'brace-expansion',
      'mkdir -p rootfs/{bin,dev/pts,tmp}',
      inB,
      [['env', '-C', '/root/b', 'mkdir', '-p', 'rootfs/bin', 'rootfs/dev/pts', 'rootfs/tmp']],
    ],
    ['file-argument', "cat config.json | jq '.linux.namespaces'", inB, [['env', '-C', '/root/b', 'jq', '.linux.namespaces', 'config.json']]],
    ['file-argument', "cat config.json | jq '.a'", ctx, [['env', '-C', '/root/b', 'jq', '.a', 'config.json']]],
    [
      'jq-redirect',
      "cat config.json | jq '.a = [\n  1\n]' > config.json.tmp && mv config.json.tmp config.json",
      inB,
      [
        ['env', '-C', '/root/b', 'jq', '.a = [\n  1\n]', 'config.json'],
        ['env', '-C', '/root/b', 'mv', 'config.json.tmp', 'config.json'],
      ],
    ],
    ['idle-process', 'sudo runc run netns-test', inB, [['runc', 'run', '--detach', 'netns-test']]],
    ['unattended-bundle', 'sudo runc run netns-test', inB, [['env', '-C', '/root/b', 'runc', 'run', 'netns-test']]],
    ['bundle-flag', 'sudo runc run mycontainer', ctx, [['runc', 'run', '--bundle', '/root/b', 'mycontainer']]],
    ['condition-by-harness', 'if ! ip netns list | grep -q "container-net"; then\n    echo "FAIL"\n    exit 1\nfi', ctx, [['ip', 'netns', 'list']]],
    [
      'condition-by-harness',
      'if ! sudo ip netns exec n ping -c 1 -W 1 10.0.0.1 &>/dev/null; then\n  exit 1\nfi',
      ctx,
      [['ip', 'netns', 'exec', 'n', 'ping', '-c', '1', '-W', '1', '10.0.0.1']],
    ],
    [
      'condition-by-harness',
      "if ! cat ~/b/config.json | jq -e '.p' &>/dev/null; then\n  exit 1\nfi",
      ctx,
      [['jq', '-e', '.p', '/root/b/config.json']],
    ],
    ['condition-by-harness', 'ip link show v 2>/dev/null && echo "WARN" || echo "OK"', ctx, [['ip', 'link', 'show', 'v']]],
    ['ignore-failure', 'sudo ip link del veth-host 2>/dev/null || true', ctx, [['ip', 'link', 'del', 'veth-host']]],
    ['json-output', 'sudo ip netns exec n ip addr', ctx, [['ip', 'netns', 'exec', 'n', 'ip', '-j', 'addr', 'show']]],
    ['file-write', 'echo 1 | sudo tee /proc/sys/net/ipv4/ip_forward', ctx, [['dd', 'of=/proc/sys/net/ipv4/ip_forward']]],
    [
      'docker-by-hand',
      'docker run --network bridge alpine ip addr',
      ctx,
      [
        ['ip', 'link', 'add', 'docker0', 'type', 'bridge'],
        ['runc', 'run'],
      ],
    ],
  ])('%s: %j', (name, text, c, expected) => {
    expect(runs(name, text, c)).toEqual({ ok: true, runs: expected });
  });

  test('a line of another shape is not transformed: the reason says what the transformation expected', () => {
    expect(runs('cwd', 'cd a b')).toEqual({ ok: false, reason: 'the line is not "cd DIR"' });
    expect(runs('ignore-failure', 'sudo ip link del veth-host')).toMatchObject({ ok: false, reason: expect.stringMatching(/\|\| true/) as unknown });
    expect(runs('idle-process', 'sudo runc run --rm x')).toMatchObject({ ok: false });
    expect(runs('file-write', 'echo 1 > /proc/sys/net/ipv4/ip_forward')).toMatchObject({ ok: false });
    expect(runs('condition-by-harness', 'ip netns list')).toMatchObject({ ok: false });
  });

  test('a changed word is named with the word before it; layout inside a jq filter is no change', () => {
    const ran = [['ping', '-c', '1', '-W', '1', '10.0.0.2']];
    const now = 'if ! ping -c 1 -W 5 10.0.0.2 &>/dev/null; then\n  exit 1\nfi';
    expect(changeInLesson('condition-by-harness', now, ran, ctx)).toBe(
      `the lesson's line now runs "ping -c 1 -W 5 10.0.0.2" (condition-by-harness); the test ran "ping -c 1 -W 1 10.0.0.2": "-W 1" → "-W 5"`,
    );
    expect(changeInLesson('condition-by-harness', now.replace('-W 5', '-W 1'), ran, ctx)).toBeUndefined();
    const compact = [
      ['env', '-C', '/root/b', 'jq', '.a = [{"type":"pid"}]', 'config.json'],
      ['env', '-C', '/root/b', 'mv', 't', 'config.json'],
    ];
    expect(
      changeInLesson('jq-redirect', `cat config.json | jq '.a = [\n  { "type": "pid" }\n]' > t && mv t config.json`, compact, inB),
    ).toBeUndefined();
    expect(changeInLesson('jq-redirect', `cat config.json | jq '.a = [\n  { "type": "pid " }\n]' > t && mv t config.json`, compact, inB)).toMatch(
      /the test ran/,
    );
    expect(changeInLesson('cwd', 'cd ~/b ~/c', [['env', '-C', '/root/b']], ctx)).toMatch(
      /^cwd does not apply to the line as the lesson now writes it \("cd ~\/b ~\/c"\): /,
    );
  });
});

const LESSON = `# Lab

## Verify

\`\`\`bash
if ! ping -c 1 -W 5 10.0.0.2 &>/dev/null; then
    exit 1
fi
\`\`\`
`;

describe('a declared line whose text changed in the lesson', () => {
  const doc = parseLesson(LESSON, 'lab.md');
  const declarations = [{ id: 'verify/b1/L1', adjustment: 'condition-by-harness' as const, as: [['ping', '-c', '1', '-W', '1', '10.0.0.2']] }];
  const input = { index: commandIndex(doc), declarations, home: '/root', bundleDir: '/root/b', runtime: 'runc', section: 'verify', step: undefined };

  test('is proven from the transcript as before, and carries the difference', () => {
    const [link] = linkTranscript({ ...input, argvs: [['ping', '-c', '1', '-W', '1', '10.0.0.2']] });
    expect(link).toMatchObject({ id: 'verify/b1/L1', how: 'adjusted', proven: true, changed: expect.stringContaining('"-W 1" → "-W 5"') as unknown });
  });

  test('without the document nothing is compared: the test runs from its own record', () => {
    const [link] = linkTranscript({ ...input, index: [], argvs: [['ping', '-c', '1', '-W', '1', '10.0.0.2']] });
    expect(link?.changed).toBeUndefined();
  });

  test('the annotated lesson marks it changed and counts it as a problem that fails the run', () => {
    const [link] = linkTranscript({ ...input, argvs: [['ping', '-c', '1', '-W', '1', '10.0.0.2']] });
    if (link === undefined) throw new Error('no link');
    const annotated = annotateLesson(
      doc,
      [{ name: 'verify › check 3', state: 'passed', links: [link], declaredRuns: ['verify/b1/L1'], checks: [], errata: [] }],
      true,
    );
    expect(annotated.marks.find((m) => m.item.id === 'verify/b1/L1')?.kind).toBe('changed');
    expect(annotated.problems.filter((p) => !p.startsWith('line-notes.ts'))).toEqual([
      expect.stringMatching(/^verify\/b1\/L1 changed in the lesson: .*"-W 1" → "-W 5" \(verify › check 3\)$/),
    ]);
  });
});

const SCRIPTED = `# Lab

## Verify

\`\`\`bash
#!/bin/bash
set -e
echo "=== start ==="
if ! ip link show v &>/dev/null; then
    echo "FAIL: v not found"
    exit 1
fi
echo "PASS: v exists"
echo ""
\`\`\`

\`\`\`bash
chmod +x check.sh
./check.sh
\`\`\`
`;

describe('a bash block run as a script, as written', () => {
  const doc = parseLesson(SCRIPTED, 'lab.md');

  test('the block is the fence content exactly, comments and shebang included', () => {
    expect(bashBlocks(doc).map((b) => b.id)).toEqual(['verify/b1', 'verify/b2']);
    expect(bashBlocks(doc)[0]?.text).toBe(
      '#!/bin/bash\nset -e\necho "=== start ==="\nif ! ip link show v &>/dev/null; then\n    echo "FAIL: v not found"\n    exit 1\nfi\necho "PASS: v exists"\necho ""\n',
    );
  });

  test('what it prints when every check passes: its top-level echo lines, not the FAIL lines inside the ifs', () => {
    expect(scriptSaysWhenAllPass(bashBlocks(doc)[0]?.text ?? '')).toBe('=== start ===\nPASS: v exists\n\n');
  });

  test('its lines are proven by the transcript entry that runs the file; chmod and the run, typed in ~, link as written', () => {
    const declarations = ['verify/b1/L2', 'verify/b1/L4'].map((id) => ({ id, inScript: './check.sh' }));
    const argvs = [
      ['env', '-C', '/root', 'chmod', '+x', 'check.sh'],
      ['env', '-C', '/root', 'PATH=/tmp/shims:/usr/bin', 'HOME=/root', './check.sh'],
    ];
    const links = linkTranscript({
      index: commandIndex(doc),
      declarations,
      home: '/root',
      bundleDir: '/root/b',
      runtime: 'runc',
      section: 'verify',
      step: undefined,
      argvs,
    });
    expect(links.map((l) => [l.id, l.how, l.proven, l.entries])).toEqual([
      ['verify/b1/L2', 'verbatim', true, [2]],
      ['verify/b1/L4', 'verbatim', true, [2]],
      ['verify/b2/L1', 'verbatim', true, [1]],
      ['verify/b2/L2', 'verbatim', true, [2]],
    ]);
    const none = linkTranscript({
      index: commandIndex(doc),
      declarations,
      home: '/root',
      bundleDir: '/root/b',
      runtime: 'runc',
      section: 'verify',
      step: undefined,
      argvs: [['bash', '-c', 'true']],
    });
    expect(none.every((l) => !l.proven)).toBe(true);
    // In another directory than ~ they are not the lesson's lines.
    expect(
      linkTranscript({
        index: commandIndex(doc),
        declarations: [],
        home: '/root',
        bundleDir: '/root/b',
        runtime: 'runc',
        section: 'verify',
        step: undefined,
        argvs: [['env', '-C', '/tmp', 'chmod', '+x', 'check.sh']],
      }),
    ).toEqual([]);
  });
});

test("what Clean Up's verify lines print when everything is gone: the echo after each one's last ||", () => {
  const block =
    'sudo ip link del v 2>/dev/null || true\nip netns list | grep n && echo "WARN: n" || echo "OK: n deleted"\nip link show v 2>/dev/null && echo "WARN: v" || echo "OK: v deleted"\n';
  expect(scriptSaysWhenAllGone(block)).toBe('OK: n deleted\nOK: v deleted\n');
});
