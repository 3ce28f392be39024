// What the fit stage gives and takes, as types: the series it reads, the options that decide a shape, and the
// Fit it returns. In a file of their own so the stage's parts (shape.ts, all.ts) and later stages read them
// without importing the stage's index, which imports those parts.
import type { MannKendall } from './trend.js';
import type { Allocated, Retention } from './retained.js';

export interface FitOptions {
  readonly trendAlpha: number;
  readonly minRelativeChange: number;
  readonly noiseZ: number;
  readonly noisyMinRelativeRange: number;
  readonly plateauMinTailPoints: number;
  readonly plateauMinTailFraction: number;
  readonly plateauMaxTailShare: number;
  readonly plateauTailShareCap: number;
  readonly plateauMinF: number;
  readonly exactMaxN: number;
  readonly staircaseMaxN: number;
  readonly staircaseMinZ: number;
  readonly staircaseMinZExact: number;
}

/** What the fit stage takes: one value per snapshot, in time order. */
export interface SeriesData {
  /** Seconds (since the first snapshot, by the series contract), strictly increasing; at least 2. */
  readonly times: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  /** Standard error of each value from profile sampling; omitted or 0 for exact counts (goroutines). */
  readonly sigma?: ArrayLike<number> | null;
  /** Or its square, as the series stage's matrices keep it; give one of the two at most. */
  readonly variance?: ArrayLike<number> | null;
  /**
   * For in-use heap: the bytes the same site allocated between the first and the last snapshot (alloc_space:
   * in all, and on its statements that held bytes in use, series `allocatedHeld`), to tell kept from churned.
   */
  readonly allocated?: Allocated | null;
}

export type Shape = 'growing' | 'plateau' | 'flat' | 'noisy' | 'shrinking' | 'unknown';

export interface Fit {
  readonly n: number;
  readonly first: number;
  readonly last: number;
  readonly min: number;
  readonly max: number;
  /** Seconds from the first to the last snapshot. */
  readonly duration: number;
  /** Least squares (simple-statistics linearRegression), units per second. */
  readonly slope: number;
  /** Least-squares value at the first snapshot. */
  readonly intercept: number;
  /** Of the least-squares line; 1 for a constant series (the line misses nothing), never NaN. */
  readonly r2: number;
  /** Theil–Sen slope, units per second; equals slope for two points. */
  readonly robustSlope: number;
  /** Theil–Sen value at the first snapshot. */
  readonly robustIntercept: number;
  /** Mann–Kendall; null for fewer than 3 points, where no trend can be shown. */
  readonly trend: MannKendall | null;
  /** last − first, as observed (what the profiles themselves show). */
  readonly absoluteGrowth: number;
  /** absoluteGrowth / |first|; from first = 0 it is measured against one unit (1 byte, 1 goroutine). */
  readonly relativeGrowth: number;
  /** Standard error of the change over the window from sigma (0 without sigma): see withinNoise. */
  readonly growthStdErr: number;
  readonly shape: Shape;
  /** For 'plateau': index of the first point of the flat tail; otherwise null. */
  readonly plateauFrom: number | null;
  /**
   * The least-squares change over the window (last − first for two points) is within noiseZ standard
   * errors of sampling, propagated from sigma through the least-squares slope.
   */
  readonly withinNoise: boolean;
  /** One sentence: why this shape, with the figures (snapshots numbered from 1). */
  readonly reason: string;
  /** Heap that kept what it allocated as new samples (fit/retained.ts); null without that evidence. */
  readonly retained: Retention | null;
}
