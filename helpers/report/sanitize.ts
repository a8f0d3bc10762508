/**
 * The one sanitizer for text a student controls (file names, config values, interface names,
 * command output) on its way to a terminal, a JUnit file or the annotated lesson. Nothing that
 * steers a terminal or breaks a file format passes through; everything stays readable, shown as
 * an escape (`\x1b`, `\u202e`) rather than dropped, so the grader sees that it was there.
 */

// C0 controls but tab and newline, DEL, C1 controls; bidirectional overrides and isolates, which
// reorder what a terminal or browser shows; line and paragraph separators; non-characters.
const UNSAFE =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const escape = (c: string): string => {
  const n = c.charCodeAt(0);
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
};

/** Text for display: every unsafe character as a visible escape; newlines kept (indented by the caller) or escaped too. */
export function visible(s: string, opts: { readonly newlines?: boolean } = {}): string {
  const t = s.replace(UNSAFE, escape);
  return opts.newlines === true ? t : t.replaceAll('\n', '\\n');
}

// Colour sequences of the harness's own tools carry no meaning in a file.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const ANSI_COLOUR = /\u001b\[[0-9;]*m/g;

/**
 * Text a JUnit (XML 1.0) file can carry in an attribute or a CDATA section, for any input:
 * colour codes removed, other unsafe characters escaped, and every `]]>` written `]]\x3e`
 * (xmlbuilder's cdata() splits only the first one, so a second would end the section early).
 */
export function xmlText(s: string): string {
  return visible(s.replace(ANSI_COLOUR, ''), { newlines: true }).replaceAll(']]>', ']]\\x3e');
}
