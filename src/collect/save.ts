// Where snapshots go and what they are called. Names carry kind, round and capture time the way the
// fixtures do (`heap-01-20261126T023549Z.pb.gz`), because the read stage takes a file's time from its name
// when the content has none (text dumps). Each file is written beside its final name and renamed into place,
// so an interrupted run leaves complete snapshots only, never a half-written one.

import { accessSync, closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { FileError, printable, reason } from '../errors.js';
import type { Target } from './check.js';

/** `20261126T023549Z`: basic ISO 8601 in UTC, which read.ts's timeFromName reads back. */
export function stamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** `reports/127.0.0.1-6060-20261126T023549Z`: one directory per run, named for the service and the start. */
export function defaultOutDir(url: URL, startMs: number): string {
  const host = `${url.hostname}${url.port === '' ? '' : `-${url.port}`}`.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
  return join('reports', `${host}-${stamp(startMs)}`);
}

/** `heap-03-<stamp>.pb.gz`, `goroutine-03-<stamp>.debug2.txt`; rounds padded to the widest number. */
export function fileName(target: Target, round: number, rounds: number, timeMs: number): string {
  const seq = String(round).padStart(Math.max(2, String(rounds).length), '0');
  return `${target.kind}-${seq}-${stamp(timeMs)}${target.debug2 ? '.debug2.txt' : '.pb.gz'}`;
}

/**
 * Before the first request: a directory the snapshots cannot go to is said at once, not after a round. It
 * must be a writable directory or, when it does not exist yet, be creatable: its nearest existing ancestor a
 * writable directory. (mkdir -p on a read-only file system fails with ENOENT, which says nothing useful.)
 */
export function checkOutDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new FileError(dir, 'write', 'exists and is not a directory; give --dir a directory');
  let at = resolve(dir);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  const where = at === resolve(dir) ? 'the directory cannot be written' : `the directory cannot be created in ${printable(at)}`;
  if (!statSync(at).isDirectory()) throw new FileError(dir, 'write', `${where}: it is not a directory`);
  try {
    accessSync(at, constants.W_OK);
  } catch (err) {
    throw new FileError(dir, 'write', `${where}: ${reason(err)}`);
  }
}

/** Creates the directory on the first save, so a run that saves nothing leaves nothing behind. */
export function ensureDir(dir: string): void {
  checkOutDir(dir);
  if (existsSync(dir)) return;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new FileError(dir, 'write', `the directory cannot be created: ${reason(err)}`);
  }
}

/** Writes bytes to a temporary file in the same directory, flushes it, and renames it into place. */
export function saveAtomically(path: string, bytes: Uint8Array): void {
  if (existsSync(path)) throw new FileError(path, 'write', 'already exists; refusing to overwrite a snapshot');
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, 'wx');
    try {
      writeFileSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new FileError(path, 'write', `cannot be written: ${reason(err)}`);
  }
}
