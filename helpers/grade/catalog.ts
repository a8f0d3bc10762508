import { BadInputError } from '../errors.js';

/**
 * Every grade check (specs/grade.spec.ts) and the lesson step it checks, known before vitest
 * starts: `--check` resolves ids and the checks they need from here, and the spec reads each
 * check's title and needs from here too, so the two never disagree.
 */
export interface GradeCheckInfo {
  readonly id: string;
  readonly title: string;
  /** Checks that must pass first; otherwise this one is "not checked" (a step "not yet"). */
  readonly needs: readonly string[];
}

const linkChecks = ['host-veth-up', 'host-veth-address', 'ns-veth-up', 'ns-veth-address', 'veth-pair-connected'];

export const GRADE_CHECK_INFO: readonly GradeCheckInfo[] = [
  { id: 'netns-exists', title: 'the network namespace exists under /var/run/netns', needs: [] },
  { id: 'host-veth-exists', title: 'the host end of the veth pair exists', needs: [] },
  { id: 'host-veth-up', title: 'the host end is up', needs: ['host-veth-exists'] },
  { id: 'host-veth-address', title: 'the host end has the host address', needs: ['host-veth-exists'] },
  { id: 'ns-veth-visible', title: 'the namespace end is inside the namespace', needs: ['netns-exists'] },
  { id: 'ns-veth-up', title: 'the namespace end is up', needs: ['ns-veth-visible'] },
  { id: 'ns-veth-address', title: 'the namespace end has the namespace address', needs: ['ns-veth-visible'] },
  { id: 'ns-loopback-up', title: "the namespace's loopback is up", needs: ['netns-exists'] },
  {
    id: 'veth-pair-connected',
    title: "the two ends are one veth pair: the host end's peer is the namespace end",
    needs: ['host-veth-exists', 'ns-veth-visible'],
  },
  { id: 'ping-host-to-ns', title: 'the host reaches the namespace', needs: linkChecks },
  { id: 'ping-ns-to-host', title: 'the namespace reaches the host', needs: linkChecks },
  { id: 'bundle-config', title: "the bundle's config.json is a valid OCI config", needs: [] },
  { id: 'bundle-netns-path', title: "config.json's network namespace path names this namespace", needs: ['bundle-config'] },
  { id: 'bundle-rootfs', title: "config.json's root.path is the bundle's rootfs directory", needs: ['bundle-config'] },
  { id: 'bundle-process', title: "config.json's process can start in the rootfs", needs: ['bundle-rootfs'] },
  {
    id: 'container-joins-netns',
    title: "the student's bundle runs in the namespace and sees its interface and address",
    needs: ['netns-exists', 'ns-veth-address', 'bundle-netns-path', 'bundle-process'],
  },
  {
    id: 'container-pings-host',
    title: "a container with the student's process settings, in the namespace, pings the host",
    // Not the UP and address checks: with an end down or unaddressed the probe runs and gets no reply. A
    // pair not proven connected would make any reply's origin a guess, so that one it needs.
    needs: ['netns-exists', 'veth-pair-connected', 'bundle-netns-path'],
  },
];

/**
 * Checks of the lesson's steps beyond what a grade scores (specs/grade-steps.spec.ts): Exercise 4's
 * bundle, Exercise 5's hooks, and Clean Up. They run only when `--check` (or `--watch`) asks for
 * them: a full grade scores the lab the Verify section describes, which Clean Up removes.
 */
export const STEP_CHECK_INFO: readonly GradeCheckInfo[] = [
  { id: 'new-bundle-config', title: "the second bundle's config.json is a valid OCI config beside its rootfs", needs: [] },
  {
    id: 'new-bundle-no-netns-path',
    title: "the second bundle's config.json keeps the network namespace without a path",
    needs: ['new-bundle-config'],
  },
  { id: 'hooks-config', title: "the second bundle's config.json has a setup (prestart) hook and a poststop hook", needs: ['new-bundle-config'] },
  { id: 'hook-scripts', title: 'each hook is an executable file (never run by the grader)', needs: ['hooks-config'] },
  { id: 'cleanup-containers', title: "no container of the lesson's is left", needs: [] },
  { id: 'cleanup-veth', title: 'the veth pair is deleted', needs: [] },
  { id: 'cleanup-netns', title: 'the network namespace is deleted', needs: [] },
  { id: 'cleanup-bundles', title: 'both bundle directories are removed', needs: [] },
];

