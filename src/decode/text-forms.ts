// The Go text forms, in the order their sniffers are asked. Each sniff sees the first 64 KiB as text and
// answers only "mine" or "not mine"; once a sniff says "mine", its parser owns the file and reports damage.

import { FORMS, type Form } from '../forms.js';
import type { Limits } from '../limits.js';
import type { Snapshot } from '../model.js';
import { readGoroutineDump, sniffGoroutineDump } from './goroutine-dump.js';
import { parseGoroutineText, sniffGoroutineText } from './goroutine-text.js';
import { parseHeapText, sniffHeapText } from './heap-text.js';
import type { Sniff } from './text-lines.js';

/** A text file's content: its bytes, and the same decoded (once, when a parser or the lenient reader asks). */
export interface TextInput {
  readonly bytes: Uint8Array;
  text(): string;
}

export interface TextRead {
  readonly snapshot: Snapshot;
  /** True when the file may hold several profiles one after another, worth the lenient reader's look. */
  readonly severalProfiles: boolean;
}

export interface TextForm {
  readonly form: Form;
  /** The request that writes it (`heap?debug=1`). */
  readonly name: string;
  sniff(head: string): boolean;
  parse(source: string, input: TextInput, limits: Limits): TextRead;
}

/** A form whose parser reads the decoded text, and which is read as one profile. */
const textForm = (f: Form, sniff: (head: string) => Sniff, parse: (source: string, text: string, limits: Limits) => Snapshot): TextForm => ({
  form: f,
  name: FORMS[f].endpoint ?? f,
  sniff: (head) => sniff(head) === 'my format',
  parse: (source, input, limits) => ({ snapshot: parse(source, input.text(), limits), severalProfiles: false }),
});

export const TEXT_FORMS: readonly TextForm[] = [
  textForm('heap-text', sniffHeapText, parseHeapText),
  textForm('goroutine-text', sniffGoroutineText, parseGoroutineText),
  {
    // The largest text form (runtime/pprof writes up to 64 MiB of it): read from its bytes, never decoded whole.
    form: 'goroutine-dump',
    name: FORMS['goroutine-dump'].endpoint ?? 'goroutine-dump',
    sniff: (head) => sniffGoroutineDump(head) === 'my format',
    parse: (source, input, limits) => {
      const read = readGoroutineDump(source, input.bytes, limits);
      return { snapshot: read.snapshot, severalProfiles: read.severalDumps };
    },
  },
];
