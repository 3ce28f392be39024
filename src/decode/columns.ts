// Growable typed arrays: decoders append millions of numbers per snapshot, and a typed array grown by
// doubling costs a fraction of the memory and time of a JS array of boxed numbers.

export class GrowableU32 {
  data: Uint32Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Uint32Array(Math.max(16, initial));
  }
  /** Empties it for reuse, with room for `initial` values (the buffer is kept when it has the room). */
  reset(initial: number): this {
    this.length = 0;
    if (this.data.length < initial) this.data = new Uint32Array(Math.max(16, initial));
    return this;
  }
  push(v: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = v;
  }
  /** Appends src[from, to): one capacity check for the run, not one per element. */
  pushRun(src: Uint32Array, from: number, to: number): void {
    const d = this.ensure(to - from);
    let k = this.length;
    for (let i = from; i < to; i++) d[k++] = src[i];
    this.length = k;
  }
  /** Makes room for `more` values past `length` (for a writer that then stores at `length` and advances it). */
  ensure(more: number): Uint32Array {
    while (this.length + more > this.data.length) this.grow();
    return this.data;
  }
  private grow(): void {
    const next = new Uint32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
  toArray(): Uint32Array {
    return this.data.slice(0, this.length);
  }
  /** What was pushed, as a view of the buffer (no copy): for a builder's last read, after which nothing is pushed. */
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

export class GrowableF64 {
  data: Float64Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Float64Array(Math.max(16, initial));
  }
  /** Empties it for reuse, with room for `initial` values (the buffer is kept when it has the room). */
  reset(initial: number): this {
    this.length = 0;
    if (this.data.length < initial) this.data = new Float64Array(Math.max(16, initial));
    return this;
  }
  push(v: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = v;
  }
  private grow(): void {
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
  toArray(): Float64Array {
    return this.data.slice(0, this.length);
  }
  /** What was pushed, as a view of the buffer (no copy): for a builder's last read, after which nothing is pushed. */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * Column buffers a caller reuses from one profile to the next (analyze decodes a series one file at a time):
 * the pprof decoder's sample offsets and the snapshot's stack and value columns. A snapshot decoded with them
 * holds views of these buffers, valid until the next decode with the same Columns; normalize it before then.
 * Reuse spares a series the allocation, zeroing and collection of the columns for every file.
 */
export class Columns {
  readonly sampleStart = new GrowableU32(16);
  readonly sampleEnd = new GrowableU32(16);
  readonly stackStart = new GrowableU32(16);
  readonly stackFrames = new GrowableU32(16);
  readonly values = new GrowableF64(16);
}
