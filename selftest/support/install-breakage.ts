/** setupFile of selftest's suite runs: installs the breakage the run configuration names. */
import { inject } from 'vitest';
import { installBreakage } from '../../helpers/lesson/breakage.js';
import { FAULTS, type FaultName } from './faults.js';

const name = inject('config').fault;
if (name !== undefined && !(name in FAULTS)) throw new Error(`unknown fault "${name}": ${Object.keys(FAULTS).join(', ')}`);
installBreakage(name === undefined ? undefined : FAULTS[name as FaultName]);
