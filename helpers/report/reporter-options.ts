import type { LessonDocument } from '../lesson/document.js';
import type { RunConfig } from '../run-config.js';

/** What vitest.config.ts hands each of the harness's reporters, which vitest constructs from their paths. */
// A type, not an interface: vitest types a reporter's options as Record<string, unknown>.
export type ReporterOptions = {
  readonly run: RunConfig;
  /** The lesson document, for the annotated lesson only (undefined: the report says how to get one). */
  readonly lessonDoc?: LessonDocument | undefined;
};
