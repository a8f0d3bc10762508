import { strictParse } from './strict.js';

type CleanArgs = { readonly help: true } | { readonly help: false; readonly dryRun: boolean; readonly all: boolean };

export function parseCleanArgs(argv: readonly string[]): CleanArgs {
  const v = strictParse('npm run clean', argv, {
    help: { type: 'boolean', short: 'h' },
    'dry-run': { type: 'boolean' },
    all: { type: 'boolean' },
  });
  return v.help ? { help: true } : { help: false, dryRun: v['dry-run'] === true, all: v.all === true };
}
