import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import type { Distro, PrivilegeMode } from '../run-config.js';
import { docker, HARNESS_LABEL, labImage, missingCapabilities, ownBoundingSet, RUN_LABEL } from './docker.js';

const ATTEMPT_LABEL = 'lesson06.attempt';

/** Which lab containers to start: the image's release, the run that owns them. */
export interface LabContainerSpec {
  readonly distro: Distro;
  readonly runId: string;
}


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

function labContainer(spec: LabContainerSpec, mode: PrivilegeMode): LabContainer {
  const c = new LabContainer(labImage(spec.distro))
    .withCommand(['sleep', 'infinity'])
    // No route out: every address a spec uses lives in namespaces inside this container.
    .withNetworkMode('none')
    .withLabels({ [HARNESS_LABEL]: '1', [RUN_LABEL]: spec.runId })
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

/** A container that was created but refused to start is still ours to remove. */
async function removeAttempt(attempt: string): Promise<void> {
  const ids = await docker(['ps', '-aq', '--filter', `label=${ATTEMPT_LABEL}=${attempt}`]);
  for (const id of ids.stdout.split('\n').filter(Boolean)) await docker(['rm', '-f', id]);
}

/**
 * `--privileged` first; where the engine refuses it (a host whose bounding set lacks a
 * capability: "unable to apply caps"), every capability the host has, unconfined seccomp and
 * AppArmor. The launcher decides once per run and puts the answer in the run configuration.
 */
export async function detectPrivilegeMode(spec: LabContainerSpec): Promise<PrivilegeMode> {
  const attempt = `${process.pid}-${Date.now()}`;
  try {
    const probe = await labContainer(spec, 'privileged').withLabels({ [ATTEMPT_LABEL]: attempt }).start();
    await probe.stop({ remove: true, timeout: 0 });
    return 'privileged';
  } catch (e) {
    await removeAttempt(attempt);
    if (!/apply caps|operation not permitted|privileged/i.test(String(e))) throw e;
    return 'capabilities';
  }
}

/** Starts one lab container in the given privilege mode. */
export function startLabContainer(spec: LabContainerSpec, mode: PrivilegeMode): Promise<StartedTestContainer> {
  return labContainer(spec, mode).start();
}
