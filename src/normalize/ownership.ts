// Whose code a frame is (DESIGN.md section 2), decided from evidence in the profiles rather than by default.
// A path says "someone else's" when it carries a mark of it (module cache, `@v` version, vendor/, a system
// GOPATH, Bazel external/); the service's own code is what shares the checkout or the import-path prefix of
// its main package. What neither placed is `unknown`, never silently the service's.

import { isStdPackage, moduleOf, packageOf } from './names.js';

export type Origin = 'user' | 'library' | 'std' | 'unknown';

/** How a module came to be taken as the service's own. */
export type OwnedBy =
  /** `--module` named it. */
  | 'flag'
  /** The import path of the main package, read from a main.* file path (`-trimpath`, a GOPATH tree). */
  | 'main-path'
  /** Another package's file sits in the main package's checkout or import-path tree. */
  | 'shared-root'
  /** Only the main package is known: files in its directory are the service's, no import path is. */
  | 'main-dir';

export interface OwnedModule {
  /** Import-path prefix of the module (`example.com/orders`), or `main` when only the main package is known. */
  readonly path: string;
  readonly how: OwnedBy;
  /** The file of a main.* function that placed it (as the profile spells it); null for `flag`. */
  readonly mainFile: string | null;
  /** What the module's files share: an absolute checkout directory or an import-path prefix; null for `flag`. */
  readonly root: string | null;
  /** For `shared-root`: a package found under the same root (`example.com/orders/internal/upstream`). */
  readonly witness: string | null;
}

/** The ownership decision for a whole series, with its evidence; the report and JSON say it. */
export interface Ownership {
  readonly modules: readonly OwnedModule[];
  /** True when `--module` decided (no inference was made). */
  readonly overridden: boolean;
  /** Packages outside the standard library that no evidence placed: their frames are `unknown`. Sorted. */
  readonly unknownPackages: readonly string[];
}

/** The frame facts ownership reads: the function as the profile spells it and its source file. */
export interface FrameFacts {
  readonly rawFunction: string;
  readonly rawFile: string;
}

/** Module cache (`/root/go/pkg/mod/`) or a `-trimpath` module path with its version (`grpc@v1.85.0/`). */
const MODULE_CACHE = /\/pkg\/mod\/|@v\d[^/]*\//;
/** A vendored package: `vendor/` as a directory anywhere in the path, except GOROOT's own (`src/vendor/`). */
const VENDORED = /(^|\/)vendor\//;
/** Debian's and other distributions' system GOPATH: `/usr/share/gocode/src/`. */
const SYSTEM_GOPATH = /\/gocode\/src\//;
/** Bazel's external repositories: `external/org_golang_google_grpc/clientconn.go`, also under bazel-out. */
const BAZEL_EXTERNAL = /(^|\/)external\/[^/]+\//;

/** Which mark of someone else's code a path carries, or null. */
export function libraryMark(rawFile: string): 'module-cache' | 'vendor' | 'system-gopath' | 'bazel-external' | null {
  const p = rawFile.replace(/\\/g, '/');
  if (MODULE_CACHE.test(p)) return 'module-cache';
  if (VENDORED.test(p)) return 'vendor';
  if (SYSTEM_GOPATH.test(p)) return 'system-gopath';
  if (BAZEL_EXTERNAL.test(p)) return 'bazel-external';
  return null;
}

/**
 * The package of a raw function name. Vendored packages in GOPATH mode carry their vendoring tree in the
 * name (`example.com/orders/vendor/google.golang.org/grpc.Dial`); the package is what follows `vendor/`.
 * The standard library's own vendored packages (`vendor/golang.org/x/net/...`) keep their name: they are std.
 */
export function packageOfRaw(rawFunction: string): string {
  const pkg = packageOf(rawFunction);
  const at = pkg.lastIndexOf('/vendor/');
  return at < 0 ? pkg : pkg.slice(at + '/vendor/'.length);
}

/** The origin a frame has whatever the rest of the series says, or null when that takes the series. */
export function fixedOrigin(f: FrameFacts): Origin | null {
  const pkg = packageOfRaw(f.rawFunction);
  if (pkg === 'main') return 'user';
  if (isStdPackage(pkg)) return 'std';
  if (f.rawFunction.includes('/vendor/')) return 'library';
  return libraryMark(f.rawFile) === null ? null : 'library';
}

const dirOf = (file: string): string => {
  const p = file.replace(/\\/g, '/');
  const slash = p.lastIndexOf('/');
  return slash < 0 ? '' : p.slice(0, slash);
};

const isAbsolute = (p: string): boolean => p.startsWith('/') || /^[A-Za-z]:\//.test(p);

