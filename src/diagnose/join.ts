// One fix place, one finding: heap growth allocated under the very function a goroutine leak's culprit
// strategy led to (the request a leaked HTTP connection keeps, built in the function that sent it) is that
// leak's retained heap, not a second leak. Joined by structure (the same culprit frame), never by timing.

import { sumStacks } from '../correlate.js';
import type { SeriesSet } from '../series.js';
import { confidenceOf, isSignificantHeap } from './confidence.js';
import type { Finding, Step } from './model.js';

export function joinSameCulprit(series: SeriesSet, findings: readonly Finding[]): Finding[] {
  const out = [...findings];
  for (const g of findings) {
    if (g.goroutines === null || g.culprit === null) continue;
    const frame = g.culprit.frame;
    const h = out.find((x) => x.kind === 'heap-growth' && x.culprit !== null && x.culprit.frame === frame && x.heap !== null);
    if (h === undefined || h.heap === null) continue;
    const heap = sumStacks(series, [...(g.heap?.stacks ?? []), ...h.heap.stacks]);
    const kept = isSignificantHeap(series, heap.fit) ? heap : g.heap;
    const step: Step = { kind: 'retained-heap', frame, firstBytes: h.heap.fit.first, lastBytes: h.heap.fit.last };
    const joined: Finding = {
      ...g,
      kind: kept === null ? g.kind : 'goroutine-and-heap',
      heap: kept,
      confidence: confidenceOf(g.goroutines.fit, kept?.fit ?? null),
      steps: [...g.steps, step],
    };
    out.splice(out.indexOf(g), 1, joined);
    out.splice(out.indexOf(h), 1);
  }
  return out;
}
