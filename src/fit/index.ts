// The fit stage: one series (a call site's in-use bytes, a goroutine group's count...) in, one plain
// description of how it moved out: least-squares and robust slopes, a trend test, and a shape. A leak is a
// series that keeps rising through the window; a warming cache rises and stops; GC makes heaps saw up and
// down. Each shape below is decided from named thresholds, so a report can say exactly why.
import { linearRegression, median, rSquared } from 'simple-statistics';
import { theilSen } from './robust.js';
import { classify, twoPoints } from './shape.js';
import { mannKendall } from './trend.js';
import { retention } from './retained.js';
import type { Fit, FitOptions, SeriesData } from './model.js';

export type { Fit, FitOptions, SeriesData, Shape } from './model.js';
export { mannKendall, inversionCounts, type MannKendall } from './trend.js';
export { theilSen, type RobustLine } from './robust.js';
export type { Retention } from './retained.js';

/**
 * Significance level of the two-sided Mann–Kendall test. The conventional 5%: on trendless noise a series is
 * called growing at most half of that (one tail), ~2.5%, within a budget of one false alarm in twenty series.
 */
export const TREND_ALPHA = 0.05;
/**
 * Smallest change over the window, relative to the series' median level, that counts as growth or
 * shrinkage. Heap sites drift by a percent or so as allocation mixes shift; 2% keeps that out of findings
 * while a leak of 1 MiB on a 50 MiB site still registers. Gates on absolute rates belong to diagnose.
 */
export const MIN_RELATIVE_CHANGE = 0.02;
/** A change is within noise when it is under this many standard errors of sampling (≈95% two-sided). */
export const NOISE_Z = 2;
/**
 * Without a trend, a series whose range exceeds this share of its level is 'noisy' (GC sawtooth, jumps),
 * under it 'flat'. 10%: the heap goal of GOGC=100 lets live heap swing far more than that, counts of
 * goroutines parked on a timer hardly at all.
 */
export const NOISY_MIN_RELATIVE_RANGE = 0.1;
/** A flat tail needs at least this many points: two points always make a line, three can show a level. */
export const PLATEAU_MIN_TAIL_POINTS = 3;
/** ...and at least this share of the window, so a pause of a few minutes in a long climb is no plateau. */
export const PLATEAU_MIN_TAIL_FRACTION = 1 / 3;
/**
 * The flat tail may move this share of the rise before it (a cache still warming moves a little), plus what
 * its point-to-point noise explains (NOISE_Z standard errors)...
 */
export const PLATEAU_MAX_TAIL_SHARE = 0.2;
/**
 * ...but never more than this share, however noisy: a tail that moved over a third of the rise is still
 * rising. Tuned on simulation: a noisy step (jump 10σ) stays a plateau ~96% of the time at n = 9, while a
 * series that is flat and then starts to climb in its last third is called a plateau under 1% of the time.
 */
export const PLATEAU_TAIL_SHARE_CAP = 0.35;
/**
 * "Rise, then flat" must beat a straight line with an F statistic of at least this (one extra parameter).
 * F(1, 6) is 6.0 at 5% for n = 9, but we also pick the best of up to n breaks, which inflates F on noise.
 */
export const PLATEAU_MIN_F = 10;
/**
 * Up to this many points the Mann–Kendall p-value is exact (the permutation distribution of S, ties
 * included); above it the normal approximation with continuity correction, which is accurate there.
 */
export const EXACT_MAX_N = 10;
/**
 * Below five points Mann–Kendall can never reach 5%; up to this many, a series that rises at every step by
 * at least STAIRCASE_MIN_Z standard errors of noise is growing (three snapshots of 149, 350, 585 goroutines).
 */
export const STAIRCASE_MAX_N = 4;
/** 2σ per step of sampled heap: on pure noise one step passes with p ≈ 0.023, two or three in a row far less often. */
export const STAIRCASE_MIN_Z = 2;
/**
 * 1σ per step of an exact count (goroutines), whose σ is an upper bound (the churn of all it held at its
 * smallest): on pure churn every one of n − 1 steps passes with p ≤ 0.16^(n−1), 2.5% for three snapshots,
 * within the one-tailed half of TREND_ALPHA that a trend test spends; 0.4% for four. A warming pool's jump
 * then a crawl (7, 20, 21, 23 connections) still fails at its crawl.
 */
export const STAIRCASE_MIN_Z_EXACT = 1;

export const DEFAULT_FIT_OPTIONS: FitOptions = {
  trendAlpha: TREND_ALPHA,
  minRelativeChange: MIN_RELATIVE_CHANGE,
  noiseZ: NOISE_Z,
  noisyMinRelativeRange: NOISY_MIN_RELATIVE_RANGE,
  plateauMinTailPoints: PLATEAU_MIN_TAIL_POINTS,
  plateauMinTailFraction: PLATEAU_MIN_TAIL_FRACTION,
  plateauMaxTailShare: PLATEAU_MAX_TAIL_SHARE,
  plateauTailShareCap: PLATEAU_TAIL_SHARE_CAP,
  plateauMinF: PLATEAU_MIN_F,
  exactMaxN: EXACT_MAX_N,
  staircaseMaxN: STAIRCASE_MAX_N,
  staircaseMinZ: STAIRCASE_MIN_Z,
  staircaseMinZExact: STAIRCASE_MIN_Z_EXACT,
};

