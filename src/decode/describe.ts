// Names what a file is when it is no profile leakdiff reads, so the error tells the user what they have
// and what to do: an HTML error page from a proxy, JSON, an image, or a profile form Go no longer writes.

import { UnrecognizedFormatError, UnsupportedError, quote, type LeakdiffError } from '../errors.js';

interface Recognizer {
  test(bytes: Uint8Array, head: string): boolean;
  error(source: string, head: string): LeakdiffError;
}

const trimmed = (head: string): string => head.replace(/^\uFEFF/, '').trimStart();

const RECOGNIZERS: readonly Recognizer[] = [
  {
    // An HTML page: a login page, a proxy's 502, a 404 page saved by curl instead of the profile.
    test: (_b, head) => /^<(!doctype html|html|head|body|\?xml)/i.test(trimmed(head)),
    error: (source, head) =>
      new UnrecognizedFormatError(source, 'decode', `an HTML page, not a profile${titleOf(head)}; the URL probably returned an error or login page`),
  },
  {
    test: (_b, head) => /^[{[]/.test(trimmed(head)),
    error: (source) =>
      new UnrecognizedFormatError(source, 'decode', 'JSON, not a profile (is this a leakdiff --json result? analyze the profiles it was made from)'),
  },
  {
    // PNG, JPEG, GIF, PDF, ZIP magic numbers: attachments picked up by mistake.
    test: (b) =>
      startsWith(b, [0x89, 0x50, 0x4e, 0x47]) ||
      startsWith(b, [0xff, 0xd8, 0xff]) ||
      startsWith(b, [0x47, 0x49, 0x46]) ||
      startsWith(b, [0x25, 0x50, 0x44, 0x46]) ||
      startsWith(b, [0x50, 0x4b, 0x03, 0x04]),
    error: (source) => new UnrecognizedFormatError(source, 'decode', 'an image, PDF or archive, not a profile'),
  },
  {
    // The legacy binary CPU profile Go wrote before 1.9: 64-bit words 0, 3, 0, period, 0 (little-endian).
    test: (b) => b.length >= 16 && b.subarray(0, 8).every((x) => x === 0) && b[8] === 3 && b.subarray(9, 16).every((x) => x === 0),
    error: (source) =>
      new UnsupportedError(
        source,
        'decode',
        'a legacy binary CPU profile (the pre-protobuf Go format); unsupported profile form: leakdiff needs heap or goroutine profiles',
      ),
  },
  {
    test: (_b, head) => /^heap(z)?_v2\//m.test(trimmed(head)) || /^heap profile:.*@ heapz?_v2\//.test(trimmed(head)),
    error: (source) =>
      new UnsupportedError(
        source,
        'decode',
        'a legacy C++ (gperftools/tcmalloc) heap profile; unsupported profile form: leakdiff reads the heap profiles Go writes',
      ),
  },
  {
    test: (_b, head) => /^--- heapz? \d+ ---/.test(trimmed(head)) || /^format = java/m.test(head),
    error: (source) =>
      new UnsupportedError(source, 'decode', 'a legacy Java heap profile; unsupported profile form: leakdiff reads the heap profiles Go writes'),
  },
  {
    test: (_b, head) => /^--- (contention|mutex|block)/.test(trimmed(head)),
    error: (source) => new UnsupportedError(source, 'decode', 'a mutex or block contention profile; leakdiff needs heap or goroutine profiles'),
  },
  {
    test: (_b, head) => /^(threadcreate|mutex|block|allocs|cpu) profile/.test(trimmed(head)),
    error: (source, head) => new UnsupportedError(source, 'decode', `a ${trimmed(head).split(' ')[0]} profile; leakdiff needs heap or goroutine profiles`),
  },
];

export function describeUnknown(source: string, bytes: Uint8Array, head: string): LeakdiffError | null {
  for (const r of RECOGNIZERS) if (r.test(bytes, head)) return r.error(source, head);
  if (isText(bytes)) {
    const first = trimmed(head).split('\n', 1)[0];
    return new UnrecognizedFormatError(source, 'decode', `text that is no Go profile form leakdiff knows; it starts ${quote(first)}`, { line: 1 });
  }
  return null;
}

function titleOf(head: string): string {
  const m = /<title>([^<]{1,80})<\/title>/i.exec(head);
  return m === null ? '' : ` titled ${quote(m[1].trim())}`;
}

function startsWith(b: Uint8Array, magic: readonly number[]): boolean {
  return b.length >= magic.length && magic.every((x, i) => b[i] === x);
}

/** No control bytes but tab, CR and LF in the first KiB: text, not protobuf or another binary form. */
export function isText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 1024);
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c === 0 || (c < 32 && c !== 9 && c !== 10 && c !== 13)) bad++;
  }
  return bad === 0;
}