/** Path elements shared from the start: `a/b/c`, `a/b/d` → `a/b`. */
function commonPrefix(a: string, b: string): string {
  const x = a.split('/');
  const y = b.split('/');
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return x.slice(0, n).join('/');
}

const depth = (p: string): number => p.split('/').filter((s) => s !== '').length;
const under = (path: string, root: string): boolean => path === root || path.startsWith(`${root}/`);

/** `example.com/orders/cmd/server` → `example.com/orders`: Go's convention for commands in a module. */
function beforeCmd(dir: string): string {
  const parts = dir.split('/');
  const at = parts.lastIndexOf('cmd');
  return at > 0 ? parts.slice(0, at).join('/') : dir;
}

/** A package that has no fixed origin, with the directory of one of its files. */
interface Candidate {
  readonly pkg: string;
  readonly dir: string;
}

/**
 * Decides ownership for the whole series: `--module` when given; otherwise from every main.* file seen,
 * read as an import path (`-trimpath`, or below a GOPATH `src/` that another package's path reveals) or as
 * an absolute checkout directory.
 */
export function inferOwnership(frames: readonly FrameFacts[], flagModules: readonly string[]): Ownership {
  const candidates = new Map<string, Candidate>();
  const mainFiles = new Map<string, string>();
  for (const f of frames) {
    const pkg = packageOfRaw(f.rawFunction);
    if (pkg === 'main' && f.rawFile !== '' && !mainFiles.has(dirOf(f.rawFile))) mainFiles.set(dirOf(f.rawFile), f.rawFile);
    if (fixedOrigin(f) === null && !candidates.has(pkg) && f.rawFile !== '') candidates.set(pkg, { pkg, dir: dirOf(f.rawFile) });
  }
  const modules =
    flagModules.length > 0
      ? flagModules.map((path): OwnedModule => ({ path, how: 'flag', mainFile: null, root: null, witness: null }))
      : inferModules(mainFiles, [...candidates.values()]);
  const ownership = { modules, overridden: flagModules.length > 0, unknownPackages: [] as string[] };
  const unknown = new Set<string>();
  for (const f of frames) if (originIn(ownership, f) === 'unknown') unknown.add(packageOfRaw(f.rawFunction));
  return { ...ownership, unknownPackages: [...unknown].sort() };
}

function inferModules(mainFiles: ReadonlyMap<string, string>, candidates: readonly Candidate[]): OwnedModule[] {
  const out: OwnedModule[] = [];
  const gopathRoots = gopathSrcRoots(candidates);
  for (const [dir, file] of [...mainFiles].sort()) {
    const root = gopathRoots.find((r) => dir.startsWith(`${r}/`));
    const found =
      root !== undefined
        ? inGopath(root, fromImportPath(dir.slice(root.length + 1), file, candidates))
        : isAbsolute(dir)
          ? fromCheckout(dir, file, candidates)
          : fromImportPath(dir, file, candidates);
    if (!out.some((m) => m.path === found.path && m.root === found.root)) out.push(found);
  }
  return out;
}

/** A module read below a GOPATH `src/`: its files are under that tree (`/home/dev/go/src/example.com/orders`). */
const inGopath = (src: string, m: OwnedModule): OwnedModule => ({ ...m, root: `${src}/${m.path}` });

/** GOPATH `src/` directories, revealed by a package whose directory ends with `/src/` + its import path. */
function gopathSrcRoots(candidates: readonly Candidate[]): string[] {
  const roots = new Set<string>();
  for (const c of candidates) if (isAbsolute(c.dir) && c.dir.endsWith(`/src/${c.pkg}`)) roots.add(c.dir.slice(0, -c.pkg.length - 1));
  return [...roots];
}

/**
 * The main package's import path is known (`example.com/orders/cmd/server`): the module is the longest
 * prefix shared with another package of the series, no shorter than the hosting convention's module path
 * (`github.com/acme/orders`, so `github.com/acme/lib` is not taken in), else the path before `/cmd/`.
 */
function fromImportPath(mainPath: string, mainFile: string, candidates: readonly Candidate[]): OwnedModule {
  const floor = floorOf(mainPath);
  let best: { path: string; witness: string } | null = null;
  for (const c of candidates) {
    const shared = commonPrefix(c.pkg, mainPath);
    if (depth(shared) < depth(floor) || !under(c.pkg, shared)) continue;
    if (best === null || depth(shared) < depth(best.path)) best = { path: shared, witness: c.pkg };
  }
  if (best !== null && depth(best.path) <= depth(beforeCmd(mainPath)))
    return { path: best.path, how: 'shared-root', mainFile, root: best.path, witness: best.witness };
  const path = beforeCmd(mainPath);
  return { path, how: 'main-path', mainFile, root: path, witness: null };
}

