/** A place where runc or the tools really behave differently from the lesson's text. */
export interface Erratum {
  /** Stable id, e.g. "E-rootfs-needs-applets". */
  readonly id: string;
  /** Where the lesson says it. */
  readonly where: string;
  /** The lesson's claim, paraphrased. */
  readonly claim: string;
  /** What this machine really did. */
  readonly observed: string;
  /** The command output that proves it (quoted from this run). */
  readonly evidence: string;
}

export function encodeErratum(e: Erratum): string {
  return JSON.stringify(e);
}

export function decodeErratum(message: string): Erratum | undefined {
  try {
    const e = JSON.parse(message) as Partial<Erratum>;
    return typeof e.id === 'string' && typeof e.claim === 'string' && typeof e.observed === 'string' ? (e as Erratum) : undefined;
  } catch {
    return undefined;
  }
}

export function formatErratum(e: Erratum): string {
  return `${e.id} (${e.where})\n  lesson says: ${e.claim}\n  observed:    ${e.observed}\n  evidence:    ${e.evidence.trim().split('\n').join('\n               ')}`;
}

/** Errata seen by several tests are reported once, by id. */
export function uniqueErrata(list: readonly Erratum[]): Erratum[] {
  const seen = new Map<string, Erratum>();
  for (const e of list) if (!seen.has(e.id)) seen.set(e.id, e);
  return [...seen.values()].sort((a, b) => a.id.localeCompare(b.id));
}
