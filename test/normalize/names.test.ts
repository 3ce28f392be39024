// The normalization rules of DESIGN.md section 2, one table case per rule, on names and paths as real Go
// programs wrote them (each case says which capture it comes from), then the rules checked over every frame of
// the captured fixtures: a call site must read the same whoever built the program and however it was built.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { decode } from '../../src/decode/index.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import type { Snapshot } from '../../src/model.js';
import { isRuntimeFunction, moduleOf, normalizeFile, normalizeFunction, projectOf } from '../../src/normalize/names.js';
import { fixture } from '../helpers/paths.js';

// Closures and generics keep their identity, not their instance noise; offsets and markers carry none.
const FUNCTIONS: readonly (readonly [rule: string, raw: string, normalized: string, seenIn: string])[] = [
  ['a closure number', 'main.(*indexer).submit.func1', 'main.(*indexer).submit.func', 'fixtures/worker-leak'],
  [
    'a closure inside a closure (Go 1.21+ spells it func2.1)',
    'google.golang.org/grpc.(*Server).serveStreams.func2.1',
    'google.golang.org/grpc.(*Server).serveStreams.func.func',
    'matrix grpc-clientconn-leak go1.26',
  ],
  ['nested closures of a std function', 'sync.OnceFunc.func1.1', 'sync.OnceFunc.func.func', 'matrix grpc-clientconn-leak go1.26'],
  [
    'a go statement wrapper (Go 1.22+)',
    'net/http.(*connReader).startBackgroundRead.gowrap2',
    'net/http.(*connReader).startBackgroundRead.gowrap',
    'matrix http-body-unclosed go1.26',
  ],
  [
    'a closure in a closure of a library',
    'k8s.io/client-go/tools/cache.(*Reflector).list.func1.2',
    'k8s.io/client-go/tools/cache.(*Reflector).list.func.func',
    'matrix k8s-informer go1.26',
  ],
  [
    'generic shape arguments',
    'k8s.io/client-go/gentype.(*alsoFakeLister[go.shape.*uint8,go.shape.*uint8]).List',
    'k8s.io/client-go/gentype.(*alsoFakeLister[...]).List',
    'matrix k8s-informer go1.26',
  ],
  ['generic arguments Go already elided', 'slices.Grow[...]', 'slices.Grow[...]', 'matrix sql-rows-unclosed go1.26'],
  [
    'generic shape arguments that nest brackets',
    'github.com/jackc/pgx/v5/pgtype.registerDefaultPgTypeVariants[go.shape.[]github.com/jackc/pgx/v5/pgtype.Range[github.com/jackc/pgx/v5/pgtype.Float8]]',
    'github.com/jackc/pgx/v5/pgtype.registerDefaultPgTypeVariants[...]',
    'matrix sql-rows-unclosed go1.26',
  ],
  [
    'an address offset (debug=1 text)',
    'google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run+0xfc',
    'google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run',
    'matrix grpc-clientconn-leak go1.26 debug=1',
  ],
  [
    'an (inline) marker (go tool pprof -top)',
    'internal/poll.(*pollDesc).waitRead (inline)',
    'internal/poll.(*pollDesc).waitRead',
    'matrix batch-sawtooth check.txt',
  ],
  [
    'a method is its own identity',
    'google.golang.org/grpc.(*addrConn).resetTransport',
    'google.golang.org/grpc.(*addrConn).resetTransport',
    'fixtures/grpc-leak',
  ],
  [
    'a package path with a dot-less element and a major version',
    'github.com/jackc/pgx/v5.(*Conn).Query',
    'github.com/jackc/pgx/v5.(*Conn).Query',
    'matrix sql-rows-unclosed',
  ],
];

t.test('normalizeFunction: one case per name rule', async (t) => {
  for (const [rule, raw, normalized, seenIn] of FUNCTIONS) t.equal(normalizeFunction(raw), normalized, `${rule} (${seenIn})`);
});

t.test('normalizeFunction is idempotent: a normalized name normalizes to itself', async (t) => {
  for (const [rule, , normalized] of FUNCTIONS) t.equal(normalizeFunction(normalized), normalized, rule);
});

