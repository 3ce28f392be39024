// The small pieces of the report (src/render/parts.ts), on the real gRPC leak's fits where they read a fit:
// the sparkline's scale, fit quality in words and figures, p-values as a reader takes them, GFM tables and
// folded blocks, the pprof commands' shell words, and the time-to-limit projection with its horizon.
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import {
  details,
  firstAndLast,
  fitFigures,
  lastHeapInUse,
  limitProjection,
  pprofRegex,
  pValueText,
  shellPath,
  sparkline,
  table,
  trendWords,
} from '../../src/render/parts.js';
import { metricOf } from '../../src/series/index.js';
import { fixture } from '../helpers/paths.js';

const a = analyze({
  files: [fixture('grpc-leak')],
  intervalSeconds: null,
  modules: [],
  granularity: 'functions',
  limits: DEFAULT_LIMITS,
});
const finding = a.diagnosis.findings[0];
const goroutines = finding.goroutines!.fit;
const heap = finding.heap!.fit;

t.test("sparkline: one bar per snapshot between the series' own minimum and maximum", async (t) => {
  t.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7]), '▁▂▃▄▅▆▇█', 'eight levels, lowest to highest');
  t.equal(sparkline([5, 5, 5]), '▁▁▁', 'a constant series is flat at the bottom');
  t.equal(sparkline([10, 0, 10]), '█▁█');
  const total = metricOf(a.series.goroutine, 'goroutine')!.total;
  const bars = sparkline(total.data.slice(0, total.n));
  t.equal(bars.length, total.n, 'the gRPC series: one bar per goroutine snapshot');
  t.match(bars, /^▁.*█$/, 'it climbs from the lowest bar to the highest');
});

t.test('trendWords: the shape in words, growth graded by R²', async (t) => {
  t.equal(trendWords(goroutines), 'grows steadily', `the gRPC goroutines, R² ${goroutines.r2.toFixed(4)}`);
  t.equal(trendWords({ ...goroutines, r2: 0.9 }), 'grows steadily', 'R² 0.9 is steady');
  t.equal(trendWords({ ...goroutines, r2: 0.7 }), 'grows, with some scatter');
  t.equal(trendWords({ ...goroutines, r2: 0.6 }), 'grows, with some scatter', 'R² 0.6 is scatter');
  t.equal(trendWords({ ...goroutines, r2: 0.59 }), 'grows, but unevenly');
  t.equal(trendWords({ ...goroutines, shape: 'plateau' }), 'grew, then levelled off');
  t.equal(trendWords({ ...goroutines, shape: 'unknown' }), 'changed; too few snapshots to call it a trend');
  t.equal(trendWords({ ...goroutines, shape: 'noisy' }), 'noisy', 'other shapes by name');
});

t.test('pValueText: two significant digits, and "< 0.0001" below that', async (t) => {
  t.same([0.5, 0.0123, 0.01, 0.0001, 0.00009].map(pValueText), ['0.5', '0.012', '0.01', '0.0001', '< 0.0001']);
});

t.test('fitFigures: the cells behind the words, on the gRPC leak (9 snapshots over 80 s)', async (t) => {
  t.same(fitFigures(goroutines, 'goroutines'), ['9', '1 min 20 s', '+677/min', '+678/min', '1.00', '< 0.0001']);
  t.same(fitFigures(heap, 'bytes'), ['9', '1 min 20 s', '+27.6 MiB/min', '+27.1 MiB/min', '0.99', '< 0.0001']);
  t.equal(fitFigures({ ...heap, n: 2, trend: null }, 'bytes')[5], '— (2 snapshots)', 'two snapshots have no trend test');
});

t.test('table and details: GFM cells escaped, folded blocks with room for Markdown', async (t) => {
  t.equal(table(['a', 'b'], [['1', 'x|y']]), '| a | b |\n| --- | --- |\n| 1 | x\\|y |', 'a pipe in a cell is escaped');
  t.same(details('Why', ['body']), ['<details>', '<summary>Why</summary>', '', 'body', '', '</details>', '']);
});

t.test('pprofRegex and shellPath: one shell word each, quoted only when the shell would read it', async (t) => {
  t.equal(pprofRegex('main.(*clusterClient).getConn'), "'^main\\.\\(\\*clusterClient\\)\\.getConn$'");
  t.equal(shellPath('fixtures/grpc-leak/heap-01.pb.gz'), 'fixtures/grpc-leak/heap-01.pb.gz', 'a plain path as is');
  t.equal(shellPath('fixtures/grpc leak/heap.pb.gz'), "'fixtures/grpc leak/heap.pb.gz'", 'a space: quoted');
  t.equal(shellPath("a'b"), "'a'\\''b'", 'a quote inside: closed, escaped, reopened');
});

t.test('firstAndLast: the first and last snapshot of a kind the series used, by time', async (t) => {
  const fl = firstAndLast(a.series.inputs, 'heap')!;
  t.match(fl.first.path, /heap-01-.*\.pb\.gz$/);
  t.match(fl.last.path, /heap-09-.*\.pb\.gz$/);
  t.equal(firstAndLast(a.series.inputs, 'goroutineleak'), null, 'no goroutineleak profile in the series');
});

t.test('limitProjection: from the last heap in use at the robust rate, no further ahead than the window', async (t) => {
  const limit = 512 * 1024 ** 2;
  const p = limitProjection(a.series, heap, limit)!;
  t.equal(p.seconds, Math.round((limit - lastHeapInUse(a.series)) / heap.robustSlope), 'time to the limit');
  t.equal(p.horizonSeconds, Math.round(heap.duration), 'the horizon is the window (80 s)');
  t.ok(p.seconds > p.horizonSeconds, 'so 512 MiB is further ahead than the window supports');
  t.equal(limitProjection(a.series, heap, 1024)!.seconds, 0, 'a limit already passed: 0');
  t.equal(limitProjection(a.series, { ...heap, shape: 'plateau' }, limit), null, 'no projection from a plateau');
});
