// Whether a pattern may be pinned on goroutines. A pattern whose fix is in the waiting code (blocked on a
// channel, on a Lock or a Cond) is advice about the service's code: goroutines a library started, with none of
// the service on their stacks, wait in the library's own logic (database/sql's (*Tx).awaitDone on the
// transaction's context, sql-tx-unfinished; nats.go's asyncCBDispatcher on its Cond), which that advice does
// not fix. A pattern whose fix is on the leaked object (a connection nobody closes) holds whoever waits on it.

import { acceptingModules, ownersOf } from '../correlate/objects.js';
import { waitsAs, type Match } from '../patterns/index.js';
import type { SeriesSet } from '../series/index.js';

/** Whether a goroutine group's stack has a frame that is, or may be, the service's own. */
function mayBeOwn(series: SeriesSet, group: number): boolean {
  return series.stacks[group].frames.some((f) => series.frames[f].origin === 'user' || series.frames[f].origin === 'unknown');
}

/** One goroutine group of the leak: its stack id, its function names (leaf first) and its printed wait states. */
export interface GroupEvidence {
  readonly group: number;
  readonly names: readonly string[];
  readonly states: readonly string[];
}

/**
 * Whether a goroutine group runs a third-party library's code and no code that is, or may be, the service's,
 * nor an in-process server's (a module running an accept loop: its per-connection goroutines wait for their
 * client, not for the Close of an object the service holds).
 */
function runsLibraryObject(series: SeriesSet, group: number): boolean {
  const owners = ownersOf(series, [group]);
  if (owners.libraries.size === 0 || owners.user.size > 0 || owners.unknown) return false;
  const servers = acceptingModules(series);
  return ![...owners.libraries].some((m) => servers.has(m));
}

/**
 * The first of the matches (best first) that may be pinned on these groups: one whose fix is on the object;
 * one whose fix is in the waiting code and that some group waiting as it says may be the service's own; or,
 * where every group waiting as it says runs only a third-party library's code, one that has a text for that
 * (`inLibrary`: the fix is the library object's Close), pinned with that text as its case.
 */
export function pinnable(series: SeriesSet, matches: readonly Match[], groups: readonly GroupEvidence[]): Match | undefined {
  for (const m of matches) {
    if (m.signature.fixIn !== 'waiter') return m;
    const waiting = groups.filter((g) => waitsAs(m.signature, g.names, g.states));
    if (waiting.some((g) => mayBeOwn(series, g.group))) return m;
    const text = m.signature.inLibrary;
    if (text !== undefined && waiting.length > 0 && waiting.every((g) => runsLibraryObject(series, g.group))) {
      const { id, ...rest } = text;
      return { ...m, signature: { ...m.signature, ...rest, case: id } };
    }
  }
  return undefined;
}
