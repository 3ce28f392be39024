// The series stage's inputs and what it says of each: the analyze loop hands over one entry per decoded file,
// and arrange.ts (which orders them, sets duplicates aside and picks a form per moment) returns the infos.

import type { Form } from '../forms.js';
import type { Kind, TimeSource } from '../model.js';
import type { NormalizedSnapshot } from '../normalize/index.js';

/** One decoded, normalized file with its capture time, as the analyze loop hands it over. */
export interface SnapshotEntry {
  readonly path: string;
  readonly compressed: boolean;
  readonly timeMs: number;
  readonly timeSource: TimeSource;
  /** The snapshot, its per-site values handed to the series' columns (series/columns.ts). */
  readonly normalized: NormalizedSnapshot;
  /** Its index among its kind's columns. */
  readonly column: number;
  /** Hash of the profile's bytes (inflated when gzipped), to notice the same snapshot given twice. */
  readonly contentHash: string;
}

/** What the report says about each input. */
export interface SnapshotInfo {
  readonly path: string;
  readonly form: Form;
  readonly kind: Kind;
  readonly compressed: boolean;
  readonly timeMs: number;
  readonly timeSource: TimeSource;
  readonly totals: Readonly<Record<string, number>>;
  readonly truncated: { readonly reason: string; readonly goroutinesRead: number } | null;
  /** Set when the snapshot was not used, with the reason (a duplicate, another form of the same moment). */
  readonly setAside: string | null;
  /** For another form of a moment that a used snapshot covers: that snapshot's path. */
  readonly sameMomentAs: string | null;
  /** The profiled binary, when the profile records it. */
  readonly binary: string | null;
}
