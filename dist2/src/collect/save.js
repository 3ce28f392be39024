// Where snapshots go and what they are called. Names carry kind, round and capture time the way the
// fixtures do (`heap-01-20261126T023549Z.pb.gz`), because the read stage takes a file's time from its name
// when the content has none (text dumps). Each file is written beside its final name and renamed into place,
// so an interrupted run leaves complete snapshots only, never a half-written one.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { FileError } from '../errors.js';
/** `20261126T023549Z`: basic ISO 8601 in UTC, which read.ts's timeFromName reads back. */
export function stamp(ms) {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}
/** `reports/127.0.0.1-6060-20261126T023549Z`: one directory per run, named for the service and the start. */
export function defaultOutDir(url, startMs) {
    const host = `${url.hostname}${url.port === '' ? '' : `-${url.port}`}`.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
    return join('reports', `${host}-${stamp(startMs)}`);
}
/** `heap-03-<stamp>.pb.gz`, `goroutine-03-<stamp>.debug2.txt`; rounds padded to the widest number. */
export function fileName(target, round, rounds, timeMs) {
    const seq = String(round).padStart(Math.max(2, String(rounds).length), '0');
    return `${target.kind}-${seq}-${stamp(timeMs)}${target.debug2 ? '.debug2.txt' : '.pb.gz'}`;
}
/** Before the first request: an --out that cannot be a directory is said at once, not after a round. */
export function checkOutDir(dir) {
    if (existsSync(dir) && !statSync(dir).isDirectory())
        throw new FileError(dir, 'write', 'exists and is not a directory; give --out a directory');
}
/** Creates the directory on the first save, so a run that saves nothing leaves nothing behind. */
export function ensureDir(dir) {
    checkOutDir(dir);
    if (existsSync(dir))
        return;
    try {
        mkdirSync(dir, { recursive: true });
    }
    catch (err) {
        throw new FileError(dir, 'write', `the directory cannot be created (${err.code ?? 'error'})`);
    }
}
/** Writes bytes to a temporary file in the same directory, flushes it, and renames it into place. */
export function saveAtomically(path, bytes) {
    if (existsSync(path))
        throw new FileError(path, 'write', 'already exists; refusing to overwrite a snapshot');
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
        const fd = openSync(tmp, 'wx');
        try {
            writeFileSync(fd, bytes);
            fsyncSync(fd);
        }
        finally {
            closeSync(fd);
        }
        renameSync(tmp, path);
    }
    catch (err) {
        rmSync(tmp, { force: true });
        throw new FileError(path, 'write', `cannot be written (${err.code ?? 'error'})`);
    }
}
//# sourceMappingURL=save.js.map