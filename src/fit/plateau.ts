// Bounded growth: a series that rose and then stopped. A warming cache, a connection pool filling up to its
// size, a buffer growing to its high-water mark: least squares still sees a positive slope over the window
// and Mann–Kendall still sees mostly rising pairs, but the last part of the window is flat, so it is not a
// leak. We test it as a model comparison: does "rise, then flat" explain the series significantly better than
// one straight line (an F test on the one extra parameter), with the flat part flat compared with the rise?
// A single jump ("step") is the same question with a different model; it may have a short tail, which the
// caller reports as undecided rather than as a plateau or as growth.
import { linearRegression, median } from 'simple-statistics';
import { theilSen } from './robust.js';

export interface BoundedRise {
  /** Index of the first point of the flat tail. */
  readonly from: number;
  /** 'curve': rose gradually then levelled (hinge fits best); 'step': one jump between from−1 and from. */
  readonly kind: 'curve' | 'step';
  /** Level of the tail minus the level at the start, per the model. */
  readonly rise: number;
  /** Theil–Sen change across the tail alone (slope × tail duration). */
  readonly tailChange: number;
  /** Points in the flat tail. */
  readonly tailLength: number;
  /** F statistic of the two-part model against the straight line (Infinity for a perfect two-part fit). */
  readonly f: number;
}

export interface PlateauRules {
  /** Fewest points the flat tail of a gradual rise must have. */
  readonly minTail: number;
  /** Fewest points the flat tail of a step must have (a step at the very end is still a step). */
  readonly minStepTail: number;
  /** The tail may move this share of the rise, plus noiseZ standard errors of point-to-point noise... */
  readonly maxTailShare: number;
  /** ...but never more than this share of the rise. */
  readonly tailShareCap: number;
  /** The two-part model must beat the straight line with at least this F = ΔSSE / (SSE / (n − 3)). */
  readonly minF: number;
  /** Smallest rise that counts (the caller's relative threshold applied to the series level). */
  readonly minRise: number;
  /** The rise must exceed this many standard errors of sampling noise. */
  readonly noiseZ: number;
}

/**
 * A levelled-off tail grows at most this fraction of the rise's own rate. A warming cache's tail is flat;
 * a leak whose last few sampled points happen to bunch up still climbs at a good part of its earlier rate
 * (seen on real net/http buffer growth: tail at 36% of the head's rate, which the drift allowance alone let
 * pass as a plateau with three tail points).
 */
export const PLATEAU_MAX_TAIL_SLOPE_RATIO = 0.25;

/**
 * A flat tail of a sampled heap series is only flat when growth at the rise's pace would have added at least
 * this many samples to it. A retained object is sampled once per MemProfileRate bytes on average (a Poisson
 * process), so a slow leak takes no new sample for long stretches: with 3 expected, a tail without one
 * happens e^−3 ≈ 5% of the time; with 1.5 (four snapshots 15 s apart of a leak sampled every 30 s), 22%.
 */
export const PLATEAU_MIN_TAIL_SAMPLES = 3;

interface Candidate {
  readonly from: number;
  readonly kind: 'curve' | 'step';
  readonly rise: number;
  readonly sse: number;
}

/**
 * The best-fitting "rise, then flat from index k" that passes every rule, or null. Candidates are a hinge
 * (linear to t_k, constant after) and a step (one level before k, another from k); the lowest residual wins,
 * ties going to the earlier break. O(n²), fine for the tens to hundreds of snapshots a capture has.
 */
export function findBoundedRise(times: readonly number[], values: readonly number[], sigma: readonly number[], rules: PlateauRules): BoundedRise | null {
  const n = values.length;
  const lineSse = sse(times, values, linearRegression(times.map((t, i) => [t, values[i]])));
  // A straight line up to rounding (relative 1e-9 of the largest value) cannot be explained better.
  const scale = Math.max(...values.map(Math.abs));
  if (lineSse <= n * (1e-9 * scale) ** 2) return null;
  let best: BoundedRise | null = null;
  let bestSse = Infinity;
  const screen = new Screen(times, values, lineSse, rules.minF);
  for (let k = 1; k <= n - Math.min(rules.minTail, rules.minStepTail); k++) {
    const models = n - k >= rules.minTail && screen.hingeMayPass(k) ? [hinge(times, values, k)] : [];
    if (n - k >= rules.minStepTail && screen.stepMayPass(k)) models.push(step(values, k));
    for (const c of models) {
      if (c.sse >= bestSse) continue;
      const found = check(c, times, values, sigma, lineSse, rules);
      if (found !== null) {
        best = found;
        bestSse = c.sse;
      }
    }
  }
  return best;
}

