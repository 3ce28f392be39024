// The culprit: the user's own function to fix. When a leaking goroutine's stack holds a user frame, that is
// it. When every leaking stack ends inside a library (the original incident: traces stopped at
// addrConn.connect), the heap stacks that grow with the leak are followed through the library's entry point
// (grpc.DialContext, say) to the user's function that called it.

import type { SeriesSet } from '../series.js';
import { row } from '../series.js';

export interface Culprit {
  /** SiteFrame id of the user's function. */
  readonly frame: number;
  /** How it was found, for the finding's chain of evidence. */
  readonly how: string;
}

/** The leaf-most frame of the user's own code in a stack, or -1. */
export function userFrame(series: SeriesSet, stackId: number): number {
  const frames = series.stacks[stackId].frames;
  for (const f of frames) if (series.frames[f].origin === 'user') return f;
  return -1;
}

/** The user frame just root-ward of an entry point in a stack (the caller of grpc.DialContext), or -1. */
function callerOfEntry(series: SeriesSet, stackId: number, entryPoints: readonly RegExp[]): { caller: number; entry: number } {
  const frames = series.stacks[stackId].frames;
  for (let i = 0; i < frames.length; i++) {
    const fn = series.frames[frames[i]].function;
    if (!entryPoints.some((re) => re.test(fn))) continue;
    for (let j = i + 1; j < frames.length; j++) {
      if (series.frames[frames[j]].origin === 'user') return { caller: frames[j], entry: frames[i] };
    }
  }
  return { caller: -1, entry: -1 };
}

/** Growth of a heap call site over the window (inuse_space). */
function heapGrowth(series: SeriesSet, stackId: number): number {
  const m = series.heap?.metrics[0].byStack;
  if (m === undefined) return 0;
  const v = row(m, stackId);
  return v[v.length - 1] - v[0];
}

/** Growth of a goroutine group over the window. */
function goroutineGrowth(series: SeriesSet, stackId: number): number {
  const m = series.goroutine?.metrics[0].byStack;
  if (m === undefined) return 0;
  const v = row(m, stackId);
  return v[v.length - 1] - v[0];
}

/** Picks the candidate with the most growth behind it; ties go to the lower frame id, so output is stable. */
function best(votes: Map<number, number>): number {
  let pick = -1;
  let weight = -Infinity;
  for (const [frame, w] of votes) if (w > weight || (w === weight && frame < pick)) [pick, weight] = [frame, w];
  return pick;
}

function vote(votes: Map<number, number>, frame: number, weight: number): void {
  if (frame >= 0) votes.set(frame, (votes.get(frame) ?? 0) + Math.max(weight, 1e-9));
}

/**
 * Heap call sites that grew at all over the window. Each allocation a leaked connection makes inside the
 * entry point is small and sampled (one sample per 512 KiB), so no single one need pass a noise test; what
 * counts is that, summed per caller, they grew.
 */
function grownHeapStacks(series: SeriesSet): number[] {
  const m = series.heap?.metrics[0].byStack;
  if (m === undefined || m.n < 2) return [];
  const out: number[] = [];
  for (let id = 0; id < m.data.length / m.n; id++) if (heapGrowth(series, id) > 0) out.push(id);
  return out;
}

export function findCulprit(series: SeriesSet, goroutineStacks: readonly number[], heapStacks: readonly number[], entryPoints: readonly RegExp[]): Culprit | null {
  const byGoroutine = new Map<number, number>();
  for (const id of goroutineStacks) vote(byGoroutine, userFrame(series, id), goroutineGrowth(series, id));
  if (byGoroutine.size > 0) {
    const frame = best(byGoroutine);
    return { frame, how: `the leaking goroutines run in ${series.frames[frame].function}` };
  }
  if (entryPoints.length > 0) {
    const byEntry = new Map<number, number>();
    const entries = new Map<number, number>();
    for (const id of grownHeapStacks(series)) {
      const { caller, entry } = callerOfEntry(series, id, entryPoints);
      vote(byEntry, caller, heapGrowth(series, id));
      if (caller >= 0) entries.set(caller, entry);
    }
    if (byEntry.size > 0) {
      const frame = best(byEntry);
      const entry = series.frames[entries.get(frame) ?? frame].function;
      return { frame, how: `the leaking goroutines' stacks end inside the library, so the heap that grows with them was followed through ${entry} to its caller ${series.frames[frame].function}` };
    }
  }
  const byHeap = new Map<number, number>();
  for (const id of heapStacks) vote(byHeap, userFrame(series, id), heapGrowth(series, id));
  if (byHeap.size > 0) {
    const frame = best(byHeap);
    return { frame, how: `the growing heap is allocated under ${series.frames[frame].function}` };
  }
  return null;
}
