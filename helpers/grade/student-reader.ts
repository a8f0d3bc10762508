import { statSync } from 'node:fs';
import { analyseProcess, type ProcessAnalysis, type StudentProcess } from './process-check.js';
import { validateRootfsPath, type RootfsCheck } from './probe-config.js';
import { readStudentConfig, type StudentConfigRead } from './student-config.js';

/**
 * Everything the grader reads of the student's files, as one request and one JSON answer, so that
 * it can run in a child process with the student's rights and a deadline (helpers/grade/as-student.ts).
 * Run that way, a race or a link can show it only what the student could read anyway.
 */
export type StudentRequest =
  /** `hooks`: also what the student can see of each hook path the config names (Exercise 5), in the same child. */
  | { readonly kind: 'config'; readonly bundleDir: string; readonly hooks?: boolean }
  | { readonly kind: 'process'; readonly rootfs: string; readonly shown: string; readonly process: StudentProcess }
  /** What the student can see of a few paths (hook scripts, bundle directories): never their content. */
  | { readonly kind: 'paths'; readonly paths: readonly string[] };

/**
 * One path as the student sees it, following links as runc would when it starts a hook: absent, a
 * directory, a file with or without an execute bit, something else, or not visible to them.
 */
export type PathFact = 'missing' | 'directory' | 'executable' | 'not-executable' | 'not-a-file' | 'unreadable';

/** Every distinct string path the hooks section names, whatever its shape (the grader judges the shape separately). */
export function hookPaths(hooks: unknown): string[] {
  if (hooks === null || typeof hooks !== 'object' || Array.isArray(hooks)) return [];
  const lists = Object.values(hooks as Record<string, unknown>).filter((l): l is unknown[] => Array.isArray(l));
  return [...new Set(lists.flatMap((l) => l.map((h) => (h as { path?: unknown } | null)?.path).filter((p): p is string => typeof p === 'string')))];
}

export function pathFact(path: string): PathFact {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return 'directory';
    if (!st.isFile()) return 'not-a-file';
    return (st.mode & 0o111) !== 0 ? 'executable' : 'not-executable';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable';
  }
}

/** A fault's symptom travels as its source; the parent rebuilds the RegExp. */
type WireAnalysis = ProcessAnalysis extends infer A
  ? A extends { ok: false; fault: infer F }
    ? Omit<A, 'fault'> & { fault: Omit<F, 'symptom'> & { symptom: string } }
    : A
  : never;

export type StudentAnswer =
  | {
      readonly kind: 'config';
      readonly config: StudentConfigRead;
      readonly rootfs: RootfsCheck | undefined;
      readonly hooks?: readonly { readonly path: string; readonly fact: PathFact }[];
    }
  | { readonly kind: 'process'; readonly analysis: WireAnalysis }
  | { readonly kind: 'paths'; readonly facts: readonly PathFact[] };

export function answer(req: StudentRequest): StudentAnswer {
  if (req.kind === 'config') {
    const config = readStudentConfig(req.bundleDir);
    const rootfs = config.ok ? validateRootfsPath(config.config.root.path, req.bundleDir) : undefined;
    if (!req.hooks || !config.ok) return { kind: 'config', config, rootfs };
    return { kind: 'config', config, rootfs, hooks: hookPaths(config.config.hooks).map((path) => ({ path, fact: pathFact(path) })) };
  }
  if (req.kind === 'paths') return { kind: 'paths', facts: req.paths.map(pathFact) };
  const a = analyseProcess({ rootfs: req.rootfs, shown: req.shown }, req.process);
  return { kind: 'process', analysis: a.ok ? a : { ...a, fault: { ...a.fault, symptom: a.fault.symptom.source } } };
}

export const fromWire = (a: WireAnalysis): ProcessAnalysis => (a.ok ? a : { ...a, fault: { ...a.fault, symptom: new RegExp(a.fault.symptom) } });

/** The child's entry point, next to this file. */
const STUDENT_CHILD = new URL('./student-child.ts', import.meta.url).pathname;

/** Whose rights the child has: the user who ran sudo, or the bundle's owner when root grades directly. */
export interface StudentIds {
  readonly uid: number;
  readonly gid: number;
}

/** The child's argv: setpriv to the student's ids (no supplementary groups), then this node with the child. */
/** A prefix that runs one command with the student's uid and gid and no supplementary groups. */
export const asStudentPrefix = (who: StudentIds): string[] => ['setpriv', `--reuid=${who.uid}`, `--regid=${who.gid}`, '--clear-groups', '--'];

export function studentArgv(who: StudentIds): string[] {
  return ['setpriv', `--reuid=${who.uid}`, `--regid=${who.gid}`, '--clear-groups', '--', process.execPath, '--import', 'tsx', STUDENT_CHILD];
}
