/**
 * Checks the mutation run (selftest/support/mutants.ts) cannot kill, each with the reason it is
 * kept rather than guarded by a scenario. A kept check that gets killed is reported as stale.
 */
export const KEPT_SURVIVORS: Readonly<Record<string, string>> = {};
