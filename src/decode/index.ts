// The decode stage: bytes in, Snapshot out. The form is sniffed from content, never from the file name
// (google/pprof's ParseData order): gzip magic first, then protobuf, then each Go text form. Each decoder
// answers "not my format" (its sniff says no, and the next one tries) or "my format" (and then either a
// Snapshot or a typed error about the damage); a corrupt file never falls through to "some other format".

import { MalformedError, UnrecognizedFormatError, UnsupportedError } from '../errors.js';
import type { Limits } from '../limits.js';
import type { Snapshot } from '../model.js';
import { describeUnknown, isText } from './describe.js';
import { inflate, isGzip } from './inflate.js';
import { decodePprof, looksLikePprof } from './pprof.js';
import { TEXT_FORMS } from './text-forms.js';

/** How much of a text file the sniffers see: enough for a crash dump's prelude. */
const SNIFF_BYTES = 64 * 1024;

export interface Decoded {
  readonly snapshot: Snapshot;
  /** True when the file was gzipped. */
  readonly compressed: boolean;
}

export function decode(source: string, bytes: Uint8Array, limits: Limits): Decoded {
  if (bytes.length === 0) throw new MalformedError(source, 'decode', 'the file is empty (was the download cut short?)');
  const compressed = isGzip(bytes);
  const content = compressed ? inflate(source, bytes, limits.maxInflatedBytes) : bytes;
  if (compressed && content.length === 0) throw new MalformedError(source, 'decode', 'the gzip stream holds nothing');
  if (compressed && isGzip(content)) {
    throw new UnsupportedError(source, 'decode', 'the file is gzipped twice; gunzip it once and try again');
  }
  return { snapshot: decodeContent(source, content, limits), compressed };
}

function decodeContent(source: string, content: Uint8Array, limits: Limits): Snapshot {
  const head = headText(content);
  for (const form of TEXT_FORMS) {
    if (form.sniff(head)) return form.parse(source, decodeText(content), limits);
  }
  // Protobuf is binary: lengths and small varints put control bytes in the first KiB, which text never has.
  if (!isText(content) && looksLikePprof(content)) return decodePprof(source, content, limits);
  throw describeUnknown(source, content, head) ?? new UnrecognizedFormatError(source, 'decode', 'not a profile leakdiff reads: expected gzipped or raw pprof protobuf, or Go\'s heap?debug=1, goroutine?debug=1 or goroutine?debug=2 text');
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
