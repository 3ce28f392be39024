// The Go version range the frames imply, on real captures of every Go version the machine has (1.19, 1.26,
// 1.27), and one case per clue rule.
import { readdirSync } from 'node:fs';
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { creatorClue, frameClues, goBefore, VersionClues, type GoVersionRange } from '../../src/normalize/go-version.js';
import { fixture } from '../helpers/paths.js';

function rangeOf(dir: string): GoVersionRange {
  const files = readdirSync(fixture(dir))
    .filter((n) => /\.(pb\.gz|txt\.gz|txt)$/.test(n) && n !== 'check.txt')
    .map((n) => fixture(dir, n));
  return analyze({ files, intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS }).series.goVersion;
}

t.test('real captures: the range holds the Go that built them', async (t) => {
  const cases: [string, number, number | null, string][] = [
    ['ownership/go1.19-gopath', 19, 19, 'Debian GOROOT /usr/lib/go-1.19 and creators without "in goroutine"'],
    ['ownership/go1.26-leakrounds', 26, null, 'the goroutineleak profile'],
    ['ownership/go1.26-mod', 21, null, 'creators "in goroutine N" (the goroutineleak profile says 26)'],
    ['matrix/steady-churn/go1.26-mod', 24, null, 'Swiss-table map frames'],
    ['matrix/worker-pool-steady/go1.27-mod', 27, 27, "the module-fetched toolchain's GOROOT"],
    ['grpc-leak', 19, 19, 'the first fixtures: Go 1.19'],
  ];
  for (const [dir, min, max, why] of cases) {
    const r = rangeOf(dir);
    t.ok(r.min !== null && r.min >= min, `${dir}: at least Go 1.${min} (${why}); got ${r.min}`);
    t.equal(r.max, max, `${dir}: upper bound`);
    t.notOk(r.conflict);
  }
  t.equal(goBefore(rangeOf('ownership/go1.19-gopath'), 23), true, 'Go 1.19: before the 1.23 timers (an unstopped Ticker leaks)');
  t.equal(goBefore(rangeOf('matrix/steady-churn/go1.26-mod'), 23), false, 'Swiss maps: 1.24+, so after');
  t.equal(goBefore({ min: 21, max: null, conflict: false, clues: [] }, 23), null, '1.21 or later: could be either');
});

t.test('clue rules, one case each', async (t) => {
  const one = (fn: string, file = '') => frameClues(fn, file).map((c) => [c.kind, c.min, c.max]);
  t.same(one('internal/runtime/maps.(*Map).putSlot'), [
    ['swiss-maps', 24, null],
    ['internal-runtime', 23, null],
  ]);
  t.same(one('runtime/internal/atomic.(*Uint32).Load'), [['runtime-internal', null, 22]]);
  t.same(one('main.main.gowrap1'), [['gowrap-closure', 22, null]]);
  t.same(one('main.(*s).run.deferwrap2.1'), [['gowrap-closure', 22, null]]);
  t.same(one('runtime.(*timers).run'), [['timers-1.23', 23, null]]);
  t.same(one('runtime.runOneTimer'), [['timers-before-1.23', null, 22]]);
  t.same(one('iter.Pull[...].func1'), [['coroutines', 23, null]]);
  t.same(one('net/http.(*conn).serve', '/usr/lib/go-1.19/src/net/http/server.go'), [['goroot-path', 19, 19]]);
  t.same(one('net/http.(*conn).serve', '/root/go/pkg/mod/golang.org/toolchain@v0.0.1-go1.27.3.linux-amd64/src/net/http/server.go'), [['goroot-path', 27, 27]]);
  t.same(one('net/http.(*conn).serve', '/opt/hostedtoolcache/go/1.21.0/x64/src/net/http/server.go'), [['goroot-path', 21, 21]]);
  t.same(one('net/http.(*conn).serve', '/usr/local/go/src/net/http/server.go'), [], 'an unversioned GOROOT says nothing');
  t.same(one('main.main.func1'), []);
  t.same([creatorClue('main.main', 7).min, creatorClue('main.main', -1).max], [21, 20]);
  const mixed = new VersionClues();
  for (const c of [...frameClues('a.F', '/usr/lib/go-1.19/src/a/a.go'), ...frameClues('b.F', '/usr/local/go1.26.8/src/b/b.go')]) mixed.add(c);
  t.ok(mixed.range().conflict, 'two GOROOT releases in one series: a conflict, not a range');
  t.equal(goBefore(mixed.range(), 23), null);
});
