// Whether a generic pattern may be pinned on goroutines. A generic pattern (blocked on a channel, on the
// network) is advice about the service's code: goroutines a library started, with none of it on their
// stacks, wait in the library's own logic (database/sql's (*Tx).awaitDone on the transaction's context,
// sql-tx-unfinished), which that advice does not fix.

import type { Match } from '../patterns/index.js';
import type { SeriesSet } from '../series/index.js';

/** Whether a goroutine group's stack has a frame that is, or may be, the service's own. */
function mayBeOwn(series: SeriesSet, group: number): boolean {
  return series.stacks[group].frames.some((f) => series.frames[f].origin === 'user' || series.frames[f].origin === 'unknown');
}

/** The match, or undefined when it is generic and none of the groups may be the service's own code. */
export function pinnable(series: SeriesSet, match: Match | undefined, groups: readonly number[]): Match | undefined {
  return match !== undefined && match.signature.generic && !groups.some((g) => mayBeOwn(series, g)) ? undefined : match;
}
