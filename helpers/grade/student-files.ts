import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync, realpathSync, type Stats } from 'node:fs';

/**
 * Reading files a student controls, as root, without being steered by them: never through a
 * symbolic link at the file itself, never blocking on a FIFO or a device, never more than a cap.
 * Everything here only reads.
 */

/** O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOCTTY: a tty must not become ours. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK | constants.O_NOCTTY;

export const CONFIG_MAX_BYTES = 1024 * 1024;

function kindOf(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a directory';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const errno = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? 'EIO';

/** An open regular file: its size and a bounded reader; close it when done. */
interface OpenFile {
  readonly size: number;
  readonly mode: number;
  readAt(offset: number, length: number): Uint8Array;
  close(): void;
}

type Opened = { readonly ok: true; readonly file: OpenFile } | { readonly ok: false; readonly problem: string };

/** The file a check looked at: device and inode (from lstat). */
interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/**
 * Opens `path` for reading if it is a regular file reached without a symbolic link at its last
 * component. `expect`: the path the kernel must report for the open file, or the identity a
 * check saw, so a directory swapped for a link between that check and the open is noticed.
 */
export function openRegular(path: string, expect?: string | FileIdentity): Opened {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    const code = errno(e);
    if (code === 'ELOOP') return { ok: false, problem: `${path} is a symbolic link; the grader reads only the file itself, never through a link` };
    if (code === 'ENOENT') return { ok: false, problem: `${path} does not exist` };
    if (code === 'ENOTDIR') return { ok: false, problem: `a component of ${path} is not a directory` };
    if (code === 'EACCES') return { ok: false, problem: `${path} cannot be read (permission denied)` };
    return { ok: false, problem: `${path} cannot be opened (${code})` };
  }
  const fail = (problem: string): Opened => {
    closeSync(fd);
    return { ok: false, problem };
  };
  const st = fstatSync(fd);
  if (!st.isFile()) return fail(`${path} is ${kindOf(st)}, not a regular file`);
  if (typeof expect === 'string') {
    const real = readlinkSync(`/proc/self/fd/${fd}`);
    if (real !== expect) return fail(`${path} was reached through a symbolic link (it opened ${real}); the grader reads only ${expect}`);
  } else if (expect !== undefined && (st.dev !== expect.dev || st.ino !== expect.ino)) return fail(`${path} changed while the grader looked at it`);
  const size = st.size;
  return {
    ok: true,
    file: {
      size,
      mode: st.mode,
      readAt(offset: number, length: number): Uint8Array {
        const want = Math.max(0, Math.min(length, size - offset));
        const buf = Buffer.alloc(want);
        let got = 0;
        while (got < want) {
          const n = readSync(fd, buf, got, want - got, offset + got);
          if (n === 0) break;
          got += n;
        }
        return buf.subarray(0, got);
      },
      close: () => closeSync(fd),
    },
  };
}

type TextRead = { readonly ok: true; readonly text: string; readonly size: number } | { readonly ok: false; readonly problem: string };

/** A whole small text file, refused when larger than `maxBytes` (read only after its size is known). */
export function readSmallText(path: string, maxBytes: number, expect?: string | FileIdentity): TextRead {
  const o = openRegular(path, expect);
  if (!o.ok) return o;
  try {
    if (o.file.size > maxBytes) return { ok: false, problem: `${path} is ${o.file.size} bytes, more than the ${maxBytes} bytes the grader reads` };
    const bytes = o.file.readAt(0, maxBytes + 1);
    if (bytes.length > maxBytes) return { ok: false, problem: `${path} grew past ${maxBytes} bytes while it was read` };
    return { ok: true, text: Buffer.from(bytes).toString('utf8'), size: bytes.length };
  } finally {
    o.file.close();
  }
}

type DirCheck = { readonly ok: true; readonly real: string } | { readonly ok: false; readonly problem: string };

/**
 * The bundle directory as the grader may read it: a directory that is not itself a symbolic
 * link (a link could point the grader at any directory on the machine, root-only ones included).
 */
export function checkBundleDir(dir: string): DirCheck {
  let st: Stats;
  try {
    st = lstatSync(dir);
  } catch (e) {
    return { ok: false, problem: errno(e) === 'ENOENT' ? `${dir} does not exist` : `${dir} cannot be read (${errno(e)})` };
  }
  if (st.isSymbolicLink()) {
    let target = '?';
    try {
      target = realpathSync(dir);
    } catch {
      // a dangling link: its target is unknown
    }
    return {
      ok: false,
      problem: `${dir} is a symbolic link (to ${target}); the grader reads a bundle only at its real path: grade it with --bundle ${target}`,
    };
  }
  if (!st.isDirectory()) return { ok: false, problem: `${dir} is ${kindOf(st)}, not a directory` };
  return { ok: true, real: realpathSync(dir) };
}

/** A JSON.parse error without the quoted snippet of the text V8 adds, so no file content is echoed. */
export function jsonErrorWithoutContent(message: string, text: string): string {
  const pos = /at position (\d+)/.exec(message);
  const where = (() => {
    if (!pos?.[1]) return undefined;
    const p = Number(pos[1]);
    const before = text.slice(0, p);
    const line = before.split('\n').length;
    return `line ${line}, column ${p - before.lastIndexOf('\n')}`;
  })();
  const kind = /Unexpected end of JSON input/.test(message)
    ? 'the text ends before the JSON value does'
    : /Unexpected token|Unexpected non-whitespace|Expected|Bad control character|Bad escaped|Unterminated/.test(message)
      ? 'unexpected character'
      : 'not valid JSON';
  return where ? `${kind} at ${where}` : kind;
}
