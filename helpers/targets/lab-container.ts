import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { currentRunId } from './run-id.js';
import { docker, HARNESS_LABEL, LAB_IMAGE, missingCapabilities, ownBoundingSet, RUN_LABEL } from './docker.js';

const ATTEMPT_LABEL = 'lesson06.attempt';

// Ryuk's image cannot be pulled without a registry; the harness removes its own containers.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';


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
    .withLabels({ [HARNESS_LABEL]: '1', [RUN_LABEL]: currentRunId() })
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

export const PRIVILEGE_ENV = 'LESSON06_PRIVILEGE';
let mode: PrivilegeMode | undefined = parseMode(process.env[PRIVILEGE_ENV]);

function parseMode(v: string | undefined): PrivilegeMode | undefined {
  return v === 'privileged' || v === 'capabilities' ? v : undefined;
}

/** A container that was created but refused to start is still ours to remove. */
async function removeAttempt(attempt: string): Promise<void> {
  const ids = await docker(['ps', '-aq', '--filter', `label=${ATTEMPT_LABEL}=${attempt}`]);
  for (const id of ids.stdout.split('\n').filter(Boolean)) await docker(['rm', '-f', id]);
}

/**
 * `--privileged` first; where the engine refuses it (a host whose bounding set lacks a
 * capability: "unable to apply caps"), every capability the host has, unconfined seccomp and
 * AppArmor. Decided once per run (npm test passes it to the workers) or once per worker.
 */
export async function detectPrivilegeMode(): Promise<PrivilegeMode> {
  if (mode !== undefined) return mode;
  const attempt = `${process.pid}-${Date.now()}`;
  try {
    const probe = await labContainer('privileged').withLabels({ [ATTEMPT_LABEL]: attempt }).start();
    await probe.stop({ remove: true, timeout: 0 });
    mode = 'privileged';
  } catch (e) {
    await removeAttempt(attempt);
    if (!/apply caps|operation not permitted|privileged/i.test(String(e))) throw e;
    mode = 'capabilities';
  }
  return mode;
}

/** Starts one lab container in the detected privilege mode. */
export async function startLabContainer(): Promise<{ container: StartedTestContainer; mode: PrivilegeMode }> {
  const m = await detectPrivilegeMode();
  return { container: await labContainer(m).start(), mode: m };
}
