// Several profiles written into one file, one after another: a capture loop
// (`while sleep 60; do date; curl .../goroutine?debug=1; done >> dump.txt`), or two processes' dumps pasted
// together. Each is split out and read on its own; whether they come from one program (a series) or from
// different programs (never to be merged) is judged from what they name, and capture times are taken from
// the lines the loop wrote between them when it wrote any.

import type { Snapshot } from '../model.js';
import { goroutineHeaderId } from './goroutine-dump.js';
import { isCountHeader } from './goroutine-text.js';
import { isHeapHeader } from './heap-text.js';
import type { PasteLines } from './paste.js';

export type PasteForm = 'goroutine-dump' | 'count' | 'heap-text';

/** One profile's lines within the file: [start, end) of the cleaned lines. */
export interface Span {
  readonly start: number;
  readonly end: number;
  /** The line of its header (or its first goroutine), for the report. */
  readonly header: number;
  /** A capture time the file wrote beside this profile (a `date` line), or null. */
  readonly timeMs: number | null;
  /** When a logger wrote its header line (or its first line that says), from the lines' log prefix; or null. */
  readonly loggedMs: number | null;
}

/** Where each profile of the file begins (its header line), one entry when the file holds one. */
export function splitProfiles(paste: PasteLines, form: PasteForm): Span[] {
  const starts = form === 'goroutine-dump' ? dumpStarts(paste.lines) : headerStarts(paste.lines, form);
  if (starts.length <= 1) {
    const header = starts[0] ?? 0;
    return [{ start: 0, end: paste.lines.length, header, timeMs: null, loggedMs: loggedAt(paste, header, 0, paste.lines.length) }];
  }
  const bounds = starts.map((s, i) => ({ start: i === 0 ? 0 : s, end: i + 1 < starts.length ? starts[i + 1] : paste.lines.length, header: s }));
  const times = captureTimes(paste.lines, starts);
  return bounds.map((b, i) => ({ ...b, timeMs: times[i], loggedMs: loggedAt(paste, b.header, b.start, b.end) }));
}

/** The log time of the header line, else of the span's first line that has one. */
function loggedAt(paste: PasteLines, header: number, start: number, end: number): number | null {
  const logged = paste.loggedMs;
  if (logged === undefined) return null;
  if (logged[header] !== null && logged[header] !== undefined) return logged[header];
  for (let i = start; i < end; i++) if (logged[i] !== null) return logged[i];
  return null;
}

function headerStarts(lines: readonly string[], form: PasteForm): number[] {
  const isHeader = form === 'heap-text' ? isHeapHeader : isCountHeader;
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) if (isHeader(lines[i])) out.push(i);
  return out;
}

/**
 * A new dump starts where goroutine ids start over: a header whose id this dump already printed. Go prints
 * first the goroutine that writes the dump (or crashed), `[running]`, so the new dump starts at the last
 * `[running]` header before the repeated id. A crash may print the crashed goroutine again among all the
 * others, so the first goroutine of a dump coming back is not a new dump.
 */
function dumpStarts(lines: readonly string[]): number[] {
  const out: number[] = [];
  let segment: { at: number; id: number; running: boolean }[] = [];
  let seen = new Set<number>();
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('goroutine ')) continue;
    const id = goroutineHeaderId(lines[i]);
    if (id === null) continue;
    if (out.length === 0) out.push(i);
    if (seen.has(id) && id !== segment[0].id && seen.size >= 2) {
      let k = segment.length - 1;
      while (k > 0 && !segment[k].running) k--;
      if (k === 0) k = segment.length;
      const start = k < segment.length ? segment[k].at : i;
      out.push(start);
      segment = segment.slice(k);
      seen = new Set(segment.map((g) => g.id));
    }
    segment.push({ at: i, id, running: lines[i].endsWith('[running]:') });
    seen.add(id);
  }
  return out;
}

/**
 * A cheap test on the whole text, for the strict path: could this debug=2 text hold more than one dump? The
 * byte reader answers the same from the lines it passes (goroutine-dump.ts severalDumps); this is asked only
 * when it stopped before the end.
 */
export function mayHoldSeveralDumps(text: string): boolean {
  // Every full dump prints goroutine 1 (main); a second `goroutine 1 [` is the signal worth a closer look.
  const first = text.indexOf('goroutine 1 [');
  return first >= 0 && text.indexOf('\ngoroutine 1 [', first + 1) >= 0;
}

