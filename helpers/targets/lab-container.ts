import { GenericContainer } from 'testcontainers';
import type { Distro, PrivilegeMode } from '../run-config.js';
import {
  containerIds,
  HARNESS_LABEL,
  labImage,
  missingCapabilities,
  ownBoundingSet,
  removeContainer,
  runPrivileged,
  RUN_LABEL,
  WORKER_LABEL,
} from './docker.js';

const ATTEMPT_LABEL = 'lesson06.attempt';

/** Which lab container to start: the image's release, the run that owns it. */
export interface LabContainerSpec {
  readonly distro: Distro;
  readonly runId: string;
}

/** GenericContainer plus the one knob testcontainers 11 lacks: security options. */
class LabContainerBuilder extends GenericContainer {
  withSecurityOpts(...opts: string[]): this {
    this.hostConfig.SecurityOpt = [...(this.hostConfig.SecurityOpt ?? []), ...opts];
    return this;
  }

  /**
   * `--cgroupns host`: runc inside creates its cgroups at the host's /sys/fs/cgroup/lesson06-…
   * (the bind mount), where the sweep looks. Docker's default on cgroup v2 hosts (GitHub's
   * ubuntu runners) is a private cgroup namespace, from which those paths are not reachable.
   */
  withHostCgroupNamespace(): this {
    // Engine API 1.41 field that @types/dockerode does not list yet.
    Object.assign(this.hostConfig, { CgroupnsMode: 'host' });
    return this;
  }

  /** The API form of `--security-opt systempaths=unconfined`: /proc/sys writable, nothing masked. */
  withUnmaskedSystemPaths(): this {
    this.hostConfig.MaskedPaths = [];
    this.hostConfig.ReadonlyPaths = [];
    return this;
  }
}

/** The capability-mode flags: every capability the host's bounding set has, nothing confined. */
function capabilityArgs(): { add: string[]; drop: string[]; security: string[] } {
  return { add: ['ALL'], drop: missingCapabilities(ownBoundingSet()), security: ['seccomp=unconfined', 'apparmor=unconfined'] };
}

function labContainer(spec: LabContainerSpec, mode: PrivilegeMode): LabContainerBuilder {
  const c = new LabContainerBuilder(labImage(spec.distro))
    .withCommand(['sleep', 'infinity'])
    // No route out: every address a spec uses lives in namespaces inside this container.
    .withNetworkMode('none')
    .withLabels({ [HARNESS_LABEL]: '1', [RUN_LABEL]: spec.runId, [WORKER_LABEL]: String(process.pid) })
    // runc inside needs the host's cgroup hierarchy; bundles get unique cgroupsPath values.
    .withBindMounts([{ source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'rw' }])
    .withHostCgroupNamespace()
    .withStartupTimeout(30_000);
  if (mode === 'privileged') return c.withPrivilegedMode();
  const caps = capabilityArgs();
  return (
    c
      .withAddedCapabilities(...caps.add)
      .withDroppedCapabilities(...caps.drop)
      .withSecurityOpts(...caps.security)
      // As under --privileged; net.* sysctls there belong to the container's own netns.
      .withUnmaskedSystemPaths()
  );
}

/**
 * `--privileged` first; where the engine refuses it (a host whose bounding set lacks a
 * capability: "unable to apply caps"), every capability the host has, unconfined seccomp and
 * AppArmor. The launcher decides once per run and puts the answer in the run configuration.
 * The probe is one `docker run`, not testcontainers; the launcher starts warm lab containers with Ryuk turned off (providers.ts).
 */
export async function detectPrivilegeMode(spec: LabContainerSpec): Promise<PrivilegeMode> {
  const attempt = `${process.pid}-${Date.now()}`;
  const probe = await runPrivileged(labImage(spec.distro), { [HARNESS_LABEL]: '1', [RUN_LABEL]: spec.runId, [ATTEMPT_LABEL]: attempt });
  if (probe.exitCode === 0) return 'privileged';
  // A container that was created but refused to start is still ours to remove.
  for (const id of await containerIds([`${ATTEMPT_LABEL}=${attempt}`])) await removeContainer(id).catch(() => undefined);
  if (!/apply caps|operation not permitted|privileged/i.test(probe.stderr))
    throw new Error(`lab container probe failed: ${probe.stderr.trim() || `exit code ${probe.exitCode ?? '?'}`}`);
  return 'capabilities';
}

/** Starts one lab container in the given privilege mode; resolves with its id (docker.ts's removeContainer ends it). */
export async function startLabContainer(spec: LabContainerSpec, mode: PrivilegeMode): Promise<string> {
  return (await labContainer(spec, mode).start()).getId();
}
