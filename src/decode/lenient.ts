// The lenient reader: Go text forms as people paste them. Asked only after the strict forms did not read
// (decode/index.ts), it cleans the text up (paste.ts), splits a file of several profiles (concat.ts), trims
// what lies around each profile, supplies a lost debug=1 header, drops a last record the paste cut, and hands
// each profile to the same strict parser a machine-written file gets. What it changed comes back as typed
// repairs on the Snapshot and as sentences in its warnings. Errors point at the user's input lines.

import { LeakdiffError, MalformedError, type Stage, type Where } from '../errors.js';
import type { Limits } from '../limits.js';
import type { ProfilePart, Repair, Snapshot } from '../model.js';
import { type Concatenation, type PasteForm, type Span, isTimeLine, judgeParts, splitProfiles } from './concat.js';
import { goroutineHeaderId, parseGoroutineDump } from './goroutine-dump.js';
import { countRecord, isCountHeader, parseGoroutineText } from './goroutine-text.js';
import { heapRecordAddresses, isHeapHeader, parseHeapText } from './heap-text.js';
import { unwrapJson } from './json-wrapped.js';
import { type PasteLines, TABBED_SYMBOL, cleanUp, repairText, restoreTabs } from './paste.js';

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

export interface PastedRead {
  readonly parts: readonly Snapshot[];
  /** Set when the file held several profiles. */
  readonly concatenation: Concatenation | null;
}

/** Read pasted text; null when, cleaned up, it still holds no Go text form. */
export function readPasted(source: string, text: string, limits: Limits): PastedRead | null {
  // Text a person pasted holds no control characters but tab, CR and LF: anything else is binary damage.
  if (CONTROL.test(text)) return null;
  const { paste, repairs } = cleanUp(text, unwrapJson(text));
  restoreTabs(paste, repairs);
  const form = formOf(paste.lines);
  if (form === null) return null;
  const spans = splitProfiles(paste, form);
  const parts = spans.map((span, i) => {
    const last = i === spans.length - 1;
    const part: ProfilePart | null = spans.length === 1 ? null : { index: i + 1, of: spans.length, line: paste.origin[span.header] };
    return readSpan(source, paste, span, form, last ? paste.terminated : true, [...repairs], part, limits);
  });
  return { parts, concatenation: parts.length > 1 ? judgeParts(parts) : null };
}

/** Which form the cleaned lines hold: a goroutine header anywhere makes a dump (crash output has a prelude). */
function formOf(lines: readonly string[]): PasteForm | null {
  let count = false;
  let heap = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.startsWith('goroutine ') && goroutineHeaderId(l) !== null) return 'goroutine-dump';
    if (isHeapHeader(l)) heap = true;
    else if (isCountHeader(l) || (countRecord(l)?.addresses ?? 0) > 0) count = true;
  }
  return heap ? 'heap-text' : count ? 'count' : null;
}

/** The text handed to a strict parser, with the input line of each of its lines. */
interface Built {
  readonly lines: readonly string[];
  readonly origin: readonly number[];
  readonly terminated: boolean;
  /** Index in `lines` where the last record (or goroutine) starts, -1 when there is none. */
  readonly lastRecord: number;
  /** Goroutines in the last record (undefined for heap records). */
  readonly lastCount: number | undefined;
  readonly records: number;
  readonly headerMissing: boolean;
  /** What shaping the span repaired or skipped. */
  readonly repairs: readonly Repair[];
}

