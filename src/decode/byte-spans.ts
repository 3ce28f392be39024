// Spans of a text file's bytes hashed and compared where they lie, so a parser can intern what a line names
// before it makes a string of it: a 64 MiB goroutine dump names a few thousand distinct frames over a million
// lines, and a string per line (to look it up in a Map) was most of reading it. Words are read four bytes at a
// time through a DataView, which V8 compiles to single loads; a byte loop took three times as long.

/** The bytes of a file with the view that reads them a word at a time. */
export class ByteText {
  readonly view: DataView;

  constructor(readonly bytes: Buffer) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** `hash` extended by the bytes [start, end). */
  hash(start: number, end: number, hash: number): number {
    const { view, bytes } = this;
    let h = hash;
    let i = start;
    for (; i + 4 <= end; i += 4) h = Math.imul(h ^ view.getInt32(i, true), 0x9e3779b1);
    for (; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    return Math.imul(h ^ (end - start), 0x85ebca6b);
  }

  /** Do [a, a + length) and [b, b + length) hold the same bytes? */
  same(a: number, b: number, length: number): boolean {
    if (a === b) return true;
    const { view, bytes } = this;
    let i = 0;
    for (; i + 4 <= length; i += 4) if (view.getInt32(a + i, true) !== view.getInt32(b + i, true)) return false;
    for (; i < length; i++) if (bytes[a + i] !== bytes[b + i]) return false;
    return true;
  }

  /** The bytes [start, end) as text (a string of its own: it keeps no reference to the file). */
  text(start: number, end: number): string {
    return this.bytes.toString('utf8', start, end);
  }
}

/** The lowest power of two of at least `n` (and 16). */
export function tableSize(n: number): number {
  let size = 16;
  while (size < n) size *= 2;
  return size;
}

/**
 * The slots of an open-addressing table whose entries are numbered from 0 and whose hashes the table keeps:
 * entry + 1 per slot, 0 for an empty one, a power of two at most half full. The table probes `slots` itself
 * (linear, from hash & (length - 1)) and compares its own keys.
 */
export class OpenSlots {
  slots: Int32Array;
  constructor(initial: number) {
    this.slots = new Int32Array(tableSize(initial));
  }

  /** Places the newest entry, `entry`, of hash hashes[entry]; past half full, doubles and places all again. */
  add(entry: number, hashes: readonly number[]): void {
    if ((entry + 1) * 2 <= this.slots.length) return this.place(entry, hashes[entry]);
    this.slots = new Int32Array(this.slots.length * 2);
    for (let e = 0; e <= entry; e++) this.place(e, hashes[e]);
  }

  private place(entry: number, hash: number): void {
    const mask = this.slots.length - 1;
    let slot = hash & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = entry + 1;
  }
}

/** Where a hash of spans starts (FNV-1a's offset basis). */
export const FNV_OFFSET = 0x811c9dc5 | 0;

/**
 * One value per distinct span of bytes (a goroutine header's state, `[chan receive, 5 minutes]`), made from
 * the span's text on first sight: an open-addressing table of the first occurrence of each span.
 */
export class SpanTable<T> {
  private readonly index = new OpenSlots(64);
  private readonly starts: number[] = [];
  private readonly lengths: number[] = [];
  private readonly hashes: number[] = [];
  private readonly values: T[] = [];

  constructor(
    private readonly text: ByteText,
    private readonly make: (text: string) => T,
  ) {}

  get(start: number, end: number): T {
    const hash = this.text.hash(start, end, FNV_OFFSET);
    const slots = this.index.slots;
    const mask = slots.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot] - 1;
      if (entry < 0) break;
      if (this.hashes[entry] === hash && this.lengths[entry] === length && this.text.same(this.starts[entry], start, length)) return this.values[entry];
    }
    const value = this.make(this.text.text(start, end));
    this.starts.push(start);
    this.lengths.push(length);
    this.hashes.push(hash);
    this.values.push(value);
    this.index.add(this.values.length - 1, this.hashes);
    return value;
  }
}
