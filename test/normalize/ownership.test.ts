// Whose code a frame is, one rule per case: real captures of one program (fixtures/ownership/, see
// fixtures/gen/ownership/capture.sh) built in every style whose paths the rules read, the six scenario
// fixtures, and a table of the path rules for the styles no capture here has (Bazel).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { decode } from '../../src/decode/index.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { Interner } from '../../src/normalize/index.js';
import { normalizeFunction } from '../../src/normalize/names.js';
import { fixedOrigin, inferOwnership, libraryMark, originIn, type Origin, type Ownership } from '../../src/normalize/ownership.js';
import { fixture } from '../helpers/paths.js';

/** Interns the given files of a capture and settles ownership, as the analyze pipeline does. */
function settle(dir: string, names: readonly string[], modules: readonly string[] = []): { interner: Interner; ownership: Ownership } {
  const interner = new Interner(undefined, modules);
  for (const n of names) interner.add(decode(n, readFileSync(fixture(dir, n)), DEFAULT_LIMITS).snapshot);
  return { interner, ownership: interner.settleOwnership() };
}

/** Origin of the first frame whose normalized function starts with `prefix`. */
function originOfFn(interner: Interner, prefix: string): Origin | undefined {
  return interner.frames.find((f) => f.function.startsWith(prefix))?.origin;
}

const VARIANTS: Readonly<Record<string, { how: string; root: RegExp }>> = {
  'go1.26-mod': { how: 'shared-root', root: /^\/tmp\/src\.\w+\/orders$/ },
  'go1.26-trimpath': { how: 'shared-root', root: /^example\.com\/orders$/ },
  'go1.26-vendor': { how: 'shared-root', root: /^\/tmp\/src\.\w+\/orders$/ },
  'go1.26-vendor-trimpath': { how: 'shared-root', root: /^example\.com\/orders$/ },
  'go1.27-cmd': { how: 'shared-root', root: /^\/tmp\/src\.\w+\/orders$/ },
  'go1.27-cmd-trimpath': { how: 'shared-root', root: /^example\.com\/orders$/ },
  'go1.19-gopath': { how: 'shared-root', root: /^\/tmp\/src\.\w+\/gopath\/src\/example\.com\/orders$/ },
  'go1.19-gopath-trimpath': { how: 'shared-root', root: /^example\.com\/orders$/ },
};

for (const [variant, want] of Object.entries(VARIANTS)) {
  t.test(`ownership from a ${variant} build: the service's module from main's file, gRPC never the service's`, async (t) => {
    const dir = `ownership/${variant}`;
    if (!existsSync(fixture(dir, 'goroutine.pb.gz'))) return t.fail(`${dir} is not captured`);
    const { interner, ownership } = settle(dir, ['goroutine.pb.gz', 'heap.pb.gz', 'goroutine.debug2.txt.gz']);
    t.same(
      ownership.modules.map((m) => m.path),
      ['example.com/orders'],
      'one module, the one go.mod names',
    );
    const m = ownership.modules[0];
    t.equal(m.how, want.how);
    t.match(m.root, want.root, 'the checkout or import-path root both packages share');
    t.equal(m.witness, 'example.com/orders/internal/upstream', 'the internal/ package is the evidence beside main');
    t.match(m.mainFile, /main\.go$/);
    t.equal(originOfFn(interner, 'example.com/orders/internal/upstream.'), 'user', "internal/upstream is the service's");
    t.equal(originOfFn(interner, 'main.'), 'user');
    const grpc = originOfFn(interner, 'google.golang.org/grpc.');
    if (variant === 'go1.19-gopath-trimpath') {
      t.equal(grpc, 'unknown', "GOPATH + -trimpath leaves gRPC as google.golang.org/grpc/clientconn.go: no mark says whose, so unknown, not the service's");
      t.ok(ownership.unknownPackages.includes('google.golang.org/grpc'), 'and the report is told');
    } else {
      t.equal(grpc, 'library', 'module cache, @v, vendor/ or the system GOPATH say library');
      t.same(ownership.unknownPackages, [], 'every package placed');
    }
    t.equal(originOfFn(interner, 'net.'), 'std');
    t.equal(originOfFn(interner, 'runtime.'), 'std');
    t.notOk(
      interner.frames.some((f) => f.origin === 'user' && f.function.startsWith('google.golang.org/')),
      'no gRPC frame is user',
    );
  });
}