/** A lesson step that leaves state on the machine, as a lab platform checks it: `<section>/step-<n>`. */
export interface LabStep {
  readonly id: string;
  /** How the lesson names it, for hints: "Exercise 1, Step 4". */
  readonly name: string;
  readonly title: string;
  /** The grade checks that together say this step is done. */
  readonly checks: readonly string[];
}

export const LAB_STEPS: readonly LabStep[] = [
  { id: 'exercise-1/step-1', name: 'Exercise 1, Step 1', title: 'the network namespace exists', checks: ['netns-exists'] },
  { id: 'exercise-1/step-2', name: 'Exercise 1, Step 2', title: 'the veth pair exists', checks: ['host-veth-exists'] },
  {
    id: 'exercise-1/step-3',
    name: 'Exercise 1, Step 3',
    title: 'one end of the pair is inside the namespace',
    checks: ['ns-veth-visible', 'veth-pair-connected'],
  },
  { id: 'exercise-1/step-4', name: 'Exercise 1, Step 4', title: 'both ends have their addresses', checks: ['host-veth-address', 'ns-veth-address'] },
  {
    id: 'exercise-1/step-5',
    name: 'Exercise 1, Step 5',
    title: "both ends and the namespace's loopback are up",
    checks: ['host-veth-up', 'ns-veth-up', 'ns-loopback-up'],
  },
  {
    id: 'exercise-1/step-6',
    name: 'Exercise 1, Step 6',
    title: 'the host and the namespace ping each other',
    checks: ['ping-host-to-ns', 'ping-ns-to-host'],
  },
  {
    id: 'exercise-2/step-1',
    name: 'Exercise 2, Step 1',
    title: 'the bundle has a config.json and a rootfs',
    checks: ['bundle-config', 'bundle-rootfs'],
  },
  { id: 'exercise-2/step-3', name: 'Exercise 2, Step 3', title: "config.json joins the lab's network namespace", checks: ['bundle-netns-path'] },
  { id: 'exercise-2/step-4', name: 'Exercise 2, Step 4', title: "config.json's process can start in the rootfs", checks: ['bundle-process'] },
  {
    id: 'exercise-3/step-1',
    name: 'Exercise 3, Step 1',
    title: 'the container runs in the namespace and pings the host',
    checks: ['container-joins-netns', 'container-pings-host'],
  },
  {
    id: 'exercise-4/step-1',
    name: 'Exercise 4, Step 1',
    title: 'the second bundle has a config.json and a rootfs',
    checks: ['new-bundle-config'],
  },
  {
    id: 'exercise-4/step-2',
    name: 'Exercise 4, Step 2',
    title: "the second bundle's network namespace has no path",
    checks: ['new-bundle-no-netns-path'],
  },
  // Exercise 5 numbers no steps; its hooks go into the second bundle, as the suite's own Exercise 5 tests put them.
  {
    id: 'exercise-5/step-1',
    name: 'Exercise 5, config.json with hooks',
    title: 'config.json has a prestart and a poststop hook',
    checks: ['hooks-config'],
  },
  { id: 'exercise-5/step-2', name: 'Exercise 5, config.json with hooks', title: 'the hook scripts are executable files', checks: ['hook-scripts'] },
  { id: 'cleanup/step-1', name: 'Clean Up', title: 'the containers are deleted', checks: ['cleanup-containers'] },
  { id: 'cleanup/step-2', name: 'Clean Up', title: 'the veth pair is deleted', checks: ['cleanup-veth'] },
  { id: 'cleanup/step-3', name: 'Clean Up', title: 'the network namespace is deleted', checks: ['cleanup-netns'] },
  { id: 'cleanup/step-4', name: 'Clean Up', title: 'the bundles are removed', checks: ['cleanup-bundles'] },
];

