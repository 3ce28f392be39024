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
import { type LineCursor, malformedLine, parseCount } from './text-lines.js';

const HASH = 35; // '#'
const TAB = 9;

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
  if (!text.startsWith('0x') || text.length < 3) return Number.NaN;
  const n = Number(text);
  return Number.isNaN(n) ? Number.NaN : n;
}

/**
 * The symbol lines of one record, collected until the record ends and then interned as one stack.
 * Collecting first lets a frame be marked inlined: printStackRecord prints `func+off` relative to the entry
 * of the real (outermost) function, so consecutive frames of different functions with the same entry
 * (pc - off) were inlined into the frame after them. Go 1.19 gives each inlined frame its own PC; newer
 * runtimes repeat the PC; the entry test covers both, and recursion (same function) is not inlining.
 */
export class SymbolStack {
  private funcs: string[] = [];
  private files: string[] = [];
  private lines: number[] = [];
  private entries: number[] = [];
  private readonly indices: number[] = [];

  constructor(private readonly source: string) {}

  get length(): number {
    return this.funcs.length;
  }

  /** Add the cursor's `#\t` line; throws MalformedError quoting it when it is not a symbol line Go writes. */
  add(cursor: LineCursor): void {
    const line = cursor.line;
    const pcStart = skipTabs(line, 2);
    const pcEnd = line.indexOf('\t', pcStart);
    if (pcEnd < 0) {
      this.addUnnamed(cursor, line.slice(pcStart).trimEnd());
      return;
    }
    const pc = parseHex(line.slice(pcStart, pcEnd));
    const funcStart = skipTabs(line, pcEnd);
    const funcEnd = line.indexOf('\t', funcStart);
    const plus = funcEnd < 0 ? -1 : line.lastIndexOf('+0x', funcEnd);
    const colon = line.lastIndexOf(':');
    if (Number.isNaN(pc) || plus <= funcStart || colon < funcEnd) throw this.malformed(cursor);
    const offset = parseHex(line.slice(plus + 1, funcEnd));
    const lineNumber = parseCount(line.slice(colon + 1).trimEnd());
    if (Number.isNaN(offset) || Number.isNaN(lineNumber)) throw this.malformed(cursor);
    this.funcs.push(line.slice(funcStart, plus));
    this.files.push(line.slice(skipTabs(line, funcEnd), colon));
    this.lines.push(lineNumber);
    this.entries.push(pc - offset);
  }

  /**
   * `#\t0x4b2e`: the runtime had no symbol for this PC (printStackRecord prints the bare PC). PC 0 is how an
   * empty stack prints, and an empty stack has no frame; any other PC becomes a frame named by its address,
   * as pprof shows an address-only location.
   */
  private addUnnamed(cursor: LineCursor, pcText: string): void {
    const pc = parseHex(pcText);
    if (Number.isNaN(pc)) throw this.malformed(cursor);
    if (pc === 0) return;
    this.funcs.push(pcText);
    this.files.push('');
    this.lines.push(0);
    this.entries.push(Number.NaN);
  }

  private malformed(cursor: LineCursor): MalformedError {
    return malformedLine(this.source, cursor, 'not a symbol line (#\\tPC\\tfunction+offset\\tfile:line)');
  }

  /** Intern the collected frames through the builder, leaf first, and start a new stack. */
  take(builder: SnapshotBuilder): readonly number[] {
    const { funcs, files, lines, entries, indices } = this;
    indices.length = 0;
    const n = funcs.length;
    for (let i = 0; i < n; i++) {
      const inlined = i + 1 < n && entries[i] === entries[i + 1] && funcs[i] !== funcs[i + 1];
      indices.push(builder.frame(funcs[i], files[i], lines[i], inlined));
    }
    funcs.length = 0;
    files.length = 0;
    lines.length = 0;
    entries.length = 0;
    return indices;
  }
}

/**
 * printStackRecord prints at least one `#` line for every record, so a record with addresses and no `#` line
 * means the file was never symbolized (or another tool wrote it). The first record decides which error fits:
 * none symbolized is a profile leakdiff cannot use; one unsymbolized record among symbolized ones is damage.
 */
export function checkSymbolized(source: string, stack: SymbolStack, hasAddresses: boolean, isFirstRecord: boolean, lineNo: number): void {
  if (stack.length > 0 || !hasAddresses) return;
  if (isFirstRecord) {
    throw new UnsupportedError(source, 'decode', 'the profile is not symbolized: its records carry addresses but no `#` symbol lines, so there are no function names; capture it from a Go program with ?debug=1, or use the protobuf form (?debug=0)', { line: lineNo });
  }
  throw new MalformedError(source, 'decode', 'a record has addresses but no `#` symbol lines, unlike the records before it', { line: lineNo });
}
