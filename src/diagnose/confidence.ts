// How sure a finding is, from its fits alone: statistics decide, a matched pattern only explains.

import type { Fit } from '../fit/index.js';
import { metricOf, type SeriesSet } from '../series/index.js';
import type { Confidence } from './model.js';

export type { Confidence } from './model.js';

/**
 * Heap growth under this many sampling periods is not worth a finding: it is mostly noise (1 MiB at Go's
 * default MemProfileRate of 512 KiB; a service that samples finer shows a smaller leak as clearly).
 */
export const MIN_HEAP_GROWTH_SAMPLES = 2;
/** The growth floor at Go's default sampling. */
export const MIN_HEAP_GROWTH_BYTES = MIN_HEAP_GROWTH_SAMPLES * 512 * 1024;
/** ...nor growth under this share of the final in-use heap. */
export const MIN_HEAP_SHARE = 0.01;
/** High confidence needs this many snapshots, a Mann–Kendall p below this, and a line explaining this much. */
export const HIGH_MIN_SNAPSHOTS = 5;
export const HIGH_MAX_P = 0.01;
export const HIGH_MIN_R2 = 0.8;

export function heapGrowthFloor(series: SeriesSet): number {
  const total = metricOf(series.heap, 'inuse_space')?.total;
  const last = total === undefined ? 0 : total.data[total.n - 1];
  const rate = series.heap?.samplingRate ?? 0;
  return Math.max(rate > 0 ? MIN_HEAP_GROWTH_SAMPLES * rate : MIN_HEAP_GROWTH_BYTES, MIN_HEAP_SHARE * last);
}

export function isSignificantHeap(series: SeriesSet, fit: Fit): boolean {
  return fit.absoluteGrowth >= heapGrowthFloor(series) && !fit.withinNoise && (fit.shape === 'growing' || fit.shape === 'unknown');
}

/** Statistics decide; a matched pattern explains a finding but never makes it more certain. */
export function confidenceOf(goroutines: Fit | null, heap: Fit | null): Confidence {
  const primary = goroutines ?? heap;
  if (primary === null || primary.shape !== 'growing') return 'low';
  return strongTrend(primary) ? 'high' : 'medium';
}

/**
 * Enough snapshots, a significant trend and a straight line: high confidence. Growth shown otherwise (a
 * staircase of exact counts, or retained heap samples, on a few snapshots) is medium: a trend test has not
 * confirmed that it goes on.
 */
export function strongTrend(f: Fit): boolean {
  return f.n >= HIGH_MIN_SNAPSHOTS && f.trend !== null && f.trend.pValue < HIGH_MAX_P && f.r2 >= HIGH_MIN_R2;
}
