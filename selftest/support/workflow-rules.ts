/**
 * What the CI workflow must do on a real GitHub runner (issue 13), as checks over its parsed
 * YAML. Each rule returns the problems it finds, named by the rule, so a selftest can show
 * that breaking the workflow in that one way is caught.
 */
export interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
export interface Job {
  name?: string;
  'runs-on'?: string;
  needs?: string | string[];
  if?: string;
  'timeout-minutes'?: number;
  permissions?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  env?: Record<string, string>;
  steps?: Step[];
}
export interface Workflow {
  env?: Record<string, string>;
  permissions?: Record<string, string> | string;
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean } | string;
  jobs: Record<string, Job>;
}

export type Rule =
  | 'permissions'
  | 'concurrency'
  | 'timeout'
  | 'npm-cache'
  | 'upload-if-no-files'
  | 'publish-requires-tests'
  | 'leak-check'
  | 'distro-matrix'
  | 'sharded-merge'
  | 'ubuntu-setup'
  | 'runner-pinned'
  | 'node-lts'
  | 'lesson-source'
  | 'runner-runtime';

export interface Problem {
  readonly rule: Rule;
  readonly text: string;
}

const steps = (j: Job): Step[] => j.steps ?? [];
const uses = (s: Step, action: string): boolean => (s.uses ?? '').split('@')[0] === action;
const runs = (s: Step, re: RegExp): boolean => re.test(s.run ?? '');
const PUBLISH = 'mikepenz/action-junit-report';
const FORK_GUARD = /github\.event\.pull_request\.head\.repo\.full_name\s*==\s*github\.repository/;
const TESTS = /\bnpm (test|run test:self)\b/;

