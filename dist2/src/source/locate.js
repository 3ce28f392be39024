// Where a profiled file is on this machine. Profiles name files as the build saw them: an absolute path on
// the build machine (`/work/main/fixtures/gen/grpc-leak/main.go`), a `-trimpath` module path
// (`example.com/catalog/main.go`), a GOPATH, vendor or module-cache path, normalized (src/normalize/names.ts)
// to the part that names the same file everywhere. The user's checkout (`--source DIR`) holds the tail of
// that path; the Go module cache holds library code by module and version.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { delimiter, join, posix } from 'node:path';
import { packageOf } from '../normalize/names.js';
const isFile = (p) => statSync(p, { throwIfNoEntry: false })?.isFile() === true;
const isDir = (p) => statSync(p, { throwIfNoEntry: false })?.isDirectory() === true;
/** The module cache as the go command finds it: GOMODCACHE, else the first GOPATH entry's pkg/mod, else ~/go/pkg/mod. */
export function moduleCacheDir(env) {
    const gopath = (env.GOPATH ?? '').split(delimiter).find((p) => p !== '') ?? (env.HOME ? join(env.HOME, 'go') : null);
    const dir = env.GOMODCACHE || (gopath === null ? null : join(gopath, 'pkg', 'mod'));
    return dir !== null && isDir(dir) ? dir : null;
}
/**
 * The files on this machine that a profiled frame's file may be, best first. Under each `--source`
 * directory (and its `vendor/` for library code), the longest tail of the profiled path that exists there;
 * across directories the longest tail first, then those that also fit the package's import path, then the
 * order the directories were given. Two checkouts can both hold a `main.go`: the caller takes the first
 * that fits the profile. Library frames found in no directory are looked up in the module cache.
 */
export function candidates(frame, roots) {
    const parts = frame.file.split('/').filter((p) => p !== '' && p !== '.');
    const found = [];
    for (const dir of roots.dirs) {
        for (const root of frame.origin === 'user' ? [dir] : [dir, join(dir, 'vendor')]) {
            const m = longestTail(root, parts);
            if (m !== null)
                found.push({ path: join(root, m.rel), tail: m.tail, fits: fitsPackage(root, m.rel, frame.function), order: found.length });
        }
    }
    found.sort((a, b) => b.tail - a.tail || Number(b.fits) - Number(a.fits) || a.order - b.order);
    if (found.length > 0)
        return found.map((f) => ({ path: f.path, via: 'source' }));
    if (frame.origin !== 'library' && !frame.rawFile.includes('/pkg/mod/'))
        return [];
    const cached = roots.modCache === null ? null : inModuleCache(roots.modCache, frame);
    return cached === null ? [] : [{ path: cached, via: 'module-cache' }];
}
function longestTail(root, parts) {
    for (let k = 0; k < parts.length; k++) {
        const rel = parts.slice(k).join('/');
        if (isFile(join(root, rel)))
            return { rel, tail: parts.length - k };
    }
    return null;
}
/**
 * Does the file's directory under root fit the function's import path? With a go.mod at root, exactly
 * (module path + directory = package path); without one, the directory must end the package path.
 */
function fitsPackage(root, rel, fn) {
    const pkg = packageOf(fn);
    const dir = posix.dirname(rel);
    const module = modulePath(root);
    if (module !== null)
        return pkg === (dir === '.' ? module : `${module}/${dir}`) || (pkg === 'main' && dir === '.');
    return dir !== '.' && (pkg === dir || pkg.endsWith(`/${dir}`));
}
function modulePath(root) {
    const gomod = join(root, 'go.mod');
    if (!isFile(gomod))
        return null;
    return /^module\s+(\S+)/m.exec(readFileSync(gomod, 'utf8'))?.[1] ?? null;
}
/** The module cache spells upper-case letters as `!` and the lower-case letter (golang.org/x/mod/module). */
const escapePath = (p) => p.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
/**
 * A library file in the module cache: the version the profile names (`grpc@v1.42.0/clientconn.go`, kept in
 * module-cache and -trimpath paths), else the only version of the module there. Several versions and none
 * named: no guess, since the wrong version's lines would be shown as if they were the right ones.
 */
function inModuleCache(cache, frame) {
    const named = /(?:^|\/)((?:[^/@]+\/)*[^/@]+)@(v[^/]+)\/(.+)$/.exec(frame.rawFile.replace(/\\/g, '/').replace(/^.*\/pkg\/mod\//, ''));
    if (named !== null) {
        const [, module, version, rest] = named;
        const path = join(cache, `${module}@${version}`, rest);
        return isFile(path) ? path : null;
    }
    const parts = frame.file.split('/');
    for (let i = parts.length - 1; i >= 1; i--) {
        const parent = join(cache, escapePath(parts.slice(0, i - 1).join('/')));
        const last = escapePath(parts[i - 1]);
        if (!isDir(parent))
            continue;
        const versions = readdirSync(parent).filter((e) => e.startsWith(`${last}@`));
        if (versions.length === 1 && isFile(join(parent, versions[0], ...parts.slice(i))))
            return join(parent, versions[0], ...parts.slice(i));
        if (versions.length > 1)
            return null;
    }
    return null;
}
//# sourceMappingURL=locate.js.map