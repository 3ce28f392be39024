// Line-by-line reading of Go's text profile forms, shared by the heap, goroutine and dump parsers.
// Production text forms run to 125 MB, so a cursor scans the one string (or, for the dump, the file's bytes)
// with indexOf('\n') and hands out one line at a time; nothing builds an array of lines.

import { LimitError, MalformedError, quote } from '../errors.js';
import { LIMIT_FLAGS } from '../limits.js';

/** A sniffer's answer, as in pprof's ParseData: only "not my format" lets the next parser try. */
export type Sniff = 'my format' | 'not my format';

const CR = 13;
const LF = 10;
const BOM = 0xfeff;

/** Where a parser is, for its error messages: the line as text, its number, and whether a newline ended it. */
export interface LinePosition {
  readonly line: string;
  readonly lineNo: number;
  readonly unterminated: boolean;
}

export class LineCursor implements LinePosition {
  /** The current line, without its '\n' (or a trailing '\r', for files that passed through Windows tools). */
  line = '';
  /** 1-based number of the current line; 0 before the first next(). */
  lineNo = 0;
  /** True when the current line is the last one and no '\n' ended it: the text was cut mid-line. */
  unterminated = false;
  private pos: number;

  constructor(
    private readonly text: string,
    private readonly source: string,
    private readonly maxLineLength: number,
  ) {
    // A UTF-8 byte order mark decodes to U+FEFF; editors add it, Go never writes it.
    this.pos = text.charCodeAt(0) === BOM ? 1 : 0;
  }

  /** Advance to the next line; false at the end of the text. */
  next(): boolean {
    const text = this.text;
    if (this.pos >= text.length) return false;
    let end = text.indexOf('\n', this.pos);
    this.unterminated = end < 0;
    if (end < 0) end = text.length;
    this.lineNo++;
    if (end - this.pos > this.maxLineLength) {
      throw new LimitError(
        this.source,
        'decode',
        `line longer than ${this.maxLineLength} characters: ${quote(text.slice(this.pos, this.pos + 40))}; raise ${LIMIT_FLAGS.maxLineLength} if this profile is genuine`,
        { line: this.lineNo },
      );
    }
    const stop = end > this.pos && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    this.line = text.slice(this.pos, stop);
    this.pos = end + 1;
    return true;
  }
}

/**
 * The same cursor over UTF-8 bytes, for a parser that tests most lines byte by byte and decodes only what it
 * keeps: a 64 MiB dump decoded whole is a 64 MiB string made before the first line is read. The current line
 * is [start, end) of `bytes`; `line` decodes it on demand (for the rare lines tested as text, and for error
 * messages), exactly as it reads in the file decoded whole: every line starts after a '\n' and ends before
 * one, and an ASCII byte never belongs to a multi-byte sequence, so invalid bytes become the same U+FFFD.
 */
export class ByteLineCursor implements LinePosition {
  start = 0;
  /** The end of the current line, before its '\n' (and a trailing '\r'). */
  end = 0;
  lineNo = 0;
  unterminated = false;
  /** Lines after the first that start with the watched prefix (see watch), and where the first of them starts. */
  watched = 0;
  firstWatched = -1;
  private pos: number;
  private decoded: string | null = null;
  private watchedPrefix: readonly number[] = [];
  private watchedByte = -1;

  constructor(
    readonly bytes: Buffer,
    private readonly source: string,
    private readonly maxLineLength: number,
  ) {
    // The UTF-8 byte order mark (EF BB BF), which LineCursor sees as U+FEFF.
    this.pos = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  }

  get line(): string {
    return (this.decoded ??= this.bytes.toString('utf8', this.start, this.end));
  }

  /** Count the lines after the first that start with `prefix` (ASCII), as next() passes them. */
  watch(prefix: string): void {
    this.watchedPrefix = asciiCodes(prefix);
    this.watchedByte = this.watchedPrefix[0];
  }

