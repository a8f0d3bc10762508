import { execa } from 'execa';
import { chalk } from 'zx';
import { BadInputError } from '../../helpers/errors.js';

export const isRoot = (): boolean => process.getuid?.() === 0;

/** True when sudo can run without asking for a password (a lab VM or CI runner). */
export async function passwordlessSudo(sudo = 'sudo'): Promise<boolean> {
  const r = await execa(sudo, ['-n', 'true'], { reject: false, stdio: 'ignore' });
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

/**
 * Anything a command throws that is not bad input is the harness breaking: one `error:` line that
 * says so (exit 3, as a harness fault inside vitest), then the stack for a bug report, never a
 * bare Node.js trace that looks like the student's mistake.
 */
export function exitOnHarnessCrash(command: string): void {
  const crash = (e: unknown): void => {
    if (e instanceof BadInputError) fail(e.message, `${command} -- --help lists the options`);
    const err = e instanceof Error ? e : new Error(String(e));
    const line = `${err.name}: ${err.message}`.replace(/\s+/g, ' ').trim();
    process.stderr.write(
      `${chalk.red('error:')} ${command} itself broke (a harness fault, not a lesson verdict): ${line.length > 300 ? `${line.slice(0, 299)}…` : line}\n`,
    );
    process.stderr.write(`${chalk.yellow('next:')}  run it again; if it repeats, report it with the stack below\n${chalk.dim(err.stack ?? '')}\n`);
    process.exit(3);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}

/** Runs argv with the terminal attached and returns its exit code. */
export async function runInteractive(argv: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<number> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('empty argv');
  const r = await execa(file, args, { stdio: 'inherit', reject: false, env: { ...process.env, ...env }, cwd });
  return r.exitCode ?? 1;
}
