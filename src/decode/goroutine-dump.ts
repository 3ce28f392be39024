// Go's `goroutine?debug=2` (runtime.Stack of all goroutines) and the same tracebacks in crash, panic and
// SIGQUIT output (runtime/traceback.go). One goroutine:
//
//	goroutine 21 [chan receive, 5 minutes]:
//	main.recv(...)
//		/src/app/main.go:53
//	main.blockRecv(0xc000012345)
//		/src/app/main.go:56 +0x27
//	created by main.spawnBlocked
//		/src/app/main.go:119 +0x48
//	<blank>
//
// Goroutines with the same state, stack (function, file, line per frame), creator and thread lock are one
// sample whose value is their number; argument words, ids and +0x offsets carry no identity. Crash output
// around the goroutines (`panic: ...`, `SIGQUIT: quit`, `runtime stack:` sections, register dumps,
// `exit status 2`) is skipped: only a goroutine header starts reading, and a line that cannot continue a
// goroutine ends it. The state machine is line-oriented, as in panicparse, and reads the file's bytes: frame
// and file lines (nearly all of a dump), headers and `created by` lines are recognised byte by byte
// (dump-frames.ts, dump-lines.ts), the rarer lines and any the byte tests do not know with the regexes below,
// on the line decoded.

import { isUtf8 } from 'node:buffer';
import { LimitError } from '../errors.js';
import { LIMIT_FLAGS, type Limits } from '../limits.js';
import { FORMS } from '../forms.js';
import type { Snapshot } from '../model.js';
import { SnapshotBuilder } from './builder.js';
import { ByteText, SpanTable } from './byte-spans.js';
import { DumpFrames, argsOpen } from './dump-frames.js';
import { DumpLineFields } from './dump-lines.js';
import { GoroutineGroups, type HeaderFacts, headerFacts } from './goroutine-groups.js';
import { ByteLineCursor, type Sniff, asciiCodes, malformedLine } from './text-lines.js';

// goroutine 21 [chan receive, 5 minutes, locked to thread]:
// goroutine 1 gp=0xc000002380 m=0 mp=0x5a1b40 [running]:        (Go 1.23+, GOTRACEBACK=system and crashes)
// goroutine 7 gp=0xc000007880 m=nil [select]:
const GOROUTINE_HEADER = /^goroutine (\d+)(?: gp=0x[0-9a-f]+ m=(?:\d+|nil)(?: mp=0x[0-9a-f]+)?)? \[(.*)\]:$/;

// The same, on any line of the head the sniffer sees (crash output has a prelude before the first one).
const GOROUTINE_HEADER_IN_HEAD = /^goroutine \d+(?: gp=0x[0-9a-f]+ m=(?:\d+|nil)(?: mp=0x[0-9a-f]+)?)? \[.*\]:\r?$/m;

// created by main.spawnBlocked
// created by main.spawnBlocked in goroutine 1                   (Go 1.21+)
const CREATED_BY = /^created by (\S+)(?: in goroutine (\d+))?$/;

// ...additional frames elided...
// ...52 frames elided...                                         (Go 1.21+: between the innermost and outermost 50)
const ELIDED = /^\.\.\.(?:additional|\d+) frames elided\.\.\.$/;

// [originating from goroutine 17]:                              (GODEBUG=tracebackancestors=N)
const ANCESTOR = /^\[originating from goroutine \d+\]:$/;

// 	/src/app/main.go:56 +0x27                                   (a file line with the offset a call has)
const FILE_LINE_WITH_OFFSET = /:\d+ \+0x[0-9a-f]+(?: fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+)?$/;

// exit status 2                                                 (`go run`, after a crash)
const EXIT_STATUS = /^exit status \d+$/;

// 	goroutine running on other thread; stack unavailable          (crash output)
const STACK_UNAVAILABLE = 'stack unavailable';

/** runtime/pprof writeGoroutineStacks gives up growing its buffer at 64 MiB and writes what it has. */
export const DUMP_CAP_BYTES = 64 << 20;

const TAB = 9;
const CLOSE_PAREN = 41;
const GOROUTINE = asciiCodes('goroutine ');
const CREATED_BY_WORDS = asciiCodes('created by');
const DOTS = asciiCodes('...');
const ORIGINATING = asciiCodes('[originating from goroutine ');

/** Every full dump prints goroutine 1 (main); a second `goroutine 1 [` is the signal worth a closer look. */
const MAIN_GOROUTINE = 'goroutine 1 [';

/** Is this line a goroutine's header (`goroutine 21 [chan receive]:`)? For the lenient reader and splitter. */
export function goroutineHeaderId(line: string): number | null {
  const m = GOROUTINE_HEADER.exec(line);
  return m === null ? null : Number(m[1]);
}

