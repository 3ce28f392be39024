// Seeded mutations of real captured profiles, shared by the fuzz test (a few thousand cases in CI) and
// `npm run fuzz` (long runs). Every case is reproducible from its seed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FIXTURES } from './paths.js';
/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
export function rng(seed) {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
/** One small file of each form from two scenarios, raw and as captured (gzipped where it was). */
export function seeds() {
    const out = [];
    for (const scenario of ['map-leak', 'worker-leak']) {
        const dir = join(FIXTURES, scenario);
        const files = readdirSync(dir).filter((f) => /-0[12]-/.test(f) && !f.endsWith('.json')).sort();
        for (const f of files) {
            const bytes = readFileSync(join(dir, f));
            out.push({ name: `${scenario}/${f}`, bytes });
            if (f.endsWith('.gz'))
                out.push({ name: `${scenario}/${f} (inflated)`, bytes: gunzipSync(bytes) });
            else
                out.push({ name: `${scenario}/${f} (gzipped)`, bytes: gzipSync(bytes) });
        }
    }
    return out;
}
const MUTATIONS = ['flip', 'truncate', 'splice', 'duplicate', 'zero', 'insert'];
export function mutate(corpus, seed) {
    const r = rng(seed);
    const pick = (n) => Math.floor(r() * n);
    const base = corpus[pick(corpus.length)];
    const b = Buffer.from(base.bytes);
    const mutation = MUTATIONS[pick(MUTATIONS.length)];
    let out = b;
    switch (mutation) {
        case 'flip':
            for (let i = 1 + pick(8); i > 0; i--)
                out[pick(out.length)] ^= 1 << pick(8);
            break;
        case 'truncate':
            out = b.subarray(0, pick(b.length));
            break;
        case 'splice': {
            const other = corpus[pick(corpus.length)].bytes;
            out = Buffer.concat([b.subarray(0, pick(b.length)), other.subarray(pick(other.length))]);
            break;
        }
        case 'duplicate': {
            const at = pick(b.length);
            const len = Math.min(1 + pick(4096), b.length - at);
            out = Buffer.concat([b.subarray(0, at + len), b.subarray(at, at + len), b.subarray(at + len)]);
            break;
        }
        case 'zero': {
            const at = pick(b.length);
            out.fill(0, at, Math.min(b.length, at + 1 + pick(64)));
            break;
        }
        case 'insert': {
            const at = pick(b.length);
            const junk = Buffer.from(Array.from({ length: 1 + pick(32) }, () => pick(256)));
            out = Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
            break;
        }
    }
    return { seed, source: base.name, mutation, bytes: out };
}
//# sourceMappingURL=mutate.js.map