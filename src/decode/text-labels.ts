// The `# labels:` line of Go's debug=1 count profiles (goroutine, custom profiles), from runtime/pprof
// labelMap.String: the pairs sorted, each `%q:%q`, joined by ", ":
//
//	# labels: {"handler":"checkout", "tenant":"acme \"eu\""}
//
// %q is Go's quoting, not JSON's: it also writes \a, \v, \xHH (a byte that is not UTF-8), \UHHHHHHHH.

import { detach } from './text-lines.js';

const LABELS_PREFIX = '# labels: ';

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  '"': '"',
  "'": "'",
};

export function isLabelsLine(line: string): boolean {
  return line.startsWith(LABELS_PREFIX);
}

/** The labels of a `# labels: {...}` line, or null when it is not written the way Go writes it. */
export function parseLabelsLine(line: string): Record<string, string> | null {
  const body = line.slice(LABELS_PREFIX.length).trimEnd();
  if (!body.startsWith('{') || !body.endsWith('}')) return null;
  const labels: Record<string, string> = {};
  const reader = { text: body, pos: 1 };
  skipSpaces(reader);
  if (body.charCodeAt(reader.pos) === 125 /* } */ && reader.pos === body.length - 1) return labels;
  for (;;) {
    const key = readQuoted(reader);
    if (key === null || body[reader.pos] !== ':') return null;
    reader.pos++;
    const value = readQuoted(reader);
    if (value === null) return null;
    labels[detach(key)] = detach(value);
    const sep = body[reader.pos++];
    if (sep === '}') return reader.pos === body.length ? labels : null;
    if (sep !== ',') return null;
    skipSpaces(reader);
  }
}

interface Reader {
  readonly text: string;
  pos: number;
}

function skipSpaces(r: Reader): void {
  while (r.text.charCodeAt(r.pos) === 32) r.pos++;
}

/** One Go-quoted string at r.pos, unquoted; null when it is not one. */
function readQuoted(r: Reader): string | null {
  const text = r.text;
  if (text[r.pos] !== '"') return null;
  let out = '';
  let i = r.pos + 1;
  for (;;) {
    const next = text.slice(i).search(/["\\]/);
    if (next < 0) return null;
    out += text.slice(i, i + next);
    i += next;
    if (text[i] === '"') break;
    const escaped = readEscape(text, i);
    if (escaped === null) return null;
    out += escaped.char;
    i = escaped.end;
  }
  r.pos = i + 1;
  return out;
}

/** The escape sequence starting at the backslash at `i`. */
function readEscape(text: string, i: number): { char: string; end: number } | null {
  const c = text[i + 1];
  if (c === undefined) return null;
  if (c in SIMPLE_ESCAPES) return { char: SIMPLE_ESCAPES[c], end: i + 2 };
  const hexLength = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (hexLength > 0) {
    const digits = text.slice(i + 2, i + 2 + hexLength);
    if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== hexLength) return null;
    return { char: codeUnitFor(Number.parseInt(digits, 16), c === 'x'), end: i + 2 + hexLength };
  }
  const octal = text.slice(i + 1, i + 4);
  if (/^[0-7]{3}$/.test(octal)) return { char: codeUnitFor(Number.parseInt(octal, 8), true), end: i + 4 };
  return null;
}

/**
 * \xHH and octal escapes are single bytes: an ASCII byte is its character, any other byte is part of
 * invalid UTF-8 and becomes U+FFFD, as invalid bytes do everywhere else in leakdiff's text input.
 */
function codeUnitFor(code: number, isByte: boolean): string {
  if (isByte) return code < 0x80 ? String.fromCharCode(code) : '\ufffd';
  return code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
}
