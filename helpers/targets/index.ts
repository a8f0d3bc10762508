import { BadInputError } from '../errors.js';
import { ContainerTarget } from './container.js';
import { SandboxTarget } from './sandbox.js';
import { TARGET_KINDS, type Target, type TargetKind } from './types.js';

export const TARGET_ENV = 'LESSON06_TARGET';

export function parseTargetKind(value: string | undefined): TargetKind {
  const v = value ?? 'sandbox';
  if (!(TARGET_KINDS as readonly string[]).includes(v))
    throw new BadInputError(`unknown target "${v}"; choose one of: ${TARGET_KINDS.join(', ')}`);
  return v as TargetKind;
}

export function selectedTargetKind(): TargetKind {
  return parseTargetKind(process.env[TARGET_ENV] || undefined);
}

/** Targets that can run the lesson suite today; the others are refused before any test starts. */
export const SUITE_TARGETS: readonly TargetKind[] = ['sandbox', 'container'];

export async function createTarget(kind: TargetKind): Promise<Target> {
  switch (kind) {
    case 'sandbox':
      return SandboxTarget.start();
    case 'container':
      return ContainerTarget.start();
    default:
      throw new BadInputError(`target "${kind}" cannot run the lesson suite yet; use --target sandbox`);
  }
}
