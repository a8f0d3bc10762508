import { execa } from 'execa';
import { chalk } from 'zx';
import { BadInputError } from '../../helpers/errors.js';

export const isRoot = (): boolean => process.getuid?.() === 0;

/** True when sudo can run without asking for a password (a lab VM or CI runner). */
export async function passwordlessSudo(): Promise<boolean> {
  const r = await execa('sudo', ['-n', 'true'], { reject: false, stdio: 'ignore' });
  return r.exitCode === 0;
}

/** The one way a script refuses: `error:` and `next:` lines on stderr, exit 2, nothing created. */
export function fail(what: string, next: string, code = 2): never {
  process.stderr.write(`${chalk.red('error:')} ${what}\n${chalk.yellow('next:')}  ${next}\n`);
  process.exit(code);
}

/** Runs a parser; bad input becomes `fail`, anything else is a harness bug and propagates. */
export function parseOrFail<T>(parse: () => T, next: string): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof BadInputError) fail(e.message, next);
    throw e;
  }
}

/** Runs argv with the terminal attached and returns its exit code. */
export async function runInteractive(argv: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<number> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('empty argv');
  const r = await execa(file, args, { stdio: 'inherit', reject: false, env: { ...process.env, ...env }, cwd });
  return r.exitCode ?? 1;
}
