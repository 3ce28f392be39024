// The series' per-site values, written as each snapshot arrives: one dense column per snapshot and sample
// type, indexed by the site's row in its kind (a goroutine series has rows for its own call sites only). The
// columns are the series' call-site matrices themselves (series/index.ts reads them in time order), so no
// snapshot's values are held twice, and allocation totals, of which only the first and the last snapshot are
// read, are dropped from a snapshot as soon as it can be neither.

import type { Kind } from '../model.js';
import type { NormalizedSnapshot, OtherLines, SiteValues } from '../normalize/index.js';

/**
 * How many of the earliest and of the latest distinct capture times keep their allocation columns. The series
 * reads its first and last snapshot's; arrange.ts may set a snapshot aside (a duplicate, another form of the
 * same moment), but never every snapshot of two capture times at one end, so three leave a margin.
 */
const ENDS_KEPT = 3;

/** Allocation totals since start: read for the first and last snapshot only (series/index.ts MetricSeries). */
export const ENDS_ONLY = (metric: string): boolean => metric.startsWith('alloc_');

/** Other-line bytes of the rows that have any: rows[i]'s in-use and allocated bytes are inuse[i], alloc[i]. */
export interface SparseOtherLines {
  readonly rows: Uint32Array;
  readonly inuse: Float64Array;
  readonly alloc: Float64Array;
}

interface Taken {
  readonly types: readonly string[];
  readonly columns: (SiteValues | null)[];
  /**
   * Heap bytes from other leaf lines (normalize/leaf-lines.ts), only for the rows that have any (most have
   * none): read at the ends only, and dropped with the allocation columns.
   */
  otherLines: SparseOtherLines | null;
  /** The profile's own capture time, which is its time in the series; null when it has none. */
  readonly profileMs: number | null;
}

/** One kind's columns. */
export class KindColumns {
  /** Stack id → row, −1 for a call site no snapshot of the kind has. */
  private slotOf = new Int32Array(1024).fill(-1);
  private count = 0;
  private readonly taken: Taken[] = [];

  /** Stack id → row, −1 (or past its end) for the call sites the kind has none of. */
  get slot(): Int32Array {
    return this.slotOf;
  }

  /** Column of sample type `type` of the snapshot taken as `index`; null when it has none (or it was dropped). */
  column(index: number, type: string): SiteValues | null {
    const t = this.taken[index];
    const k = t.types.indexOf(type);
    return k < 0 ? null : t.columns[k];
  }

  /** The snapshot's other-line bytes per row (null when it had none, or they were dropped with its allocations). */
  otherLines(index: number): SparseOtherLines | null {
    return this.taken[index].otherLines;
  }

  /** Whether the snapshot taken as `index` has a column of `type`, kept or dropped. */
  hasType(index: number, type: string): boolean {
    return this.taken[index].types.includes(type);
  }

  add(s: NormalizedSnapshot, profileMs: number | null): number {
    const ids = s.stackIds;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id >= this.slotOf.length) this.growSlots(id + 1);
      if (this.slotOf[id] < 0) this.slotOf[id] = this.count++;
    }
    const columns = s.values.map((sparse) => {
      const dense = sparse instanceof Uint32Array ? new Uint32Array(this.count) : new Float64Array(this.count);
      for (let i = 0; i < ids.length; i++) dense[this.slotOf[ids[i]]] = sparse[i];
      return dense;
    });
    const otherLines = s.otherLines === null ? null : this.sparse(ids, s.otherLines);
    this.taken.push({ types: s.meta.sampleTypes.map((t) => t.type), columns, otherLines, profileMs });
    this.dropMiddleAllocations();
    return this.taken.length - 1;
  }

  private sparse(ids: Uint32Array, other: OtherLines): SparseOtherLines {
    const kept: number[] = [];
    for (let i = 0; i < ids.length; i++) if (other.inuse[i] !== 0 || other.alloc[i] !== 0) kept.push(i);
    return {
      rows: Uint32Array.from(kept, (i) => this.slotOf[ids[i]]),
      inuse: Float64Array.from(kept, (i) => other.inuse[i]),
      alloc: Float64Array.from(kept, (i) => other.alloc[i]),
    };
  }

  private growSlots(size: number): void {
    const next = new Int32Array(Math.max(size, this.slotOf.length * 2)).fill(-1);
    next.set(this.slotOf);
    this.slotOf = next;
  }

  /**
   * Allocation columns of the snapshots whose own capture time is neither among the ENDS_KEPT earliest nor
   * the ENDS_KEPT latest: their time is their profile's (series/times.ts), so they can be neither end of the
   * series. A snapshot without a time of its own keeps them (its time is settled only once all are read).
   */
  private dropMiddleAllocations(): void {
    const times = [...new Set(this.taken.map((t) => t.profileMs).filter((t): t is number => t !== null))].sort((a, b) => a - b);
    if (times.length <= 2 * ENDS_KEPT) return;
    const low = times[ENDS_KEPT - 1];
    const high = times[times.length - ENDS_KEPT];
    for (const t of this.taken) {
      if (t.profileMs === null || t.profileMs <= low || t.profileMs >= high) continue;
      t.otherLines = null;
      t.types.forEach((type, k) => {
        if (ENDS_ONLY(type)) t.columns[k] = null;
      });
    }
  }
}

const NONE = new Uint32Array(0);

/** Every kind's columns of one analysis. */
export class SiteColumns {
  private readonly kinds = new Map<Kind, KindColumns>();

  of(kind: Kind): KindColumns {
    let k = this.kinds.get(kind);
    if (k === undefined) {
      k = new KindColumns();
      this.kinds.set(kind, k);
    }
    return k;
  }

  /** Takes the snapshot's per-site values into its kind's columns: its index there, and the snapshot without them. */
  take(s: NormalizedSnapshot, profileMs: number | null): { normalized: NormalizedSnapshot; column: number } {
    const column = this.of(s.meta.kind).add(s, profileMs);
    // The call-site ids stay only where the dump facts need them (series/index.ts factsOverSeries).
    return { normalized: { ...s, values: [], otherLines: null, stackIds: s.groups === null ? NONE : s.stackIds }, column };
  }
}
