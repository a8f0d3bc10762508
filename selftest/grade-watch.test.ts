import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LAB_STEPS, isCleanup } from '../helpers/grade/catalog.js';
import { jqEdit, shellWord } from '../helpers/grade/hints.js';
import { NET_RAW } from '../helpers/lesson/claims.js';
import { formatCidr } from '../helpers/net/cidr.js';
import { words } from './support/printed-commands.js';
import { waitFor } from '../helpers/wait.js';
import { LAB_DIR, graderArgv, studentLab, type StudentLab } from './support/grade-lab.js';
import { readJUnit } from './support/junit.js';

/**
 * `npm run grade -- --watch` as a student sees it: in one isolated sandbox (its own pid, mount, uts,
 * ipc and net namespaces), the live checklist runs under a pseudo-terminal (util-linux `script`)
 * while the test builds the lesson's lab step by step with the student's commands (argv). After each
 * step the test waits for the recorded view to show that step ✓, and asserts that exactly the steps
 * done so far are ✓: the view turns the lesson green in the lesson's order. `h` shows hint level 2;
 * Ctrl-C ends it with exit 130 and the report written. Then the same watch without a terminal prints
 * one line per change. Waits are for what the view shows, never for a fixed time.
 */
const REPORT = `${LAB_DIR}/watch.xml`;
const HOOKS = `${LAB_DIR}/hooks`;
const RAN = `${LAB_DIR}/a-hook-ran`;
/** Far beyond one re-check (a --check run of every step, about 5-10 s here): reaching it means the view never changed. */
const VIEW_MS = 120_000;

let s: StudentLab;
let scratch: string;

/** The watch's argv inside the sandbox, as npm run grade runs it (root: the sandbox's own). */
const watchArgv = (more: readonly string[] = []): string[] =>
  graderArgv(s, ['--watch', '--bundle', s.plan.bundleDir, '--new-bundle', s.plan.newBundleDir, '--junit', REPORT, ...more]);

const type = async (...argvs: string[][]): Promise<void> => {
  for (const argv of argvs) {
    const r = await s.t.exec(argv);
    expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
  }
};

/** The terminal's frames: each redraw clears the screen; a frame is whole once its closing count line is there. */
function frames(log: string): string[][] {
  return log
    .replaceAll('\r', '')
    .split('\x1b[H\x1b[2J')
    .map((f) => f.split('\n'))
    .filter((lines) => lines.some((l) => /^\d+ of \d+ steps done$/.test(l)));
}

/** Each step's mark in a frame. */
function marks(frame: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of frame) {
    const hit = /^ {2}([✓✗·]) (\S+) /.exec(l);
    if (hit) m.set(hit[2]!, hit[1]!);
  }
  return m;
}

const green = (frame: readonly string[]): string[] => [...marks(frame)].filter(([, mark]) => mark === '✓').map(([id]) => id);

/** The lesson's lab, step by step: the commands a student types, and the steps each one finishes. */
interface Action {
  readonly does: string;
  readonly run: () => Promise<void>;
  readonly finishes: readonly string[];
}

