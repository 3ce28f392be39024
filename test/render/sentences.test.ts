// The Method's two evidence sentences, from real captures and one case per branch: whose code was taken as the
// service's and why (render/ownership.ts, also the JSON's `ownership.how`), and which Go versions the frames
// allow (render/go-version.ts). Names and paths go through the caller's quote: code spans in the report.
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import type { GoVersionRange, VersionClue } from '../../src/normalize/go-version.js';
import type { Ownership } from '../../src/normalize/ownership.js';
import { goVersionSentence } from '../../src/render/go-version.js';
import { ownershipSentence } from '../../src/render/ownership.js';
import { fixture } from '../helpers/paths.js';

const q = (s: string): string => `«${s}»`;

function seriesOf(dir: string, files: readonly string[] | null, modules: readonly string[] = []) {
  const paths = files === null ? [fixture(dir)] : files.map((f) => fixture(dir, f));
  const opts = {
    files: paths,
    intervalSeconds: null,
    modules,
    granularity: 'functions' as const,
    limits: DEFAULT_LIMITS,
  };
  return analyze(opts).series;
}

t.test('ownership from a module build: main and a package of its checkout share the checkout', async (t) => {
  const s = ownershipSentence(seriesOf('ownership/go1.26-mod', ['goroutine.pb.gz', 'heap.pb.gz']).ownership, q);
  t.match(s, /^The service's own code is «example\.com\/orders»: the main package \(«\/tmp\/src\.\w+\/orders\/main\.go»\)/);
  t.match(s, /and «example\.com\/orders\/internal\/upstream» share the checkout «\/tmp\/src\.\w+\/orders»\.$/);
});

t.test('ownership under -trimpath: the shared import path, not a checkout', async (t) => {
  const s = ownershipSentence(seriesOf('ownership/go1.26-trimpath', ['goroutine.pb.gz', 'heap.pb.gz']).ownership, q);
  t.equal(
    s,
    "The service's own code is «example.com/orders»: the main package («example.com/orders/main.go») and " +
      '«example.com/orders/internal/upstream» share the path «example.com/orders».',
  );
});

t.test('ownership of GOPATH with -trimpath: packages no evidence placed are named, as unknown', async (t) => {
  const o = seriesOf('ownership/go1.19-gopath-trimpath', ['goroutine.debug2.txt.gz']).ownership;
  const s = ownershipSentence(o, q);
  t.ok(o.unknownPackages.includes('google.golang.org/grpc'), 'gRPC is unknown there');
  t.match(s, /No evidence placed «[^»]+»(, «[^»]+»)* \(neither the service's tree nor a module cache, /);
  t.match(s, /nor a module cache, vendor\/ or GOPATH path\): their frames are "unknown"/);
  t.match(s, /«google\.golang\.org\/grpc»/);
  t.match(s, /their frames are "unknown", never taken as the service's; «--module» settles it\.$/);
});

t.test('ownership under --module: the flag decided, and the sentence says so', async (t) => {
  const o = seriesOf('ownership/go1.19-gopath-trimpath', ['goroutine.debug2.txt.gz'], ['example.com/orders']).ownership;
  t.equal(
    ownershipSentence(o, q),
    "«--module» named the service's own code: «example.com/orders»; every other package outside the standard " + 'library is taken as a library.',
  );
});

t.test('ownership of a main package alone (the gRPC fixture, Debian GOPATH)', async (t) => {
  const s = ownershipSentence(seriesOf('grpc-leak', null).ownership, q);
  t.match(s, /^The service's own code is its main package, in «[^»]+\/grpc-leak» /);
  t.match(s, / \(from «[^»]+\/grpc-leak\/main\.go»\); no other package shares its checkout\.$/);
});

t.test('ownership branches no capture here shows: no main frame, the main package path, many unknown packages', async (t) => {
  const none: Ownership = { modules: [], overridden: false, unknownPackages: [] };
  t.equal(
    ownershipSentence(none, q),
    "No main.* frame in the profiles names the service's checkout, so no code was taken as the service's own; " + 'give «--module PATH» to name it.',
  );
  const mainPath: Ownership = {
    modules: [
      {
        path: 'example.com/api/cmd/api',
        how: 'main-path',
        mainFile: 'example.com/api/cmd/api/main.go',
        root: null,
        witness: null,
      },
    ],
    overridden: false,
    unknownPackages: ['a.io/1', 'a.io/2', 'a.io/3', 'a.io/4', 'a.io/5', 'a.io/6', 'a.io/7'],
  };
  const s = ownershipSentence(mainPath, q);
  t.match(s, /^The service's own code is «example\.com\/api\/cmd\/api»: the import path of the main package, /);
  t.match(s, /the main package, from its file «example\.com\/api\/cmd\/api\/main\.go»\./);
  t.match(s, /No evidence placed «a\.io\/1», «a\.io\/2», «a\.io\/3», «a\.io\/4», «a\.io\/5» and 2 more \(/, 'five named, the rest counted');
  t.match(ownershipSentence(none), /give `--module PATH` to name it/, 'the default quote is a Markdown code span');
});

const clue = (kind: VersionClue['kind'], min: number | null, max: number | null): VersionClue => ({
  kind,
  min,
  max,
  example: '',
});
const range = (min: number | null, max: number | null, clues: readonly VersionClue[], conflict = false): GoVersionRange => ({ min, max, conflict, clues });

t.test('Go version: the range, in words, with the clues that set it', async (t) => {
  t.equal(
    goVersionSentence(seriesOf('grpc-leak', null).goVersion),
    'Go version: Go 1.19, from "created by" lines without "in goroutine N"; a GOROOT path that names its release.',
    'the gRPC fixture, built with Debian Go 1.19',
  );
  t.equal(goVersionSentence(range(null, null, [])), 'Go version: nothing in the profiles tells.');
  t.equal(
    goVersionSentence(range(24, null, [clue('swiss-maps', 24, null)])),
    'Go version: Go 1.24 or later, from Swiss-table map frames (internal/runtime/maps).',
  );
  t.equal(goVersionSentence(range(null, 22, [clue('timers-before-1.23', null, 22)])), 'Go version: Go 1.22 or earlier, from timer frames from before Go 1.23.');
  t.equal(
    goVersionSentence(range(21, 22, [clue('created-in-goroutine', 21, null), clue('timers-before-1.23', null, 22)])),
    'Go version: Go 1.21 to 1.22, from "created by … in goroutine N" in dumps; timer frames from before Go 1.23.',
  );
  t.equal(
    goVersionSentence(range(26, 19, [clue('goroot-path', 19, 19), clue('goroot-path', 26, 26)], true)),
    'Go version: the clues disagree (a GOROOT path that names its release; a GOROOT path that names its release): ' +
      'the snapshots may come from builds of different Go versions.',
  );
});
