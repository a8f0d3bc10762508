import { existsSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { afterAll, describe, expect, test } from 'vitest';
import { HINT3, words } from './support/printed-commands.js';
import { NET_RAW } from '../helpers/lesson/claims.js';
import { formatCidr } from '../helpers/net/cidr.js';
import { inNetns } from '../helpers/net/ops.js';
import { withNetnsPath, withoutNetnsPath } from '../helpers/oci/config.js';
import { lessonBundle } from '../helpers/oci/lesson-bundle.js';
import { Runc } from '../helpers/oci/runtime.js';
import type { ExecResult } from '../helpers/targets/exec.js';
import { GRADE_CHECK_INFO, LAB_STEPS } from '../helpers/grade/catalog.js';
import { snapshotDiff, snapshotSandbox } from './support/hostile-snapshot.js';
import { LAB_DIR, TABLE_HEADER, lessonLab, lessonLabWithoutNetRaw, runGrader, studentLab, type StudentLab } from './support/grade-lab.js';

/** The steps a graded lab (Exercises 1-3) completes; Exercise 4, 5 and Clean Up are selftest/grade-steps.test.ts's. */
const GRADED_STEPS = LAB_STEPS.filter((x) => x.checks.every((c) => GRADE_CHECK_INFO.some((g) => g.id === c)));

/**
 * Typical student mistakes, each in a lab of its own (the lesson's lab built in an isolated
 * sandbox, then broken one way): `npm run grade -- --check <step>` fails with a first-level hint
 * that names the fault, and the third-level commands, run as printed (split into words, no
 * shell), turn the same check green.
 */
interface Mistake {
  readonly name: string;
  readonly build: (s: StudentLab) => Promise<void>;
  readonly check: string;
  /** What the first-level hint must say, written from the mistake. */
  readonly says: readonly RegExp[];
}

const JUNIT = `${LAB_DIR}/check.xml`;

/** The lesson's lab with applets (Exercise 2) but, on top, everything of Exercise 1 the mistake leaves out. */
const bundleOnly = async (s: StudentLab): Promise<void> => {
  await lessonBundle(s.t, new Runc(s.t), s.plan, { cgroupsPath: '/lesson06-selftest-unused' });
  await s.t.must(['chroot', `${s.plan.bundleDir}/rootfs`, '/bin/busybox', '--install', '-s', '/bin']);
};

const MISTAKES: readonly Mistake[] = [
  {
    name: 'forgot "ip netns add"',
    build: async (s) => {
      await s.t.must(['ip', 'link', 'add', s.plan.hostVeth, 'type', 'veth', 'peer', 'name', s.plan.nsVeth]);
      await bundleOnly(s);
    },
    check: 'exercise-1/step-1',
    says: [/no network namespace named container-net/, /ip netns list" shows none/],
  },
  {
    name: 'veth pair never created',
    build: async (s) => {
      await s.lab.through(1);
      await bundleOnly(s);
    },
    check: 'exercise-1/step-2',
    says: [/no interface veth-host on the host/, /veth pair was not created/],
  },
  {
    name: 'veth-container not moved into the namespace',
    build: async (s) => {
      await s.lab.through(2);
      await bundleOnly(s);
    },
    check: 'exercise-1/step-3',
    says: [/veth-container is still on the host/, /never moved into container-net/],
  },
  {
    name: 'wrong subnet on the namespace end (10.0.1.2/24)',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(inNetns(s.plan.netns, ['ip', 'addr', 'del', formatCidr(s.plan.nsCidr), 'dev', s.plan.nsVeth]));
      await s.t.must(inNetns(s.plan.netns, ['ip', 'addr', 'add', '10.0.1.2/24', 'dev', s.plan.nsVeth]));
    },
    check: 'exercise-1/step-4',
    says: [/veth-container has 10\.0\.1\.2\/24 instead of 10\.0\.0\.2\/24/, /another subnet/],
  },
  {
    name: 'no address on veth-host',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ip', 'addr', 'del', formatCidr(s.plan.hostCidr), 'dev', s.plan.hostVeth]);
    },
    check: 'exercise-1/step-4',
    says: [/veth-host has no IPv4 address/, /needs 10\.0\.0\.1\/24/],
  },
  {
    name: 'veth-host left DOWN',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['ip', 'link', 'set', s.plan.hostVeth, 'down']);
    },
    check: 'exercise-1/step-5',
    says: [/veth-host is DOWN/],
  },
  {
    name: 'veth-container left DOWN',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(inNetns(s.plan.netns, ['ip', 'link', 'set', s.plan.nsVeth, 'down']));
    },
    check: 'exercise-1/step-5',
    says: [/veth-container inside container-net is DOWN/],
  },
  {
    name: "the namespace's lo left down",
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(inNetns(s.plan.netns, ['ip', 'link', 'set', 'lo', 'down']));
    },
    check: 'exercise-1/step-5',
    says: [/loopback interface lo inside container-net is DOWN/],
  },
  {
    name: 'runc spec run elsewhere: no config.json in the bundle',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['rm', `${s.plan.bundleDir}/config.json`]);
    },
    check: 'exercise-2/step-1',
    says: [/no config\.json in \/tmp\/lab\/oci-netns-test/],
  },
  {
    name: 'bundle without its rootfs',
    build: async (s) => {
      await lessonLab(s);
      await s.t.must(['rm', '-rf', `${s.plan.bundleDir}/rootfs`]);
    },
    check: 'exercise-2/step-1',
    says: [/no rootfs directory/, /oci-netns-test\/rootfs does not exist/],
  },
  {
    name: 'typo in the netns path in config.json',
    build: async (s) => {
      await lessonLab(s);
      await s.bundle.patch(withNetnsPath('/var/run/netns/containr-net'));
    },
    check: 'exercise-2/step-3',
    says: [/"\/var\/run\/netns\/containr-net" does not exist/, /does not name your namespace/],
  },
  {
    name: 'jq edit not applied: the network entry has no path',
    build: async (s) => {
      await lessonLab(s);
      await s.bundle.patch(withoutNetnsPath);
    },
    check: 'exercise-2/step-3',
    says: [/"network" namespace has no "path"/, /new, empty namespace/],
  },
  {
    name: "the lesson's rootfs as written: busybox without its applet links",
    build: async (s) => {
      await s.lab.through(5);
      await lessonBundle(s.t, new Runc(s.t), s.plan, { cgroupsPath: '/lesson06-selftest-unused' });
    },
    check: 'exercise-2/step-4',
    says: [/"sh" is not in the rootfs/, /lesson's step is incomplete here, not your mistake/],
  },
  {
    name: "the lesson's capabilities as written: no CAP_NET_RAW for ping",
    build: lessonLabWithoutNetRaw,
    check: 'exercise-3/step-1',
    says: [new RegExp(`lacks ${NET_RAW}`), /cannot ping/, /lesson's step is incomplete here/],
  },
];

const grade = (s: StudentLab, check: string, more: readonly string[] = []): Promise<ExecResult> =>
  runGrader(s, ['--bundle', s.plan.bundleDir, '--junit', JUNIT, '--check', check, ...more]);

/** What a run shows of each mistake: the closing note's table is made from these. */
const table: string[] = [];

describe('grade --check: hint ladders of typical student mistakes', { concurrent: true }, () => {
  for (const m of MISTAKES)
    test(`${m.name}: --check ${m.check} fails naming it, and the level-3 commands as printed make it pass`, { timeout: 300_000 }, async () => {
      const s = await studentLab();
      try {
        await m.build(s);
        const broken = await grade(s, m.check);
        expect(broken.exitCode, broken.stdout + broken.stderr).toBe(1);
        const lines = broken.stdout.split('\n').filter((l) => l.startsWith('✗ ') || l.startsWith('✓ '));
        expect(lines, broken.stdout).toHaveLength(1);
        const line = lines[0] ?? '';
        expect(line.startsWith(`✗ ${m.check} `), line).toBe(true);
        for (const re of m.says) expect(line).toMatch(re);
        // Level 1 only by default: no hint lines under it.
        expect(broken.stdout).not.toMatch(/hint [23]:/);

        const laddered = await grade(s, m.check, ['--hints', '3']);
        expect(laddered.exitCode).toBe(1);
        expect(laddered.stdout).toMatch(/^ {4}hint 2: .*(Exercise \d, Step|Common Error)/m);
        const commands = laddered.stdout
          .split('\n')
          .map((l) => HINT3.exec(l)?.[1])
          .filter((c): c is string => c !== undefined);
        expect(commands.length, laddered.stdout).toBeGreaterThan(0);
        for (const c of commands) {
          const r = await s.t.exec(words(c));
          expect(r.exitCode, `${c}: ${r.stderr}`).toBe(0);
        }
        const fixed = await grade(s, m.check);
        expect(fixed.exitCode, fixed.stdout + fixed.stderr).toBe(0);
        expect(fixed.stdout).toMatch(new RegExp(`^✓ ${m.check} `, 'm'));
        table.push(`| ${m.name} | \`${m.check}\` | ${line.replace(/^✗ \S+ [^—]*— /, '')} | ${commands.map((c) => `\`${c}\``).join('<br>')} |`);
      } finally {
        await s.box.dispose();
      }
    });

  test(
    'a good lab: --check of every step of Exercises 1-3 exits 0 with one ✓ line each; nothing changed in the sandbox',
    { timeout: 300_000 },
    async () => {
      const s = await studentLab();
      try {
        await lessonLab(s);
        const steps = GRADED_STEPS.map((x) => x.id);
        const before = await snapshotSandbox(s.box, { trees: [LAB_DIR] });
        const r = await runGrader(s, ['--bundle', s.plan.bundleDir, '--junit', '/tmp/check.xml', ...steps.flatMap((id) => ['--check', id])]);
        await s.t.must(['rm', '-f', '/tmp/check.xml']);
        const after = await snapshotSandbox(s.box, { trees: [LAB_DIR] });
        expect(r.exitCode, r.stdout + r.stderr).toBe(0);
        expect(r.stdout.split('\n').filter((l) => /^[✓✗] /.test(l))).toEqual(GRADED_STEPS.map((x) => `✓ ${x.id} ${x.title}`));
        expect(snapshotDiff(before, after)).toEqual([]);
      } finally {
        await s.box.dispose();
      }
    },
  );

  test(
    'a step whose needs fail is "not yet" (exit 1, one line naming the step first needed); a full grade prints levels up to --hints',
    { timeout: 300_000 },
    async () => {
      const s = await studentLab();
      try {
        await s.lab.through(1);
        await bundleOnly(s);
        const r = await grade(s, 'exercise-1/step-4');
        expect(r.exitCode, r.stdout + r.stderr).toBe(1);
        const lines = r.stdout.split('\n').filter((l) => /^[✓✗] /.test(l));
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatch(
          /^✗ exercise-1\/step-4 .* — not yet: exercise-1\/step-2 \(host-veth-exists\) comes first: there is no interface veth-host/,
        );
        const full = await runGrader(s, ['--bundle', s.plan.bundleDir, '--junit', JUNIT, '--hints', '2']);
        expect(full.exitCode).toBe(1);
        expect(full.stdout).toMatch(/^ +hint 1: +there is no interface veth-host/m);
        expect(full.stdout).toMatch(/^ +hint 2: +Exercise 1, Step 2/m);
        expect(full.stdout).not.toMatch(/hint 3:/);
      } finally {
        await s.box.dispose();
      }
    },
  );

  // The closing note's table, from these runs (GRADE_HINTS_TABLE=FILE).
  afterAll(async () => {
    const file = process.env.GRADE_HINTS_TABLE;
    // Appended, header first when the file is new: selftest/grade-steps.test.ts adds its rows to the same table.
    if (file) await appendFile(file, `${existsSync(file) ? '' : TABLE_HEADER}${table.sort().join('\n')}\n`);
  });
});
