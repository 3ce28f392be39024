// What was checked and found bounded: call sites that grew and then levelled off (a warming cache) and
// goroutine groups that did the same. Listed so a reader sees they were considered, not missed.

import { fitsOf, type FitSet } from '../fit/all.js';
import type { SeriesSet } from '../series/index.js';
import { heapGrowthFloor } from './confidence.js';
import type { Bounded, Finding } from './model.js';

export type { Bounded } from './model.js';

/**
 * Heap sites that belong to a finding are not bounded, even when their sampled bytes paused: the finding's
 * own sites, and any site in the allocation frames of a growing finding's pattern (a leaked connection's
 * buffers stay as long as its goroutines grow, whatever the sampling caught of them lately).
 */
function takenFrames(series: SeriesSet, findings: readonly Finding[]): Set<number> {
  const taken = new Set(findings.flatMap((f) => (f.heap?.stacks ?? []).map((s) => series.stacks[s].frames[0])));
  const patterns = findings.filter((f) => f.goroutines !== null && f.signature !== null).flatMap((f) => f.signature?.heapFrames ?? []);
  if (patterns.length === 0) return taken;
  for (const s of series.stacks) {
    if (s.frames.length > 0 && s.frames.some((f) => patterns.some((re) => re.test(series.frames[f].function)))) taken.add(s.frames[0]);
  }
  return taken;
}

export function boundedSites(series: SeriesSet, fits: FitSet, findings: readonly Finding[]): Bounded[] {
  const taken = takenFrames(series, findings);
  const out: Bounded[] = [];
  const floor = series.heap === null ? 0 : heapGrowthFloor(series);
  for (const [frame, fit] of fitsOf(fits, 'heap', 'inuse_space', 'flat')) {
    if (fit.shape === 'plateau' && fit.max - fit.min >= floor && !taken.has(frame)) {
      out.push({ kind: 'heap', id: frame, site: series.frames[frame].function, fit });
    }
  }
  for (const [stack, fit] of fitsOf(fits, 'goroutine', 'goroutine', 'stack')) {
    if (fit.shape === 'plateau' && fit.max - fit.min >= 3) {
      const frames = series.stacks[stack].frames;
      out.push({ kind: 'goroutine', id: stack, site: series.frames[frames[frames.length - 1] ?? 0]?.function ?? '?', fit });
    }
  }
  return out.sort((a, b) => b.fit.max - b.fit.min - (a.fit.max - a.fit.min) || a.site.localeCompare(b.site));
}
