import type { OciConfig } from '../oci/config.js';
import { clip } from './clip.js';
import { NET_RAW } from '../lesson/claims.js';

/**
 * What the student's config.json asks runc for that the grader does not do, as one sentence each.
 * Reported, not failed: the lesson's Verify asks about none of it. Compared against what
 * `runc spec` writes, so a default never shows up as a finding.
 */

export const HOOK_KINDS = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as const;

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? clip(v) : JSON.stringify(v) === undefined ? '?' : clip(JSON.stringify(v)));
const list = (items: readonly string[], max = 6): string =>
  items.length > max ? `${items.slice(0, max).join(', ')} and ${items.length - max} more` : items.join(', ');

function hooks(c: Json): string[] {
  const h = obj(c.hooks);
  const out: string[] = [];
  for (const kind of HOOK_KINDS) {
    const entries = arr(h[kind]);
    if (entries.length > 0)
      out.push(
        `config.json has ${entries.length} ${kind} hook${entries.length > 1 ? 's' : ''} (${list(entries.map((e) => str(obj(e).path)))}): not run by the grader`,
      );
  }
  for (const kind of Object.keys(h).filter((k) => !(HOOK_KINDS as readonly string[]).includes(k)))
    out.push(`config.json has hooks of unknown kind "${clip(kind)}": not run by the grader`);
  return out;
}

const mountKey = (m: Json): string => `${str(m.destination)}|${str(m.type)}|${str(m.source)}`;

function mounts(c: Json, spec: Json): string[] {
  const defaults = new Set(arr(spec.mounts).map((m) => mountKey(obj(m))));
  return arr(c.mounts)
    .map(obj)
    .filter((m) => !defaults.has(mountKey(m)))
    .map((m) => {
      const options = arr(m.options).map(String);
      const rw = !options.includes('ro') && !options.includes('rro');
      const bind = options.includes('bind') || options.includes('rbind') || m.type === 'bind';
      return `mounts ${str(m.source)} ${rw ? 'read-write' : 'read-only'}${bind ? ' (bind)' : ''} into the container at ${str(m.destination)}: not mounted by the grader`;
    });
}

function capabilities(c: Json, spec: Json): string[] {
  const have = obj(obj(c.process).capabilities);
  const base = obj(obj(spec.process).capabilities);
  const extra = new Set<string>();
  // CAP_NET_RAW is what the lesson's ping needs (erratum E-ping-needs-net-raw): the ping probe is granted it where the student's sets have it.
  for (const [set, caps] of Object.entries(have))
    for (const cap of arr(caps).map(String)) if (!arr(base[set]).includes(cap) && cap !== NET_RAW) extra.add(clip(cap));
  return extra.size > 0 ? [`process.capabilities adds ${list([...extra].sort(), 12)} beyond runc spec's defaults: not granted by the grader`] : [];
}

function namespaces(c: Json): string[] {
  return arr(obj(c.linux).namespaces)
    .map(obj)
    .filter((n) => n.type !== 'network' && n.path !== undefined)
    .map((n) => `joins the ${str(n.type)} namespace at ${str(n.path)}: not joined by the grader (its probe gets a new one)`);
}

function sysctls(c: Json): string[] {
  return Object.entries(obj(obj(c.linux).sysctl)).map(([k, v]) => `sets sysctl ${clip(k)}=${str(v)}: not applied by the grader`);
}

function simple(c: Json, spec: Json): string[] {
  const out: string[] = [];
  for (const key of ['hostname', 'domainname'] as const)
    if (c[key] !== undefined && c[key] !== spec[key]) out.push(`sets ${key} "${str(c[key])}": not applied by the grader`);
  const proc = obj(c.process);
  if (JSON.stringify(proc.rlimits) !== JSON.stringify(obj(spec.process).rlimits) && proc.rlimits !== undefined)
    out.push(
      `sets process.rlimits ${clip(
        arr(proc.rlimits)
          .map((r) => str(obj(r).type))
          .join(', '),
      )}: not applied by the grader`,
    );
  const linux = obj(c.linux);
  const specLinux = obj(spec.linux);
  if (arr(linux.devices).length > 0) out.push(`creates devices ${list(arr(linux.devices).map((d) => str(obj(d).path)))}: not created by the grader`);
  if (linux.seccomp !== undefined) out.push('has a seccomp profile: not applied by the grader');
  if (JSON.stringify(obj(linux.resources).devices) !== JSON.stringify(obj(specLinux.resources).devices) && obj(linux.resources).devices !== undefined)
    out.push("changes linux.resources.devices (device access) from runc spec's: not applied by the grader");
  for (const key of ['maskedPaths', 'readonlyPaths'] as const) {
    const dropped = arr(specLinux[key])
      .map(String)
      .filter((p) => !arr(linux[key]).includes(p));
    if (dropped.length > 0) out.push(`removes ${list(dropped)} from linux.${key}: the grader keeps runc spec's ${key}`);
  }
  const known = new Set([
    'namespaces',
    'sysctl',
    'devices',
    'seccomp',
    'resources',
    'maskedPaths',
    'readonlyPaths',
    'cgroupsPath',
    'uidMappings',
    'gidMappings',
  ]);
  for (const key of Object.keys(linux).filter((k) => !known.has(k) && JSON.stringify(linux[k]) !== JSON.stringify(specLinux[k])))
    out.push(`sets linux.${clip(key)}: not applied by the grader`);
  return out;
}

/** One sentence per thing the student's config asks for and the grader leaves out. */
export function configFindings(student: OciConfig, spec: OciConfig): string[] {
  const c = student as unknown as Json;
  const s = spec as unknown as Json;
  return [...hooks(c), ...mounts(c, s), ...capabilities(c, s), ...namespaces(c), ...sysctls(c), ...simple(c, s)];
}
