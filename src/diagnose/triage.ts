// One goroutine snapshot gives triage, not trend: the biggest groups, what they wait on, and whether they
// match a known leak pattern, in numbers, clearly labelled as a single snapshot.

import { matchSignatures, inferWaitState } from '../patterns.js';
import { row, type SeriesSet } from '../series.js';

export interface TriageGroup {
  readonly stack: number;
  readonly count: number;
  readonly state: string | null;
  readonly signature: string | null;
}

/** Groups smaller than this are not worth listing from one snapshot. */
const MIN_COUNT = 10;
const MAX_GROUPS = 10;

export function triage(series: SeriesSet): TriageGroup[] {
  const g = series.goroutine;
  if (g === null) return [];
  const m = g.metrics[0].byStack;
  const out: TriageGroup[] = [];
  for (let id = 0; id < m.data.length / m.n; id++) {
    const count = row(m, id)[0];
    if (count < MIN_COUNT) continue;
    const stack = series.stacks[id];
    const names = [...stack.runtimeTop, ...stack.frames].map((f) => series.frames[f].function);
    const state = g.facts.get(id)?.states[0] ?? inferWaitState(names);
    const match = matchSignatures({ goroutineStacks: [names], waitStates: state === null ? [] : [state], heapStacks: [] })[0];
    out.push({ stack: id, count, state, signature: match?.signature.id ?? null });
  }
  return out.sort((a, b) => b.count - a.count || a.stack - b.stack).slice(0, MAX_GROUPS);
}
