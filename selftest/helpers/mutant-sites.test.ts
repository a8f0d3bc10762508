import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { cgroupNamedFor } from '../../helpers/oci/evidence.js';
import { findSites, mutableFiles, sample, shard } from '../support/mutant-sites.js';

const SPEC = `import { check, describe, test } from "../fixtures/index.js";
async function helper(lesson) {
  check(lesson, a === 1, { id: 'demo/in-helper', expected: \`a is \${1}, really\`, seen: 'x', next: 'n' });
}
describe('demo', () => {
  test('first: one', async ({ lesson }) => {
    check(lesson, f(1, [2, 3]) && "(" !== ')', { id: 'demo/direct', expected: 'first check', seen: 's', next: 'n' });
    await helper(lesson);
  });
  for (const k of ['a', 'b']) {
    test(\`looped \${k} test\`, async ({ lesson }) => {
      check(lesson, k !== 'c', { id: 'demo/looped', expected: 'looped', seen: k, next: 'n' });
    });
  }
  test('other', async ({ lesson }) => { await proof({ lesson }); });
});
`;
const PROOFS = `export async function proof(cx) {
  check(cx.lesson, false, { id: 'proofs/shared', expected: 'shared proof', seen: '', next: 'n' });
}
`;
const LISTED = [
  ['first: one', 'demo/first'],
  ['looped a test', 'demo/looped-a'],
  ['looped b test', 'demo/looped-b'],
  ['other', 'demo/other'],
].map(([t, id]) => ({ name: `demo > ${t}`, file: '/repo/specs/demo.spec.ts', id }));
const read = (f: string): string => (f === 'specs/demo.spec.ts' ? SPEC : PROOFS);

describe('the mutation run finds every check with the tests that reach it', () => {
  const sites = findSites(['specs/demo.spec.ts', 'fixtures/proofs.ts'], LISTED, read);
  const byId = new Map(sites.map((s) => [s.id, s] as const));

  test('a check in a test belongs to that test (named by its id); its condition is exactly the second argument', () => {
    const s = byId.get('demo/direct');
    expect(s?.tests).toEqual(['demo/first']);
    expect(s?.condition).toBe(`f(1, [2, 3]) && "(" !== ')'`);
    expect(SPEC.slice(s?.start, s?.end)).toBe(s?.condition);
    expect(s?.line).toBe(7);
  });

  test('a check in a helper belongs to the tests that call it; a templated title matches each test it makes', () => {
    expect(byId.get('demo/in-helper')?.tests).toEqual(['demo/first']);
    expect(byId.get('demo/in-helper')?.expected).toEqual([', really']); // parts under 6 characters aim at nothing
    expect(byId.get('demo/looped')?.tests).toEqual(['demo/looped-a', 'demo/looped-b']);
    expect(byId.get('proofs/shared')?.tests).toEqual(['demo/other']);
  });

  test('a check without an id, or an id used twice, stops the run', () => {
    expect(() => findSites(['specs/demo.spec.ts'], LISTED, () => SPEC.replace("id: 'demo/looped', ", ''))).toThrow(/without an id/);
    expect(() => findSites(['specs/demo.spec.ts'], LISTED, () => SPEC.replace("'demo/looped'", "'demo/direct'"))).toThrow(/used twice/);
  });

  test('the real specs: every check has a unique id and at least one test reaches it', () => {
    const list = mutableFiles().flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const section = /describe\('([\w-]+)'/.exec(text)?.[1] ?? '';
      // Titles as written stand for the listed names here; templated ones become their pattern's text.
      return [...text.matchAll(/\btest\(\s*(['"`])((?:\\.|(?!\1).)*)\1/g)].map((m) => {
        const name = `${section} > ${(m[2] ?? '').replace(/\$\{[^}]*\}/g, 'X')}`;
        return { name, file, id: name };
      });
    });
    const real = findSites(mutableFiles(), list);
    expect(real.length).toBeGreaterThan(100);
    expect(real.filter((s) => s.tests.length === 0).map((s) => s.id)).toEqual([]);
  });
});

describe('sampling and sharding are deterministic', () => {
  const items = Array.from({ length: 50 }, (_, i) => ({ id: `s/${String(i).padStart(2, '0')}` }));
  test('the same seed draws the same sample, another seed another one', () => {
    expect(sample(items, 20, 7)).toEqual(sample(items, 20, 7));
    expect(sample(items, 20, 7)).not.toEqual(sample(items, 20, 8));
    expect(sample(items, 20, 7)).toHaveLength(20);
    expect(new Set(sample(items, 20, 7).map((i) => i.id)).size).toBe(20);
    expect(sample(items, 99, 1)).toHaveLength(50);
  });
  test('shards split the sites without overlap', () => {
    const parts = [1, 2, 3].map((i) => shard(items, i, 3));
    expect(
      parts
        .flat()
        .map((i) => i.id)
        .sort(),
    ).toEqual(items.map((i) => i.id));
  });
});

describe('container identity by cgroup membership', () => {
  test("a runtime's own cgroup for the container is recognised by its leaf, v1 and v2 and systemd", () => {
    expect(cgroupNamedFor(['/', '/process_api/abc/netns-test'], 'netns-test')).toBe('/process_api/abc/netns-test');
    expect(cgroupNamedFor(['/system.slice/runc-netns-test.scope'], 'netns-test')).toBe('/system.slice/runc-netns-test.scope');
    expect(cgroupNamedFor(['/user.slice/netns-test-2'], 'netns-test')).toBeUndefined();
    expect(cgroupNamedFor(['/'], 'netns-test')).toBeUndefined();
  });
});