  /** Advance to the next line; false at the end of the bytes. */
  next(): boolean {
    const bytes = this.bytes;
    const pos = this.pos;
    if (pos >= bytes.length) return false;
    let end = bytes.indexOf(LF, pos);
    this.unterminated = end < 0;
    if (end < 0) end = bytes.length;
    this.lineNo++;
    this.decoded = null;
    // The limit counts characters, as LineCursor does: only a line of more bytes can hold more of them.
    if (end - pos > this.maxLineLength) this.checkLength(pos, end);
    this.start = pos;
    this.end = end > pos && bytes[end - 1] === CR ? end - 1 : end;
    this.pos = end + 1;
    if (bytes[pos] === this.watchedByte && this.lineNo > 1 && this.startsWith(this.watchedPrefix)) {
      if (this.watched++ === 0) this.firstWatched = pos;
    }
    return true;
  }

  private checkLength(pos: number, end: number): void {
    const text = this.bytes.toString('utf8', pos, end);
    if (text.length <= this.maxLineLength) return;
    throw new LimitError(
      this.source,
      'decode',
      `line longer than ${this.maxLineLength} characters: ${quote(text.slice(0, 40))}; raise ${LIMIT_FLAGS.maxLineLength} if this profile is genuine`,
      { line: this.lineNo },
    );
  }

  /** Does the current line start with `prefix` (ASCII, as char codes)? */
  startsWith(prefix: readonly number[]): boolean {
    const { bytes, start } = this;
    if (this.end - start < prefix.length) return false;
    for (let i = 0; i < prefix.length; i++) if (bytes[start + i] !== prefix[i]) return false;
    return true;
  }
}

/** An ASCII string as the char codes ByteLineCursor.startsWith compares. */
export function asciiCodes(s: string): readonly number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

/** The first line that is not blank, for sniffers (which see only the first few KiB). */
export function firstLine(head: string): string {
  let pos = head.charCodeAt(0) === BOM ? 1 : 0;
  for (;;) {
    let end = head.indexOf('\n', pos);
    if (end < 0) end = head.length;
    const line = head.slice(pos, end).trim();
    if (line !== '' || end >= head.length) return line;
    pos = end + 1;
  }
}

/**
 * A decimal count or size from a text profile. Go writes int64; past 2^53 a number would silently round, so
 * such a value is refused like any other non-number: NaN when `digits` is not a count leakdiff can hold exactly.
 */
export function parseCount(digits: string): number {
  if (digits.length === 0 || digits.length > 16) return Number.NaN;
  let n = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return Number.isSafeInteger(n) ? n : Number.NaN;
}

/** A clause for error messages about the last line when no newline ended it: the likely cause is a cut. */
export function cutShort(cursor: LinePosition): string {
  return cursor.unterminated ? ' (the file ends mid-line: it was probably cut short)' : '';
}

/** "My format, but broken" at the cursor's line, quoting it. */
export function malformedLine(source: string, cursor: LinePosition, what: string): MalformedError {
  return new MalformedError(source, 'decode', `${what}: ${quote(cursor.line)}${cutShort(cursor)}`, { line: cursor.lineNo });
}

/**
 * The last index of a character code in `line` at or before `from`, or -1. A charCodeAt loop: V8's
 * String.prototype.lastIndexOf is several times slower on the short sliced lines these parsers look at.
 */
export function lastIndexOfCode(line: string, code: number, from = line.length - 1): number {
  for (let i = from; i >= 0; i--) if (line.charCodeAt(i) === code) return i;
  return -1;
}

/**
 * A copy of `s` that does not keep the text it was sliced from alive. V8 represents a slice as a view of its
 * parent, so a frame name sliced from a 125 MB profile would keep all 125 MB in memory for as long as the
 * Snapshot lives. Everything a parser stores in a Snapshot goes through here, once per distinct string.
 */
export function detach(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}
