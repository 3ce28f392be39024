// The fit stage on synthetic series: each scenario is built here from a seeded generator, so every run sees
// the same numbers, and each names the shape a person reading the graph would give it.
import t from 'tap';
import {
  DEFAULT_FIT_OPTIONS,
  EXACT_MAX_N,
  type Fit,
  fitSeries,
  inversionCounts,
  mannKendall,
  type SeriesData,
  theilSen,
  timeToReach,
  TREND_ALPHA,
} from '../src/fit/index.js';
import { perHour } from '../src/units.js';

const MiB = 1024 * 1024;

/** mulberry32: a 32-bit seeded PRNG, uniform in [0, 1). Tiny and deterministic across platforms. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates by Box–Muller from a seeded uniform source. */
function normal(random: () => number): () => number {
  return () => {
    let u = 0;
    while (u === 0) u = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

/** Snapshot times every `every` seconds, from 0. */
function times(n: number, every = 60): number[] {
  return Array.from({ length: n }, (_, i) => i * every);
}

function series(n: number, value: (i: number) => number, every = 60): SeriesData {
  return { times: times(n, every), values: Array.from({ length: n }, (_, i) => value(i)) };
}

/** Every number anywhere in the fit is finite: the JSON report must never carry NaN or Infinity. */
function allFinite(fit: Fit): boolean {
  const walk = (v: unknown): boolean =>
    typeof v === 'number' ? Number.isFinite(v) : v !== null && typeof v === 'object' ? Object.values(v).every(walk) : true;
  return walk(fit);
}

function near(actual: number, expected: number, tolerance: number): boolean {
  return Math.abs(actual - expected) <= tolerance;
}

t.test('hand-computed tiny series: least squares, Theil–Sen, Mann–Kendall', async (t) => {
  // t = 0,60,...,300 s; y = 10,12,11,15,15,18 (one tie). Computed in python3 (numpy/scipy 1.17):
  //   scipy.stats.linregress: slope 0.025238095238095237, intercept 9.714285714285715, r² 0.8819466248037676
  //   Theil–Sen (scipy theilslopes, method='joint'): slope 0.025 (median of 15 pair slopes), intercept 10.25
  //   S = 12 (13 rising pairs, 1 falling, 1 tied); Var(S) = (6·5·17 − 2·1·9)/18 = 27.3333
  //   z = (12 − 1)/√27.3333 = 2.104003153; two-sided normal p = 0.035378171962853575
  //   exact: 10 of the 360 distinct arrangements of {10,11,12,15,15,18} have |S| ≥ 12, p = 1/36
  //   Kendall tau-b (scipy kendalltau) = 0.8280786712108251
  const s = { times: times(6), values: [10, 12, 11, 15, 15, 18] };
  const fit = fitSeries(s);
  t.ok(near(fit.slope, 0.025238095238095237, 1e-12), `slope ${fit.slope}`);
  t.ok(near(fit.intercept, 9.714285714285715, 1e-9), `intercept ${fit.intercept}`);
  t.ok(near(fit.r2, 0.8819466248037676, 1e-9), `r2 ${fit.r2}`);
  t.ok(near(fit.robustSlope, 0.025, 1e-12), `robust slope ${fit.robustSlope}`);
  t.ok(near(fit.robustIntercept, 10.25, 1e-9), `robust intercept ${fit.robustIntercept}`);
  t.equal(fit.trend?.s, 12);
  t.ok(near(fit.trend?.z ?? NaN, 2.104003153109016, 1e-9), `z ${fit.trend?.z}`);
  t.ok(near(fit.trend?.tau ?? NaN, 0.8280786712108251, 1e-9), `tau ${fit.trend?.tau}`);
  t.equal(fit.trend?.exact, true, 'n = 6 uses the exact distribution');
  t.ok(near(fit.trend?.pValue ?? NaN, 10 / 360, 1e-12), `exact p ${fit.trend?.pValue}`);
  const approx = mannKendall(s.values, 0);
  t.equal(approx.exact, false);
  t.ok(near(approx.pValue, 0.035378171962853575, 1e-6), `normal p ${approx.pValue}`);
  t.equal(fit.absoluteGrowth, 8);
  t.ok(near(fit.relativeGrowth, 0.8, 1e-12));
});

t.test('Theil–Sen uses real times when snapshots are unevenly spaced', async (t) => {
  // y = 5 + 2t exactly, at irregular times; one wild point cannot move the median of the pair slopes.
  const ts = [0, 10, 35, 40, 100, 130, 200];
  const ys = ts.map((x) => 5 + 2 * x);
  ys[3] = 1e6;
  const line = theilSen(ts, ys);
  t.equal(line.slope, 2);
  t.equal(line.intercept, 5);
});

t.test('exact Mann–Kendall distribution', async (t) => {
  // Arrangements of 4 distinct values by number of inversions: the Mahonian numbers 1,3,5,6,5,3,1.
  t.same(inversionCounts([1, 1, 1, 1]), [1, 3, 5, 6, 5, 3, 1]);
  // With ties, against brute force over every distinct arrangement of the multiset.
  const values = [3, 1, 2, 2, 4, 2, 1];
  const observed = mannKendall(values, EXACT_MAX_N);
  const arrangements = new Set<string>();
  const permute = (rest: number[], acc: number[]): void => {
    if (rest.length === 0) arrangements.add(acc.join(','));
    rest.forEach((v, i) => permute([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, v]));
  };
  permute(values, []);
  const sOf = (ys: number[]): number => {
    let s = 0;
    for (let i = 0; i < ys.length; i++) for (let j = i + 1; j < ys.length; j++) s += Math.sign(ys[j] - ys[i]);
    return s;
  };
  const all = [...arrangements].map((a) => sOf(a.split(',').map(Number)));
  t.equal(all.length, 420, '7! / (2!·3!) distinct arrangements');
  const brute = all.filter((s) => Math.abs(s) >= Math.abs(observed.s)).length / all.length;
  t.ok(near(observed.pValue, brute, 1e-12), `exact p ${observed.pValue} vs brute force ${brute}`);
  t.ok(observed.pValue < 1, 'the test series has a non-zero S');
});

t.test('pure noise is flat or noisy, growing at most 1 time in 20 (n = 9, 200 seeds)', async (t) => {
  const counts: Record<string, number> = {};
  let finite = true;
  for (let seed = 1; seed <= 200; seed++) {
    const z = normal(mulberry32(seed));
    const fit = fitSeries(series(9, () => (100 + 5 * z()) * MiB));
    counts[fit.shape] = (counts[fit.shape] ?? 0) + 1;
    finite &&= allFinite(fit);
  }
  const growing = counts.growing ?? 0;
  t.comment(`shapes over 200 noise series: ${JSON.stringify(counts)}`);
  t.ok(growing <= 10, `false 'growing' ${growing}/200`);
  t.ok((counts.flat ?? 0) + (counts.noisy ?? 0) >= 180, `flat or noisy in ${(counts.flat ?? 0) + (counts.noisy ?? 0)}/200`);
  t.ok(finite, 'no NaN or Infinity in any fit');
});

t.test('a single spike is not growth', async (t) => {
  const middle = fitSeries(series(9, (i) => (i === 4 ? 90 : 50 + (i % 2)) * MiB));
  t.equal(middle.shape, 'noisy');
  t.match(middle.reason, /one outlier at snapshot 5/);
  // At the very end it looks like the start of a climb, so it is undecided rather than growing.
  const end = fitSeries(series(9, (i) => (i === 8 ? 90 : 50 + (i % 2)) * MiB));
  t.equal(end.shape, 'unknown');
  t.equal(timeToReach(end, 1e12), null);
});

t.test('GC sawtooth around a constant level is noisy, not growing', async (t) => {
  const fit = fitSeries(series(12, (i) => (40 + 15 * (i % 3)) * MiB));
  t.equal(fit.shape, 'noisy');
  t.ok((fit.trend?.pValue ?? 0) > TREND_ALPHA, `p ${fit.trend?.pValue}`);
});

t.test('a sawtooth whose baseline rises is growing', async (t) => {
  const fit = fitSeries(series(12, (i) => (40 + 4 * i + 15 * (i % 3)) * MiB));
  t.equal(fit.shape, 'growing');
  t.ok(near(fit.robustSlope, (4 * MiB) / 60, (0.5 * MiB) / 60), `robust slope ${fit.robustSlope} per second`);
});

t.test('a step (one jump, then flat) is a plateau, not steady growth', async (t) => {
  const fit = fitSeries(series(9, (i) => (i < 4 ? 20 : 60) * MiB));
  // Mann–Kendall alone would call this a trend; the step model must win.
  t.ok((fit.trend?.pValue ?? 1) < TREND_ALPHA, `trend p ${fit.trend?.pValue}`);
  t.equal(fit.shape, 'plateau');
  t.equal(fit.plateauFrom, 4);
  t.match(fit.reason, /step/);
  t.equal(timeToReach(fit, 1e12), null);
});

t.test('the bounded-rise search finds the same far from zero and over 100 snapshots (its screen skips no passing break)', async (t) => {
  // The search screens each break from prefix sums before the exact fit; values offset by 4 GB (so centring
  // loses digits) and a long series (where the screen skips most breaks) must come out as the plain shapes do.
  const warm = (i: number): number => (i < 60 ? 2 * i : 120) * MiB;
  for (const offset of [0, 4e9]) {
    const long = fitSeries(series(100, (i) => offset + warm(i) + ((i * 7919) % 13) * 1024));
    t.equal(long.shape, 'plateau', `warming to a level, offset ${offset}`);
    t.ok(long.plateauFrom !== null && long.plateauFrom >= 55 && long.plateauFrom <= 65, `levels off near 60: ${long.plateauFrom}`);
    const step = fitSeries(series(9, (i) => offset + (i < 4 ? 20 * MiB : offset / 2 + 60 * MiB)));
    t.equal(step.plateauFrom, 4, `the step at 4, offset ${offset}`);
    const line = fitSeries(series(100, (i) => offset + i * MiB + ((i * 7919) % 13) * 1024));
    t.equal(line.shape, 'growing', `a straight rise stays growth, offset ${offset}`);
  }
});

t.test('a noisy step stays a plateau for most seeds', async (t) => {
  let plateaus = 0;
  for (let seed = 1; seed <= 50; seed++) {
    const z = normal(mulberry32(seed));
    if (fitSeries(series(12, (i) => (i < 5 ? 100 : 150) + 5 * z())).shape === 'plateau') plateaus++;
  }
  t.ok(plateaus >= 45, `plateau in ${plateaus}/50`);
});

t.test('slow growth under noise with enough points is growing', async (t) => {
  // +0.5 MiB per snapshot under 3 MiB of noise: invisible snapshot to snapshot, clear over 30.
  let growing = 0;
  for (let seed = 1; seed <= 50; seed++) {
    const z = normal(mulberry32(seed));
    if (fitSeries(series(30, (i) => (100 + 0.5 * i + 3 * z()) * MiB)).shape === 'growing') growing++;
  }
  t.ok(growing >= 45, `growing in ${growing}/50`);
});

t.test('a warming cache is a plateau even though the overall slope is positive', async (t) => {
  const fit = fitSeries(series(10, (i) => Math.round(200 * MiB * (1 - Math.exp(-i / 1.5)))));
  t.ok(fit.slope > 0 && fit.r2 > 0.5, `slope ${fit.slope}, r2 ${fit.r2}`);
  t.ok((fit.trend?.pValue ?? 1) < 0.001, 'and Mann–Kendall is significant');
  t.equal(fit.shape, 'plateau');
  t.ok(fit.plateauFrom !== null && fit.plateauFrom >= 2 && fit.plateauFrom <= 5, `plateau from ${fit.plateauFrom}`);
  t.match(fit.reason, /held flat for the last \d+ snapshots/);
});

t.test('a leak that starts mid-window and keeps climbing is growing, not a plateau', async (t) => {
  const fit = fitSeries(series(12, (i) => 100 + (i > 6 ? 10 * (i - 6) : 0)));
  t.equal(fit.shape, 'growing');
});

t.test('linear growth: exact slope, r2 = 1, projection', async (t) => {
  // A goroutine leak: +1 goroutine per 3 seconds, snapshots every 5 minutes.
  const fit = fitSeries(series(8, (i) => 12 + 100 * i, 300));
  t.equal(fit.shape, 'growing');
  t.ok(near(fit.slope, 1 / 3, 1e-12));
  t.ok(near(fit.robustSlope, 1 / 3, 1e-12));
  t.ok(near(fit.r2, 1, 1e-12));
  t.ok(near(perHour(fit.slope), 1200, 1e-9));
  t.equal(fit.trend?.s, 28);
  t.ok(near(fit.trend?.tau ?? 0, 1, 1e-12));
  // Last value 712 at 2100 s; 1000 is 288 goroutines away at 1/3 per second.
  t.ok(near(timeToReach(fit, 1000) ?? -1, 864, 1e-6), `time to reach ${timeToReach(fit, 1000)}`);
  t.equal(timeToReach(fit, 500), 0, 'already past the limit');
});

t.test('a falling series is shrinking', async (t) => {
  const jitter = [3, -5, 2, 0, 4, -2, 1, -3];
  const fit = fitSeries(series(8, (i) => 1000 - 60 * i + jitter[i]));
  t.equal(fit.shape, 'shrinking');
  t.ok(fit.robustSlope < 0);
  t.equal(timeToReach(fit, 2000), null);
});

t.test('a constant series is flat with no NaN', async (t) => {
  const fit = fitSeries(series(6, () => 7));
  t.equal(fit.shape, 'flat');
  t.equal(fit.r2, 1);
  t.equal(fit.slope, 0);
  t.equal(fit.robustSlope, 0);
  t.same(fit.trend, { s: 0, z: 0, pValue: 1, tau: 0, exact: true });
  t.ok(fit.withinNoise);
  t.ok(allFinite(fit));
});

t.test('two snapshots report a difference, never a trend', async (t) => {
  const fit = fitSeries({ times: [0, 600], values: [100, 500] });
  t.equal(fit.shape, 'unknown');
  t.equal(fit.trend, null);
  t.equal(fit.absoluteGrowth, 400);
  t.ok(near(fit.relativeGrowth, 4, 1e-12));
  t.ok(near(fit.slope, 400 / 600, 1e-12));
  t.equal(fit.robustSlope, fit.slope);
  t.equal(timeToReach(fit, 1000), null);
  t.match(fit.reason, /two snapshots/);
  t.ok(allFinite(fit));
});

t.test('two snapshots within the sampling error are flat', async (t) => {
  // +4 MiB with 3 MiB of sampling error on each: the error of the difference is √(3² + 3²) = 4.24 MiB.
  const fit = fitSeries({ times: [0, 600], values: [100 * MiB, 104 * MiB], sigma: [3 * MiB, 3 * MiB] });
  t.ok(near(fit.growthStdErr, Math.sqrt(18) * MiB, 1));
  t.ok(fit.withinNoise);
  t.equal(fit.shape, 'flat');
  const exact = fitSeries({ times: [0, 600], values: [100 * MiB, 104 * MiB] });
  t.notOk(exact.withinNoise, 'without sigma the same change is real');
  t.equal(exact.shape, 'unknown');
});

t.test('a real but tiny change is flat', async (t) => {
  const two = fitSeries({ times: [0, 600], values: [1000, 1005] });
  t.notOk(two.withinNoise);
  t.equal(two.shape, 'flat', '0.5% between two snapshots');
  // +1.6% over the window: Mann–Kendall is certain, but it is under the 2% relative threshold.
  const drift = fitSeries(series(9, (i) => 1e12 + 2e9 * i));
  t.ok((drift.trend?.pValue ?? 1) < 0.001);
  t.equal(drift.shape, 'flat');
  t.match(drift.reason, /under the 2\.0% threshold/);
  t.equal(
    fitSeries(
      series(9, (i) => 1e12 + 2e9 * i),
      { minRelativeChange: 0.01 },
    ).shape,
    'growing',
  );
});

t.test('sampled heap: a steady change smaller than 2 sigma is within noise', async (t) => {
  const values = Array.from({ length: 9 }, (_, i) => (100 + 0.5 * i) * MiB);
  // Least-squares change 4 MiB; its sampling error with 4 MiB per point is 8/√60 · 4 = 4.13 MiB.
  const sampled = fitSeries({ times: times(9), values, sigma: values.map(() => 4 * MiB) });
  t.ok(near(sampled.growthStdErr, (8 / Math.sqrt(60)) * 4 * MiB, 1));
  t.ok(sampled.withinNoise);
  t.equal(sampled.shape, 'flat');
  t.match(sampled.reason, /sampling error/);
  const counted = fitSeries({ times: times(9), values });
  t.notOk(counted.withinNoise);
  t.equal(counted.shape, 'growing', 'the same series with exact values is growth');
  const larger = fitSeries({ times: times(9), values, sigma: values.map(() => 1 * MiB) });
  t.notOk(larger.withinNoise, '4 MiB against 1 MiB of sampling error is outside the noise');
  // The series stage keeps variance (sigma squared); both spellings give the same fit.
  const byVariance = fitSeries({ times: times(9), values: Float64Array.from(values), variance: values.map(() => 16 * MiB * MiB) });
  t.same(byVariance, sampled);
});

t.test('a small heap site seen through few samples swings within its sampling error', async (t) => {
  // About 16 samples behind each value: sigma = value / √16, a quarter of it.
  const values = [1.0, 1.2, 0.85, 1.1, 0.9, 1.15, 0.95, 1.05, 1.0].map((v) => v * MiB);
  const sampled = fitSeries({ times: times(9), values, sigma: values.map((v) => v / 4) });
  t.equal(sampled.shape, 'flat');
  t.match(sampled.reason, /within the sampling error/);
  t.equal(fitSeries({ times: times(9), values }).shape, 'noisy', 'exact values swinging 35% are noisy');
});

t.test('huge values and zeros', async (t) => {
  const huge = fitSeries(series(9, (i) => 1e12 + 2e10 * i));
  t.equal(huge.shape, 'growing');
  t.ok(near(huge.slope, 2e10 / 60, 1e-3), `slope ${huge.slope}`);
  t.ok(near(huge.r2, 1, 1e-9));
  const flat = fitSeries(series(9, () => 1e12));
  t.equal(flat.shape, 'flat');
  t.equal(flat.r2, 1);
  const zeros = fitSeries(series(6, () => 0));
  t.equal(zeros.shape, 'flat');
  t.equal(zeros.relativeGrowth, 0);
  t.ok(allFinite(huge) && allFinite(flat) && allFinite(zeros));
  const fromZero = fitSeries(series(6, (i) => 10 * i));
  t.equal(fromZero.shape, 'growing');
  t.equal(fromZero.relativeGrowth, 50, 'growth from 0 is measured against one unit');
});

t.test('options override the thresholds', async (t) => {
  const z = normal(mulberry32(3));
  const s = series(30, (i) => 100 + 0.5 * i + 3 * z());
  t.equal(fitSeries(s).shape, 'growing');
  const strict = fitSeries(s, { trendAlpha: 1e-12 });
  t.not(strict.shape, 'growing');
  t.equal(DEFAULT_FIT_OPTIONS.trendAlpha, TREND_ALPHA);
  t.same(fitSeries(s), fitSeries(s), 'deterministic');
});

t.test('input that breaks the series contract throws', async (t) => {
  t.throws(() => fitSeries({ times: [0], values: [1] }), RangeError);
  t.throws(() => fitSeries({ times: [0, 60, 60], values: [1, 2, 3] }), RangeError);
  t.throws(() => fitSeries({ times: [0, 60], values: [1, NaN] }), RangeError);
  t.throws(() => fitSeries({ times: [0, 60], values: [1, 2], sigma: [0, -1] }), RangeError);
  t.throws(() => fitSeries({ times: [0, 60, 120], values: [1, 2] }), RangeError);
  t.throws(() => fitSeries({ times: [0, 60], values: [1, 2], sigma: [0, 0], variance: [0, 0] }), RangeError);
});

t.test('three or four snapshots that rise at every step far beyond noise are growing', async (t) => {
  // `leakdiff snap1 snap2 snap3` on a goroutine leak: Mann–Kendall cannot reach 5% with three points.
  const goroutines = fitSeries({ times: [0, 300, 600], values: [149, 350, 585] });
  t.equal(goroutines.trend?.pValue, 1 / 3);
  t.equal(goroutines.shape, 'growing');
  t.match(goroutines.reason, /every one of the 2 steps/);
  // A heap site: +7.5, +8, +14 MiB with sampling errors of 1 to 4 MiB: each step over 2σ.
  const heap = fitSeries({
    times: [0, 100, 200, 300],
    values: [2.5 * MiB, 10 * MiB, 18.1 * MiB, 31.9 * MiB],
    sigma: [1.12 * MiB, 2.24 * MiB, 3.01 * MiB, 4 * MiB],
  });
  t.equal(heap.shape, 'growing');
  t.ok((heap.trend?.pValue ?? 0) > TREND_ALPHA, 'without a significant trend test');
});

t.test('a few snapshots that do not rise at every step, or by too little, are not growing', async (t) => {
  t.not(fitSeries({ times: [0, 300, 600], values: [149, 585, 550] }).shape, 'growing', 'fell once');
  t.not(fitSeries({ times: [0, 300, 600], values: [20, 23, 26] }).shape, 'growing', 'steps of 3 on 20 goroutines: within churn (√n)');
  const sampled = fitSeries({ times: [0, 100, 200], values: [10 * MiB, 11 * MiB, 12 * MiB], sigma: [1 * MiB, 1 * MiB, 1 * MiB] });
  t.not(sampled.shape, 'growing', 'steps of 1 MiB against 1.4 MiB of sampling error');
  t.equal(fitSeries(series(5, (i) => 100 + 40 * i)).shape, 'growing');
  t.notMatch(fitSeries(series(5, (i) => 100 + 40 * i)).reason, /every one of/, 'five points use the trend test');
});