function readSpan(
  source: string,
  paste: PasteLines,
  span: Span,
  form: PasteForm,
  terminated: boolean,
  cleanup: readonly Repair[],
  part: ProfilePart | null,
  limits: Limits,
): Snapshot {
  const shape = (drop: Repair | null): Built =>
    form === 'goroutine-dump' ? dumpLines(paste, span, terminated, drop) : recordLines(paste, span, form, terminated, drop);
  let built = shape(null);
  let snapshot: Snapshot;
  try {
    snapshot = parse(source, form, built, limits);
  } catch (err) {
    // One bad trailing record does not cost the rest: drop it, say so, read again (once).
    const line = err instanceof MalformedError ? lineOf(err.where) : 0;
    if (built.records < 2 || line <= built.lastRecord) throw remap(err, built.origin);
    built = shape({
      kind: 'record-skipped',
      lines: built.lines.length - built.lastRecord,
      firstLine: built.origin[built.lastRecord],
      goroutines: built.lastCount,
      detail: (err as MalformedError).detail,
    });
    try {
      snapshot = parse(source, form, built, limits);
    } catch (again) {
      throw remap(again, built.origin);
    }
  }
  const repairs = [...cleanup, ...built.repairs];
  return {
    ...snapshot,
    declaredTotal: built.headerMissing ? null : snapshot.declaredTotal,
    // The loop's own `date` lines first; else when the logger wrote the dump (its lines' prefix).
    timeMs: snapshot.timeMs ?? span.timeMs ?? span.loggedMs,
    warnings: [...repairs.map(repairText), ...snapshot.warnings],
    repairs,
    part,
  };
}

function parse(source: string, form: PasteForm, built: Built, limits: Limits): Snapshot {
  const text = built.lines.join('\n') + (built.terminated && built.lines.length > 0 ? '\n' : '');
  if (form === 'goroutine-dump') return parseGoroutineDump(source, text, limits);
  return form === 'count' ? parseGoroutineText(source, text, limits) : parseHeapText(source, text, limits);
}

/**
 * A dump's span as is: the dump parser skips prelude and trailers and knows a cut goroutine when it sees
 * one. `drop` drops the last goroutine (it did not read) and says so.
 */
function dumpLines(paste: PasteLines, span: Span, terminated: boolean, drop: Repair | null): Built {
  let lines = paste.lines.slice(span.start, span.end);
  let origin = paste.origin.slice(span.start, span.end);
  const headers: number[] = [];
  for (let i = 0; i < lines.length; i++) if (lines[i].startsWith('goroutine ') && goroutineHeaderId(lines[i]) !== null) headers.push(i);
  if (drop !== null && headers.length > 0) {
    const cut = headers.pop()!;
    lines = lines.slice(0, cut);
    origin = origin.slice(0, cut);
  }
  const built = { lastRecord: headers.at(-1) ?? -1, lastCount: 1, records: headers.length, headerMissing: false, repairs: drop === null ? [] : [drop] };
  return { ...built, lines, origin, terminated: drop === null ? terminated : true };
}

// # labels: {"k":"v"}   # runtime.MemStats   # Alloc = 2268568   (and every symbol line)
const isHashLine = (l: string): boolean => l.startsWith('#');
// A symbol line, spaced or tabbed, possibly cut: `#\t0x4edf86\tmain.re`
const SYMBOL_START = /^#[ \t]+0x/;

/**
 * A debug=1 (or heap) span trimmed to its profile: lines before the header or first record and after the
 * last record's lines are skipped (log output), a last record the paste cut is dropped, and a missing
 * goroutine header is supplied with the records' own total. `drop` drops the last record (it did not read).
 */
