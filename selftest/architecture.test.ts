import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, test } from 'vitest';

/** The layers ARCHITECTURE.md describes, checked on the source itself. */
const ROOTS = ['specs', 'fixtures', 'helpers', 'scripts', 'bench', 'selftest'];

function files(dir: string, ext = /\.ts$/): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p, ext) : ext.test(n) ? [p] : [];
  });
}

const sources = ROOTS.flatMap((r) => files(r)).concat(['vitest.config.ts', 'vitest.self.config.ts']);

/** Relative imports of a file, resolved to repository paths (.js specifiers name .ts files). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)'(\.\.?\/[^']+)'/g)].map((m) => m[1] ?? '');
  return specs.map((s) => normalize(join(dirname(file), s)).replace(/\.js$/, '.ts'));
}

const graph = new Map(sources.map((f) => [f, importsOf(f)]));
const layer = (f: string): string => f.split('/')[0] ?? f;

/** Every cycle reachable in an import graph, as "a -> b -> a". */
function findCycles(g: ReadonlyMap<string, readonly string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (f: string, path: string[]): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') {
      cycles.push([...path.slice(path.indexOf(f)), f].join(' -> '));
      return;
    }
    state.set(f, 'open');
    for (const d of g.get(f) ?? []) visit(d, [...path, f]);
    state.set(f, 'done');
  };
  for (const f of g.keys()) visit(f, []);
  return cycles;
}

function violations(from: (f: string) => boolean, to: (f: string) => boolean): string[] {
  return [...graph].flatMap(([f, deps]) => (from(f) ? deps.filter(to).map((d) => `${f} -> ${d}`) : []));
}

describe('import layers: specs → fixtures → helpers', () => {
  test('helpers import nothing from fixtures, specs, scripts, selftest or bench', () => {
    expect(
      violations(
        (f) => layer(f) === 'helpers',
        (d) => ['fixtures', 'specs', 'scripts', 'selftest', 'bench'].includes(layer(d)),
      ),
    ).toEqual([]);
  });
  test('fixtures import only helpers (and each other)', () => {
    expect(
      violations(
        (f) => layer(f) === 'fixtures',
        (d) => !['helpers', 'fixtures'].includes(layer(d)),
      ),
    ).toEqual([]);
  });
  test('specs import only fixtures and helpers', () => {
    expect(
      violations(
        (f) => layer(f) === 'specs',
        (d) => !['helpers', 'fixtures'].includes(layer(d)),
      ),
    ).toEqual([]);
  });
  test('the Target seam imports nothing from grading', () => {
    expect(
      violations(
        (f) => f.startsWith('helpers/targets/'),
        (d) => d.startsWith('helpers/grade/'),
      ),
    ).toEqual([]);
  });
  test('no import cycles', () => {
    expect(findCycles(graph)).toEqual([]);
  });
  test('the cycle check can fail: a cycle planted in a copy of the graph is found', () => {
    const planted = new Map(graph);
    planted.set('helpers/lesson/lab.ts', [...(graph.get('helpers/lesson/lab.ts') ?? []), 'helpers/lesson/breakage.ts']);
    const cycles = findCycles(planted);
    expect(cycles.some((c) => c.includes('helpers/lesson/lab.ts -> helpers/lesson/breakage.ts'))).toBe(true);
  });
});

describe('folders that explain themselves', () => {
  test('helpers/ has at most 8 loose files; the rest is grouped by subject', () => {
    const loose = readdirSync('helpers').filter((n) => n.endsWith('.ts'));
    expect(loose.length, loose.join(', ')).toBeLessThanOrEqual(8);
  });
  test('every import resolves to a file that exists', () => {
    // A data file (the lesson's facts.json) is imported as JSON: it must exist too.
    const missing = [...graph].flatMap(([f, deps]) =>
      deps.filter((d) => !sources.includes(d) && !d.startsWith('node_modules') && !(d.endsWith('.json') && existsSync(d))).map((d) => `${f} -> ${d}`),
    );
    expect(missing).toEqual([]);
  });
});

describe('configuration flows one way', () => {
  const all = [...sources, ...files('selftest/fakes', /.*/), ...files('fixtures', /\.sh$/), '.ci/run'];
  test('LESSON06_* environment variables appear only in the run-configuration module', () => {
    const users = all.filter(
      (f) => f !== 'helpers/run-config.ts' && f !== 'selftest/architecture.test.ts' && /LESSON06_[A-Z]/.test(readFileSync(f, 'utf8')),
    );
    expect(users).toEqual([]);
  });
  test('nothing in helpers, fixtures or specs writes process.env', () => {
    const writers = sources
      .filter((f) => ['helpers', 'fixtures', 'specs'].includes(layer(f)))
      .filter((f) => /process\.env(\.\w+|\[[^\]]+\])\s*(\?\?|\|\||&&)?=(?!=)/.test(readFileSync(f, 'utf8')));
    expect(writers).toEqual([]);
  });
  test('process.env is read only at the process boundary (run-config, scripts, vitest.config)', () => {
    const readers = sources
      .filter((f) => ['helpers', 'fixtures', 'specs'].includes(layer(f)) && f !== 'helpers/run-config.ts')
      .filter((f) => /process\.env\b/.test(readFileSync(f, 'utf8')));
    expect(readers.map((f) => relative('.', f))).toEqual([]);
  });
});