function lesson(): Action[] {
  const p = s.plan;
  const b = p.bundleDir;
  const nb = p.newBundleDir;
  const inNs = (...argv: string[]): string[] => ['ip', 'netns', 'exec', p.netns, ...argv];
  return [
    { does: 'ip netns add', run: () => type(['ip', 'netns', 'add', p.netns]), finishes: ['exercise-1/step-1'] },
    {
      does: 'ip link add … type veth',
      run: () => type(['ip', 'link', 'add', p.hostVeth, 'type', 'veth', 'peer', 'name', p.nsVeth]),
      finishes: ['exercise-1/step-2'],
    },
    { does: 'ip link set … netns', run: () => type(['ip', 'link', 'set', p.nsVeth, 'netns', p.netns]), finishes: ['exercise-1/step-3'] },
    {
      does: 'ip addr add (both ends)',
      run: () =>
        type(['ip', 'addr', 'add', formatCidr(p.hostCidr), 'dev', p.hostVeth], inNs('ip', 'addr', 'add', formatCidr(p.nsCidr), 'dev', p.nsVeth)),
      finishes: ['exercise-1/step-4'],
    },
    {
      does: 'ip link set … up (both ends, lo)',
      run: () => type(['ip', 'link', 'set', p.hostVeth, 'up'], inNs('ip', 'link', 'set', p.nsVeth, 'up'), inNs('ip', 'link', 'set', 'lo', 'up')),
      finishes: ['exercise-1/step-5', 'exercise-1/step-6'],
    },
    {
      does: 'runc spec, rootfs with busybox',
      run: () => type(['mkdir', '-p', `${b}/rootfs/bin`], ['runc', 'spec', '--bundle', b], ['cp', '/bin/busybox', `${b}/rootfs/bin/`]),
      finishes: ['exercise-2/step-1'],
    },
    {
      does: "jq: the network namespace's path",
      run: () => type(words(jqEdit(b, `.linux.namespaces |= map(if .type == "network" then .path = "${p.netnsPath}" else . end)`))),
      finishes: ['exercise-2/step-3'],
    },
    {
      does: "jq: the process; busybox's applet links (the lesson's step is incomplete without them)",
      run: () =>
        type(words(jqEdit(b, `.process.args = ["sh", "-c", "ip addr && ping -c 3 ${p.hostCidr.address}"]`)), [
          'chroot',
          `${b}/rootfs`,
          '/bin/busybox',
          '--install',
          '-s',
          '/bin',
        ]),
      finishes: ['exercise-2/step-4'],
    },
    {
      does: `jq: ${NET_RAW} (ping in the container)`,
      run: () =>
        type(words(jqEdit(b, ['bounding', 'effective', 'permitted'].map((set) => `.process.capabilities.${set} += ["${NET_RAW}"]`).join(' | ')))),
      finishes: ['exercise-3/step-1'],
    },
    {
      does: 'the second bundle (runc spec keeps the network without a path)',
      run: () => type(['mkdir', '-p', `${nb}/rootfs/bin`], ['runc', 'spec', '--bundle', nb], ['cp', '/bin/busybox', `${nb}/rootfs/bin/`]),
      finishes: ['exercise-4/step-1', 'exercise-4/step-2'],
    },
    {
      does: 'hook scripts and config.json hooks',
      run: async () => {
        await type(['mkdir', '-p', HOOKS]);
        // A hook that ran would leave its mark: the watch must never start one.
        for (const name of ['setup-network.sh', 'cleanup-network.sh']) await s.t.writeFile(`${HOOKS}/${name}`, `#!/bin/sh\ntouch ${RAN}\n`, '0755');
        await type(
          words(jqEdit(nb, `.hooks = {"prestart": [{"path": "${HOOKS}/setup-network.sh"}], "poststop": [{"path": "${HOOKS}/cleanup-network.sh"}]}`)),
        );
      },
      // The lab is complete: Clean Up is judged now, and no container was left (its first step).
      finishes: ['exercise-5/step-1', 'exercise-5/step-2', 'cleanup/step-1'],
    },
    {
      // The lesson's Clean Up block as a student pastes it (its runc delete lines have nothing to delete: no container was left).
      does: 'Clean Up: ip link del, ip netns del, rm -rf the bundles',
      run: () => type(['ip', 'link', 'del', p.hostVeth], ['ip', 'netns', 'del', p.netns], ['rm', '-rf', b, nb]),
      finishes: ['cleanup/step-2', 'cleanup/step-3', 'cleanup/step-4'],
    },
  ];
}

