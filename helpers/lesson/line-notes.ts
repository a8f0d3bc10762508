/**
 * What the annotated lesson says about lines no single test owns: the lesson lines that cannot
 * run on these machines (at most five, each with its reason), and where in the lesson each
 * erratum belongs. Ids are the document's (see document.ts).
 */

export const MAX_NOT_EXECUTABLE = 5;

const NO_REGISTRY =
  'no image registry is reachable from these machines (and no Docker engine runs inside a test sandbox); the specs build the rootfs from busybox-static instead';

export const NOT_EXECUTABLE: Readonly<Record<string, string>> = {
  'exercise-2/s1/b2/L2': NO_REGISTRY,
  'exercise-2/s1/b2/L3': NO_REGISTRY,
  'exercise-2/s1/b2/L4': NO_REGISTRY,
  'exercise-2/s1/b2/L5': NO_REGISTRY,
};

/** Erratum id → the lesson lines (commands, outputs, claims, configs) it corrects. */
export const ERRATUM_LINES: Readonly<Record<string, readonly string[]>> = {
  'E-rootfs-needs-applets': ['exercise-2/s1/b1/L12', 'exercise-4/s1/b1/L5'],
  'E-busybox-must-be-static': ['exercise-2/s1/b1/L12', 'exercise-4/s1/b1/L5'],
  'E-terminal-needs-tty': ['exercise-2/s4/cfg1', 'exercise-3/s1/b1/L2'],
  'E-ping-needs-net-raw': ['exercise-3/s1/out1', 'exercise-3/s1/proves/3'],
  'E-new-netns-lo-up': ['exercise-4/s3/out1', 'exercise-4/s3/observes/2'],
  'E-missing-device-wording': ['exercise-1/s3/b1/L6'],
  'E-verify-accepts-any-path': ['verify/b1/L37'],
  'E-missing-netns-wording': ['common-error-1/out1'],
  'E-unprivileged-runc-wording': ['common-error-3/out1'],
  'E-default-namespaces': ['exercise-2/s2/out1'],
  'E-jq-rewrites-namespaces': ['exercise-2/s3/b1/L2'],
  'E-prestart-deprecated': ['exercise-5/cfg1'],
};