t.test('--module overrides the inference and says so', async (t) => {
  const { interner, ownership } = settle('ownership/go1.19-gopath-trimpath', ['goroutine.debug2.txt.gz'], ['example.com/orders']);
  t.ok(ownership.overridden);
  t.same(
    ownership.modules.map((m) => [m.path, m.how]),
    [['example.com/orders', 'flag']],
  );
  t.equal(originOfFn(interner, 'google.golang.org/grpc.'), 'library', 'under --module, everything else outside std is a library');
  t.equal(originOfFn(interner, 'example.com/orders/internal/upstream.'), 'user');
});

t.test('the scenario fixtures: each build style read right', async (t) => {
  const cases: [string, string, string, string][] = [
    ['grpc-leak', 'main', 'main-dir', 'google.golang.org/grpc.'],
    ['worker-leak', 'main', 'main-dir', ''],
    ['map-leak', 'example.com/sessions', 'shared-root', ''],
    ['http-body-leak', 'example.com/billing', 'shared-root', ''],
    ['cache-warm', 'example.com/catalog', 'shared-root', ''],
  ];
  for (const [scenario, module, how, library] of cases) {
    const { interner, ownership } = settle(scenario, [`goroutine-09-${stampOf(scenario)}.pb.gz`, `heap-09-${stampOf(scenario)}.pb.gz`]);
    t.same(
      ownership.modules.map((m) => [m.path, m.how]),
      [[module, how]],
      scenario,
    );
    if (library !== '') t.equal(originOfFn(interner, library), 'library', `${scenario}: Debian's GOPATH gRPC is a library`);
  }
});

function stampOf(scenario: string): string {
  const name = readdirSync(fixture(scenario)).find((n) => /^heap-09-.*\.pb\.gz$/.test(n)) ?? '';
  return name.slice('heap-09-'.length, -'.pb.gz'.length);
}

t.test("no main.* frame: nothing is taken as the service's, and unknown is said", async (t) => {
  const o = inferOwnership(
    [
      { rawFunction: 'example.com/orders/store.(*Store).Put', rawFile: '/src/orders/store/store.go' },
      { rawFunction: 'net/http.(*conn).serve', rawFile: '/usr/local/go/src/net/http/server.go' },
    ],
    [],
  );
  t.same(o.modules, []);
  t.same(o.unknownPackages, ['example.com/orders/store']);
  t.equal(originIn(o, { rawFunction: 'example.com/orders/store.(*Store).Put', rawFile: '/src/orders/store/store.go' }), 'unknown');
});

t.test('path rules, one case each', async (t) => {
  const table: [string, string, Origin | null, string][] = [
    ['main.main', '/home/dev/orders/main.go', 'user', "main is always the service's"],
    ['net/http.(*Transport).dialConn', 'net/http/transport.go', 'std', 'std by package, -trimpath or not'],
    [
      'vendor/golang.org/x/net/http2/hpack.(*Decoder).Write',
      '/usr/local/go/src/vendor/golang.org/x/net/http2/hpack/hpack.go',
      'std',
      "the standard library's own vendored copy",
    ],
    ['google.golang.org/grpc.(*ClientConn).Close', '/root/go/pkg/mod/google.golang.org/grpc@v1.85.0/clientconn.go', 'library', 'module cache'],
    ['google.golang.org/grpc.(*ClientConn).Close', 'google.golang.org/grpc@v1.85.0/clientconn.go', 'library', '-trimpath module path with its version'],
    ['google.golang.org/grpc.(*ClientConn).Close', '/src/orders/vendor/google.golang.org/grpc/clientconn.go', 'library', 'module-mode vendor/'],
    [
      'example.com/orders/vendor/google.golang.org/grpc.(*ClientConn).Close',
      '/gopath/src/example.com/orders/vendor/google.golang.org/grpc/clientconn.go',
      'library',
      'GOPATH-mode vendor/, in the name too',
    ],
    ['google.golang.org/grpc.(*ClientConn).Close', '/usr/share/gocode/src/google.golang.org/grpc/clientconn.go', 'library', "Debian's system GOPATH"],
    ['google.golang.org/grpc.(*ClientConn).Close', 'external/org_golang_google_grpc/clientconn.go', 'library', 'Bazel external repository'],
    [
      'google.golang.org/grpc.(*ClientConn).Close',
      'bazel-out/k8-fastbuild/bin/external/org_golang_google_grpc/clientconn.go',
      'library',
      'Bazel external, under bazel-out',
    ],
    ['google.golang.org/grpc.(*ClientConn).Close', 'google.golang.org/grpc/clientconn.go', null, 'no mark: the series decides'],
    ['example.com/orders/internal/upstream.dial', '/home/dev/orders/internal/upstream/upstream.go', null, 'no mark: the series decides'],
  ];
  for (const [fn, file, want, why] of table) t.equal(fixedOrigin({ rawFunction: fn, rawFile: file }), want, `${fn} at ${file}: ${why}`);
  t.equal(libraryMark('external/org_golang_google_grpc/clientconn.go'), 'bazel-external');
  t.equal(
    normalizeFunction('example.com/orders/vendor/google.golang.org/grpc.(*ClientConn).Close'),
    'google.golang.org/grpc.(*ClientConn).Close',
    'vendor/ folded out of function names',
  );
  t.equal(
    normalizeFunction('vendor/golang.org/x/net/http2/hpack.(*Decoder).Write'),
    'vendor/golang.org/x/net/http2/hpack.(*Decoder).Write',
    "std's vendored package keeps its name",
  );
});

