// The fit stage over a whole series set: which series get fitted. Heap: per function, flat and cumulative,
// for inuse_space and inuse_objects, plus the whole heap. Goroutines: per group (call site) and per frame
// cumulatively, plus the total. A row that is zero in every snapshot is not fitted. A series of one
// snapshot has no fits at all: one snapshot gives triage, not trend.

import { fitSeries } from './index.js';
import type { Fit, FitOptions } from './model.js';
import { row, rowVariance, type KindSeries, type Matrix, type SeriesSet, type SiteMatrix } from '../series/index.js';

/** In-use metrics only: what is allocated since start grows in every live program and says nothing of leaks. */
const FITTED_HEAP: ReadonlySet<string> = new Set(['inuse_space', 'inuse_objects']);

export type Scope = 'flat' | 'cum' | 'stack' | 'total';

export interface ScopeFits {
  readonly kind: 'heap' | 'goroutine';
  readonly metric: string;
  readonly scope: Scope;
  /** By frame id (flat, cum), stack id (stack) or 0 (total). */
  readonly fits: ReadonlyMap<number, Fit>;
}

export interface FitSet {
  readonly all: readonly ScopeFits[];
}

export function fitAll(series: SeriesSet, options: Partial<FitOptions> = {}): FitSet {
  const all: ScopeFits[] = [];
  if (series.heap !== null && series.heap.times.length >= 2) {
    for (const m of series.heap.metrics.filter((x) => FITTED_HEAP.has(x.metric))) {
      all.push(fitMatrix(series.heap, m.metric, 'total', m.total, options));
      all.push(fitMatrix(series.heap, m.metric, 'flat', m.flat, options));
      all.push(fitMatrix(series.heap, m.metric, 'cum', m.cum, options));
    }
  }
  if (series.goroutine !== null && series.goroutine.times.length >= 2) {
    const m = series.goroutine.metrics[0];
    all.push(fitMatrix(series.goroutine, m.metric, 'total', m.total, options));
    all.push(fitMatrix(series.goroutine, m.metric, 'stack', m.byStack, options));
    all.push(fitMatrix(series.goroutine, m.metric, 'cum', m.cum, options));
  }
  return { all };
}

/** The whole profile's fit (heap in use, or all goroutines), or null with fewer than two snapshots. */
export function totalFit(set: FitSet, kind: 'heap' | 'goroutine'): Fit | null {
  return fitsOf(set, kind, kind === 'heap' ? 'inuse_space' : 'goroutine', 'total').get(0) ?? null;
}

export function fitsOf(set: FitSet, kind: 'heap' | 'goroutine', metric: string, scope: Scope): ReadonlyMap<number, Fit> {
  return set.all.find((f) => f.kind === kind && f.metric === metric && f.scope === scope)?.fits ?? new Map();
}

function fitMatrix(k: KindSeries<'heap' | 'goroutine'>, metric: string, scope: Scope, m: Matrix | SiteMatrix, options: Partial<FitOptions>): ScopeFits {
  const fits = new Map<number, Fit>();
  // Two thirds of the rows of a long series never change (a frame every goroutine of a pool runs, a heap
  // site that took one sample), and of those few values: their fit (a Fit is immutable) is made once.
  const constant = new Map<string, Fit>();
  const rows = m.rows;
  for (let id = 0; id < rows; id++) {
    const values = row(m, id);
    if (values.every((v) => v === 0)) continue;
    const variance = rowVariance(m, id);
    const key = values.every((v) => v === values[0]) ? `${values[0]}|${variance === null ? '' : variance.join(',')}` : null;
    const known = key === null ? undefined : constant.get(key);
    const fit = known ?? fitSeries({ times: k.times, values, variance }, options);
    if (key !== null && known === undefined) constant.set(key, fit);
    fits.set(id, fit);
  }
  return { kind: k.kind, metric, scope, fits };
}