export function sniffGoroutineDump(head: string): Sniff {
  return GOROUTINE_HEADER_IN_HEAD.test(head) ? 'my format' : 'not my format';
}

const enum State {
  /** Before the first goroutine, or after one ended: prelude and trailers, skipped. */
  Outside,
  /** Inside a goroutine: frames, created by, elisions, ancestors, until a blank line. */
  Stack,
}

/** Why reading stopped before the text did, or null when the dump is complete. */
type Cut = null | 'mid-line' | 'mid-goroutine';

/** A dump read, and whether the file may hold several dumps one after another (see concat.ts). */
export interface DumpRead {
  readonly snapshot: Snapshot;
  readonly severalDumps: boolean;
}

/** Text (a pasted dump, cleaned up) or the bytes of a file, read as the same dump. */
export function parseGoroutineDump(source: string, text: string | Uint8Array, limits: Limits): Snapshot {
  return readGoroutineDump(source, typeof text === 'string' ? Buffer.from(text, 'utf8') : text, limits).snapshot;
}

export function readGoroutineDump(source: string, content: Uint8Array, limits: Limits): DumpRead {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const builder = new SnapshotBuilder(
    {
      source,
      form: 'goroutine-dump',
      kind: FORMS['goroutine-dump'].kind,
      sampleTypes: [{ type: 'goroutine', unit: 'count' }],
      period: { type: { type: 'goroutine', unit: 'count' }, value: 1 },
    },
    limits,
  );
  const reader = new DumpReader(source, bytes, limits, builder);
  const cut = reader.read();
  reader.warnings();
  const atCap = isAtCap(bytes);
  // A goroutine is kept only when its end was seen: a blank line after it, or the end of a dump that was not
  // cut. When the dump was cut, the goroutine being read is dropped, even if its lines so far were whole:
  // its remaining frames (and its creator) are unknown, and a partial stack would form a group of its own.
  if (cut === null && !atCap) reader.endGoroutine();
  const groups = reader.groups;
  // Nothing read is no snapshot, cut or not (a CR-only dump is one unterminated line: a "cut" before any goroutine).
  if (groups.goroutines === 0) {
    throw malformedLine(source, reader.cursor, 'no complete goroutine (goroutine N [state]: followed by its frames) in the dump');
  }
  if (cut !== null || atCap) builder.truncated(truncationReason(cut, atCap, groups.goroutines), groups.goroutines);
  groups.addSamples(builder);
  return { snapshot: builder.build(), severalDumps: severalDumps(bytes, reader.cursor) };
}

/**
 * concat.ts's mayHoldSeveralDumps, answered from the lines the cursor passed (every line, when the dump read):
 * some `goroutine 1 [` anywhere, and a line after it that starts with one.
 */
function severalDumps(bytes: Buffer, cursor: ByteLineCursor): boolean {
  if (cursor.watched >= 2) return true;
  return cursor.watched === 1 && bytes.indexOf(MAIN_GOROUTINE) < cursor.firstWatched;
}

/**
 * A file of exactly 64 MiB is a dump the runtime stopped writing, even when the cut fell on a line end. The
 * size is that of the text as decoded, in UTF-8: a dump with invalid bytes (each become U+FFFD) measures
 * longer than it was, which only matters when its cut also fell on a line end. Valid UTF-8 measures what it is.
 */
function isAtCap(bytes: Buffer): boolean {
  // The decoded text has at most one UTF-16 unit per byte, and at least one per three bytes.
  if (bytes.length * 3 < DUMP_CAP_BYTES) return false;
  if (isUtf8(bytes)) return bytes.length === DUMP_CAP_BYTES;
  const text = bytes.toString('utf8');
  if (text.length > DUMP_CAP_BYTES || text.length * 3 < DUMP_CAP_BYTES) return false;
  return Buffer.byteLength(text, 'utf8') === DUMP_CAP_BYTES;
}

function goroutines(n: number): string {
  return n === 1 ? '1 goroutine' : `${n} goroutines`;
}

function truncationReason(cut: Cut, atCap: boolean, read: number): string {
  const why = atCap
    ? 'the dump is exactly 64 MiB, where the Go runtime stops writing goroutine?debug=2'
    : cut === 'mid-line'
      ? 'the dump ends mid-line'
      : 'the dump ends in the middle of a goroutine';
  return `${why}: read ${goroutines(read)} to the end, dropped the one that was cut; goroutines after the cut are missing`;
}

