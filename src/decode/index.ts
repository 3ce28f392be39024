// The decode stage: bytes in, Snapshot out. The form is sniffed from content, never from the file name
// (google/pprof's ParseData order): gzip magic first, then protobuf, then each Go text form. Each decoder
// answers "not my format" (its sniff says no, and the next one tries) or "my format" (and then either a
// Snapshot or a typed error about the damage); a corrupt file never falls through to "some other format".

import { LeakdiffError, MalformedError, UnrecognizedFormatError, UnsupportedError } from '../errors.js';
import type { Limits } from '../limits.js';
import type { Snapshot } from '../model.js';
import { describeUnknown, isText } from './describe.js';
import type { Columns } from './columns.js';
import { inflate, isGzip } from './inflate.js';
import { decodePprof, looksLikePprof } from './pprof.js';
import { type Concatenation, mayHoldSeveralDumps } from './concat.js';
import { type PastedRead, readPasted } from './lenient.js';
import { TEXT_FORMS, type TextForm, type TextInput, type TextRead } from './text-forms.js';

/** The text forms by the requests that write them: `heap?debug=1, goroutine?debug=1 or goroutine?debug=2`. */
const TEXT_NAMES = `${TEXT_FORMS.slice(0, -1)
  .map((f) => f.name)
  .join(', ')} or ${TEXT_FORMS[TEXT_FORMS.length - 1].name}`;

/** How much of a text file the sniffers see: enough for a crash dump's prelude. */
const SNIFF_BYTES = 64 * 1024;

export interface Decoded {
  /** The file's profile; when it held several, the first of them (see `parts`). */
  readonly snapshot: Snapshot;
  /** Every profile in the file, in file order: one, unless profiles were written one after another into it. */
  readonly parts: readonly Snapshot[];
  /** For a file of several profiles: whether they come from one program, and whether they carry times. */
  readonly concatenation: Concatenation | null;
  /** True when the file was gzipped. */
  readonly compressed: boolean;
  /** The bytes the profile was read from (inflated when gzipped): the same profile recompressed has the same. */
  readonly content: Uint8Array;
}

/**
 * `columns`: buffers to reuse from the previous file, for a caller that decodes one file after another and
 * is done with each snapshot before the next (a protobuf snapshot then holds views of them; see Columns).
 */
export function decode(source: string, bytes: Uint8Array, limits: Limits, columns: Columns | null = null): Decoded {
  if (bytes.length === 0) throw new MalformedError(source, 'decode', 'the file is empty (was the download cut short?)');
  const compressed = isGzip(bytes);
  const content = compressed ? inflate(source, bytes, limits.maxInflatedBytes) : bytes;
  if (compressed && content.length === 0) throw new MalformedError(source, 'decode', 'the gzip stream holds nothing');
  if (compressed && isGzip(content)) {
    throw new UnsupportedError(source, 'decode', 'the file is gzipped twice; gunzip it once and try again');
  }
  const read = decodeContent(source, content, limits, columns);
  return { snapshot: read.parts[0], parts: read.parts, concatenation: read.concatenation, compressed, content };
}

/**
 * Strict forms first: a machine-written file reads as it is, and its damage is reported as such. Text that
 * no strict form reads goes to the lenient reader (pasted text); when that cannot read it either, the strict
 * parser's error stands, since it names the damage in the user's own lines.
 */
function decodeContent(source: string, content: Uint8Array, limits: Limits, columns: Columns | null): PastedRead {
  const head = headText(content);
  for (const form of TEXT_FORMS) {
    if (form.sniff(head)) return readText(source, form, textInput(content), limits);
  }
  // Protobuf is binary: lengths and small varints put control bytes in the first KiB, which text never has.
  if (!isText(content) && looksLikePprof(content)) return { parts: [decodePprof(source, content, limits, columns)], concatenation: null };
  const known = describeUnknown(source, content, head);
  if (known !== null && !(known instanceof UnrecognizedFormatError && isText(content))) throw known;
  return lenientOr(
    source,
    decodeText(content),
    limits,
    known ?? new UnrecognizedFormatError(source, 'decode', `not a profile leakdiff reads: expected gzipped or raw pprof protobuf, or Go's ${TEXT_NAMES} text`),
  );
}

/**
 * A text form that sniffed the file as its own. A dump that may hold several (goroutine 1 printed twice) is
 * the lenient reader's first, which splits it; the strict read stands when the lenient one finds no Go form.
 */
function readText(source: string, form: TextForm, input: TextInput, limits: Limits): PastedRead {
  let read: TextRead;
  try {
    read = form.parse(source, input, limits);
  } catch (strict) {
    // The strict reader stopped before seeing every line, so whether there are several dumps is asked of the text.
    if (form.form === 'goroutine-dump' && mayHoldSeveralDumps(input.text())) return readPastedOr(source, input.text(), limits, strict);
    if (!(strict instanceof MalformedError || strict instanceof UnsupportedError)) throw strict;
    return lenientOr(source, input.text(), limits, strict);
  }
  if (read.severalProfiles) return readPasted(source, input.text(), limits) ?? { parts: [read.snapshot], concatenation: null };
  return { parts: [read.snapshot], concatenation: null };
}

/** The lenient reader's answer for a file of several dumps; when it finds no Go form, the strict reader's error. */
function readPastedOr(source: string, text: string, limits: Limits, strict: unknown): PastedRead {
  const read = readPasted(source, text, limits);
  if (read === null) throw strict;
  return read;
}

/** The content as TextInput, decoded at most once. */
function textInput(bytes: Uint8Array): TextInput {
  let text: string | null = null;
  return { bytes, text: () => (text ??= decodeText(bytes)) };
}

/** The lenient reader's answer, or `fallback` when the text holds no Go form even cleaned up, or did not read. */
function lenientOr(source: string, text: string, limits: Limits, fallback: LeakdiffError): PastedRead {
  let read: PastedRead | null;
  try {
    read = readPasted(source, text, limits);
  } catch (lenient) {
    // Both readers failed: the strict error quotes the file as it is, unless only the lenient reader knew the form.
    if (fallback instanceof UnrecognizedFormatError && lenient instanceof LeakdiffError) throw lenient;
    throw fallback;
  }
  if (read === null) throw fallback;
  return read;
}

/** The first bytes as text, for sniffing; binary content sniffs as nothing textual. */
function headText(content: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(content.subarray(0, SNIFF_BYTES));
}

/** Text forms are UTF-8; invalid bytes become U+FFFD rather than rejecting the profile. */
function decodeText(content: Uint8Array): string {
  const buf = Buffer.isBuffer(content) ? content : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  return buf.toString('utf8');
}
