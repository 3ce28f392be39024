// The read stage: paths, directories and globs in; one entry per file with what the file system and the
// file name know about its capture time. Bytes are loaded when the decoder asks for them, one file at a time,
// so a series of large text dumps never sits in memory all at once; each file is still read exactly once.

import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync, type Stats } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { FileError, LimitError } from './errors.js';
import { LIMIT_FLAGS, type Limits } from './limits.js';
import type { InputFile, TimeSource } from './model.js';

export interface FoundFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly nameTimeMs: number | null;
  /** The round number in the file name (`heap-07-<stamp>.pb.gz` → 7, `goroutine.3.txt` → 3), or null. */
  readonly round: number | null;
  /** Found by scanning a directory the user gave, not named by the user: one that is no profile is skipped. */
  readonly inDirectory: boolean;
}

/** The capture time and where it came from: the profile itself, else the file name, else the file's mtime. */
export function captureTime(profileMs: number | null, file: FoundFile): { timeMs: number; source: TimeSource } {
  if (profileMs !== null) return { timeMs: profileMs, source: 'profile' };
  if (file.nameTimeMs !== null) return { timeMs: file.nameTimeMs, source: 'file-name' };
  return { timeMs: file.mtimeMs, source: isStdin(file.path) ? 'read' : 'mtime' };
}

/**
 * `-` among the snapshots is standard input: a dump pasted or piped in (`pbpaste | leakdiff -`,
 * `curl -s …/goroutine?debug=2 | leakdiff -`). It has no name and no time of its own: its time is when it was
 * read, said as such, and a profile's own capture time where it carries one.
 */
export const STDIN = '-';
export const isStdin = (path: string): boolean => path === STDIN;

/** Files a directory scan passes over: leakdiff's own outputs and common non-profile companions. */
const NOT_PROFILES = /\.(md|json|svg|html?|png|jpe?g|log|sh|go|mod|sum|ts|js)$|^\.|^README|^LICENSE/i;

/**
 * The files to read. `passedOver`, when given, gets each entry of a scanned directory that is no file this
 * run can read, with why (a dangling or looping symlink, a FIFO, one it may not read), for a note.
 */
export function findInputs(args: readonly string[], passedOver?: string[]): FoundFile[] {
  const out: FoundFile[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    if (isStdin(arg)) {
      if (!seen.has(arg)) out.push({ path: STDIN, size: 0, mtimeMs: Date.now(), nameTimeMs: null, round: null, inDirectory: false });
      seen.add(arg);
      continue;
    }
    const paths = hasGlob(arg) ? expandGlob(arg) : [arg];
    for (const p of paths) {
      for (const file of filesAt(p, arg, passedOver)) {
        if (seen.has(file.path)) continue;
        seen.add(file.path);
        out.push(file);
      }
    }
  }
  return out;
}

function filesAt(path: string, arg: string, passedOver: string[] | undefined): FoundFile[] {
  const st = statOrFail(path, arg);
  if (!st.isDirectory()) return [found(path, st, false)];
  const names = readdirSync(path)
    .filter((n) => !NOT_PROFILES.test(n))
    .sort();
  // A dangling or looping symlink, a FIFO or a subdirectory in a snapshot directory is passed over, not fatal:
  // only what the user named directly must exist. Subdirectories are passed over silently (an `old/` beside
  // the snapshots is common); the rest is said, since a snapshot may be what a broken link meant.
  const files = names
    .map((n) => join(path, n))
    .flatMap((p) => {
      const st = statQuietly(p);
      if (typeof st === 'string') passedOver?.push(`${JSON.stringify(p)} (${st})`);
      else if (!st.isFile() && !st.isDirectory()) passedOver?.push(`${JSON.stringify(p)} (${st.isFIFO() ? 'a FIFO' : 'a device or socket'})`);
      return typeof st !== 'string' && st.isFile() ? [{ p, st }] : [];
    });
  if (files.length === 0) throw new FileError(path, 'read', 'the directory holds no profile files');
  return files.map(({ p, st }) => found(p, st, true));
}

/** The entry's stats, or why it is no file this run can read. */
function statQuietly(path: string): Stats | string {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT'
      ? 'a dangling symlink'
      : code === 'ELOOP'
        ? 'a looping symlink'
        : code === 'EACCES'
          ? 'permission denied'
          : `cannot be read (${code ?? 'error'})`;
  }
}

function found(path: string, st: Stats, inDirectory: boolean): FoundFile {
  if (!st.isFile()) throw new FileError(path, 'read', 'not a regular file');
  const name = basename(path);
  return { path, size: st.size, mtimeMs: st.mtimeMs, nameTimeMs: timeFromName(name), round: roundFromName(name), inDirectory };
}

function statOrFail(path: string, arg: string): Stats {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : `cannot be read (${code ?? 'unknown error'})`;
    throw new FileError(path === arg ? arg : path, 'read', what);
  }
}

/** Reads one file's bytes, refusing files larger than anything the decoder would accept. */
export function load(file: FoundFile, limits: Limits): InputFile {
  return { path: file.path, bytes: readInput(file.path, limits.maxInflatedBytes, 'this profile'), mtimeMs: file.mtimeMs, nameTimeMs: file.nameTimeMs };
}

/**
 * Every file leakdiff reads goes through here (snapshots, the baseline, the config): a regular file only
 * (`/dev/zero` or a FIFO would never end), at most `maxBytes`. The size is checked on the open descriptor
 * and the read stops at the limit, so a file that grows between the check and the read is still bounded.
 */