/** The shortest module path an import path can have by the hosting conventions (github.com/a/b, example.com/b). */
function floorOf(importPath: string): string {
  const m = moduleOf(importPath);
  return m === 'std' ? importPath.split('/')[0] : m;
}

/**
 * The main package sits in an absolute checkout (`/home/dev/orders/cmd/server`), whose import path no file
 * says. Another package whose directory shares the checkout names it: `/home/dev/orders/internal/upstream`
 * holding `example.com/orders/internal/upstream` makes the module `example.com/orders`. The checkout is at
 * most one directory above the main package's (after `cmd/`; any depth for a module that is never downloaded),
 * and the module no shorter than the hosting convention's (`github.com/acme/x`), so a sibling checkout
 * (`/home/dev/lib`, a `replace` target) is not taken in.
 */
function fromCheckout(mainDir: string, mainFile: string, candidates: readonly Candidate[]): OwnedModule {
  const top = beforeCmd(mainDir);
  let best: OwnedModule | null = null;
  for (const c of candidates) {
    if (!isAbsolute(c.dir)) continue;
    const checkout = commonPrefix(c.dir, mainDir);
    if (depth(checkout) === 0) continue;
    const rel = c.dir.slice(checkout.length + 1);
    const module = rel === '' ? c.pkg : c.pkg.endsWith(`/${rel}`) ? c.pkg.slice(0, -rel.length - 1) : null;
    if (module === null || depth(module) < depth(floorOf(c.pkg))) continue;
    if (depth(checkout) < depth(top) - 1 && !neverDownloaded(module)) continue;
    if (best === null || depth(checkout) < depth(best.root ?? '')) best = { path: module, how: 'shared-root', mainFile, root: checkout, witness: c.pkg };
  }
  return best ?? { path: 'main', how: 'main-dir', mainFile, root: top, witness: null };
}

/**
 * A module path whose first element has no dot is never fetched (the go command downloads only paths with a
 * dot in their first element): it is the main module, a workspace module or a `replace` directory. One whose
 * root holds main's directory, however deep (`KVStore/app/node/main.go` beside `distributed-kv/rpc` in
 * `KVStore/rpc/`), is the service's own tree, not a dependency that merely shares a parent directory.
 */
const neverDownloaded = (module: string): boolean => !module.split('/')[0].includes('.');

/**
 * The programs a snapshot's main package says it comes from: the last directory of each main.* file's
 * checkout or import path, before `cmd/` (`/home/dev/orders/cmd/server/main.go` and the `-trimpath`
 * `example.com/orders/main.go` are both `orders`). Two snapshots naming no common program are two services;
 * rebuilds and versioned binaries (`app-v1`, `app-v2`) of one service keep it.
 */
export class ProgramNames {
  // Over a series each snapshot repeats the same functions and files: whether a function is in `main` and
  // which program a file names are worked out once each.
  private readonly inMain = new Map<string, boolean>();
  private readonly nameOfFile = new Map<string, string>();

  of(frames: readonly FrameFacts[]): string[] {
    const out = new Set<string>();
    for (const f of frames) {
      if (f.rawFile === '') continue;
      let main = this.inMain.get(f.rawFunction);
      if (main === undefined) this.inMain.set(f.rawFunction, (main = packageOfRaw(f.rawFunction) === 'main'));
      if (!main) continue;
      let name = this.nameOfFile.get(f.rawFile);
      if (name === undefined) {
        const top = beforeCmd(dirOf(f.rawFile));
        this.nameOfFile.set(f.rawFile, (name = top.slice(top.lastIndexOf('/') + 1)));
      }
      if (name !== '') out.add(name);
    }
    return [...out].sort();
  }
}

/** Whose code a frame is under a decided ownership. */
export function originIn(o: Pick<Ownership, 'modules' | 'overridden'>, f: FrameFacts): Origin {
  const fixed = fixedOrigin(f);
  if (fixed === 'user' || fixed === 'std') return fixed;
  const pkg = packageOfRaw(f.rawFunction);
  if (o.overridden) return o.modules.some((m) => under(pkg, m.path)) ? 'user' : 'library';
  if (fixed === 'library') return 'library';
  const dir = dirOf(f.rawFile);
  for (const m of o.modules) {
    if (m.path !== 'main' && under(pkg, m.path)) return 'user';
    if (m.root !== null && dir !== '' && under(dir, m.root)) return 'user';
  }
  return 'unknown';
}
