import { tokenize } from '../../helpers/lesson/shell.js';

/** A level-3 hint line as the grader prints it: the command follows "$ ". */
export const HINT3 = /^ {4}hint 3: \$ (.*)$/;

/**
 * A printed command's words, as a shell would split them, so a selftest runs it as argv: an open
 * quote, a continued line, or a pipe, list or redirection outside quotes is refused (it would need a shell).
 */
export function words(command: string): string[] {
  const t = tokenize(command);
  if (t.openQuote || t.continues) throw new Error(`the printed command is unfinished: ${command}`);
  const ops = t.tokens.filter((x) => x.kind === 'op');
  if (ops.length > 0) throw new Error(`the printed command needs a shell (${ops.map((o) => o.value).join(' ')}): ${command}`);
  return t.tokens.map((x) => x.value);
}
