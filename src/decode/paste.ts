// What pasting does to Go's text forms, undone. A dump copied out of a terminal, a web page, a chat or a
// GitHub issue comes back with its tabs turned into spaces, quoted (`> `), fenced (```), indented, with CR
// line endings, log lines around it, its header lost or its last record cut. The machine-written forms are
// read strictly (text-forms.ts); this cleanup runs only when they do not read, and every change it makes is
// recorded as a typed Repair so the report can say exactly what was repaired or skipped.
//
// The cleanup works on an array of lines that remembers, for each line, the 1-based input line it came from,
// so an error about the repaired text still points at the user's file.

import type { Repair } from '../model.js';
import { goroutineHeaderId } from './goroutine-dump.js';
import { countRecord, isCountHeader } from './goroutine-text.js';
import { heapRecordAddresses, isHeapHeader } from './heap-text.js';

/** Lines of a pasted text, each with the input line it came from. */
export interface PasteLines {
  readonly lines: string[];
  /** origin[i] is the 1-based input line of lines[i]. */
  readonly origin: number[];
  /** False when the last line had no line break after it. */
  terminated: boolean;
  /**
   * loggedMs[i]: when the logger wrote lines[i], from a prefix that carries a date, a time and a time zone
   * (set by stripLogPrefixes; absent for other prefixes, or none).
   */
  readonly loggedMs?: readonly (number | null)[];
}

// > goroutine 1 [running]:          (Markdown or e-mail quoting; `>` alone on a blank quoted line)
const QUOTE = /^>[ ]?/;

