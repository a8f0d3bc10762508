import { BadInputError } from '../../helpers/errors.js';
import { parseTargetKind } from '../../helpers/targets/index.js';
import type { TargetKind } from '../../helpers/targets/types.js';

/** What `npm test -- …` accepts on top of vitest's own options. */
export interface TestCli {
  readonly grep: string | undefined;
  readonly target: TargetKind;
  readonly junit: string | undefined;
  /** An OCI runtime binary to verify instead of `runc` from PATH (sandbox target). */
  readonly runtime: string | undefined;
  /** `existing`: grade the lab already on this machine (npm run grade) instead of building labs. */
  readonly lab: 'build' | 'existing';
  /** Everything else goes to vitest unchanged. */
  readonly passthrough: readonly string[];
}

const OWN = new Set(['--grep', '-g', '--target', '--junit', '--lab', '--runtime']);

function takeValue(argv: readonly string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new BadInputError(`${flag} needs a value`);
  return v;
}

export function parseTestArgs(argv: readonly string[]): TestCli {
  const values = new Map<string, string>();
  const passthrough: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!OWN.has(flag)) {
      passthrough.push(arg);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : takeValue(argv, i++, flag);
    values.set(flag === '-g' ? '--grep' : flag, value);
  }
  const grep = values.get('--grep');
  if (grep !== undefined) {
    try {
      new RegExp(grep);
    } catch {
      throw new BadInputError(`--grep "${grep}" is not a valid regular expression`);
    }
  }
  const lab = values.get('--lab') ?? 'build';
  if (lab !== 'build' && lab !== 'existing') throw new BadInputError(`--lab "${lab}" must be "build" (default) or "existing"`);
  return { grep, target: parseTargetKind(values.get('--target')), junit: values.get('--junit'), lab, runtime: values.get('--runtime'), passthrough };
}

/** mocha's --grep is a regex over the full test name; vitest's -t is the same idea. */
export function toVitestArgs(cli: TestCli): string[] {
  return ['run', ...(cli.grep !== undefined ? ['--testNamePattern', cli.grep] : []), ...cli.passthrough];
}