/**
 * A cheap screen of the two-part models (O(1) per break, from prefix sums), so that the exact fit is made only
 * for a break whose model may pass the F test: a model fails it when its residual is above
 * lineSse·(n − 3)/(minF + n − 3) (none passes for n ≤ 3 unless it fits exactly). The screen's residual differs
 * from the exact fit's by rounding only, far inside its margin (1e-5 of the variation, plus what centering
 * values far from zero can cost), so the search finds exactly what fitting every break finds, faster: at 100
 * snapshots the search was most of the fit stage, and most breaks of most rows fail by far.
 */
class Screen {
  private readonly n: number;
  private readonly t: readonly number[];
  /** Prefix sums over i < j of t, t², t·y, y and y², y centered on its mean. */
  private readonly st: Float64Array;
  private readonly stt: Float64Array;
  private readonly sty: Float64Array;
  private readonly sy: Float64Array;
  private readonly syy: Float64Array;
  private readonly limit: number;
  private readonly margin: number;

  constructor(times: readonly number[], values: readonly number[], lineSse: number, minF: number) {
    const n = values.length;
    this.n = n;
    this.t = times;
    let mean = 0;
    let ymax = 0;
    for (const y of values) {
      mean += y;
      ymax = Math.max(ymax, Math.abs(y));
    }
    mean /= n;
    const [st, stt, sty, sy, syy] = [0, 0, 0, 0, 0].map(() => new Float64Array(n + 1));
    for (let i = 0; i < n; i++) {
      const t = times[i];
      const y = values[i] - mean;
      st[i + 1] = st[i] + t;
      stt[i + 1] = stt[i] + t * t;
      sty[i + 1] = sty[i] + t * y;
      sy[i + 1] = sy[i] + y;
      syy[i + 1] = syy[i] + y * y;
    }
    [this.st, this.stt, this.sty, this.sy, this.syy] = [st, stt, sty, sy, syy];
    this.limit = n > 3 ? (lineSse * (n - 3)) / (minF + n - 3) : 0;
    this.margin = 1e-5 * syy[n] + n * 1e-15 * ymax * ymax;
  }

  /** False only when the hinge at break k certainly fails the F test. */
  hingeMayPass(k: number): boolean {
    const { n, st, stt, sty, sy, syy } = this;
    const tk = this.t[k];
    const rest = n - k - 1;
    const sx = st[k + 1] + rest * tk;
    const sxx = stt[k + 1] + rest * tk * tk;
    const sxy = sty[k + 1] + tk * (sy[n] - sy[k + 1]);
    const cxx = sxx - (sx * sx) / n;
    const cxy = sxy - (sx * sy[n]) / n;
    const cyy = syy[n] - (sy[n] * sy[n]) / n;
    if (!(cxx > 0)) return true;
    return !(cyy - (cxy * cxy) / cxx > this.limit + this.margin);
  }

  /** False only when the step at break k certainly fails the F test. */
  stepMayPass(k: number): boolean {
    const { n, sy, syy } = this;
    const head = syy[k] - (sy[k] * sy[k]) / k;
    const tailSum = sy[n] - sy[k];
    const tail = syy[n] - syy[k] - (tailSum * tailSum) / (n - k);
    return !(head + tail > this.limit + this.margin);
  }
}

function check(
  c: Candidate,
  times: readonly number[],
  values: readonly number[],
  sigma: readonly number[],
  lineSse: number,
  rules: PlateauRules,
): BoundedRise | null {
  const n = values.length;
  // One more parameter than the line (the break's level; the break's position is searched, which the high
  // threshold pays for). Residual degrees of freedom n − 3.
  const f = c.sse > 0 ? ((lineSse - c.sse) * (n - 3)) / c.sse : Infinity;
  if (!(f >= rules.minF) || c.rise <= 0 || c.rise < rules.minRise) return null;
  if (c.rise <= rules.noiseZ * riseStdErr(sigma, c.from)) return null;
  const noise = pointNoise(values);
  const tailChange = change(times.slice(c.from), values.slice(c.from));
  if (Math.abs(tailChange) > allowedDrift(c.rise, noise, times.slice(c.from), rules)) return null;
  if (c.kind === 'curve') {
    const riseSlope = c.rise / (times[c.from] - times[0]);
    const tailSlope = tailChange / (times[times.length - 1] - times[c.from]);
    if (tailSlope > PLATEAU_MAX_TAIL_SLOPE_RATIO * riseSlope) return null;
  }
  if (expectedTailSamples(c, times, values, sigma) < PLATEAU_MIN_TAIL_SAMPLES) return null;
  // A step is flat on both sides; a head that climbs into the jump is growth that has not yet stopped.
  const headTimes = times.slice(0, c.from);
  const headChange = change(headTimes, values.slice(0, c.from));
  if (c.kind === 'step' && Math.abs(headChange) > allowedDrift(c.rise, noise, headTimes, rules)) return null;
  return { from: c.from, kind: c.kind, rise: c.rise, tailChange, tailLength: n - c.from, f };
}

