// The `#` symbol lines that Go's debug=1 text profiles (heap, goroutine, threadcreate, custom count profiles)
// print under each record, leaf first (runtime/pprof printStackRecord):
//
//	#	0x4edc0b	main.allocBig+0x2b	/src/app/main.go:30
//	#	0x0
//
// The first form is one frame: PC, function+offset from the function's entry, file:line. The second is a PC
// the runtime could not name; PC 0 is what an empty stack prints. pprof's own legacy reader throws these lines
// away and keeps the addresses; they are the only place the text forms name functions, so we keep them.
// text/tabwriter aligns the columns by padding with more tabs, so fields are separated by runs of tabs.

import { MalformedError, UnsupportedError } from '../errors.js';
import type { SnapshotBuilder } from './builder.js';
import { type LineCursor, detach, lastIndexOfCode, malformedLine, parseCount } from './text-lines.js';

const HASH = 35; // '#'
const TAB = 9;
const PLUS = 43;
const COLON = 58;

/** Does this line start with `#\t`, i.e. is it a symbol line rather than a `# labels:` or `# runtime.MemStats` line? */
export function isSymbolLine(line: string): boolean {
  return line.charCodeAt(0) === HASH && line.charCodeAt(1) === TAB;
}

function skipTabs(line: string, pos: number): number {
  while (line.charCodeAt(pos) === TAB) pos++;
  return pos;
}

/** A hex number as Go's %#x writes it (`0x4edc0b`); NaN when it is not one. */
function parseHex(text: string): number {
  return text.startsWith('0x') && text.length > 2 ? Number(text) : Number.NaN;
}

/** One distinct symbol line, parsed once; the builder's index for it, inlined or not, once known. */
interface SymbolLine {
  readonly func: string;
  readonly file: string;
  readonly line: number;
  /** The function's entry (pc - offset); NaN for a PC without a symbol. */
  readonly entry: number;
  index: number;
  inlinedIndex: number;
}

/**
 * The symbol lines of one record, collected until the record ends and then interned as one stack.
 * Collecting first lets a frame be marked inlined: printStackRecord prints `func+off` relative to the entry
 * of the real (outermost) function, so consecutive frames of different functions with the same entry
 * (pc - off) were inlined into the frame after them. Go 1.19 gives each inlined frame its own PC; newer
 * runtimes repeat the PC; the entry test covers both, and recursion (same function) is not inlining.
 * A 125 MB heap profile repeats a few thousand distinct lines over a million times, so each line is parsed
 * once and looked up by its text after that.
 */
export class SymbolStack {
  private readonly symbols = new Map<string, SymbolLine>();
  private readonly stack: SymbolLine[] = [];
  private readonly indices: number[] = [];

  constructor(private readonly source: string) {}

  get length(): number {
    return this.stack.length;
  }

  /** Add the cursor's `#\t` line; throws MalformedError quoting it when it is not a symbol line Go writes. */
  add(cursor: LineCursor): void {
    let symbol = this.symbols.get(cursor.line);
    if (symbol === undefined) {
      symbol = this.parse(cursor);
      this.symbols.set(cursor.line, symbol);
    }
    // An empty stack prints as `#\t0x0`, which is no frame.
    if (symbol.func !== '') this.stack.push(symbol);
  }

