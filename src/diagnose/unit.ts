// What one leaked object keeps: the goroutine groups of a leak unit in their fixed ratio, the peer side of a
// loopback connection apart, and the heap per object. "Each leaked ClientConn keeps 4 goroutines (and 3 on
// the in-process server) and about 96 KiB; 238 are open."

import type { Fit } from '../fit/index.js';
import { acceptingModules, ownersOf } from '../correlate/objects.js';
import { matchSignatures, type Signature } from '../patterns/index.js';
import { metricOf, row, type SeriesSet } from '../series/index.js';
import type { LeakUnit, UnitGroup } from './model.js';

/**
 * Signatures of the accepting side of a connection. A group they own, in a unit whose pattern is a client's,
 * is the other end of a loopback connection: evidence of the client's leak, not a second leak.
 */
const SERVER_SIDE: ReadonlySet<string> = new Set(['grpc-server-transports-held', 'http-server-conns-held']);

/**
 * `serverOnly`: the unit is all the in-process server's end of connections whose client end is heap only (a
 * client library that keeps no goroutine per connection, correlate.ts `other-end`): every group is peer.
 */
export function leakUnit(series: SeriesSet, groups: readonly number[], signature: Signature | null, heap: Fit | null, serverOnly = false): LeakUnit | null {
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
    peer: serverOnly || (clientPattern && (isServerSide(series, stack) || (accepting !== null && onlyOf(librariesOf(series, stack), accepting)))),
  }));
  const sum = (peer: boolean): number => out.filter((g) => g.peer === peer).reduce((a, g) => a + g.perObject, 0);
  const v = row(m.byStack, base);
  const baseRate = growth(base) / Math.max(series.goroutine?.times.at(-1) ?? 1, 1e-9);
  const bytesPerObject = heap === null || !(baseRate > 0) ? null : heap.robustSlope / baseRate;
  return { groups: out, goroutinesPerObject: sum(false), peerGoroutinesPerObject: sum(true), bytesPerObject, objectsOpen: v[v.length - 1], serverOnly };
}

function isServerSide(series: SeriesSet, stack: number): boolean {
  const s = series.stacks[stack];
  const names = [...s.runtimeTop, ...s.frames].map((f) => series.frames[f].function);
  const best = matchSignatures({ goroutineStacks: [names], waitStates: [], heapStacks: [] })[0];
  return best !== undefined && SERVER_SIDE.has(best.signature.id);
}

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
  const accepting = [...acceptingModules(series)].filter((mod) => inUnit.has(mod));
  if (accepting.length !== 1) return null;
  const [server] = accepting;
  // A client side must remain: groups of the unit running none of the server module's code.
  return groups.some((g) => !librariesOf(series, g).has(server)) ? server : null;
}