// Build-machine prefixes and module versions go; what is left names the file the same on every machine.
const FILES: readonly (readonly [rule: string, raw: string, normalized: string, seenIn: string])[] = [
  [
    'module cache and version',
    '/root/go/pkg/mod/google.golang.org/grpc@v1.85.0/clientconn.go',
    'google.golang.org/grpc/clientconn.go',
    'matrix grpc-clientconn-leak go1.26-mod',
  ],
  [
    'module cache, a module with a major-version path',
    '/root/go/pkg/mod/github.com/jackc/pgx/v5@v5.12.0/conn.go',
    'github.com/jackc/pgx/v5/conn.go',
    'matrix sql-rows-unclosed go1.26-mod',
  ],
  [
    '-trimpath module path and version',
    'google.golang.org/grpc@v1.85.0/clientconn.go',
    'google.golang.org/grpc/clientconn.go',
    'matrix grpc-clientconn-leak go1.26-trimpath',
  ],
  [
    '-trimpath, a module with a major-version path',
    'github.com/jackc/pgx/v5@v5.12.0/pgconn/pgconn.go',
    'github.com/jackc/pgx/v5/pgconn/pgconn.go',
    'matrix sql-rows-unclosed go1.26-trimpath',
  ],
  [
    'vendor/ of a module build',
    '/tmp/src.MDy3ZV/fleet/vendor/google.golang.org/grpc/server.go',
    'google.golang.org/grpc/server.go',
    'matrix grpc-clientconn-leak go1.26-vendor',
  ],
  [
    'Debian GOPATH (/usr/share/gocode/src)',
    '/usr/share/gocode/src/google.golang.org/grpc/clientconn.go',
    'google.golang.org/grpc/clientconn.go',
    'matrix grpc-clientconn-leak go1.19-gopath',
  ],
  ['GOROOT /usr/local/go', '/usr/local/go/src/runtime/pprof/pprof.go', 'runtime/pprof/pprof.go', 'matrix go1.26-mod'],
  ['GOROOT of Debian Go 1.19', '/usr/lib/go-1.19/src/runtime/pprof/pprof.go', 'runtime/pprof/pprof.go', 'matrix go1.19-gopath'],
  [
    'GOROOT of a GOTOOLCHAIN download, in the module cache',
    '/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64/src/runtime/proc.go',
    'runtime/proc.go',
    'matrix go1.27-mod',
  ],
  [
    'GOROOT vendor tree of the standard library',
    '/usr/lib/go-1.19/src/vendor/golang.org/x/crypto/cryptobyte/asn1.go',
    'golang.org/x/crypto/cryptobyte/asn1.go',
    'matrix go1.19-gopath',
  ],
  [
    'GOROOT vendor tree of a GOTOOLCHAIN download',
    '/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64/src/vendor/golang.org/x/net/http/httpproxy/proxy.go',
    'golang.org/x/net/http/httpproxy/proxy.go',
    'matrix go1.27-mod',
  ],
  ['standard library under -trimpath stays', 'net/http/transport.go', 'net/http/transport.go', 'matrix go1.26-trimpath'],
  [
    "the service's own file under -trimpath stays",
    'example.com/fleet/cmd/server/main.go',
    'example.com/fleet/cmd/server/main.go',
    'matrix grpc-clientconn-leak go1.27-cmd-trimpath',
  ],
  [
    "the service's own checkout stays whole (--redact trims it)",
    '/tmp/src.JAgWBL/fleet/main.go',
    '/tmp/src.JAgWBL/fleet/main.go',
    'matrix grpc-clientconn-leak go1.26-mod',
  ],
  ['an assembly file of the runtime', 'runtime/asm_amd64.s', 'runtime/asm_amd64.s', 'matrix go1.26-trimpath'],
  ['no file (text forms without one)', '', '', 'goroutine?debug=2 created-by lines'],
];

t.test('normalizeFile: one case per path rule', async (t) => {
  for (const [rule, raw, normalized, seenIn] of FILES) t.equal(normalizeFile(raw), normalized, `${rule} (${seenIn})`);
});

t.test('normalizeFile is idempotent', async (t) => {
  for (const [rule, , normalized] of FILES) t.equal(normalizeFile(normalized), normalized, rule);
});

t.test('runtime frames are evidence, not call sites; runtime/pprof and runtime/debug callers are not runtime', async (t) => {
  // All seen at the top of captured stacks (matrix, Go 1.19 to 1.27).
  for (const fn of ['runtime.gopark', 'runtime.selectgo', 'runtime.chanrecv1', 'runtime.mallocgc', 'runtime.netpollblock']) t.ok(isRuntimeFunction(fn), fn);
  for (const fn of [
    'runtime/pprof.writeGoroutine',
    'runtime/pprof.(*Profile).WriteTo',
    'internal/poll.runtime_pollWait',
    'runtime/pprof.runtime_goroutineProfileWithLabels',
  ])
    t.notOk(isRuntimeFunction(fn), fn);
});

// ---- The rules over every frame of the captures ----

/** Round 01 of every capture directory under fixtures/matrix (and the first-round series): each form once. */
function firstRounds(): { dir: string; file: string }[] {
  const dirs: string[] = [];
  const matrix = fixture('matrix');
  for (const scenario of readdirSync(matrix, { withFileTypes: true })) {
    if (!scenario.isDirectory()) continue;
    for (const v of readdirSync(join(matrix, scenario.name), { withFileTypes: true })) if (v.isDirectory()) dirs.push(join(matrix, scenario.name, v.name));
  }
  for (const s of ['grpc-leak', 'grpc-close', 'map-leak', 'cache-warm', 'http-body-leak', 'worker-leak']) dirs.push(fixture(s));
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => /^(heap|goroutine)-01-/.test(f))
      .map((file) => ({ dir, file })),
  );
}

