import { existsSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LAB_STEPS, isCleanup } from '../helpers/grade/catalog.js';
import { jqEdit } from '../helpers/grade/hints.js';
import { HINT3, words } from './support/printed-commands.js';
import { inNetns } from '../helpers/net/ops.js';
import type { ExecResult } from '../helpers/targets/exec.js';
import { LAB_DIR, TABLE_HEADER, lessonLab, runGrader, studentLab, type StudentLab } from './support/grade-lab.js';

/**
 * The checklist's steps beyond a grade (Exercise 4's bundle, Exercise 5's hooks, Clean Up) in one
 * isolated sandbox, shared by the tests of this file in order: the lesson's whole lab is built as
 * a student types it (argv), then broken one way at a time. Each mistake: `--check <step>` fails
 * with a first-level hint that names the fault, and its third-level commands, run as printed
 * (split into words, no shell), turn the same check green. The lab is whole again after each.
 */
const JUNIT = `${LAB_DIR}/check.xml`;
const HOOKS = `${LAB_DIR}/hooks`;
const RAN = `${LAB_DIR}/a-hook-ran`;

let s: StudentLab;
/** Argv as the student types it, in the lab's sandbox; each must succeed. */
const type = async (...argvs: string[][]): Promise<void> => {
  for (const argv of argvs) {
    const r = await s.t.exec(argv);
    expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
  }
};
const sh = (command: string): string[] => words(command);

const check = (ids: readonly string[], more: readonly string[] = []): Promise<ExecResult> =>
  runGrader(s, [
    '--bundle',
    s.plan.bundleDir,
    '--new-bundle',
    s.plan.newBundleDir,
    '--junit',
    JUNIT,
    ...ids.flatMap((id) => ['--check', id]),
    ...more,
  ]);

const marks = (r: ExecResult): string[] => r.stdout.split('\n').filter((l) => /^[✓✗] /.test(l));

/** Exercise 4 Steps 1-2 and Exercise 5 as a student does them, hook scripts under the sandbox's private /tmp. */
async function secondBundle(): Promise<void> {
  const dir = s.plan.newBundleDir;
  await type(['mkdir', '-p', `${dir}/rootfs/bin`], ['runc', 'spec', '--bundle', dir], ['cp', '/bin/busybox', `${dir}/rootfs/bin/`]);
  await type(sh(jqEdit(dir, '.process.args = ["sh", "-c", "ip link && ip addr"]')));
  await type(['mkdir', '-p', HOOKS]);
  for (const name of ['setup-network.sh', 'cleanup-network.sh']) {
    // A hook that ran would leave its mark: the grader must never start one.
    await s.t.writeFile(`${HOOKS}/${name}`, `#!/bin/sh\ntouch ${RAN}\n`, '0755');
  }
  await type(
    sh(
      jqEdit(
        dir,
        `.hooks = {"prestart": [{"path": "${HOOKS}/setup-network.sh", "args": ["setup-network.sh", "--container-id"]}], "poststop": [{"path": "${HOOKS}/cleanup-network.sh"}]}`,
      ),
    ),
  );
}

interface Mistake {
  readonly name: string;
  readonly make: () => Promise<void>;
  readonly check: string;
  readonly says: readonly RegExp[];
  /** After the fix, what the test puts back so the next mistake starts from the whole lab. */
  readonly after?: () => Promise<void>;
}

/** What a run shows of each mistake: the closing note's table rows. */
const table: string[] = [];

/**
 * Mistakes of different steps, made together (fewer grader runs): one --check of their steps with
 * every hint level fails each with a ✗ line naming its fault; every printed level-3 command is run as
 * printed; the same --check passes.
 */
