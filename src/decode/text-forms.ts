// The Go text forms, in the order their sniffers are asked. Each sniff sees the first 64 KiB as text and
// answers only "mine" or "not mine"; once a sniff says "mine", its parser owns the file and reports damage.

import type { Limits } from '../limits.js';
import type { Snapshot } from '../model.js';

export interface TextForm {
  readonly name: string;
  sniff(head: string): boolean;
  parse(source: string, text: string, limits: Limits): Snapshot;
}

export const TEXT_FORMS: readonly TextForm[] = [];
