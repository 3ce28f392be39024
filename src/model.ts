// The data model every stage shares. Names follow pprof's profile.proto (ValueType, Sample, Function, Line)
// where the concept is the same; ids and string-table indices are resolved at decode time, so nothing after
// the decoder ever sees a protobuf index.

import type { Form } from './forms.js';

/** What a snapshot measures. `goroutineleak` is Go 1.26's leaked-goroutine profile. */
export type Kind = 'heap' | 'goroutine' | 'goroutineleak' | 'other';

/**
 * Where a snapshot's capture time came from, most trusted first: the profile's own, the protobuf captured in
 * the same round (`paired`: a text form beside its protobuf), the file name, --interval, the file's mtime.
 */
export type TimeSource = 'profile' | 'paired' | 'file-name' | 'mtime' | 'read' | 'interval';

export interface ValueType {
  readonly type: string;
  readonly unit: string;
}

/**
 * One source position of one function: a pprof Location expands to one Frame per Line, innermost first,
 * so inlined calls stay distinct call sites (keeping only the last line merges them).
 */
export interface Frame {
  /** The function name as the profile spells it, e.g. `google.golang.org/grpc.(*addrConn).connect`. */
  readonly function: string;
  /** The source file as recorded at build time (not yet normalized); '' when unknown. */
  readonly file: string;
  /** 0 when unknown. */
  readonly line: number;
  /** True when this frame was inlined into the frame after it. */
  readonly inlined: boolean;
}

/** Extra facts a goroutine dump (debug=2 or a crash) gives per group of goroutines. */
export interface GoroutineGroupInfo {
  /** Wait reason or state, as in `[chan receive, 5 minutes]` → `chan receive`. */
  readonly state: string;
  /** Range of `N minutes` over the group's goroutines; 0 when the dump did not say. */
  readonly waitMinutesMin: number;
  readonly waitMinutesMax: number;
  readonly lockedToThread: boolean;
  /** The `created by` frame, or null for goroutines without one (main, runtime-started). */
  readonly creator: Frame | null;
  /**
   * Go 1.21+: `created by X in goroutine N`, the N most of the group's goroutines name; -1 when not given. Ids
   * carry no identity in a call site, but within one process they name one goroutine for its whole life.
   */
  readonly creatorGoroutine: number;
  /** Goroutines of the group per creator goroutine id they name (Go 1.21+); empty when the dump names none. */
  readonly creatorGoroutines: ReadonlyMap<number, number>;
  /** Goroutine ids in the group (first few, for evidence only; ids carry no identity). */
  readonly exampleIds: readonly number[];
}

/**
 * A decoded profile, columnar: samples are rows of `values` (sampleTypes.length per sample) and stacks are
 * runs of indices into `frames`, leaf first. One object per snapshot instead of one per sample keeps
 * production-scale profiles (100k samples, 1.5M frame references) in tens of MB.
 */
export interface Snapshot {
  /** The path the user gave (or a display name for stdin). */
  readonly source: string;
  readonly form: Form;
  readonly kind: Kind;
  readonly sampleTypes: readonly ValueType[];
  /** Index into sampleTypes of the type a viewer shows by default (pprof's default_sample_type), or -1. */
  readonly defaultSampleType: number;
  /** Sampling period: for heap profiles, the average bytes between samples (MemProfileRate). */
  readonly period: { readonly type: ValueType; readonly value: number } | null;
  /** Capture time in ms since the epoch from the content itself, or null when the content has none. */
  readonly timeMs: number | null;
  readonly durationNanos: number;
  /** Distinct frames of this snapshot; stacks refer to them by index. */
  readonly frames: readonly Frame[];
  readonly sampleCount: number;
  /** stackFrames[stackStart[i] .. stackStart[i+1]) is sample i's stack, leaf first. Length sampleCount+1. */
  readonly stackStart: Uint32Array;
  readonly stackFrames: Uint32Array;
  /** values[i * sampleTypes.length + t] is sample i's value of type t, already unsampled where the form needs it. */
  readonly values: Float64Array;
  /** Per-sample labels (pprof string labels, `# labels:` in goroutine debug=1); null when the form has none. */
  readonly labels: readonly (Readonly<Record<string, string>> | null)[] | null;
  /** Per-sample goroutine-dump facts; null for forms that do not carry them. */
  readonly goroutineInfo: readonly GoroutineGroupInfo[] | null;
  /** A total the file states about itself (`goroutine profile: total N`), for cross-checking; null if none. */
  readonly declaredTotal: number | null;
  /** Set when the file was cut short (the runtime stops a debug=2 dump at 64 MiB). */
  readonly truncation: { readonly reason: string; readonly goroutinesRead: number } | null;
  /** Build identity of the main binary when the profile records it (mapping build_id or filename). */
  readonly binary: string | null;
  /** Facts the user should hear about that did not stop decoding (e.g. invalid UTF-8 replaced). */
  readonly warnings: readonly string[];
  /** What the lenient reader repaired or skipped in pasted text (each also in `warnings`); empty for strict reads. */
  readonly repairs: readonly Repair[];
  /** Set when the file held several profiles one after another and this is one of them. */
  readonly part: ProfilePart | null;
}

/**
 * One change the lenient reader made to pasted text (decode/paste.ts), typed so tests and JSON can say
 * exactly what happened; `warnings` carries the same as a sentence.
 */
export interface Repair {
  readonly kind:
    | 'json' // the text was inside JSON (a log record's field, JSON lines, an escaped string): unwrapped
    | 'line-endings' // CR-only line breaks read as line ends
    | 'log-prefix' // a logger's prefix on every line (timestamps, syslog, container runtime) removed
    | 'escaped-tabs' // syslog's #011 read as the tab it stands for
    | 'quote-markers' // `> ` removed
    | 'code-fence' // ``` lines removed
    | 'indent' // an indentation every line shared removed
    | 'tabs' // spaces where Go writes tabs
    | 'lines-skipped' // log or prose lines before or after the profile
    | 'header-missing' // debug=1 without `goroutine profile: total N`: counted from the records
    | 'last-record-cut' // the paste ended inside the last record: dropped
    | 'record-skipped'; // the last record did not read: dropped
  /** Input lines the repair touched or removed. */
  readonly lines: number;
  /** The first input line it concerns (1-based). */
  readonly firstLine: number;
  /** Goroutines counted (header-missing) or dropped (last-record-cut, record-skipped); for heap records, records. */
  readonly goroutines?: number;
  /** What was removed or why, quoted from the input where that helps. */
  readonly detail?: string;
}

/** Where one of several profiles written into one file sits. */
export interface ProfilePart {
  /** 1-based position in the file. */
  readonly index: number;
  readonly of: number;
  /** The input line its first line is on. */
  readonly line: number;
}

/** Raw input as the read stage delivers it. */
export interface InputFile {
  /** The path as the user gave it or as found under a directory they gave. */
  readonly path: string;
  readonly bytes: Uint8Array;
  /** File modification time in ms since the epoch. */
  readonly mtimeMs: number;
  /** A capture time found in the file name (e.g. heap-20240101T120000Z.pb.gz), or null. */
  readonly nameTimeMs: number | null;
}
