/**
 * The lesson's steps beyond what a grade scores (helpers/grade/catalog.ts STEP_CHECK_INFO): Exercise
 * 4's second bundle, Exercise 5's hooks, and Clean Up. Read-only like specs/grade.spec.ts, through the
 * same session, guard and reader of the student's files; only `npm run grade -- --check` and `--watch`
 * include this file (vitest.config.ts), so a full grade's score never depends on it.
 */
import { check, describe, gradeCheck } from '../fixtures/grade.js';
import { askAsStudent } from '../helpers/grade/as-student.js';
import { hints } from '../helpers/grade/hints.js';
import type { PathFact } from '../helpers/grade/student-reader.js';
import type { GradeSession } from '../helpers/grade/session.js';
import { lessonPlan } from '../helpers/lesson/plan.js';
import { judgeNewNetns } from '../helpers/lesson/verify-checks.js';
import { linkExists, listNetns } from '../helpers/net/ops.js';
import type { OciConfig, OciHook } from '../helpers/oci/config.js';
import { clip } from '../helpers/grade/clip.js';

/** Deadline of the reader of the student's files (a config of 1 MiB at most, a few stat calls). */
const READ_MS = 15_000;

/** What the student can see of `paths`, read with their rights (never followed as root, never run). */
async function factsOf(g: GradeSession, paths: readonly string[]): Promise<PathFact[]> {
  const asked = await askAsStudent(g.target, g.student, { kind: 'paths', paths }, READ_MS);
  if (!asked.ok) throw new Error(asked.problem);
  return [...asked.answer.facts];
}

/** The containers the lesson's own commands create (Exercise 3 and 4), by the lesson's ids. */
const LESSON_CONTAINERS = [lessonPlan('/').containerId, lessonPlan('/').newContainerId];
/** Where runc and crun keep a container's state by default (as the lesson's `sudo runc run` does). */
const STATE_ROOTS = [
  { runtime: 'runc', dir: '/run/runc' },
  { runtime: 'crun', dir: '/run/crun' },
];

/** The hook stages that set up a container's network (prestart, or its replacement createRuntime) and the one that cleans up. */
const SETUP_STAGES = ['prestart', 'createRuntime'];

/** The hooks section's shape as runc reads it: each stage a list of entries with an absolute path; a problem in words, or undefined. */
function hooksProblem(hooks: unknown): string | undefined {
  if (hooks === undefined) return undefined;
  if (hooks === null || typeof hooks !== 'object' || Array.isArray(hooks)) return '"hooks" is not an object';
  for (const [stage, list] of Object.entries(hooks as Record<string, unknown>)) {
    if (!Array.isArray(list)) return `hooks.${clip(stage)} is not a list`;
    for (const h of list as unknown[]) {
      const path = (h as { path?: unknown } | null)?.path;
      if (typeof path !== 'string' || !path.startsWith('/')) return `an entry of hooks.${clip(stage)} has no absolute "path"`;
    }
  }
  return undefined;
}

describe('exercise-4', () => {
  gradeCheck('new-bundle-config', async ({ g, lesson }) => {
    await lesson.step('Step 1');
    // The same reader, with the same rules, as bundle-config's (specs/grade.spec.ts): as data, with the student's rights.
    // The hook paths' facts come in the same answer: one child for both steps of a re-check.
    const asked = await askAsStudent(g.target, g.student, { kind: 'config', bundleDir: g.plan.newBundleDir, hooks: true }, READ_MS);
    if (asked.ok) g.newHooks = asked.answer.hooks;
    const config = asked.ok ? asked.answer.config : { ok: false as const, problem: asked.problem, next: '' };
    const rootfs = asked.ok ? asked.answer.rootfs : undefined;
    if (config.ok) g.newConfig = config.config;
    const rootfsProblem = rootfs === undefined || rootfs.ok ? undefined : rootfs.problem;
    check(lesson, config.ok && rootfsProblem === undefined, {
      id: 'grade/new-bundle-config-and-rootfs',
      expected: `${g.plan.newBundleDir}/config.json, a plain OCI config, and its root.path a directory of the bundle's own`,
      seen: config.ok ? (rootfsProblem ?? '') : config.problem,
      next: `make the second bundle as Exercise 4 Step 1 does, in ${g.plan.newBundleDir}`,
      hints: hints.newBundle(g.plan, config.ok ? undefined : config.problem, rootfsProblem),
    });
  });

  gradeCheck('new-bundle-no-netns-path', async ({ g, lesson }) => {
    await lesson.step('Step 2');
    const namespaces = g.newConfig!.linux.namespaces;
    const verdict = judgeNewNetns(namespaces);
    const path = namespaces.find((n) => n.type === 'network')?.path;
    check(lesson, verdict === 'fresh', {
      id: 'grade/new-bundle-network-without-path',
      expected: '{"type": "network"} without a path in linux.namespaces of the second bundle',
      seen: clip(JSON.stringify(namespaces)),
      next: verdict === 'has-path' ? 'remove "path" from the network entry' : 'add {"type": "network"} to linux.namespaces',
      hints: hints.newNetns(g.plan, verdict, path),
    });
  });
});