export function readInput(path: string, maxBytes: number, what: string): Buffer {
  if (isStdin(path)) return readStdin(maxBytes, what);
  let fd: number;
  try {
    // Non-blocking, so a FIFO is refused below instead of waiting for a writer; no effect on regular files.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new FileError(path, 'read', cannotRead(err));
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new FileError(path, 'read', 'is a directory, not a file');
    if (!st.isFile()) throw new FileError(path, 'read', 'not a regular file (a device, FIFO or socket); save it to a file first');
    if (st.size > maxBytes) throw tooLarge(path, st.size, maxBytes, what);
    const buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    if (n > maxBytes) throw tooLarge(path, n, maxBytes, what);
    return buf.subarray(0, n);
  } catch (err) {
    if (err instanceof FileError || err instanceof LimitError) throw err;
    throw new FileError(path, 'read', cannotRead(err));
  } finally {
    closeSync(fd);
  }
}

/** Standard input to its end, at most `maxBytes`; read once (a second `-` is the same input, skipped above). */
function readStdin(maxBytes: number, what: string): Buffer {
  const chunks: Buffer[] = [];
  let n = 0;
  const chunk = Buffer.allocUnsafe(1 << 20);
  for (;;) {
    let got: number;
    try {
      got = readSync(0, chunk, 0, chunk.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // A non-blocking descriptor with nothing yet: wait for the writer (a pipe from curl).
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (code === 'EOF') break;
      throw new FileError(STDIN, 'read', cannotRead(err));
    }
    if (got === 0) break;
    n += got;
    if (n > maxBytes)
      throw new LimitError(
        STDIN,
        'read',
        `standard input holds more than the limit of ${maxBytes} bytes; raise ${LIMIT_FLAGS.maxInflatedBytes} if ${what} is genuine`,
      );
    chunks.push(Buffer.from(chunk.subarray(0, got)));
  }
  if (n === 0) throw new FileError(STDIN, 'read', 'standard input is empty: paste or pipe a profile or dump into it');
  return Buffer.concat(chunks, n);
}

function tooLarge(path: string, size: number, max: number, what: string): LimitError {
  return new LimitError(path, 'read', `the file is ${size} bytes, over the limit of ${max}; raise ${LIMIT_FLAGS.maxInflatedBytes} if ${what} is genuine`);
}

function cannotRead(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT'
    ? 'no such file or directory'
    : code === 'EACCES'
      ? 'permission denied'
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : `cannot be read (${code ?? 'error'})`;
}

/** `20261126T022031Z` and `20261126-022031` (basic ISO 8601), read as UTC. */
const BASIC_TIME = /(?<!\d)(\d{4})(\d{2})(\d{2})[T_-]?(\d{2})(\d{2})(\d{2})Z?(?!\d)/;
/** `2026-11-26T02:20:31Z`, `2026-11-26_02-20-31`, `2026-11-26 02:20:31` (extended ISO 8601), read as UTC. */
const EXTENDED_TIME = /(?<!\d)(\d{4})-(\d{2})-(\d{2})[T_ ](\d{2})[:\-.](\d{2})[:\-.](\d{2})/;
/** Unix seconds between 2001 and 2033, as `date +%s` names files: `heap.1764123631.pb.gz`. */
const EPOCH_SECONDS = /(?<!\d)(1\d{9})(?!\d)/;

export function timeFromName(name: string): number | null {
  const m = EXTENDED_TIME.exec(name) ?? BASIC_TIME.exec(name);
  if (m !== null) {
    const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
    const t = Date.UTC(y, mo - 1, d, h, mi, s);
    const back = new Date(t);
    // Reject digit runs that are no date (month 13, hour 25): Date.UTC would roll them over silently.
    if (back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && back.getUTCHours() === h && y >= 2000 && y < 2100) return t;
  }
  const e = EPOCH_SECONDS.exec(name);
  return e === null ? null : Number(e[1]) * 1000;
}

/** What in a name is no round number: a capture stamp, `debug=1`/`debug2` form markers, Go versions (`go1.26`). */
const NOT_ROUND = [BASIC_TIME, EXTENDED_TIME, EPOCH_SECONDS, /debug=?\d/gi, /go\d+(\.\d+)*/gi];

/**
 * The round a file belongs to, from the last number its name carries once stamps and form markers are
 * gone: `heap-07-20261126T023549Z.debug1.txt` → 7, `heap-10.txt` → 10. Files of one round (a heap and a
 * goroutine profile, their protobuf and text forms) share it, and rounds sort by it numerically.
 */
export function roundFromName(name: string): number | null {
  let rest = name;
  for (const re of NOT_ROUND) rest = rest.replace(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`), ' ');
  const numbers = rest.match(/\d+/g);
  return numbers === null ? null : Number(numbers[numbers.length - 1]);
}

function hasGlob(arg: string): boolean {
  return /[*?[]/.test(arg);
}

/** Minimal glob for quoted patterns (shells usually expand them first): `*`, `?`, `[...]`, and `**`. */
function expandGlob(pattern: string): string[] {
  const norm = pattern.split(sep).join('/');
  const parts = norm.split('/');
  const firstGlob = parts.findIndex(hasGlob);
  const base = parts.slice(0, firstGlob).join('/') || (norm.startsWith('/') ? '/' : '.');
  const re = globRegex(parts.slice(firstGlob).join('/'));
  const matches = walk(base)
    .filter((p) => re.test(relative(base, p).split(sep).join('/')))
    .sort();
  if (matches.length === 0) throw new FileError(pattern, 'read', 'the pattern matches no files');
  return matches;
}

function globRegex(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i);
      re += close > i ? glob.slice(i, close + 1) : '\\[';
      i = close > i ? close : i;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function walk(dir: string, depth = 0): string[] {
  if (depth > 8) return [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    throw new FileError(dir, 'read', 'no such directory');
  }
  return entries.flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), depth + 1) : e.isFile() ? [join(dir, e.name)] : []));
}
