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

const inside = (path: string | undefined, dir: string): boolean =>
  path !== undefined && !path.includes('..') && (path === dir || path.startsWith(`${dir}/`));

const READ_ONLY_IP = [
  (a: string[]) => a[0] === '-j' && ['addr', 'link', 'route'].includes(a[1] ?? '') && (a[2] === 'show' || a[2] === undefined),
  (a: string[]) => a[0] === 'netns' && (a[1] === 'list' || a[1] === 'pids' || a[1] === 'identify'),
  (a: string[]) => a[0] === 'link' && a[1] === 'show',
];

export function readOnlyViolation(argv: readonly string[], ctx: GuardContext): string | undefined {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'cat':
    case 'stat':
    case 'test':
    case 'jq':
    case 'sha256sum':
    case 'find':
      // find could delete or exec; allow only its plain listing form.
      if (cmd === 'find' && rest.some((a) => /^-(delete|exec|execdir|ok|fprint|fls)/.test(a))) return 'find may only list';
      return undefined;
    case 'ping':
      return undefined;
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

/** runc and mounts run only in the grader's private mount namespace, with state in its scratch dir. */
function scratchNamespaceCommand(argv: readonly string[], ctx: GuardContext): string | undefined {
  const [cmd, ...rest] = argv;
  if (cmd === 'nsenter') {
    const dash = rest.indexOf('--');
    if (dash < 0 || !rest.slice(0, dash).includes('--mount') || rest.slice(0, dash).includes('--net'))
      return 'nsenter may only enter the grader mount namespace';
    return scratchNamespaceCommand(rest.slice(dash + 1), ctx);
  }
  if (cmd === 'mount' || cmd === 'umount') return inside(rest[rest.length - 1], ctx.scratch) ? undefined : `${cmd} outside the scratch directory`;
  if (cmd === 'runc') {
    if (rest[0] !== '--root' || !inside(rest[1], ctx.scratch)) return 'runc must use --root inside the scratch directory';
    const id = rest[rest.length - 1] ?? '';
    const sub = rest[2] === '--log' ? rest[4] : rest[2];
    if (sub === 'list' || sub === 'state' || sub === 'exec') return undefined;
    return id.startsWith(ctx.ownIdPrefix) ? undefined : `runc ${sub ?? ''} on a container that is not the grader's`;
  }
  return `${cmd} is not allowed`;
}
