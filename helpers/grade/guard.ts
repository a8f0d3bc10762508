import { studentArgv } from './student-reader.js';

/**
 * The host target's promise: grading reads the student's machine and changes nothing of theirs.
 * Every argv is checked against this list before it runs; writes are allowed only inside the
 * grader's own scratch directory and only for the grader's own runc state and container.
 */
export interface GuardContext {
  /** The grader's scratch directory (mkdtemp); the only place it may write. */
  readonly scratch: string;
  /** The grader's own container id prefix. */
  readonly ownIdPrefix: string;
}

/**
 * The grader's ping probe bundle (helpers/grade/ping-probe.ts): an empty rootfs, the machine's
 * busybox and a config the grader generated. The only bundle whose process runc may start.
 */
export const pingBundleDir = (scratch: string): string => `${scratch}/ping`;

const inside = (path: string | undefined, dir: string): boolean =>
  path !== undefined && !path.includes('..') && (path === dir || path.startsWith(`${dir}/`));

const READ_ONLY_IP = [
  (a: string[]) => a[0] === '-j' && ['addr', 'link', 'route'].includes(a[1] ?? '') && (a[2] === 'show' || a[2] === undefined),
  (a: string[]) => a[0] === 'netns' && (a[1] === 'list' || a[1] === 'pids' || a[1] === 'identify'),
  (a: string[]) => a[0] === 'link' && a[1] === 'show',
  // Details of one link (a veth's peer index and namespace id) and the namespaces' ids: reads only.
  (a: string[]) => a[0] === '-j' && a[1] === '-d' && a[2] === 'link' && a[3] === 'show',
  (a: string[]) => a[0] === '-j' && a[1] === 'netns' && a[2] === 'list' && a.length === 3,
  // The live checklist's kernel events (npm run grade -- --watch): it listens, it changes nothing.
  (a: string[]) => a[0] === 'monitor' && a.length > 1 && a.slice(1).every((x) => x === 'link' || x === 'address'),
];

export function readOnlyViolation(argv: readonly string[], ctx: GuardContext): string | undefined {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'cat':
    case 'stat':
    case 'realpath':
    case 'test':
    case 'jq':
    case 'sha256sum':
    case 'find':
      // find could delete or exec; allow only its plain listing form.
      if (cmd === 'find' && rest.some((a) => /^-(delete|exec|execdir|ok|fprint|fls)/.test(a))) return 'find may only list';
      return undefined;
    case 'ping':
      return undefined;
    case 'setpriv': {
      // Only the reader of the student's files, dropped to a uid and gid of its own, nothing else.
      const [reuid, regid, ...tail] = rest;
      const expected = studentArgv({ uid: Number(reuid?.slice(8)), gid: Number(regid?.slice(8)) });
      if (!/^--reuid=\d+$/.test(reuid ?? '') || !/^--regid=\d+$/.test(regid ?? '')) return 'setpriv may only drop to a uid and gid';
      if (JSON.stringify(['setpriv', reuid, regid, ...tail]) === JSON.stringify(expected)) return undefined;
      // Or stat/realpath of one student-chosen path with the student's rights (Verify check 5's facts).
      const [clear, dashes, ...inner] = tail;
      const statForms = [
        ['stat', '-L', '-f', '-c', '%T', '--'],
        ['stat', '-L', '-c', '%i', '--'],
        ['realpath', '-m', '--'],
      ];
      const asStudentStat =
        clear === '--clear-groups' && dashes === '--' && statForms.some((f) => inner.length === f.length + 1 && f.every((a, i) => inner[i] === a));
      return asStudentStat ? undefined : "setpriv may only start the reader of the student's files, or stat one path with the student's rights";
    }
    case 'ip': {
      // `ip -n NAME …` is the same read in another netns.
      if (rest[0] === '-n' && rest[1] !== undefined) return readOnlyViolation(['ip', ...rest.slice(2)], ctx);
      if (rest[0] === 'netns' && rest[1] === 'exec') {
        const inner = rest.slice(3);
        return inner[0] === 'ping' || inner[0] === 'ip' ? readOnlyViolation(inner, ctx) : `ip netns exec may only run ip or ping, not ${inner[0]}`;
      }
      return READ_ONLY_IP.some((ok) => ok(rest)) ? undefined : `ip ${rest.join(' ')} is not a read-only ip command`;
    }
    case 'mkdir':
    case 'rm':
      return rest.filter((a) => !a.startsWith('-')).every((p) => inside(p, ctx.scratch) && p !== ctx.scratch)
        ? undefined
        : `${cmd} outside the grader's scratch directory`;
    case 'dd':
      return inside(rest.find((a) => a.startsWith('of='))?.slice(3), ctx.scratch) ? undefined : 'dd may only write into the scratch directory';
    case 'nsenter':
    case 'mount':
    case 'umount':
    case 'runc':
      return scratchNamespaceCommand(argv, ctx);
    default:
      return `${cmd ?? '(empty)'} is not on the grader's read-only list`;
  }
}