const decoded: { name: string; snapshot: Snapshot }[] = firstRounds().map(({ dir, file }) => ({
  name: join(dir, file),
  snapshot: decode(file, readFileSync(join(dir, file)), DEFAULT_LIMITS).snapshot,
}));

t.test('every captured frame normalizes to a name without build noise', async (t) => {
  t.ok(decoded.length > 150, `${decoded.length} first-round captures read`);
  const bad = new Set<string>();
  for (const { snapshot } of decoded) {
    for (const f of snapshot.frames) {
      const fn = normalizeFunction(f.function);
      const file = normalizeFile(f.file);
      if (/\+0x|\.(func|gowrap|deferwrap)\d|go\.shape|\]\]| \(inline\)/.test(fn)) bad.add(`function ${f.function} -> ${fn}`);
      if (/@v\d|\/pkg\/mod\/|(^|\/)vendor\/|golang\.org\/toolchain/.test(file)) bad.add(`file ${f.file} -> ${file}`);
    }
  }
  t.same([...bad].sort(), [], 'no offsets, closure numbers, shapes or markers in functions; no versions, caches or vendor trees in files');
});

t.test('a standard-library frame reads the same on every Go installation and build', async (t) => {
  const byFunction = new Map<string, Set<string>>();
  for (const { snapshot } of decoded) {
    for (const f of snapshot.frames) {
      const fn = normalizeFunction(f.function);
      // Go 1.19's and 1.26's sources differ in file layout; only the file name's form is checked here.
      if (f.file === '' || !/^(runtime|sync|net|internal|io|time|context|bufio)[/.]/.test(fn)) continue;
      const file = normalizeFile(f.file);
      if (!byFunction.has(fn)) byFunction.set(fn, new Set());
      byFunction.get(fn)!.add(file.startsWith('/') ? `absolute: ${f.file}` : 'relative');
    }
  }
  const absolute = [...byFunction].filter(([, forms]) => forms.size > 1 || !forms.has('relative')).map(([fn, forms]) => `${fn}: ${[...forms].join(', ')}`);
  t.ok(byFunction.size > 100, `${byFunction.size} standard-library functions seen`);
  t.same(absolute, [], 'every standard-library file is relative to GOROOT/src');
});

t.test("one build's library frames read as another build's: module cache, -trimpath and vendor agree", async (t) => {
  // One program (gRPC-Go v1.85.0 on Go 1.26), built three ways; the library's files must not tell them apart.
  const builds = ['go1.26-mod', 'go1.26-trimpath', 'go1.26-vendor'].map((v) => fixture('matrix/grpc-clientconn-leak', v));
  const files = builds.map((dir) => {
    const byFunction = new Map<string, string>();
    for (const { name, snapshot } of decoded) {
      if (!name.startsWith(dir + '/')) continue;
      for (const f of snapshot.frames)
        if (f.file !== '' && !/^(main|example\.com)[/.]/.test(f.function)) byFunction.set(normalizeFunction(f.function), normalizeFile(f.file));
    }
    return byFunction;
  });
  const shared = [...files[0].keys()].filter((fn) => files.every((m) => m.has(fn)));
  t.ok(shared.filter((fn) => fn.startsWith('google.golang.org/grpc')).length > 10, `${shared.length} functions in all three builds`);
  const differ = shared.filter((fn) => new Set(files.map((m) => m.get(fn))).size > 1).map((fn) => `${fn}: ${files.map((m) => m.get(fn)).join(' | ')}`);
  t.same(differ, [], 'the same file name in every build');
});

t.test('projectOf: the owner on a code host, the vanity domain, or the module itself', async (t) => {
  const cases: [string, string][] = [
    ['github.com/nats-io/nats-server/v2/server', 'github.com/nats-io'],
    ['github.com/nats-io/nats%2ego', 'github.com/nats-io'],
    ['golang.org/x/net/http2', 'golang.org/x'],
    ['k8s.io/client-go/tools/cache', 'k8s.io'],
    ['google.golang.org/grpc/internal/transport', 'google.golang.org'],
    ['gopkg.in/yaml.v3', 'gopkg.in/yaml.v3'],
    ['gopkg.in/yaml%2ev3', 'gopkg.in/yaml.v3'],
    ['gopkg.in/natefinch/lumberjack%2ev2', 'gopkg.in/natefinch/lumberjack.v2'],
  ];
  for (const [pkg, project] of cases) t.equal(projectOf(moduleOf(pkg)), project, pkg);
  t.not(projectOf(moduleOf('gopkg.in/yaml.v3')), projectOf(moduleOf('gopkg.in/ini.v1')), 'gopkg.in names no owner');
});
