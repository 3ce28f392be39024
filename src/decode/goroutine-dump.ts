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
// goroutine ends it. The state machine is line-oriented, as in panicparse; frame and file lines (nearly all
// of a dump) are recognised with character tests, the rarer lines with the regexes below.

import { LimitError } from '../errors.js';
import { LIMIT_FLAGS, type Limits } from '../limits.js';
import { FORMS } from '../forms.js';
import type { Snapshot } from '../model.js';
import { SnapshotBuilder } from './builder.js';
import { DumpFrames, argsOpen } from './dump-frames.js';
import { GoroutineGroups } from './goroutine-groups.js';
import { LineCursor, type Sniff, malformedLine } from './text-lines.js';

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

export function parseGoroutineDump(source: string, text: string, limits: Limits): Snapshot {
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
  const reader = new DumpReader(source, text, limits, builder);
  const cut = reader.read();
  reader.warnings();
  const atCap = isAtCap(text);
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
  return builder.build();
}

/**
 * A file of exactly 64 MiB is a dump the runtime stopped writing, even when the cut fell on a line end. The
 * size is the text's UTF-8 length: a dump with invalid bytes (decoded to U+FFFD) measures longer than it was,
 * which only matters when its cut also fell on a line end.
 */
function isAtCap(text: string): boolean {
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
  readonly cursor: LineCursor;
  readonly groups: GoroutineGroups;
  private readonly frames: DumpFrames;
  private state = State.Outside;
  /** The goroutine being read, -1 when none (or one being skipped: goroutine 0, a repeat). */
  private id = -1;
  private header = '';
  private inAncestors = false;
  /** Lines read after the current goroutine's header. */
  private bodyLines = 0;
  private readonly seen = new Set<number>();
  private elidedGoroutines = 0;
  private unavailableStacks = 0;

  constructor(
    private readonly source: string,
    text: string,
    private readonly limits: Limits,
    private readonly builder: SnapshotBuilder,
  ) {
    this.cursor = new LineCursor(text, source, limits.maxLineLength);
    this.groups = new GoroutineGroups(limits.maxStackDepth, source);
    this.frames = new DumpFrames(builder);
  }

  /** Read every line; says whether (and how) the text was cut before the current goroutine ended. */
  read(): Cut {
    const cursor = this.cursor;
    while (cursor.next()) {
      if (this.state === State.Outside) {
        // A last line without its newline outside a goroutine is a trailer (`exit status 2` pasted without
        // one) unless it is the start of the next goroutine.
        if (cursor.unterminated) return cursor.line.startsWith('goroutine ') ? 'mid-line' : null;
        this.outside(cursor.line);
      } else if (cursor.unterminated) {
        // A cut, unless it is the trailer `go run` prints after a crash, pasted without its newline.
        if (!EXIT_STATUS.test(cursor.line)) return 'mid-line';
        this.endGoroutine();
        return null;
      } else if (!this.stackLine(cursor.line)) {
        return cursor.unterminated ? 'mid-line' : 'mid-goroutine';
      }
    }
    // The runtime follows every header with at least one line, so a header at the very end was cut after.
    return this.state === State.Stack && this.bodyLines === 0 ? 'mid-goroutine' : null;
  }

  private outside(line: string): void {
    if (line.startsWith('goroutine ')) this.startGoroutine(line);
  }

  /** One line inside a goroutine; false when the text ended where a file line had to follow. */
  private stackLine(line: string): boolean {
    let paren: number;
    this.bodyLines++;
    if (line.length === 0) {
      this.endGoroutine();
    } else if (line.charCodeAt(line.length - 1) === CLOSE_PAREN && (paren = argsOpen(line)) > 0) {
      return this.frame(line, paren);
    } else if (line.charCodeAt(0) === TAB) {
      this.tabLine(line);
    } else if (line.startsWith('created by')) {
      return this.createdBy(line);
    } else if (line.startsWith('...') && ELIDED.test(line)) {
      if (!this.inAncestors && this.id > 0) this.elidedGoroutines++;
    } else if (line.startsWith('[originating from goroutine ') && ANCESTOR.test(line)) {
      // Ancestor tracebacks say where the goroutine's creators were; they are not its own stack.
      this.inAncestors = true;
    } else if (line.startsWith('goroutine ')) {
      this.endGoroutine();
      this.startGoroutine(line);
    } else {
      // Not a line a goroutine continues with: crash output after it (`exit status 2`, registers).
      this.endGoroutine();
    }
    return true;
  }

  private startGoroutine(line: string): void {
    const m = GOROUTINE_HEADER.exec(line);
    if (m === null) {
      // `goroutine 7 ...` or `... [state]:` can only be a header; other prose may mention a goroutine.
      const digit = line.charCodeAt(10);
      if (line.endsWith(']:') || (digit >= 48 && digit <= 57)) throw malformedLine(this.source, this.cursor, 'not a goroutine header (goroutine N [state]:)');
      return;
    }
    const id = Number(m[1]);
    this.state = State.Stack;
    this.inAncestors = false;
    this.bodyLines = 0;
    // goroutine 0 is an M's system stack, which crash output prints for every thread; and a crash dump
    // can print the same goroutine twice (once as the one that crashed). Neither is another goroutine.
    this.id = id === 0 || this.seen.has(id) ? -1 : id;
    if (this.id < 0) return;
    this.seen.add(id);
    this.header = m[2];
    this.groups.begin();
  }

  /** `pkg.fn(args)` and, on the next line, `\tfile:line +0xoff`; false when the text ends between them. */
  private frame(line: string, paren: number): boolean {
    const fileLine = this.nextFileLine();
    if (fileLine === null) return false;
    if (this.id > 0 && !this.inAncestors) this.groups.frame(this.frames.frame(line, paren, fileLine));
    return true;
  }

  private createdBy(line: string): boolean {
    const m = CREATED_BY.exec(line);
    if (m === null) throw malformedLine(this.source, this.cursor, 'not a created-by line (created by pkg.fn [in goroutine N])');
    const fileLine = this.nextFileLine();
    if (fileLine === null) return false;
    if (this.id > 0 && !this.inAncestors) this.groups.creator(this.frames.creator(m[1], fileLine), m[2] === undefined ? -1 : Number(m[2]));
    return true;
  }

  /** A tab line where a frame was expected: crash output's "stack unavailable", or damage. */
  private tabLine(line: string): void {
    if (!line.includes(STACK_UNAVAILABLE)) throw malformedLine(this.source, this.cursor, 'a file line without the function line before it');
    if (this.id > 0) this.unavailableStacks++;
  }

  /** The line after a function or created-by line, which must be its file line; null at a cut. */
  private nextFileLine(): string | null {
    const cursor = this.cursor;
    if (!cursor.next()) return null;
    // The last line without its newline (a file saved by an editor, a paste) is whole when its `+0x` offset
    // is there: only the offset, which carries no identity, could have been cut.
    if (cursor.unterminated && !(FILE_LINE_WITH_OFFSET.test(cursor.line) && this.frames.isFileLine(cursor.line))) return null;
    if (!this.frames.isFileLine(cursor.line)) {
      throw malformedLine(this.source, cursor, 'not a file line (\\tpath/file.go:N +0xoff) after a function line');
    }
    return cursor.line;
  }

  /** Close the goroutine being read (if any) into its group. */
  endGoroutine(): void {
    if (this.state === State.Stack && this.id > 0) {
      if (this.groups.goroutines >= this.limits.maxSamples) {
        throw new LimitError(this.source, 'decode', `more than ${this.limits.maxSamples} goroutines; raise ${LIMIT_FLAGS.maxSamples} if this dump is genuine`, {
          line: this.cursor.lineNo,
        });
      }
      this.groups.end(this.id, this.header);
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
