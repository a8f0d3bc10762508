import { describe, expect, test } from 'vitest';
import { formatDiagnosis, LessonCheckError, assertLesson } from '../../helpers/lesson/diagnosis.js';
import { describeOutcome, formatResult, type ExecResult } from '../../helpers/targets/exec.js';
import { fixes } from '../../helpers/lesson/fixes.js';
import { lessonPlan } from '../../helpers/lesson/plan.js';
import { formatTranscript } from '../../helpers/targets/transcript.js';

const result = (over: Partial<ExecResult>): ExecResult => ({
  argv: ['ping', '-c', '2', '10.0.0.2'],
  exitCode: 1,
  signal: undefined,
  timedOut: false,
  stdout: '',
  stderr: '',
  durationMs: 12,
  spawnError: undefined,
  ...over,
});

describe('diagnosis', () => {
  const d = {
    ref: { section: 'exercise-1' as const, step: 'Step 6' },
    expected: '2 received',
    seen: '0 received',
    commonError: fixes.noConnectivity(lessonPlan('/root')),
  };
  test('says expected, seen, lesson step, Common Error and fix', () => {
    const text = formatDiagnosis(d);
    expect(text).toContain('Exercise 1: Set Up a Network Namespace with Connectivity, Step 6');
    expect(text).toContain('expected: 2 received');
    expect(text).toContain('seen:     "0 received"');
    expect(text).toContain('diagnosis: Common Error 2');
    expect(text).toContain('ip link set veth-host up');
  });
  test('an address fix names the wrong address to remove before the right one to add, with sudo, in the namespace where the end lives', () => {
    const plan = lessonPlan('/root');
    expect(fixes.setAddress(plan, 'veth-container', true, ['10.0.1.2/24']).fix).toBe(
      'veth-container has 10.0.1.2/24 instead of 10.0.0.2/24: remove it ("sudo ip netns exec container-net ip addr del 10.0.1.2/24 dev veth-container"), then give veth-container 10.0.0.2/24: "sudo ip netns exec container-net ip addr add 10.0.0.2/24 dev veth-container"',
    );
    expect(fixes.setAddress(plan, 'veth-host', false, []).fix).toBe('give veth-host 10.0.0.1/24: "sudo ip addr add 10.0.0.1/24 dev veth-host"');
    expect(fixes.bringUp(plan, 'veth-container', true).fix).toBe('sudo ip netns exec container-net ip link set veth-container up');
  });
  test('assertLesson throws the same text, and nothing when the condition holds', () => {
    expect(() => assertLesson(false, d)).toThrow(LessonCheckError);
    expect(() => assertLesson(true, d)).not.toThrow();
  });
});

describe('command outcome', () => {
  test('most specific reason first', () => {
    expect(describeOutcome(result({ timedOut: true, exitCode: undefined, signal: 'SIGKILL' }))).toMatch(/^timed out/);
    expect(describeOutcome(result({ signal: 'SIGTERM', exitCode: undefined }))).toBe('killed by signal SIGTERM');
    expect(describeOutcome(result({}))).toBe('exit code 1');
  });
  test('failure message quotes the argv and stderr', () => {
    const text = formatResult(result({ argv: ['ip', 'netns', 'add', 'a b'], stderr: 'File exists\n' }), 'message');
    expect(text).toBe("Command failed (exit code 1): ip netns add 'a b'\nstderr: File exists");
  });
  test("a check's seen line: the exit code and the output as it came; a run that did not exit says how it ended", () => {
    expect(formatResult(result({ stdout: 'out\n', stderr: 'err\n' }))).toBe('exit 1; out\nerr\n');
    expect(formatResult(result({ exitCode: undefined, timedOut: true, durationMs: 30_000 }))).toBe('timed out after 30000 ms; ');
  });
  test('transcript lists each command with outcome and output', () => {
    const text = formatTranscript([result({ stdout: '0 received\n' }), result({ argv: ['true'], exitCode: 0 })]);
    expect(text).toContain('[1] $ ping -c 2 10.0.0.2');
    expect(text).toContain('    stdout:\n        0 received');
    expect(text).toContain('[2] $ true\n    -> exit code 0');
  });
});
