// The two lines a goroutine dump prints once per goroutine, read from their bytes when they are spelled the
// way the runtime spells them (ASCII, no surprises): the header and the `created by` line. Anything else
// (a non-ASCII byte, an id too long to add up exactly, a shape these tests do not know) is left to the
// regexes in goroutine-dump.ts, on the line decoded, so a line reads the same either way.

import { asciiCodes } from './text-lines.js';

const SPACE = 32;
const ZERO = 48;
const NINE = 57;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COLON = 58;
const CR = 13;
const DEL = 127;
const NON_ASCII = 0x80;

/** Digits beyond which a count is left to Number() on the text (2^53 has 16). */
const SAFE_DIGITS = 15;

const GP = asciiCodes(' gp=0x');
const M = asciiCodes(' m=');
const NIL = asciiCodes('nil');
const MP = asciiCodes(' mp=0x');
const IN_GOROUTINE = asciiCodes(' in goroutine ');

/** What the last successful read found; filled in place, as a parser reads a million lines. */
export class DumpLineFields {
  /** The goroutine id of a header, or the creator goroutine of a `created by` line (-1 when it names none). */
  id = -1;
  /** A header's bracketed state, or a `created by` line's function: [start, end) of the bytes. */
  start = 0;
  end = 0;

  constructor(private readonly bytes: Uint8Array) {}

  /**
   * `goroutine 21 [chan receive, 5 minutes]:` (or with Go 1.23's ` gp=0x.. m=N mp=0x..`), [start, end) of a
   * line that starts with `goroutine `: true when it matches GOROUTINE_HEADER, with the same id and state;
   * false when the regex must decide.
   */
  header(start: number, end: number): boolean {
    const bytes = this.bytes;
    const digitsEnd = this.digits(start + 10, end);
    if (digitsEnd < 0 || digitsEnd >= end || bytes[digitsEnd] !== SPACE) return false;
    this.id = this.count(start + 10, digitsEnd);
    let open = digitsEnd + 1;
    if (bytes[open] !== OPEN_BRACKET) {
      let p = this.lower(this.literal(digitsEnd, end, GP), end);
      p = this.literal(p, end, M);
      if (p < 0) return false;
      const n = this.digits(p, end);
      p = n >= 0 ? n : this.literal(p, end, NIL);
      const mp = this.literal(p, end, MP);
      if (mp >= 0) p = this.lower(mp, end);
      if (p < 0 || p + 1 >= end || bytes[p] !== SPACE || bytes[p + 1] !== OPEN_BRACKET) return false;
      open = p + 1;
    }
    // `\[(.*)\]:$`: the state is everything up to the closing `]:`, and `.` is any character but a line break.
    if (end - open < 3 || bytes[end - 2] !== CLOSE_BRACKET || bytes[end - 1] !== COLON) return false;
    for (let i = open + 1; i < end - 2; i++) if (bytes[i] >= NON_ASCII || bytes[i] === CR) return false;
    this.start = open + 1;
    this.end = end - 2;
    return true;
  }

  /**
   * `created by main.spawn` or `created by main.spawn in goroutine 1`, [start, end) of a line that starts with
   * `created by`: true when it matches CREATED_BY, with the function's bytes and the creator goroutine.
   */
  createdBy(start: number, end: number): boolean {
    const bytes = this.bytes;
    if (end - start < 12 || bytes[start + 10] !== SPACE) return false;
    const from = start + 11;
    let p = from;
    // `(\S+)`: for the bytes read here, the printable ASCII characters but the space.
    while (p < end && bytes[p] > SPACE && bytes[p] < DEL) p++;
    if (p === from) return false;
    this.start = from;
    this.end = p;
    if (p === end) {
      this.id = -1;
      return true;
    }
    const digitsFrom = this.literal(p, end, IN_GOROUTINE);
    if (digitsFrom < 0 || this.digits(digitsFrom, end) !== end) return false;
    this.id = this.count(digitsFrom, end);
    return true;
  }

  /** The end of a run of 1 to SAFE_DIGITS decimal digits at `p`, or -1. */
  private digits(p: number, end: number): number {
    const bytes = this.bytes;
    let q = p;
    while (q < end && bytes[q] >= ZERO && bytes[q] <= NINE) q++;
    return q === p || q - p > SAFE_DIGITS ? -1 : q;
  }

  private count(p: number, end: number): number {
    let n = 0;
    for (let i = p; i < end; i++) n = n * 10 + this.bytes[i] - ZERO;
    return n;
  }

  /** The end of `literal` at `p`, or -1 (also when p is -1). */
  private literal(p: number, end: number, literal: readonly number[]): number {
    if (p < 0 || end - p < literal.length) return -1;
    for (let i = 0; i < literal.length; i++) if (this.bytes[p + i] !== literal[i]) return -1;
    return p + literal.length;
  }

  /** The end of a run of at least one lower-case hex digit at `p`, or -1 (also when p is -1). */
  private lower(p: number, end: number): number {
    if (p < 0) return -1;
    const bytes = this.bytes;
    let q = p;
    while (q < end && ((bytes[q] >= ZERO && bytes[q] <= NINE) || (bytes[q] >= 97 && bytes[q] <= 102))) q++;
    return q === p ? -1 : q;
  }
}
