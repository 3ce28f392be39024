// A snapshot's values summed per call site, and the columns they are kept in: what normalize hands the
// series for each snapshot (NormalizedSnapshot.values and totals).

/** One column of per-site values: the same numbers either way (see NormalizedSnapshot.values). */
export type SiteValues = Float64Array | Uint32Array;

/**
 * Buffers for sumBySite, kept from one snapshot to the next (a heap snapshot's sums are megabytes; allocated
 * afresh for every file they were a good part of the garbage collector's work).
 */
export class SumScratch {
  /** Stack id → entry, −1 for none; back to all −1 after each use. */
  entryOf = new Int32Array(0);
  sums = new Float64Array(0);
  ids = new Uint32Array(0);

  /** Room for `stacks` stack ids and `samples` × `width` sums, the sums zeroed. */
  ready(stacks: number, samples: number, width: number): void {
    if (this.entryOf.length < stacks) this.entryOf = new Int32Array(Math.max(stacks, this.entryOf.length * 2)).fill(-1);
    if (this.ids.length < samples) this.ids = new Uint32Array(Math.max(samples, this.ids.length * 2));
    if (this.sums.length < samples * width) this.sums = new Float64Array(Math.max(samples * width, this.sums.length * 2));
    else this.sums.fill(0, 0, samples * width);
  }
}

/**
 * The snapshot's values summed per call site, sites in the order of their first sample: `ids[e]` is entry
 * e's stack id and `sums[e * width + t]` its value of type t (a view of the scratch, valid until the next
 * call). Stack ids are below `stacks`.
 */
export function sumBySite(
  callSite: Uint32Array,
  values: Float64Array,
  width: number,
  stacks: number,
  scratch: SumScratch,
): { ids: Uint32Array; sums: Float64Array; entries: number } {
  scratch.ready(stacks, callSite.length, width);
  const { entryOf, ids, sums } = scratch;
  let entries = 0;
  for (let i = 0; i < callSite.length; i++) {
    const stack = callSite[i];
    let entry = entryOf[stack];
    if (entry < 0) {
      entry = entries++;
      entryOf[stack] = entry;
      ids[entry] = stack;
    }
    for (let t = 0; t < width; t++) sums[entry * width + t] += values[i * width + t];
  }
  for (let e = 0; e < entries; e++) entryOf[ids[e]] = -1;
  return { ids: ids.slice(0, entries), sums, entries };
}

/** The sum of a column, in index order. */
export function total(column: SiteValues): number {
  let sum = 0;
  for (let i = 0; i < column.length; i++) sum += column[i];
  return sum;
}

/** Column t of `entries` interleaved sums, as a Uint32Array when every value is a whole number below 2^32. */
export function siteColumn(sums: Float64Array, width: number, t: number, entries: number): SiteValues {
  let whole = true;
  for (let e = 0, at = t; e < entries && whole; e++, at += width) {
    const v = sums[at];
    whole = v >= 0 && v <= 0xffffffff && Math.floor(v) === v;
  }
  const out = whole ? new Uint32Array(entries) : new Float64Array(entries);
  for (let e = 0, at = t; e < entries; e++, at += width) out[e] = sums[at];
  return out;
}
