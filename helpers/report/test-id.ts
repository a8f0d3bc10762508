/**
 * A test's stable id, `<section>/<slug>` (`exercise-3/sees-veth-container`): what the report's
 * `test-id` line, the selftest's verdicts and graders' tools key on, so a test's title can be
 * reworded without breaking any of them. Declared beside the test (fixtures' `testId`), carried
 * to the reporters in the test's meta.
 */
declare module 'vitest' {
  interface TaskMeta {
    /** The test's stable id (fixtures/test-id.ts). */
    testId?: string;
  }
}

/** Lower-case words joined by '-', a section and a slug. */
export const TEST_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*\/[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The report's name for the id: the `test-id` line of a testcase's system-out. */
export const TEST_ID_PROPERTY = 'test-id';
