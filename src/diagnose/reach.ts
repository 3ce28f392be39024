// What the window could have seen. "No leak" is only said when a leak of a size that matters would have
// shown, and the report says which size; otherwise the verdict is inconclusive with what to capture next.

import { beyondChurn, CHURN_Z, churnSd, heapGrew, isProfilerOwn, MIN_GOROUTINE_GROWTH, neverFalls } from '../correlate.js';
import { fitsOf, type FitSet } from '../fit/all.js';
import { STAIRCASE_MAX_N } from '../fit/index.js';
import { metricOf, row, rowVariance, type SeriesSet } from '../series/index.js';
import { heapGrowthFloor } from './confidence.js';
import { poissonAtMost, RETAINED_MIN_NEW_SAMPLES } from '../fit/retained.js';
import type { Reach } from './model.js';

/** Fewest snapshots of a kind (distinct ones, for heap) that can show a trend: three (see the fit's staircase rule). */
export const MIN_SNAPSHOTS = 3;

export function reachOf(series: SeriesSet, fits: FitSet): Reach {
  const heapN = series.heap?.times.length ?? 0;
  const goroutineN = series.goroutine?.times.length ?? 0;
  const n = Math.max(heapN, goroutineN);
  if (n <= 1) return { kind: 'single-snapshot' };
  if (n < MIN_SNAPSHOTS) return { kind: 'too-few', snapshots: n };
  const identical = identicalHeapPairs(series);
  if (identical > 0 && heapN - identical < MIN_SNAPSHOTS) return { kind: 'no-gc', identicalPairs: identical, distinct: heapN - identical };
  const undecided = undecidedGroups(series, fits) ?? undecidedHeap(series, fits);
  if (undecided !== null) return undecided;
  const duration = Math.max(series.heap?.times.at(-1) ?? 0, series.goroutine?.times.at(-1) ?? 0);
  const goroutinesPerHour = goroutineN >= MIN_SNAPSHOTS && duration > 0 ? (goroutinesToShow() / duration) * 3600 : null;
  const space = metricOf(series.heap, 'inuse_space');
  if (space === null || heapN < MIN_SNAPSHOTS) return { kind: 'could-see', snapshots: n, durationSeconds: duration, heapBytesPerHour: null, goroutinesPerHour };
  // The smallest heap leak the rules would report: past the growth floor and, for objects smaller than the
  // sampling rate, kept as RETAINED_MIN_NEW_SAMPLES samples (fit/retained.ts). Samples of a steady leak come
  // as a Poisson process, so "would have shown" means enough bytes that at least that many are taken with
  // probability SHOW_PROBABILITY (6.3 samples' worth for 3), not merely on average.
  const rate = series.heap?.samplingRate ?? 0;
  const smallest = Math.max(heapGrowthFloor(series), poissonMeanFor(RETAINED_MIN_NEW_SAMPLES, SHOW_PROBABILITY) * rate);
  const heapDuration = series.heap?.times.at(-1) ?? 0;
  const heapBytesPerHour = heapDuration > 0 ? (smallest / heapDuration) * 3600 : Infinity;
  return { kind: 'could-see', snapshots: n, durationSeconds: duration, heapBytesPerHour, goroutinesPerHour };
}

/**
 * Three or four snapshots where goroutine groups rose and never fell, by more than churn over the window, but
 * not at every step by enough to be a staircase (7, 20, 21, 23 connections): a pool that filled and a slow
 * leak look the same there, and "no leak" would read a weak test as a negative. Null when there are none,
 * or when the window has enough snapshots for a trend test to speak.
 */
function undecidedGroups(series: SeriesSet, fits: FitSet): Reach | null {
  const m = metricOf(series.goroutine, 'goroutine');
  const n = series.goroutine?.times.length ?? 0;
  if (m === null || n > STAIRCASE_MAX_N) return null;
  let groups = 0;
  let first = 0;
  let last = 0;
  for (const [stack, fit] of fitsOf(fits, 'goroutine', 'goroutine', 'stack')) {
    const values = row(m.byStack, stack);
    if (fit.shape === 'growing' || fit.shape === 'plateau' || !neverFalls(values) || !beyondChurn(fit, values)) continue;
    groups++;
    first += fit.first;
    last += fit.last;
  }
  return groups === 0 ? null : { kind: 'undecided', snapshots: n, groups, first, last };
}

/**
 * The heap's counterpart: three or four snapshots where a call site's bytes in use rose at every step, by more
 * than sampling error over the window and past the growth floor, yet its fit did not conclude (each step within
 * a couple of standard errors, and no retained-sample evidence). subslice-retained cut to 4: io.ReadAll's
 * buffers 4.9, 11.6, 22.0, 30.9 MB, the last step 1.7 standard errors, was "no leak" while the window's own
 * reach claimed that 3.5 MiB/min would have shown. A cache filling up looks the same on so few points. Null
 * when there are none, or when the window has enough snapshots for a trend test to speak. Sites are call
 * stacks (the profiler's own buffers left out), judged by their leaf function's fit: one already growing or
 * bounded is a finding's or the bounded list's, not undecided.
 */
function undecidedHeap(series: SeriesSet, fits: FitSet): Reach | null {
  const m = metricOf(series.heap, 'inuse_space');
  const n = series.heap?.times.length ?? 0;
  if (m === null || n < MIN_SNAPSHOTS || n > STAIRCASE_MAX_N) return null;
  const flat = fitsOf(fits, 'heap', 'inuse_space', 'flat');
  const floor = heapGrowthFloor(series);
  let sites = 0;
  let first = 0;
  let last = 0;
  for (let id = 0; id < m.byStack.rows; id++) {
    const values = row(m.byStack, id);
    if (!risesEveryStep(values) || values[n - 1] - values[0] < floor || !heapGrew(values, rowVariance(m.byStack, id))) continue;
    const stack = series.stacks[id];
    const leaf = stack.frames[0];
    const shape = leaf === undefined ? undefined : flat.get(leaf)?.shape;
    if (shape === 'growing' || shape === 'plateau' || isProfilerOwn(series, stack)) continue;
    sites++;
    first += values[0];
    last += values[n - 1];
  }
  return sites === 0 ? null : { kind: 'undecided-heap', snapshots: n, sites, first, last };
}

function risesEveryStep(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (!(values[i] > values[i - 1])) return false;
  return true;
}

/** How likely a leak of the stated size is to have shown: the size is the one that shows 95 times in 100. */
export const SHOW_PROBABILITY = 0.95;

/**
 * Goroutines a new leaking group must add to be reported: MIN_GOROUTINE_GROWTH, and beyond CHURN_Z of the churn
 * a group that starts empty may have (correlate's churnSd: √2).
 */
function goroutinesToShow(): number {
  return Math.max(MIN_GOROUTINE_GROWTH, Math.floor(CHURN_Z * churnSd([0])) + 1);
}

/** The Poisson mean λ at which P(X ≥ k) = p: bisection on the CDF, which falls as λ grows. */
export function poissonMeanFor(k: number, p: number): number {
  // P(X < k) = P(X ≤ k − 1).
  const below = (lambda: number): number => poissonAtMost(k - 1, lambda);
  let lo = 0;
  let hi = 10 * k + 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (below(mid) > 1 - p) lo = mid;
    else hi = mid;
  }
  return hi;
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
