// Resource limits for decoding untrusted input. Each default sits well above what real Go services write
// (the production-scale bench series peaks at 5.5 MB raw protobuf, a 125 MB heap debug=1 text, 106k samples,
// 3.3k locations, 25 frames, and a 64 MiB debug=2 dump, where the runtime cuts it) so only hostile or broken
// input reaches them, and memory stays bounded by them (a gzip bomb stops at 256 MiB, not at 1.5 GB);
// each can be raised from the CLI.
export const DEFAULT_LIMITS = {
    maxInflatedBytes: 256 * 1024 * 1024,
    maxSamples: 5_000_000,
    maxLocations: 5_000_000,
    maxStrings: 10_000_000,
    maxStackDepth: 10_000,
    maxLineLength: 1024 * 1024,
};
/** Names the CLI uses for each limit, so an error can say which flag raises it. */
export const LIMIT_FLAGS = {
    maxInflatedBytes: '--max-inflated',
    maxSamples: '--max-samples',
    maxLocations: '--max-locations',
    maxStrings: '--max-strings',
    maxStackDepth: '--max-stack-depth',
    maxLineLength: '--max-line-length',
};
//# sourceMappingURL=limits.js.map