/**
 * What a target does lives in its provider (helpers/targets/providers.ts); everything else asks
 * `providerFor(config.target)`. A comparison of a target kind (`target === 'container'`,
 * `t.kind !== 'host'`, `case 'sandbox':`) or a `switch` on a target anywhere else is a branch the
 * next target would have to find. The `--target` parser (scripts/cli/test-args.ts) names kinds
 * only in its choices (`SUITE_TARGETS`) and compares only the raw flag text (`targetText`), which
 * is parsing, not behaviour: those forms are not matched here.
 */
const PROVIDER_MODULES = ['helpers/targets/providers.ts'];
/** This file plants violations in strings to prove the rules can fail. */
const SELF = 'selftest/architecture.test.ts';
const KIND = `['"\`](?:sandbox|container|host)['"\`]`;
const KIND_BRANCHES = [
  new RegExp(`(?:\\btarget|\\bkind)\\s*[!=]==?\\s*${KIND}`),
  new RegExp(`${KIND}\\s*[!=]==?\\s*[\\w.?]*\\b(?:target|kind)\\b(?!Text)`),
  new RegExp(`\\bcase\\s+${KIND}\\s*:`),
  // A switch on any other `.kind` (a channel's answers, a mark) is not one on a target; its cases would be.
  /\bswitch\s*\([^)]*\btarget(?:\.kind)?\s*\)/,
  /Record<TargetKind\b/,
];
const kindBranches = (file: string, text: string): string[] =>
  PROVIDER_MODULES.includes(file) || file === SELF
    ? []
    : text.split('\n').flatMap((line, i) => (KIND_BRANCHES.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : []));

/**
 * The Docker engine is reached through helpers/targets/docker.ts alone: no other module names the
 * `docker` client as a program (a quoted "docker" word is the argv[0] of every way to run it) or
 * imports testcontainers, which only the lab container module may load (lazily, for the container
 * target).
 */
