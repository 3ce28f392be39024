// Protobuf wire primitives for the pprof decoder, on protobufjs's low-level Reader (its buffer, position,
// bounds and UTF-8 string reads). Two things are ours: int64 becomes a JS number here, once, with an error
// where it is not a safe integer (protobufjs would hand back a Long object per value, 3 to 5 times slower);
// and unknown fields are skipped strictly: group wire types (3, 4) and wire types 6 and 7 are rejected,
// since pprof never writes them and a corrupt file is more likely than an exotic encoder.

import protobuf from 'protobufjs/minimal.js';
import { MalformedError } from '../errors.js';

export type Reader = protobuf.Reader;

/** Varint, length-delimited, 64-bit and 32-bit wire types (protobuf encoding spec). */
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

const TWO_POW_63 = 2n ** 63n;
const TWO_POW_64 = 2n ** 64n;

export class Wire {
  readonly r: Reader;
  constructor(
    readonly source: string,
    bytes: Uint8Array,
  ) {
    // A Buffer makes protobufjs pick its BufferReader, whose string() is node's native UTF-8 decoder:
    // invalid bytes become U+FFFD instead of rejecting the profile.
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.r = protobuf.Reader.create(buf);
  }

  get pos(): number {
    return this.r.pos;
  }

  get end(): number {
    return this.r.len;
  }

  fail(detail: string, offset = this.r.pos): never {
    throw new MalformedError(this.source, 'decode', detail, { offset });
  }

  /** An unsigned varint as a safe integer (ids, lengths, counts, string indices). */
  uint(): number {
    return this.varint(false);
  }

  /** An int64 varint as a number, two's complement for negatives; an error past 2^53. */
  int(): number {
    return this.varint(true);
  }

  /**
   * Nanoseconds since the epoch (about 1.8e18 today, past 2^53) as milliseconds: converted exactly through
   * BigInt, since the fractional milliseconds a double could keep are not worth an error.
   */
  nanosAsMillis(): number {
    const start = this.r.pos;
    let v = this.bigVarint(start);
    if (v >= TWO_POW_63) v -= TWO_POW_64;
    return Number(v / 1_000_000n) + Number(v % 1_000_000n) / 1e6;
  }

  /**
   * An address: exact where it fits 53 bits, else the nearest double (display only, never identity). Mapping
   * addresses of 64-bit processes often need all 10 bytes, so the long form is read directly, not by failing.
   */
  address(): number {
    const start = this.r.pos;
    return this.varintLength() <= 7 ? this.varint(false) : Number(this.bigVarint(start));
  }

  /** Bytes in the varint at the current position, without moving (up to 11, which the readers reject). */
  private varintLength(): number {
    const buf = this.r.buf;
    let n = 0;
    while (n < 11 && this.r.pos + n < this.r.len && buf[this.r.pos + n] >= 0x80) n++;
    return n + 1;
  }

  /** Skips a varint by its bytes alone. */
  private skipVarint(): void {
    const at = this.r.pos;
    const n = this.varintLength();
    if (n > 10) this.fail('a varint is longer than 10 bytes', at);
    if (at + n > this.r.len) this.fail('a varint runs past the end of its field (truncated file?)', at);
    this.r.pos = at + n;
  }

  private varint(signed: boolean): number {
    const buf = this.r.buf;
    const start = this.r.pos;
    let pos = start;
    let result = 0;
    let mul = 1;
    // Seven bytes hold 49 bits, exact in a double; longer varints take the exact BigInt path below.
    for (let i = 0; i < 7; i++) {
      if (pos >= this.r.len) this.fail('a varint runs past the end of its field (truncated file?)', start);
      const b = buf[pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.r.pos = pos;
        return result;
      }
      mul *= 128;
    }
    return this.slowVarint(start, signed);
  }

  private slowVarint(start: number, signed: boolean): number {
    let v = this.bigVarint(start);
    if (signed && v >= TWO_POW_63) v -= TWO_POW_64;
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) {
      this.fail(`value ${v} is not a safe integer (beyond 2^53); leakdiff cannot represent it exactly`, start);
    }
    return Number(v);
  }

  private bigVarint(start: number): bigint {
    const buf = this.r.buf;
    let pos = start;
    let v = 0n;
    for (let i = 0; i < 10; i++) {
      if (pos >= this.r.len) this.fail('a varint runs past the end of its field (truncated file?)', start);
      const b = buf[pos++];
      v |= BigInt(b & 0x7f) << BigInt(7 * i);
      if (b < 0x80) {
        this.r.pos = pos;
        return v & (TWO_POW_64 - 1n);
      }
    }
    this.fail('a varint is longer than 10 bytes', start);
  }

  /** Reads a length prefix and returns the end offset of the field, checked against the buffer. */
  len(): number {
    const start = this.r.pos;
    const n = this.uint();
    const end = this.r.pos + n;
    if (end > this.r.len) this.fail(`a field claims ${n} bytes but only ${this.r.len - this.r.pos} remain (truncated file?)`, start);
    return end;
  }

  /** A length-delimited string; node's decoder replaces invalid UTF-8 with U+FFFD. */
  string(): string {
    const start = this.r.pos;
    const end = this.len();
    this.r.pos = start;
    const s = this.r.string();
    this.r.pos = end;
    return s;
  }

  /** Skips a field of a type we do not read; rejects wire types pprof never writes. */
  skip(wireType: number, field: number): void {
    const at = this.r.pos;
    switch (wireType) {
      case VARINT:
        this.skipVarint();
        return;
      case I64:
        this.jump(8, at);
        return;
      case LEN:
        this.r.pos = this.len();
        return;
      case I32:
        this.jump(4, at);
        return;
      default:
        this.fail(`field ${field} has wire type ${wireType}, which no pprof profile uses (corrupt data?)`, at);
    }
  }

  private jump(n: number, at: number): void {
    if (this.r.pos + n > this.r.len) this.fail('a fixed-size field runs past the end (truncated file?)', at);
    this.r.pos += n;
  }
}
