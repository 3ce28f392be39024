// What one leaked object keeps: the goroutine groups of a leak unit in their fixed ratio, the peer side of a
// loopback connection apart, and the heap per object. "Each leaked ClientConn keeps 4 goroutines (and 3 on
// the in-process server) and about 96 KiB; 238 are open."

import type { Fit } from '../fit/index.js';
import { matchSignatures, type Signature } from '../patterns/index.js';
import { metricOf, row, type SeriesSet } from '../series/index.js';
import type { LeakUnit, UnitGroup } from './model.js';

/**
 * Signatures of the accepting side of a connection. A group they own, in a unit whose pattern is a client's,
 * is the other end of a loopback connection: evidence of the client's leak, not a second leak.
 */
const SERVER_SIDE: ReadonlySet<string> = new Set(['grpc-server-transports-held', 'http-server-conns-held']);

export function leakUnit(series: SeriesSet, groups: readonly number[], signature: Signature | null, heap: Fit | null): LeakUnit | null {
  const m = metricOf(series.goroutine, 'goroutine');
  if (m === null || groups.length === 0) return null;
  const growth = (id: number): number => {
    const v = row(m.byStack, id);
    return v[v.length - 1] - v[0];
  };
  const base = groups.reduce((b, id) => (growth(id) > 0 && (b < 0 || growth(id) < growth(b)) ? id : b), -1);
  if (base < 0) return null;
  const clientPattern = signature !== null && !SERVER_SIDE.has(signature.id);
  const out: UnitGroup[] = groups.map((stack) => ({
    stack,
    perObject: Math.max(1, Math.round(growth(stack) / growth(base))),
    peer: clientPattern && isServerSide(series, stack),
  }));
  const sum = (peer: boolean): number => out.filter((g) => g.peer === peer).reduce((a, g) => a + g.perObject, 0);
  const v = row(m.byStack, base);
  const baseRate = growth(base) / Math.max(series.goroutine?.times.at(-1) ?? 1, 1e-9);
  const bytesPerObject = heap === null || !(baseRate > 0) ? null : heap.robustSlope / baseRate;
  return { groups: out, goroutinesPerObject: sum(false), peerGoroutinesPerObject: sum(true), bytesPerObject, objectsOpen: v[v.length - 1] };
}

function isServerSide(series: SeriesSet, stack: number): boolean {
  const s = series.stacks[stack];
  const names = [...s.runtimeTop, ...s.frames].map((f) => series.frames[f].function);
  const best = matchSignatures({ goroutineStacks: [names], waitStates: [], heapStacks: [] })[0];
  return best !== undefined && SERVER_SIDE.has(best.signature.id);
}
