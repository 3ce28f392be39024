// The goroutines that started others, from a dump's `created by ... in goroutine N` lines (Go 1.21+): which
// live goroutine started a group, and the service's code it runs. Read by the culprit strategies of a series
// and by the triage of one dump.

import { mostNamed } from '../decode/goroutine-groups.js';
import type { SeriesSet } from '../series/index.js';

/** The leaf-most frame of the service's own code in a stack, or -1. */
export function userFrame(series: SeriesSet, stackId: number): number {
  for (const f of series.stacks[stackId].frames) if (series.frames[f].origin === 'user') return f;
  return -1;
}

/**
 * The goroutine that started most of a group's goroutines (`created by ... in goroutine N`, Go 1.21+), when it
 * is in the dumps and runs the service's code, with that code's frame nearest the leaf: where the service
 * made the group's goroutines start, or the loop that called it (the call itself may have returned). Null
 * without such a line, when no one goroutine started half of them, or when it is gone or runs no own code.
 */
export function liveCreator(series: SeriesSet, stack: number): { goroutine: number; stack: number; frame: number } | null {
  const on = creatorStack(series, stack);
  const frame = on === null ? -1 : userFrame(series, on.stack);
  return on === null || frame < 0 ? null : { ...on, frame };
}

/**
 * The live group whose goroutines, together, started at least half of the given groups' goroutines (`created by
 * ... in goroutine N` over the dumps, each N looked up among the dumps' goroutines), with the service's frame
 * nearest its leaf and how many creator goroutines of it named any: a pool of workers (3 goroutines of
 * main.worker), which no one goroutine of would be. Null without such lines or such a group, or one of the
 * groups itself, or one running no code of the service's own.
 */
export function startedByGroup(series: SeriesSet, groups: readonly number[]): { stack: number; frame: number; goroutines: number } | null {
  const byId = groupsById(series);
  const tally = new Map<number, { count: number; ids: Set<number> }>();
  let all = 0;
  for (const g of groups) {
    for (const [id, n] of series.goroutine?.facts.get(g)?.creatorGoroutines ?? []) {
      all += n;
      const at = byId.get(id);
      if (at === undefined) continue;
      const t = tally.get(at) ?? { count: 0, ids: new Set<number>() };
      t.count += n;
      t.ids.add(id);
      tally.set(at, t);
    }
  }
  let best: [number, { count: number; ids: Set<number> }] | null = null;
  for (const e of tally) if (best === null || e[1].count > best[1].count || (e[1].count === best[1].count && e[0] < best[0])) best = e;
  if (best === null || 2 * best[1].count < all || groups.includes(best[0])) return null;
  const frame = userFrame(series, best[0]);
  return frame < 0 ? null : { stack: best[0], frame, goroutines: best[1].ids.size };
}

/**
 * The goroutine that started at least half of group `stack`'s goroutines and the stack it is seen in, when it
 * is in the dumps (and is not one of the group itself); null otherwise.
 */
export function creatorStack(series: SeriesSet, stack: number): { goroutine: number; stack: number } | null {
  const f = series.goroutine?.facts.get(stack);
  if (f === undefined) return null;
  const goroutine = mostNamed(f.creatorGoroutines);
  const at = groupsById(series).get(goroutine);
  return at === undefined || at === stack || !startedMost(f.creatorGoroutines, goroutine) ? null : { goroutine, stack: at };
}

/**
 * True when one goroutine created at least half of a group's goroutines: a loop of its own (a refresh loop, an
 * accept loop). Goroutines started by a pool of workers name each worker in turn, and a worker's stack now
 * says what it does now, not what it was doing when it made the call.
 */
function startedMost(counts: ReadonlyMap<number, number>, id: number): boolean {
  let all = 0;
  for (const n of counts.values()) all += n;
  return all > 0 && 2 * (counts.get(id) ?? 0) >= all;
}

/** Per series set: goroutine id to the stack id of the group it was seen in (the dumps' example ids), made once. */
const byGoroutineId = new WeakMap<SeriesSet, Map<number, number>>();

function groupsById(series: SeriesSet): ReadonlyMap<number, number> {
  let out = byGoroutineId.get(series);
  if (out === undefined) {
    out = new Map<number, number>();
    for (const [stack, f] of series.goroutine?.facts ?? []) for (const id of f.goroutineIds) if (!out.has(id)) out.set(id, stack);
    byGoroutineId.set(series, out);
  }
  return out;
}
