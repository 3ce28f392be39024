// --source: the culprit's function from the user's checkout with per-line figures, checked against
// `go tool pprof -list` on the same captures; files edited since the build reported as stale, never shown
// wrong; path mapping (absolute build paths, -trimpath, GOPATH, two checkouts, the module cache); and, without
// --source, file:line on every evidence frame in every form.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../src/commands/analyze.js';
import type { Analysis } from '../src/explain/index.js';
import { decode } from '../src/decode/index.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { DEFAULT_POLICY, Interner } from '../src/normalize/index.js';
import { renderMarkdown } from '../src/render/markdown.js';
import { toJson } from '../src/render/json.js';
import { moduleCacheDir, type SourceView } from '../src/source/index.js';
import { callsAt, declarationAround, declares, goName } from '../src/source/go.js';
import { candidates } from '../src/source/locate.js';
import { leakdiff, scratch } from './helpers/cli.js';
import { fixture } from './helpers/paths.js';
import { heapProfile } from './helpers/profiles.js';

const FORMS = {
  all: () => true,
  protobuf: (f: string) => f.endsWith('.pb.gz'),
  text: (f: string) => f.includes('.debug1.txt') || f.includes('.debug2.txt'),
  'debug=1 only': (f: string) => f.includes('.debug1.txt'),
} as const;

function files(scenario: string, pick: (f: string) => boolean = () => true): string[] {
  const dir = fixture(scenario);
  return readdirSync(dir)
    .filter((f) => f !== 'golden' && !f.endsWith('.json') && pick(f))
    .map((f) => join(dir, f));
}

function run(scenario: string, source: readonly string[] | null, pick?: (f: string) => boolean): Analysis {
  const roots = source === null ? undefined : { dirs: source, modCache: null };
  return analyze({ files: files(scenario, pick), intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS, source: roots });
}

const markdown = (a: Analysis): string => renderMarkdown(a, { version: 'test', limitBytes: null, chart: null, gates: [] });

function view(a: Analysis, i = 0): SourceView {
  const v = a.sources?.[i];
  if (v === undefined || v === null) throw new Error('no source view');
  return v;
}

const lineOf = (v: SourceView, n: number) => v.lines.find((l) => l.line === n);

/** Relative difference, for sampled heap figures read from text forms (go tool pprof reads the protobuf). */
const near = (actual: number, expected: number, tolerance: number): boolean => Math.abs(actual - expected) <= tolerance * expected;

// Golden truth, printed by go tool pprof 1.19 on the captures (-unit=B; objects with -sample_index=inuse_objects):
//   go tool pprof -list 'clusterClient..getConn' fixtures/grpc-leak/heap-01-*.pb.gz
//     no matches found for regexp: clusterClient..getConn          (nothing under getConn in use yet)
//   go tool pprof -list 'clusterClient..getConn' fixtures/grpc-leak/heap-09-*.pb.gz
//     ROUTINE ======================== main.(*clusterClient).getConn in /work/main/fixtures/gen/grpc-leak/main.go
//              0        2MB (flat, cum)  5.55% of Total
//              .    2098120B     59:	conn, err := grpc.DialContext(dctx, c.target, grpc.WithInsecure(), grpc.WithBlock())
//              .      17555     59:	(inuse_objects)
//   every other line of getConn: . .
const GETCONN_59 = { bytes: 2_098_120, objects: 17_555 };

