import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { lintWorkflow } from '../scripts/lib/actionlint.js';
import { aptInstallArgv, DEBIAN_PACKAGES, packagesToInstall } from '../scripts/lib/packages.js';
import { workflowProblems, type Job, type Rule, type Step, type Workflow } from './support/workflow-rules.js';

const PATH = '.github/workflows/ci.yml';
const text = readFileSync(PATH, 'utf8');
const workflow = (): Workflow => parse(text) as Workflow;

describe('GitHub Actions workflow', () => {
  test('the repository workflow passes actionlint', async () => {
    expect(await lintWorkflow(text, PATH)).toEqual([]);
  });
  test('actionlint does catch a broken workflow (so the check above can fail)', async () => {
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n';
    expect((await lintWorkflow(broken, 'broken.yml')).length).toBeGreaterThan(0);
  });
  test('it does everything issues 13 and 18 ask of a workflow on real runners', () => {
    expect(workflowProblems(workflow())).toEqual([]);
  });
});

/** Changes every step (or job) the predicate picks; the rest of the workflow stays as it is. */
function mutate(edit: (w: { -readonly [K in keyof Workflow]: Workflow[K] }) => void): Workflow {
  const w = workflow();
  edit(w);
  return w;
}
const eachStep = (w: Workflow, f: (s: Step & Record<string, unknown>, j: Job) => void): void => {
  for (const j of Object.values(w.jobs)) for (const s of j.steps ?? []) f(s as Step & Record<string, unknown>, j);
};
const jobWith = (w: Workflow, re: RegExp): Job & Record<string, unknown> =>
  Object.values(w.jobs).find((j) => (j.steps ?? []).some((s) => re.test(s.run ?? ''))) as Job & Record<string, unknown>;

describe('each workflow rule can fail: breaking the workflow that one way is caught', () => {
  const cases: Array<[Rule, string, () => Workflow]> = [
    [
      'permissions',
      'checks: write removed from a publishing job',
      () => mutate((w) => void delete (jobWith(w, /--target container/).permissions as Record<string, string>).checks),
    ],
    ['permissions', 'write-all at the top', () => mutate((w) => (w.permissions = { contents: 'write' }))],
    [
      'permissions',
      'no fork guard on publishing',
      () => mutate((w) => eachStep(w, (s) => void (s.uses?.startsWith('mikepenz/') && (s.if = '${{ !cancelled() }}')))),
    ],
    ['concurrency', 'no concurrency', () => mutate((w) => void delete (w as Record<string, unknown>).concurrency)],
    ['timeout', 'a job without timeout-minutes', () => mutate((w) => void delete jobWith(w, /--shard/)['timeout-minutes'])],
    [
      'npm-cache',
      'setup-node without cache',
      () => mutate((w) => eachStep(w, (s) => void (s.uses?.startsWith('actions/setup-node') && delete s.with?.cache))),
    ],
    [
      'upload-if-no-files',
      'an upload that may find nothing',
      () => mutate((w) => eachStep(w, (s) => void (s.uses?.startsWith('actions/upload-artifact') && delete s.with?.['if-no-files-found']))),
    ],
    [
      'publish-requires-tests',
      'publishing that accepts zero tests',
      () => mutate((w) => eachStep(w, (s) => void (s.uses?.startsWith('mikepenz/') && delete s.with?.require_tests))),
    ],
    [
      'leak-check',
      'no leak check after the container suite',
      () =>
        mutate((w) => {
          const j = jobWith(w, /--target container/);
          j.steps = j.steps?.filter((s) => !/leak-check/.test(s.run ?? ''));
        }),
    ],
    [
      'distro-matrix',
      'bookworm only',
      () =>
        mutate((w) => {
          const j = jobWith(w, /--target container/);
          (j.strategy!.matrix as Record<string, unknown>).distro = ['bookworm'];
        }),
    ],
    [
      'distro-matrix',
      'no sid with crun',
      () => mutate((w) => void delete (jobWith(w, /--target container/).strategy!.matrix as Record<string, unknown>).include),
    ],
    ['runner-pinned', 'ubuntu-latest', () => mutate((w) => void (jobWith(w, /--shard/)['runs-on'] = 'ubuntu-latest'))],
    [
      'node-lts',
      'Node 20 (end of life)',
      () => mutate((w) => eachStep(w, (s) => void (s.uses?.startsWith('actions/setup-node') && s.with && (s.with['node-version'] = 20)))),
    ],
    [
      'lesson-source',
      'no checkout of the course document',
      () =>
        mutate((w) => {
          const j = jobWith(w, /test:self:lesson/);
          j.steps = j.steps?.filter((s) => (s.with as Record<string, unknown> | undefined)?.repository === undefined);
        }),
    ],
    [
      'lesson-source',
      'no annotated-lesson job at all',
      () =>
        mutate((w) => {
          for (const [id, j] of Object.entries(w.jobs)) if ((j.steps ?? []).some((s) => /test:self:lesson/.test(s.run ?? ''))) delete w.jobs[id];
        }),
    ],
    [
      'runner-runtime',
      "the runner's runc never named",
      () => mutate((w) => eachStep(w, (s) => void (s.run !== undefined && /^runc --version/.test(s.run) && (s.run = 'true')))),
    ],
    [
      'sharded-merge',
      'no merge job',
      () =>
        mutate((w) => {
          for (const [id, j] of Object.entries(w.jobs)) if ((j.steps ?? []).some((s) => /merge-reports/.test(s.run ?? ''))) delete w.jobs[id];
        }),
    ],
    [
      'sharded-merge',
      'a shard missing from the matrix',
      () => mutate((w) => void ((jobWith(w, /--shard/).strategy!.matrix as Record<string, unknown>).shard = [1])),
    ],
    [
      'ubuntu-setup',
      "installing Debian's runc by hand",
      () => mutate((w) => jobWith(w, /--shard/).steps?.unshift({ run: 'sudo apt-get install -y runc' })),
    ],
    [
      'ubuntu-setup',
      'removing Docker',
      () => mutate((w) => jobWith(w, /--shard/).steps?.unshift({ run: 'sudo apt-get remove -y containerd.io docker-ce' })),
    ],
  ];
  test.each(cases)('%s: %s', (rule, _what, broken) => {
    expect(workflowProblems(broken()).map((p) => p.rule)).toContain(rule);
  });
});

describe("npm run setup on a runner with Docker's containerd.io", () => {
  test("keeps containerd.io's runc (Debian's runc would remove Docker) and installs everything else", () => {
    expect(packagesToInstall(true)).toEqual(DEBIAN_PACKAGES.filter((p) => p !== 'runc'));
    expect(packagesToInstall(false)).toEqual([...DEBIAN_PACKAGES]);
  });
  test('apt never removes a package to make room', () => {
    expect(aptInstallArgv(['jq'])).toContain('--no-remove');
  });
});
