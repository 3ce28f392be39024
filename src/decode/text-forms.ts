// The Go text forms, in the order their sniffers are asked. Each sniff sees the first 64 KiB as text and
// answers only "mine" or "not mine"; once a sniff says "mine", its parser owns the file and reports damage.

import { FORMS, type Form } from '../forms.js';
import type { Limits } from '../limits.js';
import type { Snapshot } from '../model.js';
import { parseGoroutineDump, sniffGoroutineDump } from './goroutine-dump.js';
import { parseGoroutineText, sniffGoroutineText } from './goroutine-text.js';
import { parseHeapText, sniffHeapText } from './heap-text.js';
import type { Sniff } from './text-lines.js';

export interface TextForm {
  readonly form: Form;
  /** The request that writes it (`heap?debug=1`). */
  readonly name: string;
  sniff(head: string): boolean;
  parse(source: string, text: string, limits: Limits): Snapshot;
}

const form = (f: Form, sniff: (head: string) => Sniff, parse: TextForm['parse']): TextForm => ({
  form: f,
  name: FORMS[f].endpoint ?? f,
  sniff: (head) => sniff(head) === 'my format',
  parse,
});

export const TEXT_FORMS: readonly TextForm[] = [
  form('heap-text', sniffHeapText, parseHeapText),
  form('goroutine-text', sniffGoroutineText, parseGoroutineText),
  form('goroutine-dump', sniffGoroutineDump, parseGoroutineDump),
];
