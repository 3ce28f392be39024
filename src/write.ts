// Writing reports: never over an input, never half-written, never replacing what is not a regular file.
//
// Every output is checked together, before the analysis runs (planOutputs) and again just before writing:
// each path is reduced to an identity, the real path of the file (or, for one that does not exist yet, of
// its directory plus its name) and, when it exists, its device and inode, so a symlinked file, directory or
// working directory, a hard link or `./x` against `x` all compare equal. An output whose identity is an
// input's, or another output's, is refused.
//
// A regular file (or a new one) is written to a temporary file beside it and renamed into place only when
// every output has been written, so a failed run leaves nothing behind. A device, FIFO or socket is written
// directly: a rename would replace `/dev/null` or a named pipe with a regular file.

import {
  accessSync,
  appendFileSync,
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { FileError, printable, reason } from './errors.js';

export interface Output {
  readonly path: string;
  readonly text: string;
  /** What it is to the user, for messages ("--json", "the chart beside the report"). */
  readonly what: string;
}

/** A file the run reads, whose identity no output may share. */
export interface InputPath {
  readonly path: string;
  /** What it is to the user ("one of the input snapshots", "the --baseline"), for the message. */
  readonly what: string;
}

/** An output path as the user named it, with what it is for. */
export interface OutputPath {
  readonly path: string;
  /** "--out", "--json", "the chart beside the report", "GITHUB_STEP_SUMMARY". */
  readonly what: string;
  /** Appended to, not replaced (the job summary): it may exist and be any kind of file. */
  readonly append?: boolean;
}

interface Identity {
  readonly real: string;
  readonly dev: number;
  readonly ino: number;
  /** Null when the file does not exist yet. */
  readonly stats: Stats | null;
}

const errno = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? 'error';

function identity(path: string): Identity {
  let stats: Stats | null = null;
  try {
    stats = statSync(path);
  } catch (err) {
    if (errno(err) !== 'ENOENT') throw err;
  }
  if (stats !== null) return { real: realpathSync(path), dev: stats.dev, ino: stats.ino, stats };
  // A dangling symlink would be written through: its target is where the bytes would go.
  const link = lstatSync(path, { throwIfNoEntry: false });
  const target = link?.isSymbolicLink() === true ? resolve(dirname(path), realTarget(path)) : resolve(path);
  let dir: string;
  try {
    dir = realpathSync(dirname(target));
  } catch {
    dir = dirname(target);
  }
  return { real: join(dir, basename(target)), dev: -1, ino: -1, stats: null };
}

/** Where a dangling symlink points (followed once: a chain of dangling links is compared by its first hop). */
function realTarget(path: string): string {
  return resolve(dirname(path), readlinkSync(path));
}

const same = (a: Identity, b: Identity): boolean => a.real === b.real || (a.stats !== null && b.stats !== null && a.dev === b.dev && a.ino === b.ino);

/**
 * Refuses, before any work, outputs that would replace an input or each other, name a directory, or land in
 * a directory that does not exist or cannot be written. `-` (stdout) is not a path and is skipped.
 */
export function checkOutputs(outputs: readonly OutputPath[], inputs: readonly InputPath[]): void {
  const files = outputs.filter((o) => o.path !== '-');
  const inputIds = inputs.map((i) => ({ ...i, id: safeIdentity(i.path) })).filter((i) => i.id !== null);
  const seen: { o: OutputPath; id: Identity }[] = [];
  for (const o of files) {
    const id = outputIdentity(o);
    const hit = inputIds.find((i) => same(id, i.id as Identity));
    if (hit !== undefined) {
      const alias = resolve(hit.path) === resolve(o.path) ? '' : ` (${printable(hit.path)})`;
      throw new FileError(o.path, 'write', `${o.what} is ${hit.what}${alias}; refusing to overwrite it`);
    }
    const twin = seen.find((s) => same(id, s.id));
    if (twin !== undefined) throw new FileError(o.path, 'write', `${o.what} and ${twin.o.what} name the same file; give each its own`);
    seen.push({ o, id });
  }
}

function safeIdentity(path: string): Identity | null {
  try {
    return identity(path);
  } catch {
    return null;
  }
}

function outputIdentity(o: OutputPath): Identity {
  let id: Identity;
  try {
    id = identity(o.path);
  } catch (err) {
    throw new FileError(o.path, 'write', `${o.what} cannot be checked: ${reason(err)}`);
  }
  if (id.stats?.isDirectory() === true) throw new FileError(o.path, 'write', `${o.what} is a directory; give a file name`);
  // A device, FIFO or socket is written directly, and a summary appended to: nothing to create beside them.
  if (id.stats !== null && (!id.stats.isFile() || o.append === true)) return id;
  const dir = dirname(id.real);
  const st = statSync(dir, { throwIfNoEntry: false });
  if (st === undefined || !st.isDirectory()) throw new FileError(o.path, 'write', `the directory ${printable(dirname(o.path))} does not exist`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new FileError(o.path, 'write', `the directory ${printable(dirname(o.path))} cannot be written: ${reason(err)}`);
  }
  return id;
}

/** Whether a path names something other than a regular file that exists (a device, FIFO, socket). */
export function isSpecial(path: string): boolean {
  if (path === '-') return true;
  const st = statSync(path, { throwIfNoEntry: false });
  return st !== undefined && !st.isFile() && !st.isDirectory();
}

/**
 * Writes every output or none: special files first (nothing to undo if they fail), then each regular file to
 * a temporary file beside it, flushed; the renames come only when all are written. Any failure removes the
 * temporary files and names the output that failed.
 */
export function writeOutputs(outputs: readonly Output[], inputs: readonly InputPath[]): void {
  checkOutputs(outputs, inputs);
  const direct = outputs.filter((o) => isSpecial(o.path));
  // Renamed onto the real path: `--out link.md` writes where the link points and keeps the link.
  const atomic = outputs.filter((o) => !isSpecial(o.path)).map((o) => ({ ...o, dest: identity(o.path).real }));
  for (const o of direct) writeDirect(o);
  const temps: { tmp: string; o: Output & { dest: string } }[] = [];
  let current: Output | null = null;
  try {
    for (const o of atomic) {
      current = o;
      const tmp = `${o.dest}.${randomBytes(4).toString('hex')}.tmp`;
      temps.push({ tmp, o });
      writeFlushed(tmp, o.text);
    }
    for (const t of temps) {
      current = t.o;
      renameSync(t.tmp, t.o.dest);
    }
  } catch (err) {
    for (const t of temps) rmSync(t.tmp, { force: true });
    throw new FileError((current ?? outputs[0]).path, 'write', `cannot be written: ${reason(err)}`);
  }
}

function writeFlushed(path: string, text: string): void {
  const fd = openSync(path, 'wx');
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeDirect(o: Output): void {
  try {
    writeFileSync(o.path, o.text);
  } catch (err) {
    throw new FileError(o.path, 'write', `cannot be written: ${reason(err)}`);
  }
}

/** Appends to a file someone else owns (GITHUB_STEP_SUMMARY): not ours to replace atomically. */
export function appendSummary(path: string, text: string): void {
  try {
    appendFileSync(path, `${text}\n`);
  } catch (err) {
    throw new FileError(path, 'write', `cannot append the job summary: ${reason(err)}`);
  }
}