export function workflowProblems(w: Workflow): Problem[] {
  const out: Problem[] = [];
  const add = (rule: Rule, text: string): void => void out.push({ rule, text });
  const jobs = Object.entries(w.jobs);

  // checks: write only where a check run is published; nothing broader at the top.
  const top = typeof w.permissions === 'object' ? w.permissions : undefined;
  if (!top || top.contents !== 'read' || Object.values(top).includes('write'))
    add('permissions', 'top-level permissions must be read-only (contents: read)');
  for (const [id, j] of jobs)
    if (steps(j).some((s) => uses(s, PUBLISH)) && j.permissions?.checks !== 'write')
      add('permissions', `job ${id} publishes JUnit without permissions: checks: write`);

  const c = typeof w.concurrency === 'object' ? w.concurrency : undefined;
  if (!c?.group || c['cancel-in-progress'] !== true) add('concurrency', 'concurrency needs a group and cancel-in-progress: true');

  for (const [id, j] of jobs) {
    const t = j['timeout-minutes'];
    if (typeof t !== 'number' || t <= 0 || t > 60) add('timeout', `job ${id} has no timeout-minutes (1-60)`);
    for (const s of steps(j)) {
      if (uses(s, 'actions/setup-node') && s.with?.cache !== 'npm') add('npm-cache', `job ${id}: setup-node without cache: npm`);
      if (uses(s, 'actions/upload-artifact') && s.with?.['if-no-files-found'] !== 'error')
        add('upload-if-no-files', `job ${id}: upload-artifact without if-no-files-found: error`);
      if (uses(s, PUBLISH)) {
        if (s.with?.require_tests !== true) add('publish-requires-tests', `job ${id}: ${PUBLISH} without require_tests: true`);
        if (!FORK_GUARD.test(s.if ?? ''))
          add('permissions', `job ${id}: publishing is not skipped for pull requests from forks (their token cannot write checks)`);
      }
    }
    // Every job that runs tests as root takes a leak baseline before and checks it after, even on failure.
    const st = steps(j);
    const testAt = st.findIndex((s) => runs(s, TESTS));
    if (testAt >= 0) {
      const before = st.findIndex((s) => runs(s, /\.ci\/leaks\.sh/));
      const after = st.findIndex((s) => runs(s, /\.ci\/leak-check\.sh/));
      if (before < 0 || before > testAt || after < testAt || !/cancelled\(\)|always\(\)/.test(st[after]?.if ?? ''))
        add('leak-check', `job ${id} runs tests without a leak baseline before and a leak check after (if: !cancelled())`);
    }
  }

  const containerJobs = jobs.filter(([, j]) => steps(j).some((s) => runs(s, /--target container/)));
  if (containerJobs.length === 0) add('distro-matrix', 'no job runs the container target');
  for (const [id, j] of containerJobs) {
    const matrix = j.strategy?.matrix ?? {};
    const distros = matrix.distro;
    if (!Array.isArray(distros) || [...distros].sort().join(',') !== 'bookworm,sid,trixie')
      add('distro-matrix', `job ${id}: matrix.distro must be [bookworm, trixie, sid]`);
    const include = Array.isArray(matrix.include) ? (matrix.include as Array<Record<string, unknown>>) : [];
    if (
      !include.some((c) => c.distro === 'sid' && c.runtime === 'crun') ||
      !runs(steps(j).find((s) => runs(s, /--target container/)) ?? {}, /--runtime \$\{\{ matrix\.runtime \}\}/)
    )
      add('distro-matrix', `job ${id}: the container target must also run sid with crun (matrix include, --runtime \${{ matrix.runtime }})`);
    const image = steps(j).find((s) => runs(s, /npm run image/));
    const test = steps(j).find((s) => runs(s, /--target container/));
    if (!runs(image ?? {}, /--distro \$\{\{ matrix\.distro \}\}/) || !runs(test ?? {}, /--distro \$\{\{ matrix\.distro \}\}/))
      add('distro-matrix', `job ${id}: npm run image and npm test must both take --distro \${{ matrix.distro }}`);
  }

  const sharded = jobs.filter(([, j]) => steps(j).some((s) => runs(s, /--shard \$\{\{ matrix\.shard \}\}\/\d+/)));
  if (sharded.length === 0) add('sharded-merge', 'no job runs npm test -- --shard ${{ matrix.shard }}/N');
  for (const [id, j] of sharded) {
    const n = Number(/--shard \$\{\{ matrix\.shard \}\}\/(\d+)/.exec(steps(j).find((s) => runs(s, /--shard/))?.run ?? '')?.[1]);
    const shards = j.strategy?.matrix?.shard;
    if (!Array.isArray(shards) || shards.join(',') !== Array.from({ length: n }, (_, i) => i + 1).join(','))
      add('sharded-merge', `job ${id}: matrix.shard must be 1..${n} to match --shard i/${n}`);
    if (!steps(j).some((s) => uses(s, 'actions/upload-artifact') && String(s.with?.path ?? '').startsWith('reports/shards')))
      add('sharded-merge', `job ${id}: the shard's reports/shards/ is not uploaded`);
    const merge = jobs.find(([, m]) => [m.needs ?? []].flat().includes(id) && steps(m).some((s) => runs(s, /npm run merge-reports/)));
    if (!merge) add('sharded-merge', `no job needs ${id} and runs npm run merge-reports`);
    else {
      const [mid, m] = merge;
      if (!steps(m).some((s) => uses(s, 'actions/download-artifact'))) add('sharded-merge', `job ${mid} does not download the shards`);
      if (!steps(m).some((s) => uses(s, PUBLISH))) add('sharded-merge', `job ${mid} does not publish the merged report`);
      if (!/cancelled\(\)|always\(\)/.test(m.if ?? '')) add('sharded-merge', `job ${mid} must run even when a shard failed (if: !cancelled())`);
    }
  }

  for (const [id, j] of jobs) {
    for (const s of steps(j)) {
      if (runs(s, /apt(-get)?\s+(remove|purge|autoremove)|apt(-get)?\s+install[^\n]*\brunc\b/))
        add('ubuntu-setup', `job ${id}: installs Debian's runc or removes packages (Docker, containerd.io) itself`);
    }
    if (!String(j['runs-on'] ?? '').startsWith('ubuntu')) add('ubuntu-setup', `job ${id} does not run on an ubuntu runner`);
    // ubuntu-latest moves under a course mid-term; a pinned release changes only when we change it.
    if (!/^ubuntu-\d+\.\d+$/.test(String(j['runs-on'] ?? '')))
      add('runner-pinned', `job ${id}: runs-on must name a release (ubuntu-24.04), not ${j['runs-on'] ?? 'nothing'}`);
    for (const s of steps(j)) {
      const v = Number(s.with?.['node-version']);
      if (uses(s, 'actions/setup-node') && !(v >= 22 && v % 2 === 0))
        add('node-lts', `job ${id}: node-version ${String(s.with?.['node-version'])} is not a current LTS (22 or later, even)`);
    }
  }

  // The selftest needs no lesson document; the run that does checks it out beside the clone.
  const lessonJobs = jobs.filter(([, j]) => steps(j).some((s) => runs(s, /test:self:lesson|--lesson /)));
  if (lessonJobs.length === 0) add('lesson-source', 'no job runs the annotated lesson against the course document (npm run test:self:lesson)');
  for (const [id, j] of lessonJobs) {
    const source = steps(j).find((s) => uses(s, 'actions/checkout') && s.with?.repository !== undefined);
    if (!source || String(source.with?.path ?? '') !== 'shared' || !/LESSON_REPOSITORY/.test(String(source.with?.repository)))
      add(
        'lesson-source',
        `job ${id}: the lesson document must come from the course repository (LESSON_REPOSITORY), checked out as shared/ beside the clone`,
      );
  }
  for (const [id, j] of jobs) {
    if (steps(j).some((s) => runs(s, /test:self\b(?!:)/)) && steps(j).some((s) => uses(s, 'actions/checkout') && s.with?.repository !== undefined))
      add('lesson-source', `job ${id}: the selftest must not depend on the course document`);
  }

  // Some job verifies the runtime the runner itself has (GitHub's runners carry containerd.io's runc).
  if (!jobs.some(([, j]) => steps(j).some((s) => runs(s, /^runc --version/)) && steps(j).some((s) => runs(s, /npm test -- --runtime runc/))))
    add('runner-runtime', "no job runs the suite under the runner's own runc and records its version");
  return out;
}
