// Resource limits for decoding untrusted input. Each default sits well above what real Go services write
// (the production-scale bench series peaks at 5.5 MB raw protobuf, a 125 MB heap debug=1 text, 106k samples,
// 3.3k locations, 25 frames, and a 64 MiB debug=2 dump, where the runtime cuts it) so only hostile or broken
// input reaches them, and memory stays bounded by them (a gzip bomb stops at 256 MiB, not at 1.5 GB);
// each can be raised from the CLI. File size bounds nothing on its own: a few bytes of protobuf can name a
// thousand-line inlined location, or a label set, once more. So each limit counts what costs memory, with
// its worst case measured on generated files (test/helpers/bombs.ts): a sample about 120 bytes (a goroutine
// group or text record of distinct frames up to 800), a location 550, a string 35, a frame 4, a label 100.
// At the defaults the worst protobuf we generated peaks near 0.6 GB; a debug=2 dump of 900k goroutines that
// all differ (140 MB of text) still takes 1.6 GB.

export interface Limits {
  /** Bytes a gzip member may inflate to; checked while inflating, so a bomb stops at the cap. */
  readonly maxInflatedBytes: number;
  /** Samples (pprof) or records/goroutines (text forms) in one snapshot. */
  readonly maxSamples: number;
  /** Locations (pprof) or distinct frames (text forms) in one snapshot. */
  readonly maxLocations: number;
  /** Entries in the pprof string table. */
  readonly maxStrings: number;
  /** Frames in one stack. */
  readonly maxStackDepth: number;
  /** Frames over all the stacks of one snapshot (inlined locations expand to one frame per line). */
  readonly maxFrames: number;
  /** String labels stored for one snapshot, counted once per distinct label set (samples share a set). */
  readonly maxLabels: number;
  /** Characters in one line of a text form. */
  readonly maxLineLength: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxInflatedBytes: 256 * 1024 * 1024,
  maxSamples: 1_000_000,
  maxLocations: 1_000_000,
  maxStrings: 2_000_000,
  maxStackDepth: 10_000,
  maxFrames: 25_000_000,
  maxLabels: 1_000_000,
  maxLineLength: 1024 * 1024,
};

/** Names the CLI uses for each limit, so an error can say which flag raises it. */
export const LIMIT_FLAGS: Readonly<Record<keyof Limits, string>> = {
  maxInflatedBytes: '--max-inflated',
  maxSamples: '--max-samples',
  maxLocations: '--max-locations',
  maxStrings: '--max-strings',
  maxStackDepth: '--max-stack-depth',
  maxFrames: '--max-frames',
  maxLabels: '--max-labels',
  maxLineLength: '--max-line-length',
};
