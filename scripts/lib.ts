import { execa } from 'execa';
import { chalk } from 'zx';

export const isRoot = (): boolean => process.getuid?.() === 0;

/** True when sudo can run without asking for a password (a lab VM or CI runner). */
export async function passwordlessSudo(): Promise<boolean> {
  const r = await execa('sudo', ['-n', 'true'], { reject: false, stdio: 'ignore' });
  return r.exitCode === 0;
}

/** argv prefixed with `sudo -n` when not root; the same argv when root. */
export async function privileged(argv: readonly string[]): Promise<string[]> {
  if (isRoot()) return [...argv];
  if (await passwordlessSudo()) return ['sudo', '-n', '--preserve-env=PATH,CI,LESSON06_TARGET,LESSON06_JUNIT,LESSON06_RUN_ID,LESSON06_GRADE_PLAN,LESSON06_PRIVILEGE,LESSON06_RUNTIME,TESTCONTAINERS_RYUK_DISABLED', ...argv];
  fail(
    'this needs root: ip netns, veth pairs and runc need CAP_SYS_ADMIN and CAP_NET_ADMIN.',
    'run it as root (sudo npm …), or configure passwordless sudo for this user.',
  );
}

export function fail(what: string, next: string): never {
  process.stderr.write(`${chalk.red('error:')} ${what}\n${chalk.yellow('next:')}  ${next}\n`);
  process.exit(2);
}

/** Runs argv with the terminal attached and returns its exit code. */
export async function runInteractive(argv: readonly string[], env: Record<string, string> = {}): Promise<number> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('empty argv');
  const r = await execa(file, args, { stdio: 'inherit', reject: false, env: { ...process.env, ...env } });
  return r.exitCode ?? 1;
}
