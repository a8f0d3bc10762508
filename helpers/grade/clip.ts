import { visible } from '../report/sanitize.js';
import { cutNote, type ExecResult } from '../targets/exec.js';

/** What one command may put into the grader's report, per stream. */
const REPORT_OUTPUT_BYTES = 64 * 1024;

/** The first `max` bytes of a text and a note of how many were cut. */
export function clipOutput(text: string, max = REPORT_OUTPUT_BYTES): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return text;
  return `${bytes.subarray(0, max).toString('utf8')}${cutNote(bytes.length - max)}`;
}

/** A transcript entry as the report shows it: output clipped, so a flood stays a few KiB. */
export const clipEntry = (e: ExecResult): ExecResult => ({ ...e, stdout: clipOutput(e.stdout), stderr: clipOutput(e.stderr) });

/** A student's string for one message line: escapes and control characters made visible (\x1b), at most `max` characters. */
export const clip = (s: string, max = 160): string => {
  const t = visible(s);
  return t.length > max ? `${t.slice(0, max)}…` : t;
};