describe('exercise-5', () => {
  gradeCheck('hooks-config', async ({ g, lesson }) => {
    await lesson.step('config.json with hooks');
    const hooks = (g.newConfig as OciConfig & { hooks?: unknown }).hooks;
    const malformed = hooksProblem(hooks);
    const stages = malformed === undefined ? ((hooks ?? {}) as Record<string, OciHook[]>) : {};
    const missing = [
      ...(SETUP_STAGES.some((s) => (stages[s]?.length ?? 0) > 0) ? [] : ['prestart' as const]),
      ...((stages.poststop?.length ?? 0) > 0 ? [] : ['poststop' as const]),
    ];
    check(lesson, malformed === undefined && missing.length === 0, {
      id: 'grade/hooks-prestart-and-poststop',
      expected: `hooks.prestart (or createRuntime) and hooks.poststop in ${g.plan.newBundleDir}/config.json, each entry with an absolute path`,
      seen:
        malformed ??
        `stages with hooks: ${
          Object.keys(stages)
            .filter((s) => (stages[s]?.length ?? 0) > 0)
            .join(', ') || 'none'
        }`,
      next: 'add the hooks Exercise 5 shows',
      hints: hints.hooksConfig(g.plan, missing, malformed),
    });
  });

  gradeCheck('hook-scripts', async ({ g, lesson }) => {
    await lesson.step('config.json with hooks');
    // Looked at, never run: stat with the student's rights of each path runc would start (read with the config, new-bundle-config).
    const seen = g.newHooks ?? [];
    const paths = seen.map((h) => h.path);
    const bad = seen.filter((b) => b.fact !== 'executable');
    check(lesson, bad.length === 0, {
      id: 'grade/hook-scripts-executable',
      expected: `every hook's path is an executable regular file (${paths.join(', ')})`,
      seen: bad.map((b) => `${b.path}: ${b.fact}`).join('; '),
      next: 'write each hook script and make it executable',
      hints: hints.hookScripts(bad),
    });
  });
});

describe('cleanup', () => {
  gradeCheck('cleanup-containers', async ({ g, lesson }) => {
    await lesson.step('delete any running containers');
    const left: { id: string; runtime: string }[] = [];
    for (const id of LESSON_CONTAINERS)
      for (const root of STATE_ROOTS)
        if ((await g.target.exec(['stat', '-c', '%F', `${root.dir}/${id}`])).exitCode === 0) left.push({ id, runtime: root.runtime });
    check(lesson, left.length === 0, {
      id: 'grade/no-lesson-container-state',
      expected: `no state of ${LESSON_CONTAINERS.join(' or ')} under ${STATE_ROOTS.map((r) => r.dir).join(' or ')}`,
      seen: left.map((l) => `${l.runtime}: ${l.id}`).join(', '),
      next: 'delete them with runc delete -f',
      hints: hints.containersLeft(left),
    });
  });

  gradeCheck('cleanup-veth', async ({ g, lesson }) => {
    await lesson.step('delete the veth pair');
    const left = [];
    for (const name of [g.plan.hostVeth, g.plan.nsVeth]) if (await linkExists(g.target, name)) left.push(name);
    check(lesson, left.length === 0, {
      id: 'grade/no-veth-left',
      expected: `neither ${g.plan.hostVeth} nor ${g.plan.nsVeth} on the host`,
      seen: left.join(', '),
      next: `ip link del ${g.plan.hostVeth}`,
      hints: hints.vethLeft(g.plan, left),
    });
  });

  gradeCheck('cleanup-netns', async ({ g, lesson }) => {
    await lesson.step('delete the network namespace');
    const listed = (await listNetns(g.target)).includes(g.plan.netns);
    check(lesson, !listed, {
      id: 'grade/no-netns-left',
      expected: `"ip netns list" does not show ${g.plan.netns}`,
      seen: listed ? `${g.plan.netns} is listed` : '',
      next: `ip netns del ${g.plan.netns}`,
      hints: hints.netnsLeft(g.plan),
    });
  });

  gradeCheck('cleanup-bundles', async ({ g, lesson }) => {
    await lesson.step('remove test bundles');
    const dirs = [g.plan.bundleDir, g.plan.newBundleDir];
    const facts = await factsOf(g, dirs);
    const left = dirs.filter((_, i) => facts[i] !== 'missing');
    check(lesson, left.length === 0, {
      id: 'grade/no-bundle-left',
      expected: `neither ${dirs.join(' nor ')} exists`,
      seen: left.join(', '),
      next: `rm -rf ${dirs.join(' ')}`,
      hints: hints.bundlesLeft(left),
    });
  });
});
