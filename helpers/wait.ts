interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Completes the sentence "Timed out after N ms waiting for …". */
  readonly what: string;
}

/** Polls a condition with a stated timeout instead of sleeping blindly. */
export async function waitFor(cond: () => boolean | Promise<boolean>, opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${opts.timeoutMs} ms waiting for ${opts.what}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 10));
  }
}
