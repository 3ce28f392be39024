// Name rules of DESIGN.md section 2: what in a function name or file path is identity, and what is noise
// that changes between builds, machines and module versions.

/** Go's closure and wrapper suffixes: `func1`, `func2.3` (a closure inside a closure), `gowrap1` (Go 1.22). */
const CLOSURE_TOKEN = /^(func|gowrap|deferwrap)\d+$/;
/** A bare number after a closure token: Go 1.21+ spells nested closures `func2.3`, older Go `func2.1`. */
const NESTED_INDEX = /^\d+$/;
/** Address offsets and argument lists that text forms can carry: `+0x1d`, `(0xc000123, 0x1)`, `(...)`. */
const OFFSET_SUFFIX = /\+0x[0-9a-f]+$/;
/**
 * GOPATH-mode vendoring puts the vendoring tree into the package path: `example.com/orders/vendor/
 * google.golang.org/grpc.Dial` is gRPC's `Dial`. The standard library's own `vendor/golang.org/x/...`
 * (no tree before it) is a package of its own and keeps its name.
 */
const VENDORED_NAME = /^[^(]*\/vendor\/(?=[^(]*\.)/;

/**
 * The function's identity: closures and generics keep their identity but not their instance noise, so
 * `main.(*server).handle.func2.1` becomes `main.(*server).handle.func.func` and
 * `cache.(*LRU[go.shape.string]).Get` becomes `cache.(*LRU[...]).Get`.
 */
export function normalizeFunction(name: string): string {
  let n = name.replace(OFFSET_SUFFIX, '').replace(VENDORED_NAME, '');
  if (n.includes('[')) n = foldTypeArgs(n);
  if (n.endsWith(' (inline)')) n = n.slice(0, -' (inline)'.length);
  const slash = n.lastIndexOf('/');
  const head = n.slice(0, slash + 1);
  const tokens = n.slice(slash + 1).split('.');
  let changed = false;
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i];
    const m = CLOSURE_TOKEN.exec(t);
    if (m !== null) {
      tokens[i] = m[1];
      changed = true;
    } else if (NESTED_INDEX.test(t) && isClosure(tokens[i - 1])) {
      tokens[i] = 'func';
      changed = true;
    }
  }
  return changed ? head + tokens.join('.') : n;
}

/**
 * Generic instantiation: `Map[...]`, `Map[go.shape.int,go.shape.string]` → `Map[...]`. Shapes nest brackets
 * (pgx's `registerDefaultPgTypeVariants[go.shape.[]…pgtype.Range[…pgtype.Float8]]`, beside Go's own
 * `registerDefaultPgTypeVariants[...]` in the same profile), so the outermost pair is matched, not the first `]`.
 */
function foldTypeArgs(name: string): string {
  let out = '';
  let depth = 0;
  for (const ch of name) {
    if (ch === '[') {
      if (depth++ === 0) out += '[...]';
    } else if (ch === ']' && depth > 0) {
      depth--;
    } else if (depth === 0) {
      out += ch;
    }
  }
  return out;
}

function isClosure(token: string): boolean {
  return token === 'func' || token === 'gowrap' || token === 'deferwrap';
}

/** Module cache: `/go/pkg/mod/google.golang.org/grpc@v1.42.0/clientconn.go`. */
const MODCACHE = /^.*\/pkg\/mod\//;
/**
 * Go itself fetched as a module by GOTOOLCHAIN: its GOROOT is in the module cache,
 * `/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64/src/runtime/proc.go`.
 */
const TOOLCHAIN_GOROOT = /^(.*\/pkg\/mod\/)?golang\.org\/toolchain@v[^/]*\/src\//;
/**
 * A module file under `-trimpath`: cmd/go writes module path and version for the module-cache directory,
 * `google.golang.org/grpc@v1.85.0/clientconn.go` (the version is dropped; `$1` keeps the module path).
 */
const TRIMPATH_MODULE = /^([^/@]+\.[^/@]+(?:\/[^/@]+)*)@v[0-9][^/]*\//;
/** A module version in a module-cache path: `@v1.42.0`, `@v0.0.0-20220101-abcdef`, `@v2.1.0+incompatible`. */
const MODULE_VERSION = /@v[0-9][^/]*/;
/** GOROOT sources: `/usr/local/go/src/`, `/usr/lib/go-1.19/src/`, `/opt/hostedtoolcache/go/1.21.0/x64/src/`. */
const GOROOT = /^.*\/(go|go-\d[\d.]*|goroot|\d+\.\d+(\.\d+)?\/x64)\/src\//;
/** GOPATH sources, including Debian's `/usr/share/gocode/src/`. */
const GOPATH_SRC = /^.*\/(gocode|gopath)\/src\//;
/** Vendored packages: everything up to the last `vendor/` is the vendoring module's checkout. */
const VENDOR = /^(.*\/)?vendor\//;