class DumpReader {
  readonly cursor: ByteLineCursor;
  readonly groups: GoroutineGroups;
  private readonly frames: DumpFrames;
  private readonly fields: DumpLineFields;
  /** What each distinct header state says, by the bytes between its brackets. */
  private readonly facts: SpanTable<HeaderFacts>;
  private state = State.Outside;
  /** The goroutine being read, -1 when none (or one being skipped: goroutine 0, a repeat). */
  private id = -1;
  private header: HeaderFacts | null = null;
  private inAncestors = false;
  /** Lines read after the current goroutine's header. */
  private bodyLines = 0;
  private readonly seen = new IdSet();
  private elidedGoroutines = 0;
  private unavailableStacks = 0;

  constructor(
    private readonly source: string,
    bytes: Buffer,
    private readonly limits: Limits,
    private readonly builder: SnapshotBuilder,
  ) {
    const text = new ByteText(bytes);
    this.cursor = new ByteLineCursor(bytes, source, limits.maxLineLength);
    this.cursor.watch(MAIN_GOROUTINE);
    this.groups = new GoroutineGroups(limits.maxStackDepth, source);
    this.frames = new DumpFrames(text, builder);
    this.fields = new DumpLineFields(bytes);
    this.facts = new SpanTable(text, headerFacts);
  }

  /** Read every line; says whether (and how) the text was cut before the current goroutine ended. */
  read(): Cut {
    const cursor = this.cursor;
    while (cursor.next()) {
      if (this.state === State.Outside) {
        // A last line without its newline outside a goroutine is a trailer (`exit status 2` pasted without
        // one) unless it is the start of the next goroutine.
        if (cursor.unterminated) return cursor.startsWith(GOROUTINE) ? 'mid-line' : null;
        if (cursor.startsWith(GOROUTINE)) this.startGoroutine();
      } else if (cursor.unterminated) {
        // A cut, unless it is the trailer `go run` prints after a crash, pasted without its newline.
        if (!EXIT_STATUS.test(cursor.line)) return 'mid-line';
        this.endGoroutine();
        return null;
      } else if (!this.stackLine()) {
        return cursor.unterminated ? 'mid-line' : 'mid-goroutine';
      }
    }
    // The runtime follows every header with at least one line, so a header at the very end was cut after.
    return this.state === State.Stack && this.bodyLines === 0 ? 'mid-goroutine' : null;
  }

  /** The cursor's line inside a goroutine; false when the text ended where a file line had to follow. */
  private stackLine(): boolean {
    const { cursor } = this;
    const { bytes, start, end } = cursor;
    let paren: number;
    this.bodyLines++;
    if (end === start) {
      this.endGoroutine();
    } else if (bytes[end - 1] === CLOSE_PAREN && (paren = argsOpen(bytes, start, end)) > start) {
      return this.frame(start, paren, end);
    } else if (bytes[start] === TAB) {
      this.tabLine();
    } else if (cursor.startsWith(CREATED_BY_WORDS)) {
      return this.createdBy();
    } else if (cursor.startsWith(DOTS) && ELIDED.test(cursor.line)) {
      if (!this.inAncestors && this.id > 0) this.elidedGoroutines++;
    } else if (cursor.startsWith(ORIGINATING) && ANCESTOR.test(cursor.line)) {
      // Ancestor tracebacks say where the goroutine's creators were; they are not its own stack.
      this.inAncestors = true;
    } else if (cursor.startsWith(GOROUTINE)) {
      this.endGoroutine();
      this.startGoroutine();
    } else {
      // Not a line a goroutine continues with: crash output after it (`exit status 2`, registers).
      this.endGoroutine();
    }
    return true;
  }

  /** The cursor's line, which starts with `goroutine `. */
  private startGoroutine(): void {
    const { cursor, fields } = this;
    const read = fields.header(cursor.start, cursor.end);
    const m = read ? null : GOROUTINE_HEADER.exec(cursor.line);
    if (!read && m === null) {
      // `goroutine 7 ...` or `... [state]:` can only be a header; other prose may mention a goroutine.
      const line = cursor.line;
      const digit = line.charCodeAt(10);
      if (line.endsWith(']:') || (digit >= 48 && digit <= 57)) throw malformedLine(this.source, cursor, 'not a goroutine header (goroutine N [state]:)');
      return;
    }
    const id = m === null ? fields.id : Number(m[1]);
    this.state = State.Stack;
    this.inAncestors = false;
    this.bodyLines = 0;
    // goroutine 0 is an M's system stack, which crash output prints for every thread; and a crash dump
    // can print the same goroutine twice (once as the one that crashed). Neither is another goroutine.
    this.id = id === 0 || this.seen.has(id) ? -1 : id;
    if (this.id < 0) return;
    this.seen.add(id);
    this.header = m === null ? this.facts.get(fields.start, fields.end) : headerFacts(m[2]);
    this.groups.begin();
  }

