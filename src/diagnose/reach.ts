// What the window could have seen. "No leak" is only said when a leak of a size that matters would have
// shown, and the report says which size; otherwise the verdict is inconclusive with what to capture next.

import { MIN_GOROUTINE_GROWTH } from '../correlate.js';
import type { FitSet } from '../fit/all.js';
import { NOISE_Z } from '../fit.js';
import { metricOf, type SeriesSet } from '../series.js';
import { heapGrowthFloor } from './confidence.js';
import { RETAINED_MIN_NEW_SAMPLES } from '../fit/retained.js';
import type { Reach } from './model.js';

/** Fewest snapshots of a kind (distinct ones, for heap) that can show a trend: three (see the fit's staircase rule). */
export const MIN_SNAPSHOTS = 3;

export function reachOf(series: SeriesSet, _fits: FitSet): Reach {
  const heapN = series.heap?.times.length ?? 0;
  const goroutineN = series.goroutine?.times.length ?? 0;
  const n = Math.max(heapN, goroutineN);
  if (n <= 1) return { kind: 'single-snapshot' };
  if (n < MIN_SNAPSHOTS) return { kind: 'too-few', snapshots: n };
  const identical = identicalHeapPairs(series);
  if (identical > 0 && heapN - identical < MIN_SNAPSHOTS) return { kind: 'no-gc', identicalPairs: identical, distinct: heapN - identical };
  const duration = Math.max(series.heap?.times.at(-1) ?? 0, series.goroutine?.times.at(-1) ?? 0);
  const goroutinesPerHour = goroutineN >= MIN_SNAPSHOTS && duration > 0 ? (MIN_GOROUTINE_GROWTH / duration) * 3600 : null;
  const space = metricOf(series.heap, 'inuse_space');
  if (space === null || heapN < MIN_SNAPSHOTS) return { kind: 'could-see', snapshots: n, durationSeconds: duration, heapBytesPerHour: null, goroutinesPerHour };
  // The smallest heap leak the rules would report: past the growth floor, and, for objects smaller than the
  // sampling rate, kept as RETAINED_MIN_NEW_SAMPLES samples (fit/retained.ts) or grown past NOISE_Z standard
  // errors of a site that starts empty (k samples have error √k, so k > NOISE_Z²), whichever needs fewer.
  const rate = series.heap?.samplingRate ?? 0;
  const samples = Math.min(RETAINED_MIN_NEW_SAMPLES, NOISE_Z * NOISE_Z);
  const smallest = Math.max(heapGrowthFloor(series), samples * rate);
  const heapDuration = series.heap?.times.at(-1) ?? 0;
  const heapBytesPerHour = heapDuration > 0 ? (smallest / heapDuration) * 3600 : Infinity;
  return { kind: 'could-see', snapshots: n, durationSeconds: duration, heapBytesPerHour, goroutinesPerHour };
}

/**
 * Consecutive heap snapshots with the very same totals (in use and allocated, bytes and objects): Go publishes
 * the heap profile at the end of a GC cycle, so no GC ran between them; they show nothing, not "no growth".
 */
export function identicalHeapPairs(series: SeriesSet): number {
  const ms = ['inuse_space', 'inuse_objects', 'alloc_space', 'alloc_objects'].map((name) => metricOf(series.heap, name)).filter((m) => m !== null);
  const n = series.heap?.times.length ?? 0;
  if (ms.length === 0) return 0;
  let same = 0;
  for (let j = 1; j < n; j++) if (ms.every((m) => m.total.data[j] === m.total.data[j - 1])) same++;
  return same;
}
