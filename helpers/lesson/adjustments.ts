/**
 * The named ways a test may run a lesson line other than exactly as written. A test that runs a
 * line with an adjustment declares it (`lesson.runs(id, { adjustment, as })`); the name and its
 * reason land in the annotated lesson and in JUnit (`harness.adjustment`). Each that runs
 * something is a mechanical transformation of the line's text (transforms.ts): with the lesson
 * document, the text through it must give exactly `as`, or the line changed in the lesson.
 */
interface Adjustment {
  /** Why the line cannot run exactly as the lesson types it, in one sentence. */
  readonly reason: string;
}

export const ADJUSTMENTS = {
  cwd: {
    reason: 'a test cannot change its directory: the commands that follow run in that directory with env -C DIR',
  },
  'bundle-flag': {
    reason: 'runc is given the bundle with --bundle DIR instead of being started inside DIR',
  },
  'brace-expansion': {
    reason: "the shell's {a,b,…} brace expansion is written out as separate arguments",
  },
  'file-argument': {
    reason: "jq reads config.json itself instead of from cat's pipe (same input, one process)",
  },
  'jq-redirect': {
    reason: 'jq reads config.json itself; the harness writes its output to config.json.tmp, then mv runs as written',
  },
  'unattended-bundle': {
    reason:
      'the bundle is adjusted to run unattended: busybox applet links, process.terminal false, CAP_NET_RAW and its own cgroupsPath (each is an erratum)',
  },
  'idle-process': {
    reason:
      "the container runs sleep instead of the lesson's process, which exits by itself (after about 2 s in Exercise 3) while this check needs it running",
  },
  'condition-by-harness': {
    reason: "the command runs as argv; the shell's if/!/grep/&&/|| and redirections around it are evaluated by the test",
  },
  'ignore-failure': {
    reason: '`2>/dev/null || true`: the command runs and its exit code is ignored; its stderr stays in the transcript',
  },
  'json-output': {
    reason: 'ip -j prints the same state as JSON, which the test parses instead of the text listing',
  },
  'file-write': {
    reason: '`echo 1 | tee FILE`: the harness writes 1 to the file itself (dd of=FILE)',
  },
  'docker-by-hand': {
    reason:
      'no Docker engine or image registry here: the steps Docker takes (netns, veth pair, docker0 bridge, container started with the netns path) are done with ip and runc',
  },
} as const satisfies Record<string, Adjustment>;

export type AdjustmentName = keyof typeof ADJUSTMENTS;

export function describeAdjustment(name: AdjustmentName): string {
  return `${name}: ${ADJUSTMENTS[name].reason}`;
}

/** What a test declares about one lesson command line. */
export interface RunDeclaration {
  readonly id: string;
  /** Absent: the line ran exactly as written (minus sudo, with the plan's names). */
  readonly adjustment?: AdjustmentName;
  /**
   * The commands that ran in the line's place, each an argv pattern that must appear in the
   * test's transcript as an ordered subsequence of one command's argv (`['runc', 'run', '--detach']`):
   * the project's own record of the line. With the lesson document it must also equal the
   * adjustment's transformation of the line's text (transforms.ts).
   */
  readonly as?: ReadonlyArray<readonly string[]>;
  /**
   * The line ran as written inside a script file the test wrote from the document's block and ran
   * (`./verify-network-integration.sh`, `bash /tmp/…/cleanup-b1.sh`): a transcript entry with
   * that word proves it.
   */
  readonly inScript?: string;
}
