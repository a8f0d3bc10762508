/**
 * setupFile of selftest's harness-fault runs (selftest/vitest.harness.config.ts): the harness
 * itself breaking, never the student's lab. Each must end as <error> and exit code 3.
 *  - setup-crash: this setup file throws, so no spec file can load.
 *  - harness-command-fails: once the lab builder has run Exercise 1 step 1, a command the harness
 *    relies on fails (a CommandError from Target.must, not a lesson check).
 */
import { inject } from 'vitest';
import { installBreakage } from '../../helpers/lesson/breakage.js';

export const HARNESS_FAULTS = ['setup-crash', 'harness-command-fails'] as const;

const fault = inject('config').fault;
if (fault === 'setup-crash') throw new Error('selftest: the harness setup crashed on purpose');
if (fault === 'harness-command-fails')
  installBreakage({
    name: fault,
    lab: {
      after: 1,
      async apply(t) {
        await t.must(['ip', 'link', 'show', 'lesson06-no-such-link']);
      },
    },
  });
else if (fault !== undefined) throw new Error(`unknown harness fault "${fault}": ${HARNESS_FAULTS.join(', ')}`);
