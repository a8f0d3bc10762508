import { describe, expect, test } from 'vitest';
import { sharedLesson, SHARED_LESSON } from '../../scripts/cli/test-args.js';
import { runSuite } from '../support/run-suite.js';
import { grepOf } from '../support/test-ids.js';

const lessonPath = sharedLesson(process.cwd());
const lesson = (): string => {
  if (lessonPath === undefined) throw new Error(`this selftest needs ${SHARED_LESSON} beside this clone`);
  return lessonPath;
};

const WHOLE = 'verify/whole-script';

describe("the Verify script as written: the document's block in a file, run by bash in the sandbox", () => {
  test('on a healthy lab it prints its PASS lines, and the annotated lesson marks every line of the script, chmod and the run as written', async () => {
    const run = await runSuite(await grepOf(WHOLE), { lesson: lesson() });
    expect(run.exec.exitCode, run.exec.stdout).toBe(0);
    const [c] = run.cases;
    expect(c?.state).toBe('passed');
    expect(c?.properties).toContainEqual({
      name: 'harness.adjustment',
      value: expect.stringMatching(/^the lesson's script runs with PATH=\/tmp\/lesson06-shims:.*sudo is a shim/) as unknown,
    });
    const md = run.lessonMd ?? '';
    for (const id of ['verify/b1/L4', 'verify/b1/L9', 'verify/b1/L23', 'verify/b1/L30', 'verify/b1/L44', 'verify/b2/L1', 'verify/b2/L2'])
      expect(md, id).toMatch(new RegExp(`^> - ✓ \`${id}\` .* — ran as written and passed \\(verify › the whole script`, 'm'));
  });

  test('on a lab whose veth-host is down the script stops at its third check: the test fails with its FAIL line and the Common Error 2 fix, the transcript shows the file run', async () => {
    const run = await runSuite(await grepOf(WHOLE), { lesson: lesson(), fault: 'veth-host-down' });
    expect(run.exec.exitCode).toBe(1);
    const [c] = run.cases;
    expect(c?.state).toBe('failed');
    expect(c?.body).toMatch(/stdout ".*PASS: veth-host interface exists\\nFAIL: [^"]*10\.0\.0\.2/);
    expect(c?.body).toContain('Common Error 2');
    expect(c?.body).toMatch(
      /\$ env -C \S+ PATH=\S+ HOME=\S+ \.\/verify-network-integration\.sh\n(?:\s+= lesson verify\/b1\/L\d+ \(as written\)\n)+\s+= lesson verify\/b2\/L2 \(as written\)/,
    );
    expect(run.lessonMd).toMatch(/^> - ✗ `verify\/b1\/L23` .* — failed \(verify › the whole script/m);
  });

  test('Clean Up as written: its block in one bash (runc being the runtime under test) removes both containers, the lab and the bundles, prints only the OK lines, and every line is marked as written', async () => {
    const run = await runSuite(await grepOf('cleanup/nothing-remains'), { lesson: lesson() });
    expect(run.exec.exitCode, run.exec.stdout).toBe(0);
    expect(run.cases.map((c) => c.state)).toEqual(['passed']);
    for (const id of ['cleanup/b1/L2', 'cleanup/b1/L3', 'cleanup/b1/L6', 'cleanup/b1/L9', 'cleanup/b1/L12', 'cleanup/b1/L13', 'cleanup/b1/L16'])
      expect(run.lessonMd, id).toMatch(new RegExp(`^> - ✓ \`${id}\` .* — ran as written and passed \\(cleanup › after the clean-up commands`, 'm'));
  });
});
