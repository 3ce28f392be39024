// The shape of a fitted series and the sentence that explains it. Order matters: a bounded rise (plateau or
// step) is looked for before growth, because both raise Mann–Kendall's S; only a rise that does not level
// off is growth. Two snapshots never get a trend.
import { median } from 'simple-statistics';
import type { Fit, FitOptions, Shape } from './model.js';
import { findBoundedRise, type BoundedRise } from './plateau.js';
import type { MannKendall } from './trend.js';
import type { Retention } from './retained.js';

export type Base = Omit<Fit, 'shape' | 'plateauFrom' | 'reason' | 'retained'>;
export type Verdict = Pick<Fit, 'shape' | 'plateauFrom' | 'reason'>;

/** Two snapshots show a difference, never a trend: 'unknown' unless the difference is noise or tiny. */
export function twoPoints(f: Base, level: number, opts: FitOptions): Verdict {
  const what = `Only two snapshots: changed by ${signed(f.absoluteGrowth)} (${percent(f.relativeGrowth)})`;
  if (f.withinNoise) return verdict('flat', `${what}, within the sampling error (${noiseBand(f, opts)}).`);
  if (Math.abs(f.absoluteGrowth) / level < opts.minRelativeChange) {
    return verdict('flat', `${what}, under ${percent(opts.minRelativeChange, false)} of its level.`);
  }
  return verdict('unknown', `${what}, which two points cannot show to be a trend.`);
}

export function classify(
  f: Base,
  times: readonly number[],
  values: readonly number[],
  sigma: readonly number[],
  level: number,
  opts: FitOptions,
  retained: Retention | null = null,
): Verdict {
  const trend = f.trend as MannKendall;
  const p = `Mann–Kendall p = ${fmtP(trend.pValue)}`;
  const robustChange = f.robustSlope * f.duration;
  const minTail = Math.max(opts.plateauMinTailPoints, Math.ceil(f.n * opts.plateauMinTailFraction));
  const bounded = findBoundedRise(times, values, sigma, {
    minTail,
    maxTailShare: opts.plateauMaxTailShare,
    tailShareCap: opts.plateauTailShareCap,
    // A jump held for even one snapshot is still a jump: reported as undecided, never as growth.
    minStepTail: 1,
    minF: opts.plateauMinF,
    minRise: opts.minRelativeChange * level,
    noiseZ: opts.noiseZ,
  });
  if (bounded !== null) return bounded.tailLength >= minTail ? plateau(f, bounded) : lateStep(bounded);
  const significant = trend.pValue < opts.trendAlpha;
  const big = Math.abs(robustChange) / level >= opts.minRelativeChange;
  const stairs = f.n <= opts.staircaseMaxN ? staircase(values, sigma, level, opts) : null;
  if (stairs !== null && !f.withinNoise && big) {
    return verdict(
      'growing',
      `Rose at every one of the ${f.n - 1} steps, each by at least ${fmt(stairs)} standard errors of noise (${p}: too few snapshots for a trend test, but a change this large in the same direction every time is not noise).`,
    );
  }
  const rate = `${signed(f.robustSlope * 3600)} per hour`;
  const direction = Math.sign(trend.s);
  if (significant && direction === Math.sign(f.robustSlope) && direction !== 0 && !f.withinNoise && big) {
    if (direction > 0) {
      const grew = `Grew by ${signed(robustChange)} over ${f.n} snapshots at ${rate}`;
      return verdict('growing', `${grew} (${p}) without levelling off.`);
    }
    return verdict('shrinking', `Fell by ${signed(robustChange)} over ${f.n} snapshots at ${rate} (${p}).`);
  }
  if (retained !== null) {
    const kept = `Kept about ${Math.round(retained.newSamples)} new samples, ${percent(retained.retainedShare, false)} of what ${retained.of === 'site' ? 'it' : 'its statements that hold memory'} allocated in the window`;
    const fell = retained.falls === 0 ? 'never falling' : `falling by one sample at most (${retained.falls}x)`;
    return verdict(
      'growing',
      `${kept}, ${fell} (${p}: too few snapshots or samples for a trend test, but sampled objects still in use were allocated and kept).`,
    );
  }
  if (significant && f.withinNoise) {
    return verdict('flat', `Moved consistently (${p}) but by less than the sampling error (${noiseBand(f, opts)}).`);
  }
  if (significant && !big) {
    const share = percent(robustChange / level);
    const threshold = percent(opts.minRelativeChange, false);
    return verdict('flat', `Moved consistently (${p}) but only ${share} of its level, under the ${threshold} threshold.`);
  }
  return noTrend(f, values, sigma, level, p, opts);
}

