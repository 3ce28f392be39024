// Heap call sites that grow as one: the sites under one function of the service's own, tested together.

import { metricOf, row, rowVariance, type SeriesSet } from '../series/index.js';

/**
 * Call sites that grew together under one function of the service's own (the nearest to the allocation),
 * summed before the sampling test: a leaked context keeps its timerCtx, its timer and its entry in the
 * parent's children map, each a few samples at its own call site, none beyond sampling error alone but well
 * beyond it together. The sum is over every site under the function, shrinking ones included, so picking the
 * rising ones cannot make noise look like growth. `grew` is the test a single site passes (beyond sampling
 * error, or a never-falling staircase of retained samples). Only functions none of whose sites grew on its
 * own (`known`) are tested: where one did, it carries the function's finding already, and adding its quieter
 * neighbours changes what the fit sees of a sampled staircase (a pause of a few snapshots between samples
 * read as a plateau), which is the fit's question, not this one. Returns the rising sites of the groups
 * that grew.
 */
export function growingUnderOneFunction(
  series: SeriesSet,
  known: ReadonlySet<number>,
  grew: (values: Float64Array, variance: Float64Array) => boolean,
): number[] {
  const m = metricOf(series.heap, 'inuse_space');
  if (m === null || m.byStack.n < 2) return [];
  const n = m.byStack.n;
  const byFrame = new Map<number, number[]>();
  for (let id = 0; id < m.byStack.rows; id++) {
    const f = series.stacks[id].frames.find((fr) => series.frames[fr].origin === 'user');
    if (f === undefined) continue;
    // In place: a copy per site made this quadratic in the sites under one function (15 s on the bench series).
    const list = byFrame.get(f);
    if (list === undefined) byFrame.set(f, [id]);
    else list.push(id);
  }
  const out: number[] = [];
  for (const stacks of byFrame.values()) {
    if (stacks.length < 2 || stacks.some((id) => known.has(id))) continue;
    const sum = new Float64Array(n);
    const variance = new Float64Array(n);
    for (const id of stacks) {
      row(m.byStack, id).forEach((x, j) => (sum[j] += x));
      rowVariance(m.byStack, id)?.forEach((x, j) => (variance[j] += x));
    }
    if (!grew(sum, variance)) continue;
    for (const id of stacks) if (!known.has(id) && row(m.byStack, id)[n - 1] > row(m.byStack, id)[0]) out.push(id);
  }
  return out;
}