const DOCKER_SEAM = 'helpers/targets/docker.ts';
const TESTCONTAINERS_MODULE = 'helpers/targets/lab-container.ts';
function engineBypasses(file: string, text: string): string[] {
  const found: string[] = [];
  if (file === SELF) return found;
  if (file !== DOCKER_SEAM && /(['"`])docker\1/.test(text)) found.push(`${file}: runs the docker client itself`);
  if (file !== TESTCONTAINERS_MODULE && /(?:from\s+|import\s*\(\s*)['"]testcontainers['"]/.test(text)) found.push(`${file}: imports testcontainers`);
  return found;
}

describe('one provider per target, one seam to the Docker engine', () => {
  test('no module but the providers compares a target kind', () => {
    expect(sources.flatMap((f) => kindBranches(f, readFileSync(f, 'utf8')))).toEqual([]);
  });
  test('the kind rule can fail: each planted branch is found, the parser parsing its flag is not', () => {
    const planted = [
      "if (config.target === 'container') return use(undefined);",
      "const x = t.kind !== 'host' ? a : b;",
      "    case 'sandbox':",
      'switch (config.target) {',
      "if ('sandbox' === cx.target.kind) {}",
      'const m: Record<TargetKind, string> = {};',
    ];
    expect(planted.map((line) => kindBranches('fixtures/index.ts', line).length)).toEqual(planted.map(() => 1));
    expect(kindBranches('helpers/targets/providers.ts', planted[0] ?? '')).toEqual([]);
    expect(kindBranches('scripts/cli/test-args.ts', "if (targetText === 'host') throw new BadInputError('…');")).toEqual([]);
  });
  test('only docker.ts runs the docker client, only lab-container.ts imports testcontainers', () => {
    expect(sources.flatMap((f) => engineBypasses(f, readFileSync(f, 'utf8')))).toEqual([]);
  });
  test('the Docker rule can fail: a planted docker argv and testcontainers import are found', () => {
    expect(engineBypasses('scripts/lib/launch.ts', "runArgv(['docker', 'run', image])")).toHaveLength(1);
    expect(engineBypasses('helpers/targets/container.ts', "import type { StartedTestContainer } from 'testcontainers';")).toHaveLength(1);
    expect(engineBypasses('helpers/targets/container.ts', "const { GenericContainer } = await import('testcontainers');")).toHaveLength(1);
    expect(engineBypasses(DOCKER_SEAM, "runArgv(['docker', 'ps'])")).toEqual([]);
  });
});

/**
 * vitest bundles vitest.config.ts with every module it reaches and hoists the package imports of
 * each to the bundle's top, dynamic imports included: a dynamic import of lab-container.ts by a literal
 * anywhere in that graph made vitest's main process load testcontainers in every run, sandbox
 * target too. Bundled here the way vite bundles a config (loadConfigFromFile lists the bundle's modules).
 */
describe("vitest's config bundle leaves the container target's modules out", () => {
  const CONTAINER_ONLY = ['helpers/targets/lab-container.ts', 'helpers/targets/container.ts'];
  const bundled = async (configFile: string): Promise<string[]> => {
    const { loadConfigFromFile } = await import('vite');
    const loaded = await loadConfigFromFile({ command: 'serve', mode: 'test' }, configFile, process.cwd(), 'silent');
    return (loaded?.dependencies ?? []).map((d) => relative(process.cwd(), d));
  };
  test('vitest.config.ts bundles none of them, nor the reporters it names by path', async () => {
    const modules = await bundled('vitest.config.ts');
    expect(modules).toContain('helpers/run-config.ts');
    const reporters = ['helpers/report/junit-reporter.ts', 'helpers/report/lesson-reporter.ts', 'helpers/report/grade-reporter.ts'];
    expect(modules.filter((m) => [...CONTAINER_ONLY, ...reporters].includes(m))).toEqual([]);
  });
  test('providers.ts, bundled as a config importing it would be, leaves them out too: its lazy imports are not literal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lesson06-config-bundle-'));
    try {
      const file = join(dir, 'providers.config.mjs');
      writeFileSync(
        file,
        `import * as providers from ${JSON.stringify(join(process.cwd(), 'helpers/targets/providers.ts'))};\nexport default { providers };\n`,
      );
      const modules = await bundled(file);
      expect(modules).toContain('helpers/targets/sandbox.ts');
      expect(modules.filter((m) => CONTAINER_ONLY.includes(m))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  test('the rule can fail: a config with a literal dynamic import of the lab container module bundles it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lesson06-config-bundle-'));
    try {
      const file = join(dir, 'planted.config.mjs');
      writeFileSync(file, `export default { lazily: () => import(${JSON.stringify(join(process.cwd(), CONTAINER_ONLY[0] ?? ''))}) };\n`);
      expect(await bundled(file)).toContain(CONTAINER_ONLY[0]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('every lesson test names itself', () => {
  /** Each `test(` call of a spec with what follows its title: `testId(` when the id is declared beside it. */
  const declarations = (text: string): string[] =>
    [...text.matchAll(/(?<![.\w])test\(\s*(['"`])(?:\\.|(?!\1)[\s\S])*\1\s*,\s*(\w+\(?)/g)].map((m) => m[2] ?? '');
  test("every test(…) of the lesson specs has testId('<section>/<slug>') as its options (test-ids.test.ts checks them unique)", () => {
    const specs = files('specs').filter((f) => f.endsWith('.spec.ts') && !/\/grade(-steps)?\.spec\.ts$/.test(f));
    const found = specs.flatMap((f) => declarations(readFileSync(f, 'utf8')).map((next) => `${f}: ${next}`));
    expect(found.length).toBeGreaterThan(70);
    expect(found.filter((d) => !d.endsWith(': testId('))).toEqual([]);
    expect(specs.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/(?<![.\w])test\(/g)]).length).toBe(found.length);
  });
  test('the check sees a test without one', () => {
    expect(declarations("test('a', testId('s/a'), async () => {});\ntest(`b ${x}`, async () => {});")).toEqual(['testId(', 'async']);
  });
});

describe('the kernel proofs take the cx fixture', () => {
  /** A spec that builds `{ lesson, target, runc, plan }` by hand for a proof duplicates the fixture (fixtures/index.ts `cx`). */
  const handBuilt = (text: string): boolean => /\{\s*lesson,\s*target,\s*runc,\s*plan\s*\}(?!\s*=)/.test(text);
  test('no spec builds the proof context by hand', () => {
    expect(files('specs').filter((f) => handBuilt(readFileSync(f, 'utf8')))).toEqual([]);
  });
  test('the rule can fail: a hand-built context is found, destructuring the fixture is not', () => {
    expect(handBuilt('const cx = { lesson, target, runc, plan };')).toBe(true);
    expect(handBuilt('const { lesson, target, runc, plan } = cx;')).toBe(false);
  });
});