/** Every check a --check or --watch run can make: the scored grade checks, then the checklist's own. */
export const ALL_CHECK_INFO: readonly GradeCheckInfo[] = [...GRADE_CHECK_INFO, ...STEP_CHECK_INFO];

/** The section a step belongs to, as the checklist groups it: "exercise-1", …, "cleanup". */
export const sectionOf = (step: LabStep): string => step.id.split('/')[0] ?? step.id;

/**
 * Clean Up undoes Exercise 1 to 4: its steps pass exactly when the earlier ones fail. `--check` of a
 * cleanup step judges only what is left (a platform checks it after the student cleaned up); the live
 * checklist (`--watch`) shows Clean Up as "not yet" until it has seen every earlier step pass, and
 * after that keeps those steps as done rather than turning them red (helpers/grade/checklist.ts).
 */
export const isCleanup = (step: LabStep): boolean => sectionOf(step) === 'cleanup';

export function checkInfo(id: string): GradeCheckInfo {
  const info = ALL_CHECK_INFO.find((c) => c.id === id);
  if (info === undefined) throw new Error(`no grade check "${id}" in helpers/grade/catalog.ts`);
  return info;
}

/** The step a grade check belongs to (every check belongs to exactly one; a unit test holds it). */
export function stepOf(checkId: string): LabStep {
  const step = LAB_STEPS.find((s) => s.checks.includes(checkId));
  if (step === undefined) throw new Error(`grade check "${checkId}" belongs to no step in helpers/grade/catalog.ts`);
  return step;
}

/** Every id `--check` accepts: the steps, then the grade checks' own ids. */
export const CHECK_IDS: readonly string[] = [...LAB_STEPS.map((s) => s.id), ...ALL_CHECK_INFO.map((c) => c.id)];

/** One id as named on the command line, and the grade checks it stands for. */
export interface NamedCheck {
  readonly id: string;
  readonly title: string;
  readonly checks: readonly string[];
}

export interface CheckSelection {
  readonly named: readonly NamedCheck[];
  /** The grade checks to run, in the spec's order: the named ones and, transitively, what they need. */
  readonly run: readonly string[];
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = here;
    }
  }
  return row[b.length]!;
}

/** The valid id closest to a mistyped one. */
export function nearestCheckId(given: string): string {
  const g = given.toLowerCase();
  return [...CHECK_IDS].sort((x, y) => distance(g, x) - distance(g, y))[0] ?? CHECK_IDS[0]!;
}

/** `--check` ids → the named checks and everything they need; an unknown id is refused with the nearest valid one. */
export function selectChecks(ids: readonly string[]): CheckSelection {
  const named = ids.map((id): NamedCheck => {
    const step = LAB_STEPS.find((s) => s.id === id);
    if (step) return { id, title: step.title, checks: step.checks };
    const check = ALL_CHECK_INFO.find((c) => c.id === id);
    if (check) return { id, title: check.title, checks: [id] };
    throw new BadInputError(`--check "${id}" is no check id; did you mean ${nearestCheckId(id)}? (npm run grade -- --list-checks lists them all)`);
  });
  const wanted = new Set<string>();
  const add = (id: string): void => {
    if (wanted.has(id)) return;
    wanted.add(id);
    for (const n of checkInfo(id).needs) add(n);
  };
  for (const n of named) for (const c of n.checks) add(c);
  return { named, run: ALL_CHECK_INFO.map((c) => c.id).filter((id) => wanted.has(id)) };
}

/** `--list-checks`: every id with its title, steps first. */
export function listChecks(): string {
  const width = Math.max(...CHECK_IDS.map((id) => id.length));
  const steps = LAB_STEPS.map((s) => `  ${s.id.padEnd(width)}  ${s.title} (${s.checks.join(', ')})`);
  const checks = ALL_CHECK_INFO.map((c) => `  ${c.id.padEnd(width)}  ${c.title}${c.needs.length > 0 ? ` (needs ${c.needs.join(', ')})` : ''}`);
  return `Lesson steps (npm run grade -- --check ID checks one, with what it needs):\n${steps.join('\n')}\n\nGrade checks (also accepted by --check):\n${checks.join('\n')}\n`;
}
