// Mann–Kendall trend test: is there a monotonic trend in a series, whatever its shape and whatever the noise
// distribution? It looks only at the order of the values (Kendall 1975, Gilbert 1987 ch. 16), so one huge
// spike counts as much as one small bump, which is what keeps an outlier from faking a leak.
import { errorFunction } from 'simple-statistics';

export interface MannKendall {
  /** S = Σ_{i<j} sign(y_j − y_i): positive pairs minus negative pairs. */
  readonly s: number;
  /** Normal score (S ∓ 1) / √Var(S), continuity-corrected, tie-corrected variance; 0 when Var(S) = 0. */
  readonly z: number;
  /** Two-sided p-value: exact permutation distribution for small n, else from z. 1 when nothing varies. */
  readonly pValue: number;
  /** Kendall's tau-b between time and value (equals tau-a without ties); 0 when all values are equal. */
  readonly tau: number;
  /** True when pValue comes from the exact distribution rather than the normal approximation. */
  readonly exact: boolean;
}

/**
 * Mann–Kendall on values in time order. `exactMaxN`: up to this many points the p-value is exact; above it the
 * normal approximation is used, which is standard from n ≈ 10 on (its error there is in the third decimal).
 */
export function mannKendall(values: readonly number[], exactMaxN: number): MannKendall {
  const n = values.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) s += Math.sign(values[j] - values[i]);
  }
  const ties = tieGroupSizes(values);
  const pairs = (n * (n - 1)) / 2;
  const tiedPairs = ties.reduce((sum, t) => sum + (t * (t - 1)) / 2, 0);
  // Var(S) under H0 with ties: [n(n−1)(2n+5) − Σ t(t−1)(2t+5)] / 18.
  const variance = (n * (n - 1) * (2 * n + 5) - ties.reduce((sum, t) => sum + t * (t - 1) * (2 * t + 5), 0)) / 18;
  // Continuity correction: S moves in steps of 2, so move it one unit toward 0 before scaling.
  const z = variance > 0 ? (s - Math.sign(s)) / Math.sqrt(variance) : 0;
  const untiedPairs = pairs - tiedPairs;
  const tau = untiedPairs > 0 ? s / Math.sqrt(pairs * untiedPairs) : 0;
  if (variance <= 0) return { s, z: 0, pValue: 1, tau, exact: true };
  if (n <= exactMaxN) return { s, z, pValue: exactPValue(s, ties, untiedPairs), tau, exact: true };
  return { s, z, pValue: twoSidedNormal(z), tau, exact: false };
}

/**
 * P(|Z| ≥ |z|) for a standard normal. simple-statistics' `errorFunction` is accurate to ~1e-7 everywhere;
 * its `cumulativeStdNormalProbability` is a 4-digit table in steps of 0.01, too coarse for small p-values.
 */
function twoSidedNormal(z: number): number {
  return Math.min(1, Math.max(0, 1 - errorFunction(Math.abs(z) / Math.SQRT2)));
}

/** Sizes of the groups of equal values (only groups of 2 or more matter; singletons are included as 1). */
function tieGroupSizes(values: readonly number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const sizes: number[] = [];
  let run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) run++;
    else {
      sizes.push(run);
      run = 1;
    }
  }
  return sizes;
}

/**
 * Exact two-sided p-value of S: under "no trend" every distinct arrangement of the observed values (a
 * multiset, when there are ties) is equally likely. S = untiedPairs − 2·inv, where inv counts strictly
 * decreasing pairs, and the number of arrangements with each inv is the coefficient of q^inv in the
 * q-multinomial coefficient [n]_q! / Π[t_g]_q! (MacMahon). So the null distribution is one polynomial.
 */
function exactPValue(s: number, ties: readonly number[], untiedPairs: number): number {
  const key = [...ties].sort((a, b) => a - b).join(',');
  let counts = countsByTies.get(key);
  if (counts === undefined) {
    counts = inversionCounts(ties);
    countsByTies.set(key, counts);
  }
  let total = 0;
  let extreme = 0;
  counts.forEach((count, inv) => {
    total += count;
    if (Math.abs(untiedPairs - 2 * inv) >= Math.abs(s)) extreme += count;
  });
  return Math.min(1, extreme / total);
}

/**
 * The distribution depends only on the tie sizes, and a fit run asks for the same few thousands of times
 * (one per call site); there are under 140 tie patterns for n ≤ 10, so this memo stays small.
 */
const countsByTies = new Map<string, readonly number[]>();

/**
 * Coefficients of Π_{i≤n}(1 − q^i) / Π_g Π_{i≤t_g}(1 − q^i), the q-multinomial (the (1 − q) factors of each
 * q-factorial cancel because Σ t_g = n). Every division is exact, so integer coefficients stay exact.
 */
export function inversionCounts(ties: readonly number[]): number[] {
  const n = ties.reduce((a, b) => a + b, 0);
  let poly = [1];
  for (let i = 1; i <= n; i++) poly = timesOneMinusQPower(poly, i);
  for (const t of ties) {
    for (let i = 1; i <= t; i++) poly = overOneMinusQPower(poly, i);
  }
  return poly;
}

/** p(q) · (1 − q^a). */
function timesOneMinusQPower(p: readonly number[], a: number): number[] {
  const out = new Array<number>(p.length + a).fill(0);
  p.forEach((c, i) => {
    out[i] += c;
    out[i + a] -= c;
  });
  return out;
}

/** p(q) / (1 − q^b), for p divisible by it: r[j] = p[j] + r[j − b], and the quotient has degree deg p − b. */
function overOneMinusQPower(p: readonly number[], b: number): number[] {
  const out = new Array<number>(p.length - b).fill(0);
  for (let j = 0; j < out.length; j++) out[j] = p[j] + (j >= b ? out[j - b] : 0);
  return out;
}
