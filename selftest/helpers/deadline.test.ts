import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { answeredWithError, lateReplies, MachineTooSlowError, responderSilent } from '../../helpers/net/deadline.js';
import { ping } from '../../helpers/net/ops.js';
import { SandboxTarget } from '../../helpers/targets/sandbox.js';
import { waitFor } from '../../helpers/wait.js';

/**
 * A ping that misses the lesson's 1-second deadline on a loaded machine must not read as a broken
 * lab. Made real here without loading the machine: in a sandbox, a namespace whose kernel ignores
 * echo requests and a raw-socket responder that answers each one 1.5 s late. The sender's kernel
 * counts the reply after ping gave up; that, and only that, is "the machine was too slow".
 */
const NS = 'late-echo';
const HOST = '10.99.0.1';
const PEER = '10.99.0.2';
/** Answers each ICMP echo request after `delay` seconds, from user space; exits after `count` answers. */
const LATE_RESPONDER = `
use Socket;
my ($delay, $count) = @ARGV;
socket(my $s, PF_INET, SOCK_RAW, 1) or die "raw socket: $!";
while (1) {
  my $from = recv($s, my $buf, 65535, 0);
  next unless defined $from;
  my $icmp = substr($buf, (ord($buf) & 15) * 4);
  next unless ord($icmp) == 8;
  substr($icmp, 0, 1) = chr(0);
  substr($icmp, 2, 2) = "\\0\\0";
  my $sum = 0;
  $sum += $_ for unpack('n*', length($icmp) % 2 ? "$icmp\\0" : $icmp);
  $sum = ($sum >> 16) + ($sum & 0xffff) while $sum >> 16;
  substr($icmp, 2, 2) = pack('n', ~$sum & 0xffff);
  select(undef, undef, undef, $delay);
  send($s, $icmp, 0, $from);
  exit 0 if --$count == 0;
}`;

describe('a ping that missed its deadline: the kernel decides whether the lab is at fault', () => {
  let t: SandboxTarget;
  beforeAll(async () => {
    t = await SandboxTarget.start();
    for (const argv of [
      ['ip', 'netns', 'add', NS],
      ['ip', 'link', 'add', 'late-h', 'type', 'veth', 'peer', 'name', 'late-c'],
      ['ip', 'link', 'set', 'late-c', 'netns', NS],
      ['ip', 'addr', 'add', `${HOST}/24`, 'dev', 'late-h'],
      ['ip', 'link', 'set', 'late-h', 'up'],
      ['ip', '-n', NS, 'addr', 'add', `${PEER}/24`, 'dev', 'late-c'],
      ['ip', '-n', NS, 'link', 'set', 'late-c', 'up'],
      ['ip', '-n', NS, 'link', 'set', 'lo', 'up'],
    ])
      await t.must(argv);
  });
  afterAll(() => t.dispose());

  test('the decision: every request answered, however late, or not', () => {
    const c = (outEchos: number, inEchoReps: number) => ({ outEchos, inEchoReps, inEchos: 0, outEchoReps: 0, inDestUnreachs: 0 });
    expect(lateReplies(c(5, 5), c(6, 6))).toEqual({ sent: 1, replies: 1 });
    expect(lateReplies(c(5, 5), c(7, 6))).toBeUndefined();
    expect(lateReplies(c(5, 5), c(5, 5))).toBeUndefined();
  });

  test("the wait ends early only on the kernel's word that no reply can come", () => {
    const k = (outEchos: number, inDestUnreachs: number, inEchos = 0, outEchoReps = 0) => ({
      outEchos,
      inEchoReps: 0,
      inEchos,
      outEchoReps,
      inDestUnreachs,
    });
    // Every request came back as "Destination Unreachable"; one of two did not; none was sent.
    expect(answeredWithError(k(5, 1), k(6, 2))).toBe(true);
    expect(answeredWithError(k(5, 1), k(7, 2))).toBe(false);
    expect(answeredWithError(k(5, 1), k(5, 2))).toBe(false);
    // The responder counted the request and its kernel sent no reply, with no raw socket open there.
    expect(responderSilent(k(0, 0, 4, 4), k(0, 0, 5, 4), 1, 0)).toBe(true);
    // A program with a raw socket may still answer; a reply counted may be in a qdisc; a request not yet counted may still come.
    expect(responderSilent(k(0, 0, 4, 4), k(0, 0, 5, 4), 1, 1)).toBe(false);
    expect(responderSilent(k(0, 0, 4, 4), k(0, 0, 5, 5), 1, 0)).toBe(false);
    expect(responderSilent(k(0, 0, 4, 4), k(0, 0, 4, 4), 1, 0)).toBe(false);
  });

  test('prompt replies pass; replies that never come are the lab\'s failure; late replies are "too slow", with the counters', async () => {
    expect((await ping(t, PEER, { count: 1, waitSeconds: 1 })).ok).toBe(true);
    await t.must(['ip', 'netns', 'exec', NS, 'sysctl', '-qw', 'net.ipv4.icmp_echo_ignore_all=1']);
    const silent = await ping(t, PEER, { count: 1, waitSeconds: 1 });
    expect(silent.ok).toBe(false);
    expect(silent.summary?.received).toBe(0);

    const responder = t.exec(['ip', 'netns', 'exec', NS, 'perl', '-e', LATE_RESPONDER, '1.5', '2'], { timeoutMs: 30_000 });
    // Listening once its raw socket shows in the namespace's /proc/net/raw (a header line, then one per socket).
    await waitFor(async () => (await t.exec(['ip', 'netns', 'exec', NS, 'cat', '/proc/net/raw'])).stdout.trim().split('\n').length > 1, {
      timeoutMs: 5_000,
      what: 'the late responder',
    });
    const late = await ping(t, PEER, { count: 1, waitSeconds: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(late).toBeInstanceOf(MachineTooSlowError);
    expect(String(late)).toMatch(
      /too slow for the lesson's 1-second deadline: every echo reply arrived, after ping had given up \(attempt 1: .*OutEchos \+1, InEchoReps \+1; attempt 2: /,
    );
    // It answered both attempts, and ended by itself.
    expect((await responder).exitCode).toBe(0);
  }, 60_000);

  test('naming the namespace that answers does not cut the wait short while a program there can still answer', async () => {
    await t.must(['ip', 'netns', 'exec', NS, 'sysctl', '-qw', 'net.ipv4.icmp_echo_ignore_all=1']);
    // Its kernel counts the request and sends nothing; a raw socket is open there: no early end.
    const responder = t.exec(['ip', 'netns', 'exec', NS, 'perl', '-e', LATE_RESPONDER, '1.5', '2'], { timeoutMs: 30_000 });
    await waitFor(async () => (await t.exec(['ip', 'netns', 'exec', NS, 'cat', '/proc/net/raw'])).stdout.trim().split('\n').length > 1, {
      timeoutMs: 5_000,
      what: 'the late responder',
    });
    const late = await ping(t, PEER, { count: 1, waitSeconds: 1, responder: `/run/netns/${NS}` }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(late).toBeInstanceOf(MachineTooSlowError);
    expect((await responder).exitCode).toBe(0);
    // With nothing there to answer, the same silence is the lab's failure, as without the hint.
    const silent = await ping(t, PEER, { count: 1, waitSeconds: 1, responder: `/run/netns/${NS}` });
    expect(silent.ok).toBe(false);
    expect(silent.summary?.received).toBe(0);
  }, 60_000);
});