/**
 * A file path without the build machine's prefixes: module cache, GOROOT (a GOTOOLCHAIN one too), GOPATH and
 * vendor prefixes and module versions (`-trimpath`'s too) are dropped, and module-cache case encoding (`!b!c!s`
 * for `BCS`) is undone, so the same source file has the same name whoever built it. Paths of the service's own
 * code built outside GOPATH keep their full form here; `--redact` trims home directories when a report is shared.
 */
export function normalizeFile(path: string): string {
  if (path === '') return path;
  let p = path.replace(/\\/g, '/');
  if (TOOLCHAIN_GOROOT.test(p)) {
    // Go's own vendored packages (`src/vendor/golang.org/x/net/...`) fold like any GOROOT vendor tree.
    p = p.replace(TOOLCHAIN_GOROOT, '').replace(VENDOR, '');
  } else if (TRIMPATH_MODULE.test(p)) {
    p = p.replace(TRIMPATH_MODULE, '$1/');
  } else if (MODCACHE.test(p)) {
    p = p
      .replace(MODCACHE, '')
      .replace(MODULE_VERSION, '')
      .replace(/!([a-z])/g, (_m, c: string) => c.toUpperCase());
  } else if (VENDOR.test(p)) {
    p = p.replace(VENDOR, '');
  } else if (GOPATH_SRC.test(p)) {
    p = p.replace(GOPATH_SRC, '');
  } else if (GOROOT.test(p)) {
    p = p.replace(GOROOT, '');
  }
  return p;
}

/** The package path of a Go function name: `google.golang.org/grpc.(*addrConn).connect` → `google.golang.org/grpc`. */
export function packageOf(fn: string): string {
  const slash = fn.lastIndexOf('/');
  const dot = fn.indexOf('.', slash + 1);
  return dot < 0 ? fn : fn.slice(0, dot);
}

/**
 * Runtime frames: Go itself hides leading `runtime.` frames in heap profiles and in debug=1 text, so these
 * are kept as evidence (they say what a goroutine waits on) but never make a call site.
 */
export function isRuntimeFunction(fn: string): boolean {
  return fn.startsWith('runtime.');
}

/**
 * The standard library's top-level package roots (Go 1.19 to 1.25). A module path without a dot (`module
 * myservice`) is legal for private code, so "no dot" alone does not mean standard library.
 */
const STD_ROOTS = new Set([
  'archive',
  'bufio',
  'builtin',
  'bytes',
  'cmp',
  'compress',
  'container',
  'context',
  'crypto',
  'database',
  'debug',
  'embed',
  'encoding',
  'errors',
  'expvar',
  'flag',
  'fmt',
  'go',
  'hash',
  'html',
  'image',
  'index',
  'internal',
  'io',
  'iter',
  'log',
  'maps',
  'math',
  'mime',
  'net',
  'os',
  'path',
  'plugin',
  'reflect',
  'regexp',
  'runtime',
  'slices',
  'sort',
  'strconv',
  'strings',
  'structs',
  'sync',
  'syscall',
  'testing',
  'text',
  'time',
  'unicode',
  'unique',
  'unsafe',
  'vendor',
  'weak',
]);

export function isStdPackage(pkg: string): boolean {
  return STD_ROOTS.has(pkg.split('/')[0]);
}

/**
 * The module of a package path by the common hosting conventions: github.com/a/b, google.golang.org/grpc,
 * gopkg.in/yaml.v3 and gopkg.in/natefinch/lumberjack.v2 (gopkg.in's two forms: the version on the second
 * element, or on the third under a user). A symbol name escapes the dots of its package's last element
 * (`gopkg.in/natefinch/lumberjack%2ev2.(*Logger).Write`): the path is read with them restored.
 */
export function moduleOf(escaped: string): string {
  const pkg = escaped.includes('%2e') ? escaped.replace(/%2e/g, '.') : escaped;
  const parts = pkg.split('/');
  if (isStdPackage(pkg)) return 'std';
  if (!parts[0].includes('.')) return parts[0];
  if (parts[0] === 'gopkg.in') return parts.slice(0, /\.v\d+$/.test(parts[1] ?? '') ? 2 : 3).join('/');
  const three = /^(github\.com|gitlab\.com|bitbucket\.org|golang\.org|go\.opentelemetry\.io)$/.test(parts[0]);
  return parts.slice(0, three ? 3 : 2).join('/');
}

/**
 * The project a module belongs to: the owner's path on a code host (github.com/nats-io, whose nats.go client
 * and nats-server are two modules of one project), the vanity domain otherwise (k8s.io, go.uber.org), and the
 * module itself where the path names no owner (gopkg.in/yaml.v3, a bare module name).
 */
export function projectOf(module: string): string {
  const parts = module.split('/');
  if (/^(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|golang\.org)$/.test(parts[0])) return parts.slice(0, 2).join('/');
  if (parts[0] === 'gopkg.in' || !parts[0].includes('.')) return module;
  return parts[0];
}