/** Fit one series. Throws RangeError on input that breaks the series contract (a bug upstream). */
export function fitSeries(series: SeriesData, options: Partial<FitOptions> = {}): Fit {
  const opts: FitOptions = { ...DEFAULT_FIT_OPTIONS, ...options };
  const { times, values, sigma } = validate(series);
  const n = values.length;
  const t0 = times[0];
  const rel = times.map((t) => t - t0);
  const duration = rel[n - 1];
  const first = values[0];
  const last = values[n - 1];
  const line = linearRegression(rel.map((t, i) => [t, values[i]]));
  const robust = n === 2 ? { slope: line.m, intercept: line.b } : theilSen(rel, values);
  const absoluteGrowth = last - first;
  const growthStdErr = changeStdErr(rel, sigma);
  const change = n === 2 ? absoluteGrowth : line.m * duration;
  const scale = Math.max(...values.map(Math.abs));
  const withinNoise = Math.abs(change) <= Math.max(opts.noiseZ * growthStdErr, 1e-9 * scale);
  const base = {
    n,
    first,
    last,
    min: Math.min(...values),
    max: Math.max(...values),
    duration,
    slope: line.m,
    intercept: line.b,
    r2: fitQuality(rel, values, line),
    robustSlope: robust.slope,
    robustIntercept: robust.intercept,
    trend: n >= 3 ? mannKendall(values, opts.exactMaxN) : null,
    absoluteGrowth,
    relativeGrowth: absoluteGrowth / Math.max(Math.abs(first), 1),
    growthStdErr,
    withinNoise,
  };
  const level = Math.max(median(values.map(Math.abs)), 1);
  const retained =
    series.allocated == null
      ? null
      : retention(
          series.times,
          values,
          sigma.map((x) => x * x),
          series.allocated,
        );
  const verdict = n === 2 ? twoPoints(base, level, opts) : classify(base, rel, values, sigma, level, opts, retained);
  // Spelled out, in the order a spread of base and verdict gives (JSON keeps it): a spread of twenty
  // properties was half of fitSeries' own time.
  return {
    n: base.n,
    first: base.first,
    last: base.last,
    min: base.min,
    max: base.max,
    duration: base.duration,
    slope: base.slope,
    intercept: base.intercept,
    r2: base.r2,
    robustSlope: base.robustSlope,
    robustIntercept: base.robustIntercept,
    trend: base.trend,
    absoluteGrowth: base.absoluteGrowth,
    relativeGrowth: base.relativeGrowth,
    growthStdErr: base.growthStdErr,
    withinNoise: base.withinNoise,
    shape: verdict.shape,
    plateauFrom: verdict.plateauFrom,
    reason: verdict.reason,
    retained,
  };
}

/**
 * Seconds after the last snapshot until the robust line reaches `limit`; 0 if it already has; null unless
 * the series is 'growing' (projecting a plateau or noise would claim a trend the data does not show).
 */
export function timeToReach(fit: Fit, limit: number): number | null {
  if (fit.shape !== 'growing' || !(fit.robustSlope > 0)) return null;
  const fittedEnd = fit.robustIntercept + fit.robustSlope * fit.duration;
  if (fit.last >= limit || fittedEnd >= limit) return 0;
  return (limit - fittedEnd) / fit.robustSlope;
}

/**
 * Standard error of the least-squares change over the window when each value has its own sampling error:
 * Var(slope) = Σ (t_i − t̄)² σ_i² / Sxx², times the duration. For two points it is √(σ₁² + σ₂²).
 */
function changeStdErr(times: readonly number[], sigma: readonly number[]): number {
  const tBar = times.reduce((a, b) => a + b, 0) / times.length;
  let sxx = 0;
  let weighted = 0;
  times.forEach((t, i) => {
    sxx += (t - tBar) ** 2;
    weighted += (t - tBar) ** 2 * sigma[i] ** 2;
  });
  return (Math.sqrt(weighted) / sxx) * (times[times.length - 1] - times[0]);
}

/** simple-statistics' rSquared divides by the total sum of squares, 0 for a constant series: define it as 1. */
function fitQuality(times: readonly number[], values: readonly number[], line: { m: number; b: number }): number {
  if (values.every((y) => y === values[0])) return 1;
  const r2 = rSquared(
    times.map((t, i) => [t, values[i]]),
    (t) => line.m * t + line.b,
  );
  return Math.min(1, Math.max(0, r2));
}

function copied(from: ArrayLike<number>, map: (x: number) => number = (x) => x): number[] {
  const out = new Array<number>(from.length);
  for (let i = 0; i < from.length; i++) out[i] = map(from[i]);
  return out;
}

function validate(series: SeriesData): { times: number[]; values: number[]; sigma: number[] } {
  // Copied by index: Array.from over a typed-array row (the series' rows are) goes through the iterator,
  // measured as a tenth of fitting the bench series' eleven thousand rows.
  const times = copied(series.times);
  const values = copied(series.values);
  if (series.sigma != null && series.variance != null) throw new RangeError('fit: give sigma or variance, not both');
  let sigma = values.map(() => 0);
  if (series.sigma != null) sigma = copied(series.sigma);
  else if (series.variance != null) sigma = copied(series.variance, Math.sqrt);
  if (values.length < 2) throw new RangeError(`fit: a series needs at least 2 points, got ${values.length}`);
  if (times.length !== values.length || sigma.length !== values.length) {
    throw new RangeError(`fit: ${times.length} times, ${values.length} values and ${sigma.length} sigmas differ in length`);
  }
  values.forEach((y, i) => {
    if (!Number.isFinite(y) || !Number.isFinite(times[i])) {
      throw new RangeError(`fit: point ${i} is not finite (${times[i]}, ${y})`);
    }
    if (!(sigma[i] >= 0) || !Number.isFinite(sigma[i])) {
      throw new RangeError(`fit: sigma ${i} must be finite and >= 0, got ${sigma[i]}`);
    }
    if (i > 0 && !(times[i] > times[i - 1])) {
      throw new RangeError(`fit: times must increase strictly, ${times[i - 1]} then ${times[i]}`);
    }
  });
  return { times, values, sigma };
}
