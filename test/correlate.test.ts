// The correlate stage (src/correlate.ts) by its rules, each a table of the series it must and must not take:
// what counts as goroutine growth beyond churn, what a leak never does (fall), when a heap site rises as a
// staircase of retained samples, when two series move in lockstep; then the stage as a whole on a real capture.
import t from 'tap';
import { analyze } from '../src/commands/analyze.js';
import { beyondChurn, correlate, exits, follows, interpolate, isStaircase, lockstep, pearson } from '../src/correlate.js';
import { fitSeries } from '../src/fit/index.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { fixture } from './helpers/paths.js';

const minutes = (n: number): number[] => Array.from({ length: n }, (_, i) => i * 60);
const fit = (values: readonly number[]) => fitSeries({ times: minutes(values.length), values: Float64Array.from(values) });

t.test('beyondChurn: growth of a goroutine group counts only past the √n churn of a count', async (t) => {
  const cases: readonly (readonly [string, readonly number[], boolean])[] = [
    ['a client loop: 0, 0, 1, 0, 2, 5 goroutines is traffic', [0, 0, 1, 0, 2, 5], false],
    ["a pool's handlers: 0, 1, 3, 2, 4 is traffic", [0, 1, 3, 2, 4], false],
    ['3 to 59 is growth', [3, 10, 17, 24, 31, 38, 45, 52, 59], true],
    ['a flat group does not grow', [12, 12, 12, 12, 12], false],
    ['two goroutines more is under the minimum growth, however steady', [0, 1, 2], false],
  ];
  for (const [what, values, expected] of cases) t.equal(beyondChurn(fit(values)), expected, what);
});

t.test('exits: a group that falls by over a quarter, beyond churn, at some step is no leak', async (t) => {
  const cases: readonly (readonly [string, readonly number[], boolean])[] = [
    ['19 then 6 in-flight handlers', [4, 11, 19, 6, 9], true],
    ['never falls', [3, 10, 17, 24, 31], false],
    ['a fall of one at a small count is churn', [3, 4, 3, 5, 6], false],
    ['a fall under a quarter of a large count', [1000, 1100, 900, 1200], false],
    ['a fall over a quarter of a large count', [1000, 1100, 700, 1200], true],
  ];
  for (const [what, values, expected] of cases) t.equal(exits(values), expected, what);
});

t.test('isStaircase: never falling, rising at least three times (or at every step of a short series)', async (t) => {
  const cases: readonly (readonly [string, readonly number[], boolean])[] = [
    ['one sample more now and then', [512, 512, 1024, 1024, 1536, 2048], true],
    ['falls once: churn', [512, 1024, 512, 1536, 2048, 2560], false],
    ['rises twice in six snapshots: too few rises', [512, 512, 512, 1024, 1024, 1536], false],
    ['two snapshots, one rise', [512, 1024], true],
    ['three snapshots, rising at both steps', [0, 512, 1024], true],
    ['three snapshots, one step flat', [0, 0, 1024], false],
    ['flat', [4096, 4096, 4096, 4096], false],
  ];
  for (const [what, values, expected] of cases) t.equal(isStaircase(values), expected, what);
});

t.test('pearson and follows: lockstep is r ≥ 0.8; too few points or a constant series never correlate', async (t) => {
  t.ok(Math.abs(pearson([1, 2, 3, 4], [10, 20, 30, 40]) - 1) < 1e-12, 'a straight line with itself');
  t.ok(Math.abs(pearson([1, 2, 3, 4], [40, 30, 20, 10]) + 1) < 1e-12, 'opposite directions');
  t.equal(pearson([1, 2], [1, 2]), 0, 'two points say nothing');
  t.equal(pearson([5, 5, 5], [1, 2, 3]), 0, 'a constant series');
  t.ok(follows(Float64Array.from([1, 2, 3, 4, 5]), Float64Array.from([2, 4, 5, 8, 10])), 'close to a line follows');
  t.notOk(follows(Float64Array.from([1, 5, 2, 6, 3]), Float64Array.from([1, 2, 3, 4, 5])), 'a zigzag against a line does not');
  t.ok(follows(Float64Array.from([1, 9]), Float64Array.from([5, 6])), 'with two snapshots, both having grown is all there is to check');
});

t.test('interpolate: goroutine counts read at the heap snapshot times, clamped at the ends', async (t) => {
  const at = interpolate([0, 60_000, 120_000], [10, 20, 40], [-5_000, 0, 30_000, 60_000, 90_000, 150_000]);
  t.same(Array.from(at), [10, 10, 15, 20, 30, 40]);
});

t.test('lockstep: groups split into clusters that follow their first (largest) member', async (t) => {
  const rows = new Map<number, Float64Array>([
    [1, Float64Array.from([0, 10, 20, 30, 40])],
    [2, Float64Array.from([0, 5, 10, 15, 20])],
    [3, Float64Array.from([40, 10, 35, 5, 30])],
    [4, Float64Array.from([1, 11, 19, 31, 42])],
  ]);
  t.same(
    lockstep([1, 2, 3, 4], (id) => rows.get(id)!),
    [[1, 2, 4], [3]],
  );
});

t.test('correlate on fixtures/grpc-leak: the gRPC goroutines are one unit, tied to heap growth by their library', async (t) => {
  const a = analyze({ files: [fixture('grpc-leak')], intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
  const c = correlate(a.series, a.fits);
  const grpc = c.links.find((l) => l.unit.key === 'goroutines of google.golang.org/grpc');
  t.ok(grpc !== undefined, `a unit of gRPC's goroutines (units: ${c.links.map((l) => l.unit.key).join('; ')})`);
  if (grpc === undefined) return;
  t.ok(grpc.unit.fit.absoluteGrowth > 0, 'it grows');
  t.ok(grpc.heap !== null && grpc.heap.stacks.length > 0, 'heap call sites follow it');
  t.ok(grpc.reasons.includes('library-frames'), `tied by gRPC's own frames (${grpc.reasons.join(', ')})`);
  t.ok(grpc.correlation !== null && grpc.correlation >= 0.8, `in lockstep (r = ${grpc.correlation})`);
  t.ok(grpc.bytesPerGoroutine !== null && grpc.bytesPerGoroutine > 0, 'a positive number of bytes per leaked goroutine');
});