describe('npm run grade -- --watch: the live checklist', () => {
  beforeAll(async () => {
    s = await studentLab();
    scratch = mkdtempSync(join(tmpdir(), 'lesson06-selftest-watch-'));
  }, 120_000);
  afterAll(async () => {
    await s?.box.dispose();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test(
    'under a terminal, the lesson built step by step turns each step green in order; h shows hint 2; Ctrl-C exits 130 with the report written',
    { timeout: 900_000 },
    async () => {
      const log = join(scratch, 'tty.log');
      // script(1) runs its command through a shell: the argv is quoted word by word, nothing else is in the string.
      const watch = execa('script', ['-qfec', watchArgv().map(shellWord).join(' '), log], {
        reject: false,
        stdin: 'pipe',
        stdout: 'ignore',
        stderr: 'pipe',
      });
      const text = (): string => (existsSync(log) ? readFileSync(log, 'utf8') : '');
      const latest = (): string[] => frames(text()).at(-1) ?? [];
      try {
        await waitFor(() => marks(latest()).get('exercise-1/step-1') === '✗', { timeoutMs: VIEW_MS, what: 'the first view, exercise-1/step-1 ✗' });
        expect(latest().join('\n')).toMatch(/^ {2}✗ exercise-1\/step-1 .* — there is no network namespace named container-net/m);
        expect(latest().join('\n')).not.toMatch(/hint 2:/);
        watch.stdin?.write('h');
        await waitFor(() => /^ {6}hint 2: Exercise 1, Step 1/m.test(latest().join('\n')), { timeoutMs: VIEW_MS, what: 'hint 2 after h' });
        expect(latest().join('\n')).not.toMatch(/hint 3:/);

        const done: string[] = [];
        const order = LAB_STEPS.map((x) => x.id);
        for (const a of lesson()) {
          await a.run();
          done.push(...a.finishes);
          await waitFor(() => a.finishes.every((id) => marks(latest()).get(id) === '✓'), {
            timeoutMs: VIEW_MS,
            what: `the view to show ${a.finishes.join(', ')} ✓ after "${a.does}" (last frame:\n${latest().join('\n')})`,
          });
          // Exactly the steps done so far: none ahead of the student.
          expect(green(latest()).sort(), `after "${a.does}"`).toEqual([...done].sort());
          if (!a.finishes.some((id) => isCleanup(LAB_STEPS.find((x) => x.id === id)!)))
            expect(
              [...marks(latest())].filter(([id]) => id.startsWith('cleanup/')).map(([, m]) => m),
              `Clean Up waits for the whole lab (after "${a.does}")`,
            ).toEqual(done.includes('exercise-5/step-2') ? ['✓', '✗', '✗', '✗'] : ['·', '·', '·', '·']);
        }
        expect(green(latest())).toEqual(order);
        expect(latest().join('\n')).toMatch(/^ {2}✓ exercise-1\/step-1 .* — done \(cleaned up since\)$/m);

        watch.stdin?.write('\x03');
        const r = await watch;
        expect(r.exitCode, r.stderr).toBe(130);
        expect(text()).toMatch(/report of the last check: \/tmp\/lab\/watch\.xml/);
        const cases = readJUnit(s.box.host(REPORT));
        expect(cases.filter((c) => c.name.startsWith('cleanup-')).map((c) => c.state)).toEqual(['passed', 'passed', 'passed', 'passed']);
        expect((await s.t.exec(['test', '-e', RAN])).exitCode, 'a hook was run').not.toBe(0);
      } finally {
        if (watch.exitCode === null) watch.kill('SIGKILL');
        await watch.catch(() => undefined);
      }
    },
  );

  test('without a terminal: one line per step that changed, no redraws; SIGINT exits 130 with the report written', { timeout: 300_000 }, async () => {
    await type(['rm', '-f', REPORT]);
    const watch: ResultPromise = execa(watchArgv()[0]!, watchArgv().slice(1), { reject: false, detached: true, stdin: 'ignore', all: true });
    let out = '';
    watch.all?.on('data', (b: Buffer) => (out += b.toString('utf8')));
    try {
      await waitFor(() => /^\d\d:\d\d:\d\d · cleanup\/step-4 /m.test(out), { timeoutMs: VIEW_MS, what: `the first lines (so far:\n${out})` });
      const first = out.split('\n').filter((l) => /^\d\d:\d\d:\d\d [✓✗·] /.test(l));
      expect(first).toHaveLength(LAB_STEPS.length);
      await type(['ip', 'netns', 'add', s.plan.netns]);
      await waitFor(() => /^\d\d:\d\d:\d\d ✓ exercise-1\/step-1 /m.test(out), {
        timeoutMs: VIEW_MS,
        what: `a line for exercise-1/step-1 (so far:\n${out})`,
      });
      const changed = out
        .split('\n')
        .filter((l) => /^\d\d:\d\d:\d\d [✓✗·] /.test(l))
        .slice(LAB_STEPS.length);
      // Step 1 turned green (and steps that needed only it now say what they lack); the veth pair's step did not change.
      expect(changed.map((l) => l.split(' ')[2])).toContain('exercise-1/step-1');
      expect(changed.map((l) => l.split(' ')[2])).not.toContain('exercise-1/step-2');
      expect(changed.length).toBeLessThan(LAB_STEPS.length);
      expect(out).not.toContain('\x1b[');
      // The watch itself (nsenter's one child), as sudo relays a SIGINT to the command it runs; nsenter passes on its exit status.
      const child = Number(readFileSync(`/proc/${watch.pid}/task/${watch.pid}/children`, 'utf8').trim().split(' ')[0]);
      process.kill(child, 'SIGINT');
      const r = await watch;
      expect(r.exitCode, out).toBe(130);
      expect(out).toMatch(/report of the last check: \/tmp\/lab\/watch\.xml/);
      expect(readJUnit(s.box.host(REPORT)).find((c) => c.name.startsWith('netns-exists'))?.state).toBe('passed');
    } finally {
      if (watch.exitCode === null) process.kill(-watch.pid!, 'SIGKILL');
      await watch.catch(() => undefined);
    }
  });
});
