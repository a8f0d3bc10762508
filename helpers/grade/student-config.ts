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

/**
 * The student's config.json, read as data only: a regular file reached without a symbolic link
 * (neither the file nor the bundle directory), at most 1 MiB, parsed as JSON. Problems never quote
 * the file's content: it might be someone else's secret behind a link the student planted.
 */
export function readStudentConfig(bundleDir: string): StudentConfigRead {
  const fresh = `create it: runc spec (in ${bundleDir}), then edit it as Exercise 2 Steps 3-4 do`;
  const dir = checkBundleDir(bundleDir);
  if (!dir.ok) return { ...dir, next: /symbolic link/.test(dir.problem) ? 'grade the bundle at its real path (--bundle), or make the bundle a directory' : fresh };
  const path = `${bundleDir}/config.json`;
  const read = readSmallText(path, CONFIG_MAX_BYTES, `${dir.real}/config.json`);
  if (!read.ok) {
    const next = /does not exist/.test(read.problem) ? fresh : `config.json must be the plain file runc spec writes: remove ${path}, then ${fresh}`;
    return { ...read, next };
  }
  let value: unknown;
  try {
    value = JSON.parse(read.text);
  } catch (e) {
    return { ok: false, problem: `${path} (${read.size} bytes) is not valid JSON: ${jsonErrorWithoutContent((e as Error).message, read.text)}`, next: `fix the JSON ("jq . ${path}" shows where), or ${fresh}` };
  }
  const shape = shapeProblem(value);
  if (shape !== undefined) return { ok: false, problem: `${path} (${read.size} bytes) is JSON but not an OCI runtime config: ${clip(shape)}`, next: fresh };
  return { ok: true, config: value as OciConfig, bundleReal: dir.real, size: read.size };
}