function recordLines(paste: PasteLines, span: Span, form: PasteForm, terminated: boolean, drop: Repair | null): Built {
  const { lines, origin } = paste;
  const repairs: Repair[] = [];
  const isHeader = form === 'heap-text' ? isHeapHeader : isCountHeader;
  const recordOf = (l: string): { count: number | undefined; addresses: number } | null => {
    if (form === 'heap-text') {
      const n = heapRecordAddresses(l);
      return n === null ? null : { count: undefined, addresses: n };
    }
    return countRecord(l);
  };
  let first = span.start;
  while (first < span.end && !isHeader(lines[first]) && recordOf(lines[first]) === null) first++;
  let last = first;
  for (let i = first; i < span.end; i++) if (isHeader(lines[i]) || isHashLine(lines[i]) || recordOf(lines[i]) !== null) last = i;
  noteSkipped(paste, span.start, first, 'before the profile', span.timeMs !== null, repairs);
  noteSkipped(paste, last + 1, span.end, 'after the profile', span.timeMs !== null, repairs);
  // A record starts at every line of the body that is no `#` line, read or not: a record line the paste
  // mangled (`x @ 0x..`) is where the record to drop starts, not part of the one before it.
  const records: { at: number; count: number | undefined; addresses: number }[] = [];
  for (let i = first; i <= last; i++) {
    const l = lines[i];
    if (l === '' || isHashLine(l) || isHeader(l)) continue;
    records.push({ at: i, ...(recordOf(l) ?? { count: undefined, addresses: 0 }) });
  }
  const lastRecord = records.at(-1);
  if (lastRecord !== undefined && isCut(lines, lastRecord, last, records.length, terminated || last < span.end - 1)) {
    repairs.push({ kind: 'last-record-cut', lines: last - lastRecord.at + 1, firstLine: origin[lastRecord.at], goroutines: lastRecord.count });
    records.pop();
    last = lastRecord.at - 1;
  } else if (drop !== null && lastRecord !== undefined) {
    repairs.push(drop);
    records.pop();
    last = lastRecord.at - 1;
  }
  const headerMissing = form === 'count' && first <= last && !isHeader(lines[first]);
  const body = lines.slice(first, last + 1);
  const bodyOrigin = origin.slice(first, last + 1);
  const kept = records.at(-1);
  const built = { terminated: true, lastCount: kept?.count, records: records.length, headerMissing, repairs };
  if (!headerMissing) return { ...built, lastRecord: kept === undefined ? -1 : kept.at - first, lines: body, origin: bodyOrigin };
  const total = records.reduce((sum, r) => sum + (r.count ?? 0), 0);
  repairs.push({ kind: 'header-missing', lines: 0, firstLine: origin[first], goroutines: total });
  return {
    ...built,
    lastRecord: kept === undefined ? -1 : kept.at - first + 1,
    lines: [`goroutine profile: total ${total}`, ...body],
    origin: [origin[first], ...bodyOrigin],
  };
}

/**
 * Was the last record cut by the paste? Its last line is a symbol line the cut left incomplete (only when no
 * line break followed it), or it lists several addresses and has no symbol line where the records before it
 * all have theirs.
 */
function isCut(lines: readonly string[], record: { at: number; addresses: number }, last: number, records: number, lastLineEnded: boolean): boolean {
  const end = lines[last];
  if (!lastLineEnded && SYMBOL_START.test(end) && !TABBED_SYMBOL.test(end)) return true;
  let symbols = 0;
  for (let i = record.at + 1; i <= last; i++) if (lines[i].startsWith('#\t')) symbols++;
  return symbols === 0 && record.addresses > 1 && records > 1;
}

function noteSkipped(paste: PasteLines, from: number, to: number, where: string, timed: boolean, repairs: Repair[]): void {
  let count = 0;
  let first = 0;
  for (let i = from; i < to; i++) {
    const l = paste.lines[i];
    if (l.trim() === '' || (timed && isTimeLine(l))) continue;
    if (count++ === 0) first = paste.origin[i];
  }
  if (count > 0) repairs.push({ kind: 'lines-skipped', lines: count, firstLine: first, detail: where });
}

function lineOf(where: Where): number {
  return where !== null && 'line' in where ? where.line : 0;
}

/** The same error, pointing at the user's input line instead of the repaired text's. */
function remap(err: unknown, origin: readonly number[]): unknown {
  if (!(err instanceof LeakdiffError)) return err;
  const line = lineOf(err.where);
  if (line <= 0 || line > origin.length) return err;
  const Ctor = err.constructor as new (file: string | null, stage: Stage, detail: string, where: Where) => LeakdiffError;
  return new Ctor(err.file, err.stage, err.detail, { line: origin[line - 1] });
}