  private parse(cursor: LineCursor): SymbolLine {
    const line = cursor.line;
    const pcStart = skipTabs(line, 2);
    const pcEnd = line.indexOf('\t', pcStart);
    if (pcEnd < 0) return this.parseUnnamed(cursor, line.slice(pcStart).trimEnd());
    const pc = parseHex(line.slice(pcStart, pcEnd));
    const funcStart = skipTabs(line, pcEnd);
    const funcEnd = line.indexOf('\t', funcStart);
    const plus = funcEnd < 0 ? -1 : lastIndexOfCode(line, PLUS, funcEnd);
    const colon = lastIndexOfCode(line, COLON);
    if (Number.isNaN(pc) || plus <= funcStart || colon < funcEnd) throw this.malformed(cursor);
    const offset = parseHex(line.slice(plus + 1, funcEnd));
    const lineNumber = parseCount(line.slice(colon + 1).trimEnd());
    if (Number.isNaN(offset) || Number.isNaN(lineNumber)) throw this.malformed(cursor);
    const file = detach(line.slice(skipTabs(line, funcEnd), colon));
    return { func: detach(line.slice(funcStart, plus)), file, line: lineNumber, entry: pc - offset, index: -1, inlinedIndex: -1 };
  }

  /**
   * `#\t0x4b2e`: the runtime had no symbol for this PC (printStackRecord prints the bare PC). PC 0 is how an
   * empty stack prints, and an empty stack has no frame; any other PC becomes a frame named by its address,
   * as pprof shows an address-only location.
   */
  private parseUnnamed(cursor: LineCursor, pcText: string): SymbolLine {
    const pc = parseHex(pcText);
    if (Number.isNaN(pc)) throw this.malformed(cursor);
    if (pc === 0) return { func: '', file: '', line: 0, entry: 0, index: -1, inlinedIndex: -1 };
    return { func: detach(pcText), file: '', line: 0, entry: Number.NaN, index: -1, inlinedIndex: -1 };
  }

  private malformed(cursor: LineCursor): MalformedError {
    return malformedLine(this.source, cursor, 'not a symbol line (#\\tPC\\tfunction+offset\\tfile:line)');
  }

  /** Intern the collected frames through the builder, leaf first, and start a new stack. */
  take(builder: SnapshotBuilder): readonly number[] {
    const { stack, indices } = this;
    indices.length = 0;
    const n = stack.length;
    for (let i = 0; i < n; i++) {
      const s = stack[i];
      const next = i + 1 < n ? stack[i + 1] : null;
      if (next !== null && s.entry === next.entry && s.func !== next.func) {
        if (s.inlinedIndex < 0) s.inlinedIndex = builder.frame(s.func, s.file, s.line, true);
        indices.push(s.inlinedIndex);
      } else {
        if (s.index < 0) s.index = builder.frame(s.func, s.file, s.line, false);
        indices.push(s.index);
      }
    }
    stack.length = 0;
    return indices;
  }
}

/** How many addresses a record's `@ 0x.. 0x..` list holds (the record regexes have checked its shape). */
export function countAddresses(list: string): number {
  let n = 0;
  for (let i = list.indexOf('0x'); i >= 0; i = list.indexOf('0x', i + 2)) n++;
  return n;
}

/**
 * printStackRecord prints a `#` line for every frame but runtime.goexit, which it always hides. So a record
 * of one address and no `#` line is real Go output: a goroutine created but not yet run, whose only frame is
 * goexit (seen in Go 1.19 goroutine?debug=1 captures: `1 @ 0x46c3e1`); it is kept with an empty stack, as
 * the protobuf form keeps it. A record of several addresses and no `#` line means the file was never
 * symbolized (or another tool wrote it). The first record decides which error fits: none symbolized is a
 * profile leakdiff cannot use; one unsymbolized record among symbolized ones is damage.
 */
export function checkSymbolized(source: string, stack: SymbolStack, addressCount: number, isFirstRecord: boolean, lineNo: number): void {
  if (stack.length > 0 || addressCount <= 1) return;
  if (isFirstRecord) {
    throw new UnsupportedError(
      source,
      'decode',
      'the profile is not symbolized: its records carry addresses but no `#` symbol lines, so there are no function names; capture it from a Go program with ?debug=1, or use the protobuf form (?debug=0)',
      { line: lineNo },
    );
  }
  throw new MalformedError(source, 'decode', 'a record has addresses but no `#` symbol lines, unlike the records before it', { line: lineNo });
}
