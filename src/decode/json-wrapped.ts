// A dump that reached the user inside JSON: a structured logger's record with the dump in one string field
// (`{"level":"error","stack":"goroutine 1 [running]:\n..."}`), a log collector's export, Docker's json-file
// log (one `{"log":"...\n","stream":"stderr"}` record per line of output), or the escaped string alone, copied
// out of a JSON viewer (`goroutine 1 [running]:\nmain.main()\n\t...`). Unwrapped into the lines Go wrote, each
// remembering the input line it came from, before the paste cleanups run (paste.ts cleanUp).

import type { Repair } from '../model.js';
import { startsGoLine, zonedTime, type PasteLines } from './paste.js';

/** Whether a string holds a Go text form: a line of it starts one (paste.ts startsGoLine). */
const holdsGoText = (value: string): boolean => splitValue(value).some(startsGoLine);

/** String fields log shippers put a line of output in, most common first (Docker, GCP, journald, loggers). */
const LINE_FIELDS = ['log', 'textPayload', 'MESSAGE', 'message', 'msg'];

/** Fields a record's time is in (Docker's json-file, GCP's export, common loggers). */
const TIME_FIELDS = ['time', 'timestamp', '@timestamp', 'ts'];

export interface Unwrapped {
  readonly paste: PasteLines;
  readonly repair: Repair;
}

/** The Go text inside JSON, or null when the text is no JSON holding a Go form (then nothing is changed). */
export function unwrapJson(input: string): Unwrapped | null {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const body = text.trimStart();
  if (body.startsWith('{') || body.startsWith('[')) return fromDocument(text) ?? fromJsonLines(text);
  return fromEscaped(text);
}

/** One JSON document: the string values holding a Go form, in document order. */
function fromDocument(text: string): Unwrapped | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  const found: { path: string; value: string }[] = [];
  collect(doc, '', found);
  if (found.length === 0) return null;
  const lines: string[] = [];
  const origin: number[] = [];
  for (const f of found) {
    const at = lineOfValue(text, f.value);
    for (const l of splitValue(f.value)) {
      lines.push(l);
      origin.push(at);
    }
  }
  const fields = [...new Set(found.map((f) => f.path))];
  const detail = `unwrapped from the ${fields.map((p) => `"${p}"`).join(', ')} ${fields.length === 1 ? 'field' : 'fields'} of a JSON document`;
  return { paste: { lines, origin, terminated: true }, repair: { kind: 'json', lines: lines.length, firstLine: origin[0], detail } };
}

function collect(v: unknown, path: string, out: { path: string; value: string }[]): void {
  if (typeof v === 'string') {
    if (holdsGoText(v)) out.push({ path: path === '' ? '(the document)' : path, value: v });
  } else if (Array.isArray(v)) {
    v.forEach((x) => collect(x, path, out));
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) collect(x, path === '' ? k : `${path}.${k}`, out);
  }
}

/** The input line where a string value starts: where its first line, JSON-escaped, is found; else 1. */
function lineOfValue(text: string, value: string): number {
  const head = JSON.stringify(value.slice(0, Math.max(1, value.indexOf('\n')))).slice(1, -1);
  const at = head === '' ? -1 : text.indexOf(head);
  return at < 0 ? 1 : countLines(text, at);
}

const countLines = (text: string, upTo: number): number => {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < upTo; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

/** A string's lines, without the empty one after a final line break. */
function splitValue(value: string): string[] {
  const lines = value.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * One JSON record per line, each holding a line (or a few) of the program's output in one field: Docker's
 * json-file log, a collector's export. The field is the first of LINE_FIELDS most records have; the records
 * that do not parse or lack it are left out, and the lines kept must hold a Go form.
 */
function fromJsonLines(text: string): Unwrapped | null {
  const records: { line: number; value: Record<string, unknown> }[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i].trim();
    if (l === '') continue;
    try {
      const v: unknown = JSON.parse(l);
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) records.push({ line: i + 1, value: v as Record<string, unknown> });
    } catch {
      // not a record: left out, as a line of something else
    }
  }
  if (records.length < 2) return null;
  const field = LINE_FIELDS.find((f) => records.filter((r) => typeof r.value[f] === 'string').length * 2 > records.length);
  if (field === undefined) return null;
  const lines: string[] = [];
  const origin: number[] = [];
  const loggedMs: (number | null)[] = [];
  let used = 0;
  for (const r of records) {
    const v = r.value[field];
    if (typeof v !== 'string') continue;
    used++;
    // When the shipper wrote a zoned time (Docker's `time`), it is when the line was logged, as a log prefix's.
    const stamp = TIME_FIELDS.map((f) => r.value[f]).find((t): t is string => typeof t === 'string');
    const at = stamp === undefined ? null : zonedTime(stamp);
    for (const l of splitValue(v)) {
      lines.push(l);
      origin.push(r.line);
      loggedMs.push(at);
    }
  }
  if (!lines.some(startsGoLine)) return null;
  const timed = loggedMs.some((t) => t !== null);
  return {
    paste: { lines, origin, terminated: true, ...(timed ? { loggedMs } : {}) },
    repair: {
      kind: 'json',
      lines: used,
      firstLine: origin[0],
      detail: `unwrapped from the "${field}" field of JSON records, one per line${timed ? ', whose time is taken as the capture time' : ''}`,
    },
  };
}

/** The escaped string alone: a line holding `\n` escapes where a Go form starts, unescaped as JSON would. */
function fromEscaped(text: string): Unwrapped | null {
  const raw = text.split('\n');
  const lines: string[] = [];
  const origin: number[] = [];
  let escaped = 0;
  let first = 0;
  for (let i = 0; i < raw.length; i++) {
    const l = raw[i].endsWith('\r') ? raw[i].slice(0, -1) : raw[i];
    // A line with no `\n` escape is a line, whatever it starts with.
    const candidate = l.includes('\\n') ? unescape(l) : null;
    const unescaped = candidate !== null && (escaped > 0 || holdsGoText(candidate)) ? candidate : null;
    if (unescaped === null) {
      lines.push(l);
      origin.push(i + 1);
      continue;
    }
    if (escaped++ === 0) first = i + 1;
    for (const u of splitValue(unescaped)) {
      lines.push(u);
      origin.push(i + 1);
    }
  }
  if (escaped === 0) return null;
  return {
    paste: { lines, origin, terminated: text.endsWith('\n') },
    repair: { kind: 'json', lines: escaped, firstLine: first, detail: 'JSON string escapes (\\n, \\t) read as the line breaks and tabs they stand for' },
  };
}

/** A line's JSON escapes undone (quoted or not); null when it is no JSON string content. */
function unescape(line: string): string | null {
  const t = line.trim();
  const inner = t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
  try {
    const v: unknown = JSON.parse(`"${inner}"`);
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}
