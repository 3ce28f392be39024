// Mutated real fixtures must decode or fail with a typed error: never an uncaught exception, never a hang.
// FUZZ_CASES raises the count (npm run fuzz runs 100,000 and more); a failing seed reproduces exactly.
import t from 'tap';
import { decode } from '../src/decode/index.js';
import { LeakdiffError } from '../src/errors.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { mutate, seeds } from './helpers/mutate.js';
const CASES = Number(process.env.FUZZ_CASES ?? 2500);
/** A smaller inflate cap keeps a lucky gzip expansion from costing the suite seconds. */
const LIMITS = { ...DEFAULT_LIMITS, maxInflatedBytes: 64 << 20 };
/** The slowest single case allowed, far above the few ms a case takes. */
const MAX_MS = 3000;
// Long runs (npm run fuzz) take minutes: a few ms a case at most, never tap's default 30 s for the file.
t.setTimeout(Math.max(60_000, CASES * 5));
t.test(`${CASES} mutated fixtures: success or a typed error`, async (t) => {
    const corpus = seeds();
    t.ok(corpus.length >= 10, 'a corpus of every form, raw and gzipped');
    const bad = [];
    let typed = 0;
    let decoded = 0;
    let slowest = 0;
    for (let seed = 1; seed <= CASES; seed++) {
        const c = mutate(corpus, seed);
        const start = performance.now();
        try {
            decode(`fuzz-${seed}`, c.bytes, LIMITS);
            decoded++;
        }
        catch (err) {
            if (err instanceof LeakdiffError && err.message.startsWith(`fuzz-${seed}: `) && !err.message.includes('\n'))
                typed++;
            else
                bad.push(`seed ${seed} (${c.mutation} of ${c.source}): ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
        }
        const ms = performance.now() - start;
        slowest = Math.max(slowest, ms);
        if (ms > MAX_MS)
            bad.push(`seed ${seed} (${c.mutation} of ${c.source}) took ${Math.round(ms)} ms`);
    }
    t.same(bad.slice(0, 20), [], `no crash, no untyped error, no slow case (${decoded} decoded, ${typed} typed errors, slowest ${Math.round(slowest)} ms)`);
    // Mutations that never decode (or never fail) would test only one path: both must be reached.
    t.ok(decoded > 0 && typed > 0, `both paths reached: ${decoded} decoded, ${typed} rejected`);
});
//# sourceMappingURL=fuzz.test.js.map