// ```        ```text        ~~~        (Markdown code fences, with an optional info string)
const FENCE = /^(?:```|~~~)[\w.+-]*$/;

// #	0x4edf86	main.recv+0x26	/src/app/main.go:53     as Go writes it: fields separated by runs of tabs
// #	0x0                                           a PC without a symbol (an empty stack prints 0x0)
export const TABBED_SYMBOL = /^#\t+0x[0-9a-f]+(?:\t+[^\t]+\+0x[0-9a-f]+\t+[^\t]+:\d+)?$/;

// #       0x4edf86        main.recv+0x26          /src/app/main.go:53      the same with spaces for tabs.
// The function is everything up to its first `+0x` offset; the file (which may hold spaces) is the rest.
const SPACED_SYMBOL = /^#[ \t]+(0x[0-9a-f]+)(?:[ \t]+(\S.*?\+0x[0-9a-f]+)[ \t]+(\S.*:\d+))?$/;

//         /src/app/main.go:56 +0x27                    a debug=2 file line indented with spaces
//         /src/app/main.go:56 +0x27 fp=0xc0 sp=0xc0 pc=0x4e
const SPACED_FILE_LINE = /^[ \t]+(\S.*:\d+(?: \+0x[0-9a-f]+)?(?: fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+)?)$/;

//         goroutine running on other thread; stack unavailable
const SPACED_UNAVAILABLE = /^ +(goroutine running on other thread; stack unavailable)$/;

/**
 * What loggers put before each line of a program's output when the dump went through them, by name. A prefix
 * may end the line (a blank line of the dump, its trailing space trimmed by a terminal).
 */
const LOG_PREFIXES: readonly { readonly name: string; readonly re: RegExp }[] = [
  // 2026-11-26T02:35:49.123456789Z stderr F goroutine 1 [running]:     (CRI container log files)
  { name: 'container log', re: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d) (?:stdout|stderr) [FP](?: |$)/ },
  // 2026-11-26T02:35:49+0000 web-3 orders[4121]: goroutine 1 [running]:     (journalctl -o short-iso, rsyslog's
  // RFC 3339 template; the host is left out by some forwarders)
  { name: 'syslog ISO', re: /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d) (?:\S+ )?[^\s:[]+\[\d+\]:(?: |$)/ },
  // 2026-11-26T02:35:49.123456789Z goroutine 1 [running]:     (kubectl logs --timestamps, docker logs -t)
  { name: 'timestamps', re: /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?(?: |$)/ },
  // 2026/11/26 02:35:49 goroutine 1 [running]:     (Go's log package)
  { name: 'Go log', re: /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: |$)/ },
  // Nov 26 02:35:49 web-3 orders[4121]: goroutine 1 [running]:     (syslog, journalctl)
  { name: 'syslog', re: /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ [^\s:[]+(?:\[\d+\])?:(?: |$)/ },
  // orders-1  | goroutine 1 [running]:     (docker compose)
  { name: 'docker compose', re: /^[\w.-]+ +\|(?: |$)/ },
  // [pod/web-3/orders] goroutine 1 [running]:     (kubectl logs --prefix)
  { name: 'kubectl --prefix', re: /^\[pod\/[^\]\s]+\](?: |$)/ },
];

/**
 * The time a log prefix starts with, when it says the date, the time and the zone (a container log, an RFC
 * 3339 syslog, `--timestamps`): `2026-11-26T02:35:49.123456789Z`, `2026-11-26T02:35:49+0000`. Null for a
 * prefix without a zone (Go's log package writes the server's local time) or a year (classic syslog).
 */
const ZONED_TIME = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:[.,](\d+))?(Z|[+-]\d\d:?\d\d)(?: |$)/;

export function zonedTime(prefix: string): number | null {
  const m = ZONED_TIME.exec(prefix);
  if (m === null) return null;
  const millis = (m[3] ?? '').padEnd(3, '0').slice(0, 3);
  const zone = m[4] === 'Z' ? 'Z' : `${m[4].slice(0, 3)}:${m[4].slice(-2)}`;
  const t = Date.parse(`${m[1]}T${m[2]}.${millis}${zone}`);
  return Number.isFinite(t) ? t : null;
}

/** syslog's escape for a tab (rsyslog writes control characters as #ooo). */
const ESCAPED_TAB = /#011/g;

const CR = '\r';
const BOM = '\uFEFF';

/** Split into lines, noting CR-only line endings (CRLF is how Windows tools write text, and reads as is). */
export function splitLines(text: string, repairs: Repair[]): PasteLines {
  const body = text.startsWith(BOM) ? text.slice(1) : text;
  const crOnly = !body.includes('\n') && body.includes(CR);
  const raw = crOnly ? body.split(CR) : body.split('\n');
  const terminated = raw.length > 1 && raw[raw.length - 1] === '';
  if (terminated) raw.pop();
  const lines = crOnly ? raw : raw.map((l) => (l.endsWith(CR) ? l.slice(0, -1) : l));
  if (crOnly) repairs.push({ kind: 'line-endings', lines: lines.length, firstLine: 1 });
  return { lines, origin: lines.map((_, i) => i + 1), terminated };
}

/**
 * The cleanups that do not depend on the form: quote markers, code fences, trailing spaces, a common
 * indentation, in that order (a quoted block may be fenced, a fenced block indented), on the text or on the
 * lines unwrapped from JSON around it (json-wrapped.ts).
 */
export function cleanUp(
  text: string,
  unwrapped: { readonly paste: PasteLines; readonly repair: Repair } | null = null,
): { readonly paste: PasteLines; readonly repairs: Repair[] } {
  const repairs: Repair[] = unwrapped === null ? [] : [unwrapped.repair];
  let paste = unwrapped === null ? splitLines(text, repairs) : unwrapped.paste;
  paste = stripQuotes(paste, repairs);
  paste = dropFences(paste, repairs);
  paste = stripLogPrefixes(paste, repairs);
  for (let i = 0; i < paste.lines.length; i++) paste.lines[i] = paste.lines[i].trimEnd();
  stripIndent(paste, repairs);
  return { paste, repairs };
}

/** Quote markers, when most lines carry one (a dump quoted in an e-mail or a Markdown `>` block). */
function stripQuotes(paste: PasteLines, repairs: Repair[]): PasteLines {
  const nonBlank = paste.lines.filter((l) => l.trim() !== '');
  const quoted = nonBlank.filter((l) => l.startsWith('>')).length;
  if (quoted < 2 || quoted * 2 < nonBlank.length) return paste;
  let first = 0;
  let count = 0;
  const lines = paste.lines.map((l, i) => {
    if (!QUOTE.test(l)) return l;
    if (count++ === 0) first = paste.origin[i];
    return l.replace(QUOTE, '');
  });
  repairs.push({ kind: 'quote-markers', lines: count, firstLine: first });
  // Quotes nest (a reply to a reply): strip each level and say so once per level.
  return stripQuotes({ lines, origin: paste.origin, terminated: paste.terminated }, repairs);
}

function dropFences(paste: PasteLines, repairs: Repair[]): PasteLines {
  const keep = paste.lines.map((l) => !FENCE.test(l.trim()));
  const dropped = keep.filter((k) => !k).length;
  if (dropped === 0) return paste;
  repairs.push({ kind: 'code-fence', lines: dropped, firstLine: paste.origin[keep.indexOf(false)] });
  return { lines: paste.lines.filter((_, i) => keep[i]), origin: paste.origin.filter((_, i) => keep[i]), terminated: paste.terminated };
}

/**
 * A logger's prefix, when one kind of it starts at least four lines in five (the dump went to a log: a crash
 * on stderr, a dump logged line by line): removed from the lines that carry it. A syslog that escaped the
 * dump's tabs as #011 gets them back.
 */
function stripLogPrefixes(paste: PasteLines, repairs: Repair[]): PasteLines {
  const nonBlank = paste.lines.filter((l) => l.trim() !== '');
  if (nonBlank.length < 2) return paste;
  const kind = LOG_PREFIXES.find((p) => nonBlank.filter((l) => p.re.test(l)).length * 5 >= nonBlank.length * 4);
  if (kind === undefined) return paste;
  let count = 0;
  let first = 0;
  let quoted = '';
  const loggedMs: (number | null)[] = paste.lines.map(() => null);
  const lines = paste.lines.map((l, i) => {
    const m = kind.re.exec(l);
    if (m === null) return l;
    if (count++ === 0) {
      first = paste.origin[i];
      quoted = m[0];
    }
    loggedMs[i] = zonedTime(m[0]);
    return l.slice(m[0].length);
  });
  const timed = loggedMs.some((t) => t !== null);
  const detail = `${kind.name}, the first "${quoted}"${timed ? ', whose time is taken as the capture time' : ''}`;
  repairs.push({ kind: 'log-prefix', lines: count, firstLine: first, detail });
  let escaped = 0;
  let firstEscaped = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].includes('#011')) continue;
    lines[i] = lines[i].replace(ESCAPED_TAB, '\t');
    if (escaped++ === 0) firstEscaped = paste.origin[i];
  }
  if (escaped > 0) repairs.push({ kind: 'escaped-tabs', lines: escaped, firstLine: firstEscaped });
  return { lines, origin: paste.origin, terminated: paste.terminated, ...(timed ? { loggedMs } : {}) };
}

// panic: runtime error: ...    fatal error: concurrent map writes     (a crash's first line)
const CRASH_START = /^(?:panic: |fatal error: )/;

/**
 * Whether Go writes this line at the start of a line of one of its text forms: a goroutine header, a debug=1
 * or heap header or record line, a crash's first line. The forms' own predicates, as the lenient reader uses.
 */
export function startsGoLine(line: string): boolean {
  return (
    goroutineHeaderId(line) !== null ||
    isCountHeader(line) ||
    isHeapHeader(line) ||
    countRecord(line) !== null ||
    heapRecordAddresses(line) !== null ||
    CRASH_START.test(line)
  );
}

/** The longest run of spaces and tabs that starts every one of the lines. */
function commonLead(lines: readonly string[]): string {
  let prefix: string | null = null;
  for (const l of lines) {
    const lead = /^[ \t]*/.exec(l)![0];
    if (prefix === null) prefix = lead;
    else {
      let n = 0;
      while (n < prefix.length && n < lead.length && prefix[n] === lead[n]) n++;
      prefix = prefix.slice(0, n);
    }
    if (prefix === '') return '';
  }
  return prefix ?? '';
}

/**
 * A prefix of spaces or tabs every non-blank line shares (a block indented in Markdown or a log), or, in a
 * ticket whose prose is not indented, every indented line shares, where lines that Go writes at the start of
 * a line (`goroutine 1 [running]:`) carry it: the dump is the indented block, and the prose is left to the
 * reader, which skips it as text around the profile. A dump that is not indented is never touched: its
 * indented lines are file lines, which start no record.
 */
function stripIndent(paste: PasteLines, repairs: Repair[]): void {
  const nonBlank = paste.lines.filter((l) => l !== '');
  let prefix = commonLead(nonBlank);
  if (prefix === '') {
    const indented = nonBlank.filter((l) => l[0] === ' ' || l[0] === '\t');
    const lead = commonLead(indented);
    if (lead === '' || !indented.some((l) => startsGoLine(l.slice(lead.length)))) return;
    prefix = lead;
  }
  let count = 0;
  for (let i = 0; i < paste.lines.length; i++) {
    if (!paste.lines[i].startsWith(prefix)) continue;
    paste.lines[i] = paste.lines[i].slice(prefix.length);
    count++;
  }
  repairs.push({
    kind: 'indent',
    lines: count,
    firstLine: paste.origin[0],
    detail: prefix.includes('\t') ? `${prefix.length} characters` : `${prefix.length} spaces`,
  });
}

/**
 * Tabs where Go writes them: the field separators of debug=1 `#` symbol lines, and the indentation of a
 * debug=2 file line (and of "stack unavailable") after a function or `created by` line. Returns how many
 * lines were changed, and the first.
 */
export function restoreTabs(paste: PasteLines, repairs: Repair[]): void {
  let count = 0;
  let first = 0;
  const lines = paste.lines;
  for (let i = 0; i < lines.length; i++) {
    const fixed = restoredLine(lines[i], i > 0 ? lines[i - 1] : '');
    if (fixed === null) continue;
    lines[i] = fixed;
    if (count++ === 0) first = paste.origin[i];
  }
  if (count > 0) repairs.push({ kind: 'tabs', lines: count, firstLine: first });
}

function restoredLine(line: string, previous: string): string | null {
  if (line.startsWith('#') && !TABBED_SYMBOL.test(line)) {
    const m = SPACED_SYMBOL.exec(line);
    if (m === null) return null;
    return m[2] === undefined ? `#\t${m[1]}` : `#\t${m[1]}\t${m[2]}\t${m[3]}`;
  }
  if (line.charCodeAt(0) === 32) {
    const unavailable = SPACED_UNAVAILABLE.exec(line);
    if (unavailable !== null) return `\t${unavailable[1]}`;
    // Only under a function line (`pkg.fn(...)`) or a `created by` line is a file line expected.
    if (!previous.endsWith(')') && !previous.startsWith('created by ')) return null;
    const m = SPACED_FILE_LINE.exec(line);
    return m === null ? null : `\t${m[1]}`;
  }
  return null;
}

/** The lines from `start` to `end` (exclusive) as one text, ending in a line break unless `terminated` is false. */
export function joinLines(paste: PasteLines, start = 0, end = paste.lines.length, terminated = true): string {
  const body = paste.lines.slice(start, end).join('\n');
  return terminated && end > start ? `${body}\n` : body;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** The sentence a repair becomes in `warnings` (the report's notes and JSON `warnings`). */
export function repairText(r: Repair): string {
  switch (r.kind) {
    case 'json':
      return `${r.detail ?? 'unwrapped from JSON'} (${plural(r.lines, 'line')})`;
    case 'line-endings':
      return `line endings: CR only, read as line breaks (${plural(r.lines, 'line')})`;
    case 'log-prefix':
      return `log prefixes (${r.detail ?? "a logger's"}) removed from ${plural(r.lines, 'line')}`;
    case 'escaped-tabs':
      return `syslog's #011 read as tabs (${plural(r.lines, 'line')})`;
    case 'quote-markers':
      return `quote markers ("> ") removed from ${plural(r.lines, 'line')}`;
    case 'code-fence':
      return `code fence removed (${plural(r.lines, 'line')})`;
    case 'indent':
      return `indentation of ${r.detail ?? 'a few characters'} removed from ${plural(r.lines, 'line')}`;
    case 'tabs':
      return `tabs restored (${plural(r.lines, 'line')} had spaces where Go writes tabs)`;
    case 'lines-skipped':
      return `${plural(r.lines, 'line')} ${r.detail ?? 'around the profile'} skipped as not profile text (from line ${r.firstLine})`;
    case 'header-missing':
      return `header missing: counted ${plural(r.goroutines ?? 0, 'goroutine')} from the records`;
    case 'last-record-cut':
      return `last record cut: ${dropped(r)} dropped`;
    case 'record-skipped':
      return `last record unreadable, skipped: ${dropped(r)} dropped (line ${r.firstLine}${r.detail === undefined ? '' : `: ${r.detail}`})`;
  }
}

/** Goroutines for goroutine profiles; a heap record counts objects, not goroutines. */
const dropped = (r: Repair): string => (r.goroutines === undefined ? '1 record' : plural(r.goroutines, 'goroutine'));
