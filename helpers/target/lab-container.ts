import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { HARNESS_LABEL, LAB_IMAGE, missingCapabilities, ownBoundingSet, RUN_LABEL } from '../docker.js';

// Ryuk's image cannot be pulled without a registry; the harness removes its own containers.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

export const RUN_ID_ENV = 'LESSON06_RUN_ID';

/** GenericContainer plus the one knob testcontainers 11 lacks: security options. */
class LabContainer extends GenericContainer {
  withSecurityOpts(...opts: string[]): this {
    this.hostConfig.SecurityOpt = [...(this.hostConfig.SecurityOpt ?? []), ...opts];
    return this;
  }

  /** The API form of `--security-opt systempaths=unconfined`: /proc/sys writable, nothing masked. */
  withUnmaskedSystemPaths(): this {
    this.hostConfig.MaskedPaths = [];
    this.hostConfig.ReadonlyPaths = [];
    return this;
  }
}

export type PrivilegeMode = 'privileged' | 'capabilities';

function labContainer(mode: PrivilegeMode): LabContainer {
  const c = new LabContainer(LAB_IMAGE)
    .withCommand(['sleep', 'infinity'])
    // No route out: every address a spec uses lives in namespaces inside this container.
    .withNetworkMode('none')
    .withLabels({ [HARNESS_LABEL]: '1', [RUN_LABEL]: process.env[RUN_ID_ENV] ?? String(process.ppid) })
    // runc inside needs the host's cgroup hierarchy; bundles get unique cgroupsPath values.
    .withBindMounts([{ source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'rw' }])
    .withStartupTimeout(30_000);
  if (mode === 'privileged') return c.withPrivilegedMode();
  const missing = missingCapabilities(ownBoundingSet());
  return c
    .withAddedCapabilities('ALL')
    .withDroppedCapabilities(...missing)
    .withSecurityOpts('seccomp=unconfined', 'apparmor=unconfined')
    // As under --privileged; net.* sysctls there belong to the container's own netns.
    .withUnmaskedSystemPaths();
}

let mode: PrivilegeMode | undefined;

/**
 * Starts one lab container. `--privileged` first; where the engine refuses it (a host whose
 * bounding set lacks a capability: "unable to apply caps"), every capability the host has,
 * unconfined seccomp and AppArmor. The choice is made once per worker.
 */
export async function startLabContainer(): Promise<{ container: StartedTestContainer; mode: PrivilegeMode }> {
  if (mode === undefined) {
    try {
      const container = await labContainer('privileged').start();
      mode = 'privileged';
      return { container, mode };
    } catch (e) {
      if (!/apply caps|operation not permitted|privileged/i.test(String(e))) throw e;
      mode = 'capabilities';
    }
  }
  return { container: await labContainer(mode).start(), mode };
}
