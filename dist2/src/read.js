// The read stage: paths, directories and globs in; one entry per file with what the file system and the
// file name know about its capture time. Bytes are loaded when the decoder asks for them, one file at a time,
// so a series of large text dumps never sits in memory all at once; each file is still read exactly once.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { FileError, LimitError } from './errors.js';
import { LIMIT_FLAGS } from './limits.js';
/** Files a directory scan passes over: leakdiff's own outputs and common non-profile companions. */
const NOT_PROFILES = /\.(md|json|svg|html?|png|jpe?g|log|sh|go|mod|sum|ts|js)$|^\.|^README|^LICENSE/i;
export function findInputs(args) {
    const out = [];
    const seen = new Set();
    for (const arg of args) {
        const paths = hasGlob(arg) ? expandGlob(arg) : [arg];
        for (const p of paths) {
            for (const file of filesAt(p, arg)) {
                if (seen.has(file.path))
                    continue;
                seen.add(file.path);
                out.push(file);
            }
        }
    }
    return out;
}
function filesAt(path, arg) {
    const st = statOrFail(path, arg);
    if (!st.isDirectory())
        return [found(path, st)];
    const names = readdirSync(path).filter((n) => !NOT_PROFILES.test(n)).sort();
    const files = names.map((n) => join(path, n)).filter((p) => statSync(p).isFile());
    if (files.length === 0)
        throw new FileError(path, 'read', 'the directory holds no profile files');
    return files.map((p) => found(p, statSync(p)));
}
function found(path, st) {
    if (!st.isFile())
        throw new FileError(path, 'read', 'not a regular file');
    return { path, size: st.size, mtimeMs: st.mtimeMs, nameTimeMs: timeFromName(basename(path)) };
}
function statOrFail(path, arg) {
    try {
        return statSync(path);
    }
    catch (err) {
        const code = err.code;
        const what = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : `cannot be read (${code ?? 'unknown error'})`;
        throw new FileError(path === arg ? arg : path, 'read', what);
    }
}
/** Reads one file's bytes, refusing files larger than anything the decoder would accept. */
export function load(file, limits) {
    if (file.size > limits.maxInflatedBytes) {
        throw new LimitError(file.path, 'read', `the file is ${file.size} bytes, over the limit of ${limits.maxInflatedBytes}; raise ${LIMIT_FLAGS.maxInflatedBytes} if this profile is genuine`);
    }
    let bytes;
    try {
        bytes = readFileSync(file.path);
    }
    catch (err) {
        throw new FileError(file.path, 'read', `cannot be read (${err.code ?? 'error'})`);
    }
    return { path: file.path, bytes, mtimeMs: file.mtimeMs, nameTimeMs: file.nameTimeMs };
}
/** `20261126T022031Z` and `20261126-022031` (basic ISO 8601), read as UTC. */
const BASIC_TIME = /(?<!\d)(\d{4})(\d{2})(\d{2})[T_-]?(\d{2})(\d{2})(\d{2})Z?(?!\d)/;
/** `2026-11-26T02:20:31Z`, `2026-11-26_02-20-31`, `2026-11-26 02:20:31` (extended ISO 8601), read as UTC. */
const EXTENDED_TIME = /(?<!\d)(\d{4})-(\d{2})-(\d{2})[T_ ](\d{2})[:\-.](\d{2})[:\-.](\d{2})/;
/** Unix seconds between 2001 and 2033, as `date +%s` names files: `heap.1764123631.pb.gz`. */
const EPOCH_SECONDS = /(?<!\d)(1\d{9})(?!\d)/;
export function timeFromName(name) {
    const m = EXTENDED_TIME.exec(name) ?? BASIC_TIME.exec(name);
    if (m !== null) {
        const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number);
        const t = Date.UTC(y, mo - 1, d, h, mi, s);
        const back = new Date(t);
        // Reject digit runs that are no date (month 13, hour 25): Date.UTC would roll them over silently.
        if (back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && back.getUTCHours() === h && y >= 2000 && y < 2100)
            return t;
    }
    const e = EPOCH_SECONDS.exec(name);
    return e === null ? null : Number(e[1]) * 1000;
}
function hasGlob(arg) {
    return /[*?[]/.test(arg);
}
/** Minimal glob for quoted patterns (shells usually expand them first): `*`, `?`, `[...]`, and `**`. */
function expandGlob(pattern) {
    const norm = pattern.split(sep).join('/');
    const parts = norm.split('/');
    const firstGlob = parts.findIndex(hasGlob);
    const base = parts.slice(0, firstGlob).join('/') || (norm.startsWith('/') ? '/' : '.');
    const re = globRegex(parts.slice(firstGlob).join('/'));
    const matches = walk(base).filter((p) => re.test(relative(base, p).split(sep).join('/'))).sort();
    if (matches.length === 0)
        throw new FileError(pattern, 'read', 'the pattern matches no files');
    return matches;
}
function globRegex(glob) {
    let re = '';
    for (let i = 0; i < glob.length; i++) {
        const c = glob[i];
        if (c === '*' && glob[i + 1] === '*') {
            re += '.*';
            i += glob[i + 2] === '/' ? 2 : 1;
        }
        else if (c === '*')
            re += '[^/]*';
        else if (c === '?')
            re += '[^/]';
        else if (c === '[') {
            const close = glob.indexOf(']', i);
            re += close > i ? glob.slice(i, close + 1) : '\\[';
            i = close > i ? close : i;
        }
        else
            re += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
    return new RegExp(`^${re}$`);
}
function walk(dir, depth = 0) {
    if (depth > 8)
        return [];
    let entries;
    try {
        entries = readdirSync(dir, { withFileTypes: true });
    }
    catch {
        throw new FileError(dir, 'read', 'no such directory');
    }
    return entries.flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), depth + 1) : e.isFile() ? [join(dir, e.name)] : []));
}
//# sourceMappingURL=read.js.map