async function mistakes(...ms: Mistake[]): Promise<void> {
  for (const m of ms) await m.make();
  const ids = ms.map((m) => m.check);
  // Every level at once: the ✗ line is level 1 (selftest/grade-hints.test.ts holds that --check prints only it by default).
  const broken = await check(ids, ['--hints', '3']);
  expect(broken.exitCode, broken.stdout + broken.stderr).toBe(1);
  const lines = marks(broken);
  expect(lines, broken.stdout).toHaveLength(ms.length);
  const out = broken.stdout.split('\n');
  for (const [i, m] of ms.entries()) {
    const line = lines[i] ?? '';
    expect(line.startsWith(`✗ ${m.check} `), line).toBe(true);
    for (const re of m.says) expect(line).toMatch(re);
    // This step's hint lines: those under its ✗ line, up to the next step's.
    const at = out.indexOf(line);
    const next = out.findIndex((l, j) => j > at && /^[✓✗] /.test(l));
    const block = out.slice(at + 1, next < 0 ? undefined : next);
    expect(block.join('\n'), line).toMatch(/^ {4}hint 2: .*(Exercise \d|Clean Up)/m);
    const commands = block.map((l) => HINT3.exec(l)?.[1]).filter((c): c is string => c !== undefined);
    expect(commands.length, broken.stdout).toBeGreaterThan(0);
    for (const c of commands) await type(words(c));
    table.push(`| ${m.name} | \`${m.check}\` | ${line.replace(/^✗ \S+ [^—]*— /, '')} | ${commands.map((c) => `\`${c}\``).join('<br>')} |`);
  }
  const fixed = await check(ids);
  expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBe(0);
  expect(marks(fixed)).toEqual(ids.map((id) => expect.stringMatching(new RegExp(`^✓ ${id} `))));
  for (const m of ms) await m.after?.();
}

const CLEANUP = LAB_STEPS.filter(isCleanup).map((x) => x.id);

/** Exercise 5's hooks back in the second bundle (recreated first when it is gone), pointing at the test's scripts. */
async function secondBundleHooks(): Promise<void> {
  const dir = s.plan.newBundleDir;
  if ((await s.t.exec(['test', '-e', `${dir}/config.json`])).exitCode !== 0) {
    await type(['mkdir', '-p', `${dir}/rootfs/bin`], ['runc', 'spec', '--bundle', dir], ['cp', '/bin/busybox', `${dir}/rootfs/bin/`]);
  }
  await type(
    sh(jqEdit(dir, `.hooks = {"prestart": [{"path": "${HOOKS}/setup-network.sh"}], "poststop": [{"path": "${HOOKS}/cleanup-network.sh"}]}`)),
  );
}

describe('grade --check: Exercise 4, Exercise 5 and Clean Up steps in one lab', () => {
  beforeAll(async () => {
    s = await studentLab();
    await lessonLab(s);
    await secondBundle();
  }, 300_000);
  afterAll(async () => {
    await s?.box.dispose();
    const file = process.env.GRADE_HINTS_TABLE;
    // Appended, header first when the file is new: selftest/grade-hints.test.ts adds its rows to the same table.
    if (file) await appendFile(file, `${existsSync(file) ? '' : TABLE_HEADER}${table.sort().join('\n')}\n`);
  });

  test(
    'mistakes: each --check fails naming the fault, the printed level-3 commands fix it, and no hook is ever run',
    { timeout: 400_000 },
    async () => {
      const dir = s.plan.newBundleDir;
      await mistakes(
        {
          name: "Exercise 2's jq edit applied to the second bundle too (network path)",
          make: () => type(sh(jqEdit(dir, '.linux.namespaces |= map(if .type == "network" then .path = "/var/run/netns/container-net" else . end)'))),
          check: 'exercise-4/step-2',
          says: [/joins the namespace "\/var\/run\/netns\/container-net"/, /without a path/],
        },
        {
          name: 'hook script not made executable',
          make: () => type(['chmod', '644', `${HOOKS}/setup-network.sh`]),
          check: 'exercise-5/step-2',
          says: [new RegExp(`hook ${HOOKS}/setup-network\\.sh is not executable`)],
        },
      );
      await mistakes({
        name: 'Exercise 5 never done: no hooks in config.json',
        make: () => type(sh(jqEdit(dir, 'del(.hooks)'))),
        check: 'exercise-5/step-1',
        says: [/has no prestart and no poststop hook/],
        // The lesson's hook paths are under /usr/local/bin, this machine's: the test's own scripts are put back instead.
        after: secondBundleHooks,
      });
      await mistakes({
        name: 'Exercise 4 never done: no second bundle',
        make: () => type(['rm', '-rf', dir]),
        check: 'exercise-4/step-1',
        says: [/no second bundle yet/, /oci-newnetns-test\/config\.json does not exist/],
        after: secondBundleHooks,
      });
      // The hooks were looked at (stat, with the student's rights), never started.
      expect((await s.t.exec(['test', '-e', RAN])).exitCode).not.toBe(0);
    },
  );

  test(
    'Clean Up: a container and the namespace left; the printed commands finish the clean-up, and every Clean Up step is ✓',
    { timeout: 400_000 },
    async () => {
      const dir = s.plan.newBundleDir;
      // A container the student started detached and never deleted (Exercise 4's bundle, kept alive).
      await type(
        sh(
          jqEdit(
            dir,
            '.process.terminal = false | .process.args = ["/bin/busybox", "sleep", "1000"] | del(.hooks) | .linux.cgroupsPath = "/lesson06-selftest-left"',
          ),
        ),
      );
      // Its init keeps runc's stdio: nothing to read back, so the output is discarded (as helpers/oci/runtime.ts create does).
      const created = await s.t.exec(['runc', 'create', '--bundle', dir, s.plan.newContainerId], { discardOutput: true });
      expect(created.exitCode).toBe(0);
      // The lesson's Clean Up without its runc delete and ip netns del lines.
      await type(['ip', 'link', 'del', s.plan.hostVeth], ['rm', '-rf', s.plan.bundleDir, dir]);
      await mistakes(
        {
          name: 'Clean Up without "runc delete": a container left',
          make: async () => undefined,
          check: 'cleanup/step-1',
          says: [/container newnetns-test is still there/],
        },
        {
          name: 'Clean Up without "ip netns del": the namespace left',
          make: async () => undefined,
          check: 'cleanup/step-3',
          says: [/network namespace container-net is still there/],
        },
      );
      const r = await check(CLEANUP);
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(marks(r)).toEqual(LAB_STEPS.filter(isCleanup).map((x) => `✓ ${x.id} ${x.title}`));
      expect((await s.t.exec(inNetns(s.plan.netns, ['true']))).exitCode).not.toBe(0);
    },
  );
});
