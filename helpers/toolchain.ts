import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';

/**
 * What a run as root executes is chosen by the machine's administrator, never by the caller: tools
 * come from fixed directories that only root can change, and no variable of the caller that
 * steers a program (PATH, NODE_OPTIONS, LD_PRELOAD, BASH_ENV, …) crosses into the root run.
 */

/** The only directories a root run looks tools up in, in this order. */
const TRUSTED_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;
export const TRUSTED_PATH = TRUSTED_DIRS.join(':');

/**
 * The caller's variables a root run keeps: how to draw on the terminal, whether this is CI, and
 * who invoked sudo (sudo sets those itself). Not HOME: root's files must not land in the caller's
 * home (Node finds root's own from the password database). Everything else is dropped, so neither a
 * variable a program reads as code (NODE_OPTIONS, BASH_ENV, ENV, PERL5OPT, PYTHONSTARTUP) nor the
 * loader's (LD_PRELOAD, LD_LIBRARY_PATH, LD_AUDIT) nor a lookup path (PATH, NODE_PATH) survives.
 */
export const KEPT_VARIABLES = [
  'TERM',
  'COLORTERM',
  'NO_COLOR',
  'FORCE_COLOR',
  'COLUMNS',
  'LINES',
  'CI',
  'SUDO_UID',
  'SUDO_GID',
  'SUDO_USER',
  'LANG',
  'LC_ALL',
] as const;

/** Variables of the caller that are never passed on, named so doctor and the selftest can show them. */
const STEERING_VARIABLES =
  /^(PATH|NODE_OPTIONS|NODE_PATH|NODE_EXTRA_CA_CERTS|LD_\w+|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|PS4|PERL5?OPT|PERL5LIB|PYTHON\w+|RUBYOPT|GCONV_PATH|HOSTALIASES|TMPDIR|npm_config_\w+)$/;

/**
 * A kept variable's value: a plain word. No "/" (glibc reads a locale, ncurses a terminfo entry,
 * from a path given there), no newline or NUL (a forged line of whatever reads it).
 */
export const safeValue = (v: string): boolean => /^[\w.@:+,-]*$/.test(v);

/** The environment every root child process gets: the kept variables, a fixed PATH, nothing else. */
export function trustedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of KEPT_VARIABLES) {
    const v = env[k];
    if (v !== undefined && safeValue(v)) out[k] = v;
  }
  out.PATH = TRUSTED_PATH;
  return out;
}

/** The caller's variables a root run drops, by name (for doctor). */
export function droppedVariables(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((k) => STEERING_VARIABLES.test(k) && k !== 'PATH')
    .sort();
}

/** Why a file or directory could be changed by someone other than root, or undefined. */
export function notRootOnly(st: Pick<Stats, 'uid' | 'mode'>, what: string): string | undefined {
  if (st.uid !== 0) return `${what} is owned by uid ${st.uid}, not root`;
  if ((st.mode & 0o022) !== 0)
    return `${what} is writable by ${(st.mode & 0o002) !== 0 ? 'everyone' : 'its group'} (mode 0${(st.mode & 0o7777).toString(8)})`;
  return undefined;
}

type ToolLookup =
  | { readonly ok: true; readonly name: string; readonly path: string; readonly real: string }
  | { readonly ok: false; readonly name: string; readonly problem: string };

/**
 * `bin` as a root run finds it: the first trusted directory that has it, and the file it is
 * (links resolved) together with every directory above it owned by root and writable by no one else.
 */
export function trustedTool(bin: string, stat: (p: string) => Pick<Stats, 'uid' | 'mode' | 'isFile'> = statSync): ToolLookup {
  if (bin.includes('/')) return { ok: false, name: bin, problem: `${bin} is a path, not a tool name` };
  for (const dir of TRUSTED_DIRS) {
    const path = join(dir, bin);
    let real: string;
    try {
      lstatSync(path);
      real = realpathSync(path);
    } catch {
      continue;
    }
    const chain = [real];
    for (let d = real; d !== '/';) {
      d = d.slice(0, d.lastIndexOf('/')) || '/';
      chain.push(d);
    }
    for (const p of chain) {
      const st = stat(p);
      const problem = notRootOnly(st, p === real ? `${bin} (${real})` : `${p} (above ${real})`);
      if (problem) return { ok: false, name: bin, problem };
    }
    if (!stat(real).isFile()) return { ok: false, name: bin, problem: `${path} is not a regular file` };
    return { ok: true, name: bin, path, real };
  }
  return { ok: false, name: bin, problem: `${bin} is in none of ${TRUSTED_PATH}` };
}

/** Each trusted directory that exists must be root's alone; a writable one would let anyone plant tools. */
export function trustedDirProblems(stat: (p: string) => Pick<Stats, 'uid' | 'mode'> = statSync): string[] {
  const out: string[] = [];
  for (const dir of TRUSTED_DIRS) {
    let st: Pick<Stats, 'uid' | 'mode'>;
    try {
      st = stat(dir);
    } catch {
      continue;
    }
    const p = notRootOnly(st, dir);
    if (p) out.push(p);
  }
  return out;
}

/** Every program the grader and the suite run as root (besides the OCI runtime, checked by name in prerequisites). */
export const ROOT_TOOLS = [
  'ip',
  'ping',
  'unshare',
  'nsenter',
  'setpriv',
  'mount',
  'umount',
  'stat',
  'cat',
  'mkdir',
  'dd',
  'rm',
  'env',
  'node',
] as const;
