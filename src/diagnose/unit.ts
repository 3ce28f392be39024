// What one leaked object keeps: the goroutine groups of a leak unit in their fixed ratio, the peer side of a
// loopback connection apart, and the heap per object. "Each leaked ClientConn keeps 4 goroutines (and 3 on
// the in-process server) and about 96 KiB; 238 are open."

import type { Fit } from '../fit/index.js';
import { ownersOf } from '../correlate/objects.js';
import { moduleOf, packageOf } from '../normalize/names.js';
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
  const accepting = clientPattern ? acceptingModule(series, groups) : null;
  const out: UnitGroup[] = groups.map((stack) => ({
    stack,
    perObject: Math.max(1, Math.round(growth(stack) / growth(base))),
    peer: clientPattern && (isServerSide(series, stack) || (accepting !== null && onlyOf(librariesOf(series, stack), accepting))),
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

/** A listener's Accept: a live goroutine parked in it under a library's code is that library's accept loop. */
const ACCEPT = /^net\.\(\*(?:TCP|Unix)Listener\)\.Accept$/;

const onlyOf = (modules: ReadonlySet<string>, module: string): boolean => modules.size > 0 && [...modules].every((m) => m === module);

/** Third-party modules of a stack's frames. */
const librariesOf = (series: SeriesSet, stack: number): ReadonlySet<string> => ownersOf(series, [stack]).libraries;

/**
 * The server's module, when a unit's groups run two or more libraries' code and exactly one of them runs an
 * accept loop on a live goroutine (nats-server's acceptConnections beside nats.go's client goroutines): its
 * groups, in a fixed ratio with the others, are the in-process end of the same connections. Null otherwise: one
 * module holding both ends (gRPC's client and server are one module) is told apart by its patterns instead.
 */
function acceptingModule(series: SeriesSet, groups: readonly number[]): string | null {
  const inUnit = ownersOf(series, groups).libraries;
  if (inUnit.size < 2) return null;
  const m = metricOf(series.goroutine, 'goroutine');
  if (m === null) return null;
  const accepting = new Set<string>();
  for (let id = 0; id < m.byStack.rows; id++) {
    if (!row(m.byStack, id).some((v) => v > 0)) continue;
    const frames = series.stacks[id].frames;
    const at = frames.findIndex((f) => ACCEPT.test(series.frames[f].function));
    if (at < 0) continue;
    const lib = frames.slice(at + 1).find((f) => series.frames[f].origin === 'library');
    if (lib === undefined) continue;
    const mod = moduleOf(packageOf(series.frames[lib].function));
    if (inUnit.has(mod)) accepting.add(mod);
  }
  if (accepting.size !== 1) return null;
  const [server] = accepting;
  // A client side must remain: groups of the unit running none of the server module's code.
  return groups.some((g) => !librariesOf(series, g).has(server)) ? server : null;
}
