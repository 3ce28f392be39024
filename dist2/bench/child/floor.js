// The floor of `leakdiff analyze`: the same files read and decoded by our reader, one at a time as analyze
// does, and nothing else (no normalize, series, fit or render). Run as its own process so its wall time and
// peak RSS are measured exactly as analyze's are. Usage: node dist/bench/child/floor.js FILE...
import { readFileSync } from 'node:fs';
import { decode } from '../../src/decode/index.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
let samples = 0;
for (const path of process.argv.slice(2)) {
    const { snapshot } = decode(path, readFileSync(path), DEFAULT_LIMITS);
    samples += snapshot.sampleCount;
}
process.stdout.write(`${JSON.stringify({ files: process.argv.length - 2, samples })}\n`);
//# sourceMappingURL=floor.js.map