t.test('inference rules beyond the captures: hosting floor, sibling checkouts, Bazel workspace paths', async (t) => {
  const own = (frames: [string, string][]) =>
    inferOwnership(
      frames.map(([rawFunction, rawFile]) => ({ rawFunction, rawFile })),
      [],
    );
  const sibling = own([
    ['main.main', 'github.com/acme/orders/main.go'],
    ['github.com/acme/orders/db.Open', 'github.com/acme/orders/db/db.go'],
    ['github.com/acme/kit/log.Print', 'github.com/acme/kit/log/log.go'],
  ]);
  t.same(
    sibling.modules.map((m) => m.path),
    ['github.com/acme/orders'],
    'github.com/acme/kit shares only the owner: not taken in',
  );
  t.same(sibling.unknownPackages, ['github.com/acme/kit/log']);
  const server = own([
    ['main.main', '/home/dev/orders/server/main.go'],
    ['example.com/orders/internal/db.Open', '/home/dev/orders/internal/db/db.go'],
  ]);
  t.same(
    server.modules.map((m) => [m.path, m.root]),
    [['example.com/orders', '/home/dev/orders']],
    'main one directory below the checkout root',
  );
  const far = own([
    ['main.main', '/home/dev/orders/cmd/api/main.go'],
    ['example.com/lib.Do', '/home/dev/lib/lib.go'],
  ]);
  t.same(
    far.modules.map((m) => [m.path, m.how]),
    [['main', 'main-dir']],
    'a replace-directed sibling checkout is not the service',
  );
  t.same(far.unknownPackages, ['example.com/lib']);
  const local = own([
    ['main.main', 'C:/Users/dev/projects/KVStore/app/node/main.go'],
    ['distributed-kv/rpc.SendRequestVote', 'C:/Users/dev/projects/KVStore/rpc/client.go'],
    ['kit/log.Print', 'C:/Users/dev/projects/kit/log/log.go'],
  ]);
  t.same(
    local.modules.map((m) => [m.path, m.root]),
    [['distributed-kv', 'C:/Users/dev/projects/KVStore']],
    'main two directories below the root of a module never downloaded (no dot in its path): its own tree',
  );
  t.same(local.unknownPackages, ['kit/log'], 'a dotless sibling checkout is still not taken in');
  const deepDotted = own([
    ['main.main', '/home/dev/orders/app/node/main.go'],
    ['example.com/orders/internal/db.Open', '/home/dev/orders/internal/db/db.go'],
  ]);
  t.same(
    deepDotted.modules.map((m) => [m.path, m.how]),
    [['main', 'main-dir']],
    'a downloadable module two directories above main stays unplaced (it may be a parent of sibling checkouts)',
  );
  const bazel = own([
    ['main.main', 'services/orders/cmd/api/main.go'],
    ['example.com/orders/store.Put', 'services/orders/store/store.go'],
    ['google.golang.org/grpc.Dial', 'external/org_golang_google_grpc/dialoptions.go'],
  ]);
  t.equal(originIn(bazel, { rawFunction: 'google.golang.org/grpc.Dial', rawFile: 'external/org_golang_google_grpc/dialoptions.go' }), 'library');
  t.same(
    bazel.modules.map((m) => [m.path, m.how]),
    [['services/orders', 'main-path']],
    'a workspace path, not an import path: the tree is what main shares',
  );
  t.equal(
    originIn(bazel, { rawFunction: 'example.com/orders/store.Put', rawFile: 'services/orders/store/store.go' }),
    'user',
    "a package whose files sit in main's tree",
  );
});
