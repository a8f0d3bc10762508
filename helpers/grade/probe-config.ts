import { lstatSync, realpathSync } from 'node:fs';
import { posix } from 'node:path';
import type { OciConfig } from '../oci/config.js';
import { clip } from './clip.js';

/**
 * The probe's config.json, generated, never copied: what `runc spec` writes, the grader's own
 * args, container id and cgroupsPath, and exactly two values from the student's file, each
 * validated first: the rootfs (mounted read-only under an overlay the grader owns) and the
 * network namespace path (which must be the namespace under grading). Nothing else of the
 * student's reaches runc: no hooks, mounts, sysctls, hostname, rlimits, capabilities, devices,
 * seccomp profile or other namespace paths.
 */

/** Capabilities the probe never has, whatever a `runc spec` of some version might write. */
export const PROBE_FORBIDDEN_CAPS = ['CAP_SYS_ADMIN', 'CAP_NET_ADMIN', 'CAP_SYS_MODULE', 'CAP_SYS_PTRACE', 'CAP_SYS_RAWIO', 'CAP_DAC_READ_SEARCH'];

/** The probe's rootfs inside its own bundle (an overlay mount whose lower layer is the student's). */
export const PROBE_ROOTFS = 'rootfs';

export interface ProbeValues {
  /** The student's network namespace path, after validateNetnsPath. */
  readonly netnsPath: string;
  /** The grader's own process: it is created, never started. */
  readonly args: readonly string[];
  readonly cgroupsPath: string;
}

/** The only fields of `runc spec`'s output the probe changes; everything else stays as runc wrote it. */
export function generateProbeConfig(spec: OciConfig, v: ProbeValues): OciConfig {
  const c = structuredClone(spec);
  delete c.hooks;
  c.process = { ...c.process, terminal: false, args: [...v.args] };
  const caps = c.process.capabilities ?? {};
  for (const set of Object.keys(caps)) caps[set] = (caps[set] ?? []).filter((cap) => !PROBE_FORBIDDEN_CAPS.includes(cap));
  c.process.capabilities = caps;
  c.root = { path: PROBE_ROOTFS, readonly: true };
  const namespaces = c.linux.namespaces.map((n) => ({ type: n.type }));
  c.linux = {
    ...c.linux,
    namespaces: namespaces.some((n) => n.type === 'network') ? namespaces.map((n) => (n.type === 'network' ? { type: 'network', path: v.netnsPath } : n)) : [...namespaces, { type: 'network', path: v.netnsPath }],
    cgroupsPath: v.cgroupsPath,
  };
  return c;
}

/** Characters that separate or escape overlayfs mount options, and a newline. */
const OVERLAY_SPECIAL = /[,:\\"\n]/;

export type RootfsCheck =
  | { readonly ok: true; /** real path on this machine */ readonly real: string; /** as the student wrote it, made absolute */ readonly shown: string }
  | { readonly ok: false; readonly problem: string };

/** root.path, relative to the bundle or absolute: an existing directory inside the bundle, not "/", safe as an overlay lowerdir. */
export function validateRootfsPath(rootPath: unknown, bundleDir: string): RootfsCheck {
  if (typeof rootPath !== 'string' || rootPath === '') return { ok: false, problem: 'root.path is missing or not a string' };
  if (OVERLAY_SPECIAL.test(rootPath)) return { ok: false, problem: `root.path "${clip(rootPath)}" contains "," ":" "\\" '"' or a newline; the grader refuses such a path (it would become mount options)` };
  const shown = rootPath.startsWith('/') ? posix.normalize(rootPath) : posix.join(bundleDir, rootPath);
  let real: string;
  try {
    real = realpathSync(shown);
  } catch {
    return { ok: false, problem: `root.path "${rootPath}": ${shown} does not exist` };
  }
  if (!lstatSync(real).isDirectory()) return { ok: false, problem: `root.path "${rootPath}": ${shown} is not a directory` };
  if (real === '/') return { ok: false, problem: `root.path "${rootPath}" resolves to "/", this machine's own root; a container needs its own rootfs directory` };
  // The grader reads the rootfs as root and quotes what it finds (paths, modes, #! lines): a rootfs
  // elsewhere, such as a root-only directory, would make it an oracle for files the student cannot read.
  const bundleReal = realOrSelf(bundleDir);
  if (real !== bundleReal && !real.startsWith(`${bundleReal}/`))
    return { ok: false, problem: `root.path "${clip(rootPath)}" resolves to ${clip(real)}, outside the bundle ${bundleReal}; the grader reads a rootfs only inside the bundle (the lesson's "rootfs")` };
  if (OVERLAY_SPECIAL.test(real)) return { ok: false, problem: `root.path "${rootPath}" resolves to ${clip(real)}, which contains "," ":" "\\" '"' or a newline` };
  return { ok: true, real, shown };
}

/**
 * The rootfs as it goes into the overlay's mount options, checked by the grader itself whoever
 * validated it: an absolute, normalised path without a character overlayfs reads as syntax.
 */
export function lowerdirProblem(real: string): { readonly ok: false; readonly problem: string } | undefined {
  if (!real.startsWith('/') || posix.normalize(real) !== real || real === '/' || OVERLAY_SPECIAL.test(real))
    return { ok: false, problem: `the rootfs ${clip(real)} is not an absolute, normalised path without "," ":" "\\" '"' or a newline` };
  return undefined;
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

