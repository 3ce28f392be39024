// Which statement of a call site's leaf function allocated. A call site is its frames by function, so the
// statements of one function that allocate (io.ReadAll's read chunks, which die at once, and the exact-sized
// result it returns, Go 1.26) are one site. Retention (fit/retained.ts) asks what share of what a site
// allocated in the window is still in use: counted over the whole function, the chunks that die halve the
// share of a buffer that is kept entirely. So each heap snapshot also says, per site, how much of its in-use
// and allocated bytes came from a leaf line other than the site's reference line (that of its first heap
// sample); the series then leaves out the allocations of a line that held nothing in use at either end.

import type { Snapshot } from '../model.js';

/** Per entry of a snapshot's sums (parallel to its stackIds): bytes from leaf lines other than the reference. */
export interface OtherLines {
  readonly inuse: Float64Array;
  readonly alloc: Float64Array;
}

export class LeafLines {
  /** Stack id → the leaf line of its first heap sample, −1 before one is seen. */
  private reference = new Int32Array(1024).fill(-1);

  /**
   * The snapshot's other-line sums, or null when it has no in-use and allocated bytes, or no sample on a line
   * other than its site's reference (most snapshots: most sites allocate on one line). `entryOf` maps a stack
   * id to its entry (−1 elsewhere) and is left as it was given; `skip` marks the snapshot frames that are
   * not the call site's (its leading runtime frames).
   */
  split(s: Snapshot, callSite: Uint32Array, skip: Uint8Array, ids: Uint32Array, entryOf: Int32Array): OtherLines | null {
    const inuseAt = s.sampleTypes.findIndex((t) => t.type === 'inuse_space');
    const allocAt = s.sampleTypes.findIndex((t) => t.type === 'alloc_space');
    if (inuseAt < 0 || allocAt < 0) return null;
    const { stackStart, stackFrames, values } = s;
    const width = s.sampleTypes.length;
    const lineOf = Int32Array.from(s.frames, (f) => f.line);
    let inuse: Float64Array | null = null;
    let alloc: Float64Array | null = null;
    for (let e = 0; e < ids.length; e++) entryOf[ids[e]] = e;
    for (let i = 0; i < callSite.length; i++) {
      const stack = callSite[i];
      const start = stackStart[i];
      const end = stackStart[i + 1];
      let k = start;
      while (k < end && skip[stackFrames[k]] === 1) k++;
      const line = k < end ? lineOf[stackFrames[k]] : 0;
      if (stack >= this.reference.length) this.grow(stack + 1);
      const ref = this.reference[stack];
      if (ref < 0) this.reference[stack] = line;
      if (ref < 0 || ref === line) continue;
      inuse ??= new Float64Array(ids.length);
      alloc ??= new Float64Array(ids.length);
      const entry = entryOf[stack];
      inuse[entry] += values[i * width + inuseAt];
      alloc[entry] += values[i * width + allocAt];
    }
    for (let e = 0; e < ids.length; e++) entryOf[ids[e]] = -1;
    return inuse === null || alloc === null ? null : { inuse, alloc };
  }

  private grow(size: number): void {
    const next = new Int32Array(Math.max(size, this.reference.length * 2)).fill(-1);
    next.set(this.reference);
    this.reference = next;
  }
}