// 2026-12-01T13:41:00Z   2026-12-01 13:41:00.123+01:00       (a time with its zone, anywhere on a short line)
const ISO_TIME = /\b(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})\b/;
// Tue Dec  1 13:41:00 UTC 2026                               (`date` in the C locale, UTC)
const DATE_OUTPUT = /^[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} (?:UTC|GMT) \d{4}$/;
// 1764596460                                                 (`date +%s`)
const EPOCH = /^1\d{9}$/;

/** A capture time a loop wrote on its own line, or null. A time without a zone is not taken: its zone is unknown. */
export function lineTime(line: string): number | null {
  const l = line.trim();
  if (l.length === 0 || l.length > 100) return null;
  if (EPOCH.test(l)) return Number(l) * 1000;
  if (DATE_OUTPUT.test(l)) return Date.parse(l);
  const m = ISO_TIME.exec(l);
  if (m === null) return null;
  const zone = m[3] === 'Z' ? 'Z' : m[3].includes(':') ? m[3] : `${m[3].slice(0, 3)}:${m[3].slice(3)}`;
  const ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * Times written next to each profile: the last time line in the gap before each header (a loop running
 * `date; curl ...`), else the first in the gap after each profile's body (`curl ...; date`). Used only when
 * every profile has one; a partial set would mix stated and made-up times.
 */
function captureTimes(lines: readonly string[], starts: readonly number[]): (number | null)[] {
  const before = starts.map((s, i) => timeBefore(lines, s, i === 0 ? 0 : starts[i - 1] + 1));
  if (before.every((t) => t !== null)) return before;
  const after = starts.map((s, i) => timeAfter(lines, s + 1, i + 1 < starts.length ? starts[i + 1] : lines.length));
  if (after.every((t) => t !== null)) return after;
  return starts.map(() => null);
}

/** The last line before `header` (not before `floor`) that is only a time, looking back over non-profile lines. */
function timeBefore(lines: readonly string[], header: number, floor: number): number | null {
  for (let i = header - 1, looked = 0; i >= floor && looked < 3; i--) {
    if (lines[i].trim() === '') continue;
    looked++;
    const t = lineTime(lines[i]);
    if (t !== null) return t;
  }
  return null;
}

/** The last non-blank line before the next header (or the end), when it is only a time. */
function timeAfter(lines: readonly string[], from: number, to: number): number | null {
  for (let i = to - 1; i >= from; i--) if (lines[i].trim() !== '') return lineTime(lines[i]);
  return null;
}

/** Is the line a time a loop wrote between profiles (so no log line of the profile's own)? */
export function isTimeLine(line: string): boolean {
  return lineTime(line) !== null;
}

/** What the parts of a file of several profiles are: one program's series, or different programs. */
export interface Concatenation {
  readonly parts: number;
  /** True when every part names the same program (the same `main` package files, or mostly the same functions). */
  readonly sameProgram: boolean;
  /** What identifies each part's program, for the sentence that says they differ. */
  readonly programs: readonly string[];
  /** True when every part got a capture time from the lines between them. */
  readonly timed: boolean;
}

export function judgeParts(parts: readonly Snapshot[]): Concatenation {
  const programs = parts.map(programOf);
  const sameProgram = parts.every((p, i) => i === 0 || sameProgramAs(parts[0], programs[0], p, programs[i]));
  return { parts: parts.length, sameProgram, programs: programs.map((p) => p.label), timed: parts.every((p) => p.timeMs !== null) };
}

interface Program {
  /** Files of `main.*` functions: what a program's own main package is. */
  readonly mainFiles: ReadonlySet<string>;
  readonly label: string;
}

function programOf(s: Snapshot): Program {
  const mainFiles = new Set<string>();
  for (const f of s.frames) if (f.function.startsWith('main.') && f.file !== '') mainFiles.add(f.file);
  const files = [...mainFiles].sort();
  return { mainFiles, label: files.length === 0 ? 'no main package frames' : `main in ${files[0]}${files.length > 1 ? ` (+${files.length - 1} files)` : ''}` };
}

/** Same main package files; without main frames on either side, most function names shared. */
function sameProgramAs(a: Snapshot, pa: Program, b: Snapshot, pb: Program): boolean {
  if (pa.mainFiles.size > 0 && pb.mainFiles.size > 0) return [...pa.mainFiles].some((f) => pb.mainFiles.has(f));
  if (pa.mainFiles.size > 0 || pb.mainFiles.size > 0) return false;
  const fa = new Set(a.frames.map((f) => f.function));
  const fb = new Set(b.frames.map((f) => f.function));
  const shared = [...fa].filter((f) => fb.has(f)).length;
  return shared * 2 >= Math.min(fa.size, fb.size);
}
