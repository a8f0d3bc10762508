import type { OciConfig } from '../oci/config.js';
import { clip } from './clip.js';
import { checkBundleDir, CONFIG_MAX_BYTES, jsonErrorWithoutContent, readSmallText } from './student-files.js';

export type StudentConfigRead =
  | { readonly ok: true; readonly config: OciConfig; readonly bundleReal: string; readonly size: number }
  | { readonly ok: false; readonly problem: string; readonly next: string };

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The fields the grader reads, with their types; anything else is left for the findings. */
function shapeProblem(c: unknown): string | undefined {
  if (c === null || typeof c !== 'object' || Array.isArray(c)) return 'the JSON value is not an object';
  const o = c as Record<string, unknown>;
  const p = o.process as Record<string, unknown> | undefined;
  if (p === null || typeof p !== 'object') return 'it has no "process" object';
  if (!isStrings(p.args)) return 'process.args is not a list of strings';
  if (p.env !== undefined && !isStrings(p.env)) return 'the "env" of "process" is not a list of strings';
  if (p.cwd !== undefined && typeof p.cwd !== 'string') return 'process.cwd is not a string';
  const root = o.root as Record<string, unknown> | undefined;
  if (root === null || typeof root !== 'object' || typeof root.path !== 'string') return 'root.path is missing';
  const linux = o.linux as Record<string, unknown> | undefined;
  if (linux === null || typeof linux !== 'object' || !Array.isArray(linux.namespaces)) return 'linux.namespaces is missing';
  for (const n of linux.namespaces as unknown[]) {
    const ns = n as Record<string, unknown> | null;
    if (ns === null || typeof ns !== 'object' || typeof ns.type !== 'string' || (ns.path !== undefined && typeof ns.path !== 'string'))
      return 'linux.namespaces has an entry without a string "type" (or with a non-string "path")';
  }
  return undefined;
}

/** Deeper than any OCI config (runc spec's is 5 levels); the grader's later walks recurse, so it stops here. */
export const CONFIG_MAX_DEPTH = 64;

/** How deeply arrays and objects nest in JSON text, counted without parsing; stops once past `limit`. */
export function jsonDepth(text: string, limit = CONFIG_MAX_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      max = Math.max(max, ++depth);
      if (max > limit) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** The namespace types runc knows (time from runc 1.2); any other is refused. */
const RUNC_NAMESPACES = ['pid', 'network', 'mount', 'ipc', 'uts', 'user', 'cgroup', 'time'];

/** Go's %q of runc's namespace struct: {"network" "/run/netns/x"}. */
const goNs = (n: { type: string; path?: string }): string => `{${JSON.stringify(n.type)} ${JSON.stringify(n.path ?? '')}}`;

/**
 * What runc itself refuses before it creates anything, in runc's own words (libcontainer/specconv
 * and runc's process validation): an unknown namespace type, a namespace type listed twice, an
 * empty or relative cwd. The probe never passes these to runc, so the grader must say it.
 */
export function runcRefusal(c: OciConfig): { readonly words: string; readonly fix: string } | undefined {
  const seen = new Set<string>();
  for (const n of c.linux.namespaces) {
    if (!RUNC_NAMESPACES.includes(n.type))
      return {
        words: `namespace ${clip(goNs(n))} does not exist`,
        fix: `remove that entry from "namespaces" (runc knows ${RUNC_NAMESPACES.join(', ')})`,
      };
    if (seen.has(n.type))
      return {
        words: `malformed spec file: duplicated ns ${clip(goNs(n))}`,
        fix: `keep one "${n.type}" entry in "namespaces" (for the network: {"type": "network", "path": "/var/run/netns/…"})`,
      };
    seen.add(n.type);
  }
  const cwd: unknown = c.process.cwd;
  if (typeof cwd !== 'string' || cwd === '')
    return { words: 'Cwd property must not be empty', fix: 'set "cwd": "/" in "process", as runc spec writes it' };
  if (!cwd.startsWith('/')) return { words: 'Cwd must be an absolute path', fix: `make "cwd" absolute, e.g. "/${clip(cwd)}" or "/"` };
  return undefined;
}

/**
 * The student's config.json, read as data only: a regular file reached without a symbolic link
 * (neither the file nor the bundle directory), at most 1 MiB, parsed as JSON. Problems never quote
 * the file's content: it might be someone else's secret behind a link the student planted.
 */
export function readStudentConfig(bundleDir: string): StudentConfigRead {
  const fresh = `create it: runc spec (in ${bundleDir}), then edit it as Exercise 2 Steps 3-4 do`;
  const dir = checkBundleDir(bundleDir);
  if (!dir.ok)
    return {
      ...dir,
      next: /symbolic link/.test(dir.problem) ? 'grade the bundle at its real path (--bundle), or make the bundle a directory' : fresh,
    };
  const path = `${bundleDir}/config.json`;
  const read = readSmallText(path, CONFIG_MAX_BYTES, `${dir.real}/config.json`);
  if (!read.ok) {
    const next = /does not exist/.test(read.problem) ? fresh : `config.json must be the plain file runc spec writes: remove ${path}, then ${fresh}`;
    return { ...read, next };
  }
  const depth = jsonDepth(read.text);
  if (depth > CONFIG_MAX_DEPTH)
    return {
      ok: false,
      problem: `${path} (${read.size} bytes) nests arrays and objects more than ${CONFIG_MAX_DEPTH} levels deep; the grader reads no deeper (an OCI config is about 5)`,
      next: fresh,
    };
  let value: unknown;
  try {
    value = JSON.parse(read.text);
  } catch (e) {
    return {
      ok: false,
      problem: `${path} (${read.size} bytes) is not valid JSON: ${jsonErrorWithoutContent((e as Error).message, read.text)}`,
      next: `fix the JSON ("jq . ${path}" shows where), or ${fresh}`,
    };
  }
  const shape = shapeProblem(value);
  if (shape !== undefined)
    return { ok: false, problem: `${path} (${read.size} bytes) is JSON but not an OCI runtime config: ${clip(shape)}`, next: fresh };
  const refused = runcRefusal(value as OciConfig);
  if (refused) return { ok: false, problem: `runc refuses ${path}: ${refused.words}`, next: `${refused.fix} in ${path}` };
  return { ok: true, config: value as OciConfig, bundleReal: dir.real, size: read.size };
}
