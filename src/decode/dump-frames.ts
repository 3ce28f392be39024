// The frames of a goroutine dump: a function line and the file line under it,
//
//	main.blockRecv(0xc000012345, {0x4b2e, 0x5}, 0x1?)
//		/src/app/main.go:56 +0x27 fp=0xc000039fc8 sp=0xc000039f90 pc=0x4ea34b
//
// interned through the builder. A 64 MiB dump holds over a million frame lines naming a few thousand frames,
// so each frame is looked up by its bytes where they lie in the file (the function name, `path:line` and
// whether it was inlined) before any string is made: the name and the file are decoded once per distinct
// frame, when the builder first hears of it.

import type { SnapshotBuilder } from './builder.js';
import { type ByteText, FNV_OFFSET, OpenSlots } from './byte-spans.js';
import { detach } from './text-lines.js';

const TAB = 9;
const SPACE = 32;
const ZERO = 48;
const NINE = 57;
const COLON = 58;
const OPEN_PAREN = 40;
const DOT = 46;

export class DumpFrames {
  /** Open addressing over the entries below: entry + 1, 0 for an empty slot. */
  private readonly index = new OpenSlots(8192);
  /** One entry per distinct frame spelling: where its name and `path:line` first appeared, its hash, its index. */
  private readonly funcStarts: number[] = [];
  private readonly funcLengths: number[] = [];
  private readonly placeStarts: number[] = [];
  private readonly placeLengths: number[] = [];
  private readonly inlinedFlags: boolean[] = [];
  private readonly hashes: number[] = [];
  private readonly indices: number[] = [];
  /** Where the last file line accepted by isFileLine keeps its colon and the end of its line number. */
  private colon = -1;
  private digitsEnd = -1;

  constructor(
    private readonly text: ByteText,
    private readonly builder: SnapshotBuilder,
  ) {}

  /**
   * Is the line [start, end) `\tpath:N`, optionally followed by ` +0xoff` and ` fp=.. sp=.. pc=..`? The
   * suffixes hold no colon, so the last colon is the line number's (a Windows path's `C:` comes before it).
   */
  isFileLine(start: number, end: number): boolean {
    const bytes = this.text.bytes;
    if (end === start || bytes[start] !== TAB) return false;
    let colon = end - 1;
    while (colon > start && bytes[colon] !== COLON) colon--;
    let stop = colon + 1;
    while (stop < end && bytes[stop] >= ZERO && bytes[stop] <= NINE) stop++;
    const digits = stop - colon - 1;
    if (colon === start || digits === 0 || digits > 9 || (stop < end && bytes[stop] !== SPACE)) return false;
    this.colon = colon;
    this.digitsEnd = stop;
    return true;
  }

  /**
   * The frame of the function line [start, end) whose arguments open at `paren` (see argsOpen), and of the
   * file line starting at `fileStart` that isFileLine last accepted.
   */
  frame(start: number, paren: number, end: number, fileStart: number): number {
    const bytes = this.text.bytes;
    // `(...)` marks a call inlined into the frame after it.
    const inlined = paren === end - 5 && bytes[paren + 1] === DOT && bytes[paren + 3] === DOT;
    return this.intern(start, paren, fileStart, inlined);
  }

  /** The frame of a `created by` line's function, [start, end) of its line, and the file line isFileLine last accepted. */
  creator(start: number, end: number, fileStart: number): number {
    // builder.frame(func, file, line) is the same frame as a function line's of that spelling, not inlined.
    return this.intern(start, end, fileStart, false);
  }

  /** creator() for a line only the regex could read, which gave the function's name. */
  namedCreator(func: string, fileStart: number): number {
    return this.builder.frame(detach(func), this.text.text(fileStart + 1, this.colon), this.lineNumber());
  }

  private intern(funcStart: number, funcEnd: number, fileStart: number, inlined: boolean): number {
    const text = this.text;
    const placeStart = fileStart + 1;
    const placeEnd = this.digitsEnd;
    const funcLength = funcEnd - funcStart;
    const placeLength = placeEnd - placeStart;
    const hash = text.hash(placeStart, placeEnd, text.hash(funcStart, funcEnd, inlined ? ~FNV_OFFSET : FNV_OFFSET));
    const slots = this.index.slots;
    const mask = slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = slots[slot] - 1;
      if (entry < 0) break;
      if (
        this.hashes[entry] === hash &&
        this.funcLengths[entry] === funcLength &&
        this.placeLengths[entry] === placeLength &&
        this.inlinedFlags[entry] === inlined &&
        text.same(this.funcStarts[entry], funcStart, funcLength) &&
        text.same(this.placeStarts[entry], placeStart, placeLength)
      ) {
        return this.indices[entry];
      }
    }
    const index = this.builder.frame(text.text(funcStart, funcEnd), text.text(placeStart, this.colon), this.lineNumber(), inlined);
    this.funcStarts.push(funcStart);
    this.funcLengths.push(funcLength);
    this.placeStarts.push(placeStart);
    this.placeLengths.push(placeLength);
    this.inlinedFlags.push(inlined);
    this.hashes.push(hash);
    this.indices.push(index);
    this.index.add(this.indices.length - 1, this.hashes);
    return index;
  }

  private lineNumber(): number {
    const bytes = this.text.bytes;
    let n = 0;
    for (let i = this.colon + 1; i < this.digitsEnd; i++) n = n * 10 + bytes[i] - ZERO;
    return n;
  }
}

/**
 * Where the argument list of a function line `pkg.(*T).fn[...](0xc000123, {0x4b2e, 0x5}, 0x1?)`, bytes
 * [start, end), opens, or -1. Argument words never contain '(', so it is the last '(' (names may hold
 * parentheses and brackets).
 */
export function argsOpen(bytes: Uint8Array, start: number, end: number): number {
  for (let i = end - 1; i >= start; i--) if (bytes[i] === OPEN_PAREN) return i;
  return -1;
}