for (const [form, pick] of Object.entries(FORMS)) {
  t.test(`grpc-leak (${form}) --source fixtures/gen/grpc-leak: getConn's lines, the DialContext call marked, pprof's figures`, async (t) => {
    const v = view(run('grpc-leak', [fixture('gen/grpc-leak')], pick));
    t.equal(v.function, 'main.(*clusterClient).getConn');
    t.equal(v.file, fixture('gen/grpc-leak/main.go'), 'the absolute build path /work/main/fixtures/gen/grpc-leak/main.go maps to main.go under --source');
    t.equal(v.stale, null);
    t.equal(v.missing, null);
    t.equal(v.startLine, 51, 'from the func declaration');
    t.equal(v.endLine, 68, 'to the closing brace');
    t.same(
      v.lines.map((l) => l.line),
      Array.from({ length: 18 }, (_, i) => 51 + i),
      'the whole function, not the file',
    );
    t.match(lineOf(v, 51)?.text, /^func \(c \*clusterClient\) getConn\(/);
    t.equal(v.markedLine, 59);
    t.equal(v.markedAs, 'call');
    t.equal(v.callee, 'google.golang.org/grpc.DialContext');
    const l59 = lineOf(v, 59);
    t.ok(l59?.marked, 'line 59 is marked');
    t.match(l59?.text, /grpc\.DialContext\(/, 'and it is the DialContext call');
    t.equal(l59?.first?.inuse_space, 0, 'nothing in use under it at the first snapshot (pprof: no match)');
    const tolerance = form === 'all' || form === 'protobuf' ? 0 : 0.05;
    t.ok(near(l59?.last?.inuse_space ?? 0, GETCONN_59.bytes, tolerance), `bytes at the last snapshot ${l59?.last?.inuse_space} vs pprof ${GETCONN_59.bytes}`);
    t.ok(near(l59?.last?.inuse_objects ?? 0, GETCONN_59.objects, tolerance), `objects ${l59?.last?.inuse_objects} vs pprof ${GETCONN_59.objects}`);
    t.same(
      v.lines.filter((l) => l.first !== null).map((l) => l.line),
      [59],
      'no other line of getConn holds anything, as pprof -list shows',
    );
    t.same(v.metrics, ['inuse_space', 'inuse_objects'], 'a heap-found culprit: heap figures, no goroutine column');
  });
}

t.test('grpc-leak through the CLI: the Source section and the JSON source field', async (t) => {
  const md = leakdiff([fixture('grpc-leak'), '--source', fixture('gen/grpc-leak'), '--out', '-', '--quiet']);
  t.equal(md.code, 1, 'a leak');
  const section = md.stdout.slice(md.stdout.indexOf('### Source'), md.stdout.indexOf('### Why it leaks'));
  t.ok(md.stdout.indexOf('### Evidence stacks') < md.stdout.indexOf('### Source'), 'after the evidence stacks');
  t.match(section, /`main\.\(\*clusterClient\)\.getConn` in `.*fixtures\/gen\/grpc-leak\/main\.go`, lines 51–68/);
  t.match(section, /`▶` marks line 59, the call into `google\.golang\.org\/grpc\.DialContext`/);
  t.match(section, /\.\s+2\.00 MiB\s+\+2\.00 MiB\s+\.\s+17,555\s+\+17,555\s+▶\s+59\s+conn, err := grpc\.DialContext/);
  t.match(section, /\n\s+\.\s+\.\s+\.\s+\.\s+\.\s+\.\s+68  }\n/, 'lines without samples show dots, as pprof');
  const json = leakdiff([fixture('grpc-leak'), '--source', fixture('gen/grpc-leak'), '--json', '-', '--quiet']);
  const source = (
    JSON.parse(json.stdout) as {
      findings: { source: Record<string, unknown> & { lines: { line: number; text: string; first: unknown; last: unknown; marked: boolean }[] } }[];
    }
  ).findings[0].source;
  t.equal(source.file, fixture('gen/grpc-leak/main.go'));
  t.equal(source.startLine, 51);
  t.equal(source.stale, null);
  t.same(
    source.lines.find((l) => l.marked),
    {
      marked: true,
      line: 59,
      text: '\tconn, err := grpc.DialContext(dctx, c.target, grpc.WithInsecure(), grpc.WithBlock())',
      first: { inuse_space: 0, inuse_objects: 0 },
      last: { inuse_space: GETCONN_59.bytes, inuse_objects: GETCONN_59.objects },
    },
  );
});

// go tool pprof -list 'Store..Remember' fixtures/map-leak/heap-01-*.pb.gz: 2631693B (642 objects) at 45, nothing else.
// ... heap-09-*.pb.gz: 40: 524344B (4681), 45: 32106658B (7838), 48: 786695B (1).
t.test('map-leak --source fixtures/gen/map-leak: (*Store).Remember with its allocating line', async (t) => {
  const v = view(run('map-leak', [fixture('gen/map-leak')]));
  t.equal(
    v.file,
    fixture('gen/map-leak/store/store.go'),
    'the GOPATH path /tmp/leakdiff-gopath/src/example.com/sessions/store/store.go maps to store/store.go',
  );
  t.equal(v.startLine, 38);
  t.equal(v.endLine, 51);
  t.equal(v.markedLine, 45, 'the line whose heap grew most: the Claims copy');
  t.equal(v.markedAs, 'growth');
  t.match(lineOf(v, 45)?.text, /Claims:\s+append\(\[\]byte\(nil\), claims\.\.\.\)/);
  t.same(
    [lineOf(v, 45)?.first, lineOf(v, 45)?.last],
    [
      { inuse_space: 2_631_693, inuse_objects: 642 },
      { inuse_space: 32_106_658, inuse_objects: 7_838 },
    ],
  );
  t.same(lineOf(v, 40)?.last, { inuse_space: 524_344, inuse_objects: 4_681 });
  t.same(lineOf(v, 48)?.last, { inuse_space: 786_695, inuse_objects: 1 });
  t.match(markdown(run('map-leak', [fixture('gen/map-leak')])), /▶\s+45\s+Claims:/);
});

// go tool pprof -list 'indexer..submit' fixtures/worker-leak/goroutine-01-*.pb.gz: 135: 56, 137: 1;
// goroutine-09-*.pb.gz: 135: 484, 137: 1. heap-01: 135: 532522B, 140: 526338B; heap-09: 135: 8520362B, 140: 526338B.
t.test('worker-leak: a goroutine-started culprit shows goroutine counts where they wait', async (t) => {
  const v = view(run('worker-leak', [fixture('gen/worker-leak')]));
  t.equal(v.function, 'main.(*indexer).submit.func1');
  t.equal(v.startLine, 132, 'a closure is shown within the function that declares it');
  t.match(lineOf(v, 132)?.text, /^func \(ix \*indexer\) submit\(/);
  t.equal(v.markedLine, 135);
  t.equal(v.markedAs, 'wait');
  t.same(v.metrics, ['inuse_space', 'inuse_objects', 'goroutine']);
  t.same([lineOf(v, 135)?.first?.goroutine, lineOf(v, 135)?.last?.goroutine], [56, 484]);
  t.same([lineOf(v, 135)?.first?.inuse_space, lineOf(v, 135)?.last?.inuse_space], [532_522, 8_520_362]);
  t.same([lineOf(v, 137)?.first?.goroutine, lineOf(v, 137)?.last?.goroutine], [1, 1], 'the handler waiting in select');
});

const GETCONN = 50; // the comment line above `func (c *clusterClient) getConn(` is line 50

function edited(t: Parameters<typeof scratch>[0], edit: (lines: string[]) => string[]): string {
  const dir = scratch(t);
  const lines = readFileSync(fixture('gen/grpc-leak/main.go'), 'utf8').split('\n');
  writeFileSync(join(dir, 'main.go'), edit(lines).join('\n'));
  return dir;
}

const STALE_EDITS: readonly [string, (l: string[]) => string[], RegExp][] = [
  [
    '10 lines inserted above getConn',
    (l) => [...l.slice(0, GETCONN - 1), ...Array.from({ length: 10 }, (_, i) => `// added ${i}`), ...l.slice(GETCONN - 1)],
    /line 59 is outside any function/,
  ],
  [
    'a function inserted above getConn',
    (l) => [
      ...l.slice(0, GETCONN - 1),
      'func helper() {',
      '\tprintln()',
      '}',
      '',
      'func other() {',
      ...Array.from({ length: 6 }, () => '\tprintln()'),
      '}',
      '',
      ...l.slice(GETCONN - 1),
    ],
    /line 59 is in `func other\(\) \{`/,
  ],
  ['truncated before line 59', (l) => l.slice(0, 45), /the file has 45 lines, the profile has main\.\(\*clusterClient\)\.getConn at line 59/],
  [
    'the fix inserted above the DialContext call',
    (l) => [...l.slice(0, 58), '\tif c.conn != nil {', '\t\tc.conn.Close()', '\t}', ...l.slice(58)],
    /line 59 does not call google\.golang\.org\/grpc\.DialContext/,
  ],
  ['two lines deleted inside getConn', (l) => [...l.slice(0, 51), ...l.slice(53)], /line 59 does not call/],
];

for (const [what, edit, reason] of STALE_EDITS) {
  t.test(`a stale source file is reported, not shown: ${what}`, async (t) => {
    const a = run('grpc-leak', [edited(t, edit)], FORMS.protobuf);
    const v = view(a);
    t.match(v.stale, /^source is newer than the profile: /);
    t.match(v.stale, reason);
    t.same(v.lines, [], 'no line is shown');
    const md = markdown(a);
    t.match(md, /### Source\n\n`[^`]*main\.go` is not shown: source is newer than the profile: /);
    t.notMatch(md.slice(md.indexOf('### Source'), md.indexOf('### Why')), /```text/);
  });
}

t.test('a map-leak store.go edited inside Remember (a line that allocates is now blank) is stale', async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'store'));
  const lines = readFileSync(fixture('gen/map-leak/store/store.go'), 'utf8').split('\n');
  writeFileSync(join(dir, 'store/store.go'), [...lines.slice(0, 39), '', ...lines.slice(39)].join('\n'));
  t.match(view(run('map-leak', [dir])).stale, /line 40 is blank, but the profile has example\.com\/sessions\/store\.\(\*Store\)\.Remember running there/);
});

t.test('no matching file: said so, with where it looked', async (t) => {
  const v = view(run('grpc-leak', [scratch(t)], FORMS.protobuf));
  t.equal(v.file, null);
  t.match(v.missing, /no file under .* ends with a tail of \/work\/main\/fixtures\/gen\/grpc-leak\/main\.go/);
  t.match(
    markdown(run('grpc-leak', [scratch(t)], FORMS.protobuf)),
    /### Source\n\nThe source of `main\.\(\*clusterClient\)\.getConn` was not found: no file under/,
  );
});

t.test('two checkouts that both have a main.go: the one that fits the profile is shown', async (t) => {
  const v = view(run('grpc-leak', [fixture('gen/map-leak'), fixture('gen/grpc-leak')], FORMS.protobuf));
  t.equal(v.file, fixture('gen/grpc-leak/main.go'));
  t.equal(v.stale, null);
});

t.test('path mapping: -trimpath module paths, vendor, longest tail, import path fit', async (t) => {
  const a = run('cache-warm', null, FORMS.protobuf);
  const frame = (fn: string) => {
    const f = a.series.frames.find((x) => x.function === fn);
    if (f === undefined) throw new Error(fn);
    return f;
  };
  t.equal(frame('main.loadProduct').file, 'example.com/catalog/main.go', 'a -trimpath build');
  t.same(candidates(frame('main.loadProduct'), { dirs: [fixture('gen/cache-warm')], modCache: null }), [
    { path: fixture('gen/cache-warm/main.go'), via: 'source' },
  ]);
  t.same(candidates(frame('example.com/catalog/lru.(*Cache).Add'), { dirs: [fixture('gen/cache-warm')], modCache: null }), [
    { path: fixture('gen/cache-warm/lru/lru.go'), via: 'source' },
  ]);
  // The import path decides between equally long tails: pkg/store/store.go fits example.com/app/pkg/store.
  const dir = scratch(t);
  for (const d of ['a/store', 'b/pkg/store', 'c/vendor/github.com/lib/pq']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(join(dir, 'a/store/x.go'), '');
  writeFileSync(join(dir, 'b/pkg/store/x.go'), '');
  writeFileSync(join(dir, 'b/go.mod'), 'module example.com/app\n');
  writeFileSync(join(dir, 'c/vendor/github.com/lib/pq/conn.go'), '');
  const store = { function: 'example.com/app/pkg/store.Put', file: '/build/pkg/store/x.go', rawFile: '/build/pkg/store/x.go', origin: 'user' } as const;
  t.same(
    candidates(store, { dirs: [join(dir, 'a'), join(dir, 'b')], modCache: null }).map((c) => c.path),
    [join(dir, 'b/pkg/store/x.go'), join(dir, 'a/store/x.go')],
    'longest tail first',
  );
  const short = { ...store, file: 'store/x.go', rawFile: 'store/x.go' };
  t.same(
    candidates(short, { dirs: [join(dir, 'a'), join(dir, 'b')], modCache: null }).map((c) => c.path)[0],
    join(dir, 'a/store/x.go'),
    'equal tails: the directory given first',
  );
  const pq = {
    function: 'github.com/lib/pq.(*conn).recv',
    file: 'github.com/lib/pq/conn.go',
    rawFile: '/app/vendor/github.com/lib/pq/conn.go',
    origin: 'library',
  } as const;
  t.same(
    candidates(pq, { dirs: [join(dir, 'c')], modCache: null }),
    [{ path: join(dir, 'c/vendor/github.com/lib/pq/conn.go'), via: 'source' }],
    'a vendored library under DIR/vendor',
  );
});

t.test('library frames from the Go module cache: the version the profile names, or the only one there', async (t) => {
  const cache = scratch(t);
  for (const v of ['google.golang.org/grpc@v1.42.0', 'google.golang.org/grpc@v1.33.3', 'github.com/!burnt!sushi/toml@v1.2.0'])
    mkdirSync(join(cache, v), { recursive: true });
  writeFileSync(join(cache, 'google.golang.org/grpc@v1.42.0/clientconn.go'), 'package grpc\n');
  writeFileSync(join(cache, 'google.golang.org/grpc@v1.33.3/clientconn.go'), 'package grpc\n');
  writeFileSync(join(cache, 'github.com/!burnt!sushi/toml@v1.2.0/decode.go'), 'package toml\n');
  const roots = { dirs: [scratch(t)], modCache: cache };
  const grpc = {
    function: 'google.golang.org/grpc.DialContext',
    file: 'google.golang.org/grpc/clientconn.go',
    rawFile: '/root/go/pkg/mod/google.golang.org/grpc@v1.42.0/clientconn.go',
    origin: 'library',
  } as const;
  t.same(
    candidates(grpc, roots),
    [{ path: join(cache, 'google.golang.org/grpc@v1.42.0/clientconn.go'), via: 'module-cache' }],
    'module-cache path: its version',
  );
  t.same(
    candidates({ ...grpc, rawFile: 'google.golang.org/grpc@v1.33.3/clientconn.go' }, roots)[0]?.path,
    join(cache, 'google.golang.org/grpc@v1.33.3/clientconn.go'),
    '-trimpath: its version',
  );
  t.same(
    candidates({ ...grpc, rawFile: '/usr/share/gocode/src/google.golang.org/grpc/clientconn.go' }, roots),
    [],
    'no version named and two cached: no guess',
  );
  const toml = {
    function: 'github.com/BurntSushi/toml.Decode',
    file: 'github.com/BurntSushi/toml/decode.go',
    rawFile: '/gopath/src/github.com/BurntSushi/toml/decode.go',
    origin: 'library',
  } as const;
  t.same(
    candidates(toml, roots),
    [{ path: join(cache, 'github.com/!burnt!sushi/toml@v1.2.0/decode.go'), via: 'module-cache' }],
    'the only version, case-escaped',
  );
  t.same(candidates({ ...toml, origin: 'user', rawFile: '/src/toml/decode.go' }, roots), [], "the service's own code is never taken from the module cache");
  t.equal(moduleCacheDir({ GOMODCACHE: cache }), cache);
  const gopath = scratch(t);
  mkdirSync(join(gopath, 'pkg/mod'), { recursive: true });
  t.equal(moduleCacheDir({ GOPATH: `${gopath}:/elsewhere` }), join(gopath, 'pkg/mod'), 'the first GOPATH entry');
  t.equal(moduleCacheDir({ HOME: scratch(t) }), null, 'none on this machine');
});

t.test('goName, declares, declarationAround, callsAt: the Go the view relies on', async (t) => {
  const names: readonly [string, ReturnType<typeof goName>][] = [
    ['main.(*clusterClient).getConn', { receiver: 'clusterClient', name: 'getConn', closure: false }],
    ['main.(*indexer).submit.func1', { receiver: 'indexer', name: 'submit', closure: true }],
    ['main.main.func2.3', { receiver: null, name: 'main', closure: true }],
    ['example.com/cache.(*LRU[...]).Get', { receiver: 'LRU', name: 'Get', closure: false }],
    ['example.com/cache.Map[go.shape.int]', { receiver: null, name: 'Map', closure: false }],
    ['example.com/x.T.String', { receiver: 'T', name: 'String', closure: false }],
    ['main.glob..func1', { receiver: 'glob', name: '', closure: true }],
    ['example.com/x.init.0', { receiver: null, name: 'init', closure: true }],
    ['net/http.(*Transport).dialConn.gowrap1', { receiver: 'Transport', name: 'dialConn', closure: true }],
  ];
  for (const [fn, want] of names) t.same(goName(fn), want, fn);
  t.ok(declares('func (c *clusterClient) getConn(ctx context.Context) (*grpc.ClientConn, error) {', goName('main.(*clusterClient).getConn')));
  t.ok(declares('func (c *LRU[K, V]) Get(key K) (V, bool) {', goName('example.com/cache.(*LRU[...]).Get')));
  t.ok(declares('func (t T) String() string {', goName('example.com/x.T.String')));
  t.ok(declares('func Map[K comparable, V any](m map[K]V) {', goName('example.com/cache.Map[...]')));
  t.notOk(
    declares('func (c *clusterClient) getConnection(ctx context.Context) {', goName('main.(*clusterClient).getConn')),
    'a longer name is another function',
  );
  t.notOk(declares('func getConn() {', goName('main.(*clusterClient).getConn')), 'a function, not the method');
  const src = ['package main', '', 'func a(', '\tx int,', ') error {', '\treturn nil', '}', '', 'func b() { return }', 'var f = func() {', '\tprintln()', '}'];
  t.same(declarationAround(src, 6), { start: 3, end: 7 }, "a multi-line signature's `) error {` does not end the function");
  t.same(declarationAround(src, 9), { start: 9, end: 9 }, 'a one-line function');
  t.same(declarationAround(src, 1), null, 'above any declaration');
  const call = ['\tconn, err := grpc.DialContext(', '\t\tctx,', '\t\ttarget)', '\tx := y'];
  t.ok(callsAt(call, 1, 'DialContext'));
  t.ok(callsAt(call, 3, 'DialContext'), 'a call spread over lines, attributed to a later one');
  t.notOk(callsAt(call, 4, 'DialContext'));
  t.notOk(callsAt(['\tx := grpc.DialContextual()'], 1, 'DialContext'), 'whole words only');
});

t.test("the per-line table: each (function, line) of the service's own code once per sample, recursion included", async (t) => {
  const bytes = heapProfile([
    { stack: ['main.alloc@/app/main.go:12', 'main.walk@/app/main.go:20', 'main.walk@/app/main.go:20', 'main.main@/app/main.go:30'], values: [0, 0, 2, 200] },
    { stack: ['main.alloc@/app/main.go:13', 'main.walk@/app/main.go:21', 'main.walk@/app/main.go:20', 'main.main@/app/main.go:30'], values: [0, 0, 1, 100] },
    { stack: ['github.com/lib/x.Make@/go/pkg/mod/github.com/lib/x@v1.0.0/x.go:5', 'main.main@/app/main.go:31'], values: [0, 0, 4, 400] },
    { stack: ['main.alloc@/app/main.go:14', 'main.main@/app/main.go:32'], values: [9, 900, 0, 0] },
  ]);
  const snapshot = decode('heap.pb', bytes, DEFAULT_LIMITS).snapshot;
  const interner = new Interner(DEFAULT_POLICY, [], true);
  const n = interner.add(snapshot);
  const table = new Map<string, number[]>();
  n.lineIds.forEach((id, i) => {
    const site = interner.lines[id];
    table.set(`${interner.frames[site.frame].function}:${site.line}`, Array.from(n.lineValues.subarray(i * n.lineTypes.length, (i + 1) * n.lineTypes.length)));
  });
  t.same(n.lineTypes, ['inuse_space', 'inuse_objects'], 'what is in use: allocation totals never shrink');
  t.same(
    Object.fromEntries(table),
    {
      'main.alloc:12': [200, 2],
      'main.alloc:13': [100, 1],
      'main.walk:20': [300, 3],
      'main.walk:21': [100, 1],
      'main.main:30': [300, 3],
      'main.main:31': [400, 4],
    },
    'walk:20 twice in one stack counts once; the library frame has no row; a sample with nothing in use adds nothing',
  );
  interner.settleOwnership();
  t.same(
    interner.stacks.map((s) => s.userLine),
    [12, 31, 14],
    "each call site keeps its leaf-most own frame's line at its first sample (the first two samples are one call site)",
  );
  const off = new Interner();
  const none = off.add(snapshot);
  t.same([none.lineIds.length, none.lineValues.length, off.lines.length], [0, 0, 0], 'without --source no line is kept');
  t.same(
    off.stacks.map((s) => s.userLine),
    [0, 0, 0],
  );
});

t.test('without --source: no Source section, no source field, and file:line on every evidence frame in every form', async (t) => {
  for (const scenario of ['grpc-leak', 'worker-leak', 'http-body-leak', 'map-leak']) {
    for (const [form, pick] of Object.entries({
      ...FORMS,
      'goroutine debug=1 and heap protobuf': (f: string) => (f.startsWith('heap') ? f.endsWith('.pb.gz') : f.includes('.debug1.txt')),
    })) {
      const a = run(scenario, null, pick);
      const md = markdown(a);
      t.notMatch(md, /### Source/, `${scenario} (${form}): no Source section`);
      t.notOk(
        'source' in ((toJson(a, { limitBytes: null }) as { findings: Record<string, unknown>[] }).findings[0] ?? {}),
        `${scenario} (${form}): no source field`,
      );
      const frames = [...md.matchAll(/### Evidence stacks[\s\S]*?(?=\n### (?!Evidence))/g)].flatMap((m) =>
        [...m[0].matchAll(/```text\n([\s\S]*?)```/g)].flatMap((b) => b[1].trimEnd().split('\n')),
      );
      t.ok(frames.length > 0, `${scenario} (${form}): evidence stacks shown`);
      const bare = frames.filter((l) => !/ \S+:\d+( {2}◀ fix here)?$/.test(l) && !/^ {2}… \d+ more frames$/.test(l));
      t.same(bare, [], `${scenario} (${form}): every evidence frame has file:line`);
    }
  }
});

t.test('the CLI: --source repeatable before or after the snapshots; a missing directory is a usage error', async (t) => {
  const work = scratch(t);
  copyFileSync(fixture('gen/grpc-leak/main.go'), join(work, 'main.go'));
  const heap = files('grpc-leak', FORMS.protobuf);
  const before = leakdiff(['--source', fixture('gen/map-leak'), ...heap, '--source', work, '--out', '-', '--quiet']);
  t.match(before.stdout, /`main\.\(\*clusterClient\)\.getConn` in `[^`]*main\.go`, lines 51–68/, 'both directories, snapshots between them kept as snapshots');
  t.match(before.stdout, /▶\s+59\s+conn, err := grpc\.DialContext/);
  const bad = leakdiff([...heap, '--source', join(work, 'nope'), '--out', '-']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--source .*nope: no such directory/);
});