/**
 * A few snapshots that rise at every step, each step far beyond noise: the smallest step's z, or null. Noise
 * is the sampling error where the series has one (heap), else the Poisson churn of what is in flight, at most
 * the smallest count √(2·min) (goroutines come and go with requests; leaked ones stay); each step must also move the series' level by the relative
 * threshold. Mann–Kendall cannot reach 5% below five points, so this is how three or four snapshots conclude.
 */
export function staircase(values: readonly number[], sigma: readonly number[], level: number, opts: FitOptions): number | null {
  let minZ = Infinity;
  // Exact counts rising at every step: only what is in flight churns, at most the smallest count (correlate's
  // churnSd; the same bound, kept here so the fit stays below correlate).
  const churn = Math.sqrt(2 * Math.max(1, Math.min(...values)));
  for (let i = 1; i < values.length; i++) {
    const step = values[i] - values[i - 1];
    if (step <= 0 || step / level < opts.minRelativeChange) return null;
    const exact = sigma[i] === 0 && sigma[i - 1] === 0;
    const se = exact ? churn : Math.sqrt(sigma[i] ** 2 + sigma[i - 1] ** 2);
    minZ = Math.min(minZ, step / se);
  }
  const exact = sigma.every((x) => x === 0);
  return minZ >= (exact ? opts.staircaseMinZExact : opts.staircaseMinZ) ? minZ : null;
}

/** No usable trend: 'noisy' when the swing is large against both the level and the sampling error. */
function noTrend(f: Base, values: readonly number[], sigma: readonly number[], level: number, p: string, opts: FitOptions): Verdict {
  const range = f.max - f.min;
  const swing = `swung by ${percent(range / level, false)} of its level`;
  if (range / level <= opts.noisyMinRelativeRange) return verdict('flat', `No significant trend (${p}); ${swing}.`);
  // Two points each noiseZ sigmas out on either side: the widest swing sampling alone plausibly makes.
  if (range <= 2 * opts.noiseZ * median(sigma)) {
    return verdict('flat', `No significant trend (${p}); ${swing}, within the sampling error.`);
  }
  const spike = loneOutlier(values);
  const note = spike === null ? '' : `, mostly one outlier at snapshot ${spike + 1}`;
  return verdict('noisy', `No significant trend (${p}) but ${swing}${note}.`);
}

function plateau(f: Base, b: BoundedRise): Verdict {
  const tail = `then held flat for the last ${f.n - b.from} snapshots`;
  const moved = `(moved ${percent(Math.abs(b.tailChange) / b.rise, false)} of the rise)`;
  const reason =
    b.kind === 'step'
      ? `Jumped once by ${signed(b.rise)} between snapshots ${b.from} and ${b.from + 1}, ${tail} ${moved}: ` + 'a step, not steady growth.'
      : `Grew by ${signed(b.rise)} up to snapshot ${b.from + 1}, ${tail} ${moved}: bounded, like a warming cache.`;
  return { shape: 'plateau', plateauFrom: b.from, reason };
}

function lateStep(b: BoundedRise): Verdict {
  const after = b.tailLength === 1 ? 'the last snapshot' : `the last ${b.tailLength} snapshots`;
  const jumped = `Jumped by ${signed(b.rise)} at snapshot ${b.from + 1} and held it for only ${after}`;
  return verdict('unknown', `${jumped}: too few to tell a step from growth.`);
}

/**
 * The index of the one point far from all the others (over 5 median absolute deviations from the median,
 * with every other point within it), or null. Named in the reason so a reader knows the swing is a blip.
 */
function loneOutlier(values: readonly number[]): number | null {
  const mid = median(values);
  const mad = median(values.map((y) => Math.abs(y - mid)));
  const far = values.flatMap((y, i) => (Math.abs(y - mid) > 5 * mad ? [i] : []));
  return far.length === 1 ? far[0] : null;
}

function verdict(shape: Shape, reason: string): Verdict {
  return { shape, plateauFrom: null, reason };
}

function noiseBand(f: Base, opts: FitOptions): string {
  return `±${fmt(opts.noiseZ * f.growthStdErr)}`;
}

/** Four significant digits; exponent form outside 1e-3..1e6 so byte counts stay readable. */
function fmt(x: number): string {
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

function signed(x: number): string {
  return x > 0 ? `+${fmt(x)}` : fmt(x);
}

function percent(ratio: number, sign = true): string {
  const pct = ratio * 100;
  const text = Math.abs(pct) >= 10 ? pct.toFixed(0) : pct.toFixed(1);
  return sign && pct > 0 ? `+${text}%` : `${text}%`;
}

function fmtP(p: number): string {
  return p < 1e-4 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}
