// Growable typed arrays: decoders append millions of numbers per snapshot, and a typed array grown by
// doubling costs a fraction of the memory and time of a JS array of boxed numbers.

export class GrowableU32 {
  data: Uint32Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Uint32Array(Math.max(16, initial));
  }
  push(v: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = v;
  }
  /** Appends src[from, to): one capacity check for the run, not one per element. */
  pushRun(src: Uint32Array, from: number, to: number): void {
    while (this.length + (to - from) > this.data.length) this.grow();
    const d = this.data;
    let k = this.length;
    for (let i = from; i < to; i++) d[k++] = src[i];
    this.length = k;
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
