// The fixture matrix as data: every captured scenario variant under fixtures/matrix/, its hand-written ground
// truth (expected.json, written before leakdiff ran on it) and the runs the evaluation makes of it: one per
// input form, plus the series cut to 4, 3 and 2 snapshots spread over its window (`leakdiff snap1 snap2 snap3`).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
const PB_HEAP = /^heap-\d+-.*\.pb\.gz$/;
const PB_GOROUTINE = /^goroutine-\d+-.*\.pb\.gz$/;
export const FORMS = [
    { name: 'pb', patterns: [PB_HEAP, PB_GOROUTINE], cut: null },
    { name: 'debug1', patterns: [/^heap-\d+-.*\.debug1\.txt(\.gz)?$/, /^goroutine-\d+-.*\.debug1\.txt(\.gz)?$/], cut: null },
    { name: 'pb+debug2', patterns: [PB_HEAP, /^goroutine-\d+-.*\.debug2\.txt(\.gz)?$/], cut: null },
    { name: 'pb+leakprof', patterns: [PB_HEAP, PB_GOROUTINE, /^goroutineleak-\d+-.*\.pb\.gz$/], cut: null },
    { name: 'pb cut 4', patterns: [PB_HEAP, PB_GOROUTINE], cut: 4 },
    { name: 'pb cut 3', patterns: [PB_HEAP, PB_GOROUTINE], cut: 3 },
    { name: 'pb cut 2', patterns: [PB_HEAP, PB_GOROUTINE], cut: 2 },
];
function readJson(path) {
    return JSON.parse(readFileSync(path, 'utf8'));
}
function asExpected(raw, where) {
    const o = raw;
    if (o.verdict !== 'leak' && o.verdict !== 'no-leak')
        throw new Error(`${where}: verdict must be "leak" or "no-leak"`);
    if (!Array.isArray(o.leaks))
        throw new Error(`${where}: leaks must be a list`);
    const leaks = o.leaks.map((l, i) => {
        if (typeof l.culprit !== 'string')
            throw new Error(`${where}: leaks[${i}].culprit must be a function name`);
        return {
            kind: l.kind,
            signature: typeof l.signature === 'string' ? l.signature : null,
            culprit: l.culprit,
            also: Array.isArray(l.also) ? l.also.filter((a) => typeof a === 'string') : [],
        };
    });
    if ((o.verdict === 'leak') !== leaks.length > 0)
        throw new Error(`${where}: a leak verdict needs leaks, a no-leak verdict none`);
    return { verdict: o.verdict, leaks, bounded: Array.isArray(o.bounded) ? o.bounded.filter((b) => typeof b === 'string') : [] };
}
const byName = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
function variantAt(scenario, variant, dir, base) {
    const override = join(dir, 'expected.json');
    const expected = asExpected(existsSync(override) ? readJson(override) : base, `${scenario}/${variant}/expected.json`);
    const capture = readJson(join(dir, 'capture.json'));
    const goText = typeof capture.go === 'string' ? capture.go : '';
    const go = /go1\.\d+(\.\d+)?/.exec(goText)?.[0] ?? variant.split('-')[0];
    const files = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()).sort(byName);
    return { scenario, variant, dir, go, build: variant.split('-').slice(1).join('-'), expected, files };
}
/**
 * Every captured variant under `root` (fixtures/matrix: <scenario>/<variant>/), in name order, then the first
 * round's fixtures directly under `legacyRoot` (fixtures/<scenario>/ holding expected.json and capture.json
 * beside the snapshots: one variant each, named by capture.json). [] when there is neither.
 */
export function loadMatrix(root, legacyRoot = null) {
    const out = [];
    if (existsSync(root)) {
        for (const scenario of readdirSync(root).sort(byName)) {
            const sdir = join(root, scenario);
            if (!statSync(sdir).isDirectory() || !existsSync(join(sdir, 'expected.json')))
                continue;
            const base = readJson(join(sdir, 'expected.json'));
            for (const variant of readdirSync(sdir).sort(byName)) {
                const dir = join(sdir, variant);
                if (statSync(dir).isDirectory() && existsSync(join(dir, 'capture.json')))
                    out.push(variantAt(scenario, variant, dir, base));
            }
        }
    }
    if (legacyRoot !== null && existsSync(legacyRoot)) {
        for (const scenario of readdirSync(legacyRoot).sort(byName)) {
            const dir = join(legacyRoot, scenario);
            if (!statSync(dir).isDirectory() || !existsSync(join(dir, 'expected.json')) || !existsSync(join(dir, 'capture.json')))
                continue;
            const capture = readJson(join(dir, 'capture.json'));
            out.push(variantAt(scenario, typeof capture.variant === 'string' ? capture.variant : 'legacy', dir, readJson(join(dir, 'expected.json'))));
        }
    }
    return out;
}
const roundOf = (file) => Number(/^[a-z]+-(\d+)-/.exec(file)?.[1] ?? NaN);
/** The files of one run, or null when the variant was not captured in that form. */
export function filesFor(v, form) {
    const groups = form.patterns.map((p) => v.files.filter((f) => p.test(f)));
    if (groups.some((g) => g.length === 0))
        return null;
    let files = groups.flat();
    if (form.cut !== null) {
        const rounds = [...new Set(files.map(roundOf))].sort((a, b) => a - b);
        if (rounds.length <= form.cut)
            return null;
        const keep = new Set(Array.from({ length: form.cut }, (_, i) => rounds[Math.round((i * (rounds.length - 1)) / (form.cut - 1))]));
        files = files.filter((f) => keep.has(roundOf(f)));
    }
    return files.map((f) => join(v.dir, f));
}
//# sourceMappingURL=matrix.js.map