/**
 * Samples growth at the rise's pace (rise over the time up to the break) would have added across the tail,
 * in units of the bytes one sample stands for at the last snapshot (V/k = σ²/V, series.ts samplingVariance).
 * Infinity for exact counts (no sigma) and for objects always sampled (σ → 0): their flat tail is exact.
 */
function expectedTailSamples(c: Candidate, times: readonly number[], values: readonly number[], sigma: readonly number[]): number {
  const last = values.length - 1;
  const riseTime = times[c.from] - times[0];
  if (!(sigma[last] > 0) || !(values[last] > 0) || !(riseTime > 0)) return Infinity;
  const bytesPerSample = (sigma[last] * sigma[last]) / values[last];
  return ((c.rise / riseTime) * (times[last] - times[c.from])) / bytesPerSample;
}

/** Linear in min(t, t_k): rises until t_k, then holds the value it reached. */
function hinge(times: readonly number[], values: readonly number[], k: number): Candidate {
  const bent = times.map((t) => Math.min(t, times[k]));
  const line = linearRegression(bent.map((x, i) => [x, values[i]]));
  return { from: k, kind: 'curve', rise: line.m * (times[k] - times[0]), sse: sse(bent, values, line) };
}

/** Mean of the points before k, mean of the points from k. */
function step(values: readonly number[], k: number): Candidate {
  const head = values.slice(0, k);
  const tail = values.slice(k);
  const headMean = mean(head);
  const tailMean = mean(tail);
  const residual = head.reduce((s, y) => s + (y - headMean) ** 2, 0) + tail.reduce((s, y) => s + (y - tailMean) ** 2, 0);
  return { from: k, kind: 'step', rise: tailMean - headMean, sse: residual };
}

/** Sampling error of (tail level − first value): the first point's sigma and the tail mean's. */
function riseStdErr(sigma: readonly number[], from: number): number {
  const tail = sigma.slice(from);
  const tailVariance = tail.reduce((s, x) => s + x * x, 0) / (tail.length * tail.length);
  return Math.sqrt(sigma[0] * sigma[0] + tailVariance);
}

/** Theil–Sen change across these points (slope × duration); 0 for a single point. */
function change(times: readonly number[], values: readonly number[]): number {
  return times.length < 2 ? 0 : theilSen(times, values).slope * (times[times.length - 1] - times[0]);
}

/**
 * How far a flat part may move: a small share of the rise, plus what point-to-point noise alone would do,
 * but never past the cap (a "flat" tail that moved a third of the rise reads as still rising).
 */
function allowedDrift(rise: number, noise: number, times: readonly number[], rules: PlateauRules): number {
  return Math.min(rules.maxTailShare * rise + rules.noiseZ * noise * slopeSpread(times), rules.tailShareCap * rise);
}

/**
 * Point-to-point noise, blind to the broad shape: second differences cancel any straight piece, and their
 * median absolute value ignores the few at a bend or a jump. For white noise of sd σ a second difference has
 * sd σ√6, whose median absolute value is 0.6745·σ√6.
 */
function pointNoise(values: readonly number[]): number {
  const second: number[] = [];
  for (let i = 1; i < values.length - 1; i++) second.push(Math.abs(values[i + 1] - 2 * values[i] + values[i - 1]));
  return second.length === 0 ? 0 : median(second) / (0.6745 * Math.sqrt(6));
}

/** Standard error of a least-squares change across these times per unit of noise: span / √Sxx (√2 for two). */
function slopeSpread(times: readonly number[]): number {
  if (times.length < 2) return 0;
  const tBar = mean(times);
  const sxx = times.reduce((s, t) => s + (t - tBar) ** 2, 0);
  return (times[times.length - 1] - times[0]) / Math.sqrt(sxx);
}

function sse(xs: readonly number[], ys: readonly number[], line: { m: number; b: number }): number {
  return xs.reduce((s, x, i) => s + (ys[i] - (line.m * x + line.b)) ** 2, 0);
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