/**
 * The probes' only runc subcommands: `create` never starts the process (the bundle over the
 * student's rootfs), and `run` starts only the ping probe's generated bundle.
 */
const RUNC_READS = ['list', 'state'];
const RUNC_OWN = ['create', 'run', 'delete'];

/** A namespace file nsenter may enter to read ICMP counters: a process's, or one named under /run/netns. */
const NETNS_FILE = /^--net=(\/proc\/\d+\/ns\/net|\/(var\/)?run\/netns\/(?!\.\.?$)[^/]+)$/;

/** Value of `--flag V` or `--flag=V` in argv. */
const flagValue = (args: readonly string[], flag: string): string | undefined => {
  const i = args.indexOf(flag);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
};

/** runc and mounts run only in the grader's private mount namespace, with state and bundle in its scratch dir. */
function scratchNamespaceCommand(argv: readonly string[], ctx: GuardContext): string | undefined {
  const [cmd, ...rest] = argv;
  if (cmd === 'nsenter') {
    const dash = rest.indexOf('--');
    const opts = rest.slice(0, dash);
    const inner = rest.slice(dash + 1);
    // Reading the probe container's network view with the machine's own ip: a read-only ip command only.
    if (dash >= 0 && opts.length === 1 && /^--net=\/proc\/\d+\/ns\/net$/.test(opts[0] ?? '') && inner[0] === 'ip')
      return readOnlyViolation(inner, ctx);
    // A namespace's ICMP counters (/proc/net follows the reader's network namespace): that file, read, nothing else.
    if (dash >= 0 && opts.length === 1 && NETNS_FILE.test(opts[0] ?? ''))
      return JSON.stringify(inner) === JSON.stringify(['cat', '/proc/net/snmp'])
        ? undefined
        : 'nsenter --net may only run a read-only ip command or read /proc/net/snmp';
    if (
      dash < 0 ||
      !opts.includes('--mount') ||
      opts.some((o) => o.startsWith('--net') || o.startsWith('--pid') || o.startsWith('--uts') || o.startsWith('--ipc'))
    )
      return 'nsenter may only enter the grader mount namespace';
    return scratchNamespaceCommand(inner, ctx);
  }
  if (cmd === 'mount') {
    if (!inside(rest[rest.length - 1], ctx.scratch)) return 'mount outside the scratch directory';
    const options = (flagValue(rest, '-o') ?? '').split(',');
    if (flagValue(rest, '-t') !== 'overlay') return 'the grader mounts only its overlay';
    for (const key of ['upperdir', 'workdir']) {
      const values = options.filter((o) => o.startsWith(`${key}=`));
      if (values.length !== 1 || !inside(values[0]?.slice(key.length + 1), ctx.scratch))
        return `overlay ${key} must be one directory inside the scratch directory`;
    }
    return undefined;
  }
  if (cmd === 'umount') return inside(rest[rest.length - 1], ctx.scratch) ? undefined : 'umount outside the scratch directory';
  if (cmd === 'runc') {
    if (rest[0] !== '--root' || !inside(rest[1], ctx.scratch)) return 'runc must use --root inside the scratch directory';
    let i = 2;
    if (rest[i] === '--log') {
      if (!inside(rest[i + 1], ctx.scratch)) return 'runc --log must be inside the scratch directory';
      i += 2;
    }
    const sub = rest[i] ?? '';
    const args = rest.slice(i + 1);
    if (RUNC_READS.includes(sub)) return undefined;
    if (sub === 'spec') return inside(flagValue(args, '--bundle'), ctx.scratch) ? undefined : 'runc spec writes only into the scratch directory';
    if (!RUNC_OWN.includes(sub)) return `runc ${sub} is not something the grader does`;
    const id = args[args.length - 1] ?? '';
    if (!id.startsWith(ctx.ownIdPrefix)) return `runc ${sub} on a container that is not the grader's`;
    if (sub === 'create' && !inside(flagValue(args, '--bundle'), ctx.scratch)) return "runc create runs only the grader's own generated bundle";
    // run starts the process: only the ping probe's, whose program is the machine's busybox, never a student's.
    if (sub === 'run' && (flagValue(args, '--bundle') !== pingBundleDir(ctx.scratch) || args.some((a) => a === '-d' || a.startsWith('--detach'))))
      return "runc run starts only the grader's own ping probe bundle, in the foreground";
    const pidFile = flagValue(args, '--pid-file');
    if (pidFile !== undefined && !inside(pidFile, ctx.scratch)) return 'runc --pid-file must be inside the scratch directory';
    return undefined;
  }
  return `${cmd} is not allowed`;
}
