import type { ExecResult } from '../targets/exec.js';
import type { Target } from '../targets/types.js';
import { waitFor } from '../wait.js';
import { readIcmp } from './counters.js';
import type { IcmpCounters } from './ip.js';

/**
 * Not a verdict on the lab: a command with a reply deadline (the lesson's `ping -W 1`) gave up,
 * and the kernel then counted the reply it was waiting for. The machine was too slow, not the
 * network broken: reported as a harness error, never as a Common Error.
 */
export class MachineTooSlowError extends Error {
  override name = 'MachineTooSlowError';
}

/** How long after a failed ping the sender's counters are watched for the late reply. */
const LATE_WINDOW_MS = 3_000;

/**
 * The kernel's word on a failed ping: every echo request the sender's namespace sent during the
 * attempt got its reply, counted by that namespace (replies ping did not see because they came
 * after its deadline). Undefined when some request is still unanswered: the lab's verdict stands.
 */
export function lateReplies(before: IcmpCounters, after: IcmpCounters): { sent: number; replies: number } | undefined {
  const sent = after.outEchos - before.outEchos;
  const replies = after.inEchoReps - before.inEchoReps;
  return sent > 0 && replies >= sent ? { sent, replies } : undefined;
}

/**
 * Every request the sender sent came back as an ICMP error (a router without forwarding, or
 * without a route, answers "Destination Unreachable"): the network dropped them, no echo reply
 * will follow.
 */
export function answeredWithError(before: IcmpCounters, after: IcmpCounters): boolean {
  const sent = after.outEchos - before.outEchos;
  return sent > 0 && after.inDestUnreachs - before.inDestUnreachs >= sent;
}

/**
 * The namespace that would answer received every request and its kernel sent no reply: the
 * kernel answers an echo request as it counts it (icmp_rcv, then icmp_echo, in one softirq), and
 * counts a reply it sends before any queueing discipline can delay it, so an echo request counted
 * with no echo reply counted is one nobody will answer, unless a program answers from user space
 * through a raw socket. Only with no raw socket in that namespace is the silence final.
 */
export function responderSilent(before: IcmpCounters, after: IcmpCounters, sent: number, rawSockets: number): boolean {
  return sent > 0 && after.inEchos - before.inEchos >= sent && after.outEchoReps === before.outEchoReps && rawSockets === 0;
}

/** Sockets in a namespace's /proc/net/raw (a header line, then one per socket); undefined when it cannot be read. */
async function rawSockets(t: Target, netnsPath: string): Promise<number | undefined> {
  const raw = await t.readInNetns(netnsPath, '/proc/net/raw');
  return raw.exitCode === 0 ? raw.stdout.trim().split('\n').length - 1 : undefined;
}

async function responderKeptSilent(t: Target, responder: string, before: IcmpCounters, sent: number): Promise<boolean> {
  const now = await readIcmp(t, responder);
  const raw = await rawSockets(t, responder);
  if (now === undefined || raw === undefined || !responderSilent(before, now, sent, raw)) return false;
  // Read again a moment later: a reading taken inside that softirq, between the request's count
  // and the reply's, would look silent once.
  await new Promise((r) => setTimeout(r, 50));
  const again = await readIcmp(t, responder);
  return again !== undefined && responderSilent(before, again, sent, raw);
}

/**
 * Runs a ping that has a reply deadline; when it fails, reads the sender's ICMP counters before
 * blaming the lab. Replies that arrived late earn one more attempt; late twice is a
 * MachineTooSlowError with the counters as evidence. The host target (grading) reads the
 * student's machine with a read-only guard and keeps the plain verdict. The wait for late replies
 * ends early on the kernel's word that none can come: every request answered with an ICMP error,
 * or (given the namespace that would answer, as a path) received there and left unanswered.
 */
export async function pingWithinDeadline(
  t: Target,
  sender: string | undefined,
  deadlineS: number,
  attempt: () => Promise<ExecResult>,
  opts: { readonly responder?: string } = {},
): Promise<ExecResult> {
  if (!t.readsLateReplies) return attempt();
  const path = sender === undefined ? undefined : `/run/netns/${sender}`;
  const where = sender === undefined ? 'the lab host' : `netns ${sender}`;
  const seen: string[] = [];
  for (let i = 0; i < 2; i++) {
    const before = await readIcmp(t, path);
    const responderBefore = opts.responder === undefined ? undefined : await readIcmp(t, opts.responder);
    const r = await attempt();
    if (r.exitCode === 0 || r.timedOut || before === undefined) return r;
    let late: { sent: number; replies: number } | undefined;
    await waitFor(
      async () => {
        const after = await readIcmp(t, path);
        late = after && lateReplies(before, after);
        // No request left the namespace (no route, no address): no reply can be on its way.
        if (late !== undefined || after === undefined || after.outEchos === before.outEchos) return true;
        if (answeredWithError(before, after)) return true;
        return (
          responderBefore !== undefined &&
          opts.responder !== undefined &&
          (await responderKeptSilent(t, opts.responder, responderBefore, after.outEchos - before.outEchos))
        );
      },
      // Every 750 ms, not faster: a late reply is rare and the counters keep it, so a slower poll only reports it a little later, with a fifth of the reads.
      { timeoutMs: LATE_WINDOW_MS, intervalMs: 750, what: 'late echo replies' },
    ).catch(() => undefined);
    if (late === undefined) return r;
    seen.push(
      `attempt ${i + 1}: ping exited ${r.exitCode ?? '?'} but ${where}'s /proc/net/snmp counted OutEchos +${late.sent}, InEchoReps +${late.replies}`,
    );
  }
  throw new MachineTooSlowError(
    `the machine was too slow for the lesson's ${deadlineS}-second deadline: every echo reply arrived, after ping had given up (${seen.join('; ')}); ` +
      'the lab is not at fault: run again on a less loaded machine',
  );
}