  /** `pkg.fn(args)`, [start, end), and on the next line `\tfile:line +0xoff`; false when the text ends between them. */
  private frame(start: number, paren: number, end: number): boolean {
    if (!this.nextFileLine()) return false;
    if (this.id > 0 && !this.inAncestors) this.groups.frame(this.frames.frame(start, paren, end, this.cursor.start));
    return true;
  }

  private createdBy(): boolean {
    const { cursor, fields } = this;
    const read = fields.createdBy(cursor.start, cursor.end);
    const m = read ? null : CREATED_BY.exec(cursor.line);
    if (!read && m === null) throw malformedLine(this.source, cursor, 'not a created-by line (created by pkg.fn [in goroutine N])');
    const { start, end } = fields;
    const creatorGoroutine = m === null ? fields.id : m[2] === undefined ? -1 : Number(m[2]);
    if (!this.nextFileLine()) return false;
    if (this.id > 0 && !this.inAncestors) {
      const frame = m === null ? this.frames.creator(start, end, cursor.start) : this.frames.namedCreator(m[1], cursor.start);
      this.groups.creator(frame, creatorGoroutine);
    }
    return true;
  }

  /** A tab line where a frame was expected: crash output's "stack unavailable", or damage. */
  private tabLine(): void {
    if (!this.cursor.line.includes(STACK_UNAVAILABLE)) throw malformedLine(this.source, this.cursor, 'a file line without the function line before it');
    if (this.id > 0) this.unavailableStacks++;
  }

  /** Move to the line after a function or created-by line, which must be its file line; false at a cut. */
  private nextFileLine(): boolean {
    const cursor = this.cursor;
    if (!cursor.next()) return false;
    // The last line without its newline (a file saved by an editor, a paste) is whole when its `+0x` offset
    // is there: only the offset, which carries no identity, could have been cut.
    if (cursor.unterminated && !(FILE_LINE_WITH_OFFSET.test(cursor.line) && this.frames.isFileLine(cursor.start, cursor.end))) return false;
    if (!this.frames.isFileLine(cursor.start, cursor.end)) {
      throw malformedLine(this.source, cursor, 'not a file line (\\tpath/file.go:N +0xoff) after a function line');
    }
    return true;
  }

  /** Close the goroutine being read (if any) into its group. */
  endGoroutine(): void {
    if (this.state === State.Stack && this.id > 0) {
      if (this.groups.goroutines >= this.limits.maxSamples) {
        throw new LimitError(this.source, 'decode', `more than ${this.limits.maxSamples} goroutines; raise ${LIMIT_FLAGS.maxSamples} if this dump is genuine`, {
          line: this.cursor.lineNo,
        });
      }
      this.groups.end(this.id, this.header!);
    }
    this.state = State.Outside;
    this.id = -1;
  }

  warnings(): void {
    if (this.elidedGoroutines > 0) {
      this.builder.warn(`goroutines whose stacks the runtime cut short (frames elided, too deep to print whole): ${this.elidedGoroutines}`);
    }
    if (this.unavailableStacks > 0) {
      this.builder.warn(`goroutines running on another thread, with no stack in the dump: ${this.unavailableStacks}`);
    }
  }
}

/** Ids from here on are kept in IdSet's Set: a bit set to 2^27 is 16 MiB at most. */
const ID_BITS_MAX = 1 << 27;

/**
 * The goroutine ids a dump has printed. Ids count up from 1 as goroutines are created, so most fit a bit set
 * (a dump of 60k goroutines spent a twentieth of its reading in a Set of numbers); any others go to a Set.
 */
class IdSet {
  private bits = new Uint8Array(1 << 13);
  private readonly others = new Set<number>();

  has(id: number): boolean {
    if (id >= ID_BITS_MAX) return this.others.has(id);
    const byte = id >>> 3;
    return byte < this.bits.length && (this.bits[byte] & (1 << (id & 7))) !== 0;
  }

  add(id: number): void {
    if (id >= ID_BITS_MAX) {
      this.others.add(id);
      return;
    }
    const byte = id >>> 3;
    if (byte >= this.bits.length) {
      let size = this.bits.length * 2;
      while (size <= byte) size *= 2;
      const bits = new Uint8Array(size);
      bits.set(this.bits);
      this.bits = bits;
    }
    this.bits[byte] |= 1 << (id & 7);
  }
}
