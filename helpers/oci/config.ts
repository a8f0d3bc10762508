/** Small typed pure patches over `runc spec` output; compose them, never hand-edit JSON strings. */

export interface OciNamespace {
  type: string;
  path?: string;
}

export interface OciHook {
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}

export interface OciConfig {
  ociVersion: string;
  process: {
    terminal?: boolean;
    args: string[];
    env?: string[];
    capabilities?: Record<string, string[]>;
    [k: string]: unknown;
  };
  root: { path: string; readonly?: boolean };
  hooks?: Record<string, OciHook[]>;
  linux: {
    namespaces: OciNamespace[];
    cgroupsPath?: string;
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export type Patch = (c: OciConfig) => OciConfig;

export function parseConfig(text: string): OciConfig {
  const c = JSON.parse(text) as OciConfig;
  if (!c?.linux?.namespaces || !Array.isArray(c.process?.args))
    throw new Error('config.json has no linux.namespaces or process.args: not an OCI runtime config');
  return c;
}

export const compose =
  (...patches: Patch[]): Patch =>
  (c) =>
    patches.reduce((acc, p) => p(acc), c);

const clone = (c: OciConfig): OciConfig => structuredClone(c);

export function networkNamespace(c: OciConfig): OciNamespace | undefined {
  return c.linux.namespaces.find((n) => n.type === 'network');
}

/** Sets the network entry's path, keeping every other namespace and the order. */
export const withNetnsPath =
  (path: string): Patch =>
  (c) => {
    const out = clone(c);
    const has = out.linux.namespaces.some((n) => n.type === 'network');
    out.linux.namespaces = has
      ? out.linux.namespaces.map((n) => (n.type === 'network' ? { type: 'network', path } : n))
      : [...out.linux.namespaces, { type: 'network', path }];
    return out;
  };

export const withoutNetnsPath: Patch = (c) => {
  const out = clone(c);
  out.linux.namespaces = out.linux.namespaces.map((n) => (n.type === 'network' ? { type: 'network' } : n));
  return out;
};

export const withNamespaces =
  (namespaces: OciNamespace[]): Patch =>
  (c) => {
    const out = clone(c);
    out.linux.namespaces = structuredClone(namespaces);
    return out;
  };

export const withArgs =
  (...args: string[]): Patch =>
  (c) => {
    const out = clone(c);
    out.process.args = [...args];
    return out;
  };

export const withTerminal =
  (on: boolean): Patch =>
  (c) => {
    const out = clone(c);
    out.process.terminal = on;
    return out;
  };

/** Adds a capability to every set runc spec fills (bounding, effective, permitted, …). */
export const withCapability =
  (cap: string): Patch =>
  (c) => {
    const out = clone(c);
    const caps = out.process.capabilities ?? {};
    for (const set of Object.keys(caps)) {
      const list = caps[set] ?? [];
      if (!list.includes(cap)) caps[set] = [...list, cap];
    }
    out.process.capabilities = caps;
    return out;
  };

export const withCgroupsPath =
  (path: string): Patch =>
  (c) => {
    const out = clone(c);
    out.linux.cgroupsPath = path;
    return out;
  };

export const withHook =
  (stage: string, hook: OciHook): Patch =>
  (c) => {
    const out = clone(c);
    const hooks = out.hooks ?? {};
    hooks[stage] = [...(hooks[stage] ?? []), hook];
    out.hooks = hooks;
    return out;
  };
