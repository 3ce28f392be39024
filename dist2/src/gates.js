// The CI gate: growth-rate limits and the baseline. Each gate is data (name, limit, actual, pass) so the
// report and the JSON show every one; the CLI turns a broken gate into exit code 1.
import { readFileSync } from 'node:fs';
import { compare, currentIdentity, identity } from './compare.js';
import { FileError, UsageError } from './errors.js';
import { perHour } from './fit.js';
import { totalFit } from './fit/all.js';
import { formatBytes, formatCount, parseBytes } from './units.js';
const PER = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hr: 3600, hour: 3600, d: 86400, day: 86400 };
/** "5MiB/h", "100/h", "2 GB/day", "10/min" → units per second; null when the text is no rate. */
export function parseRate(text, unit) {
    const m = /^\s*([^/]+?)\s*\/\s*([a-z]+)\s*$/i.exec(text);
    if (m === null)
        return null;
    const per = PER[m[2].toLowerCase()];
    const amount = unit === 'bytes' ? parseBytes(m[1]) : /^\d+(\.\d+)?$/.test(m[1]) ? Number(m[1]) : null;
    return per === undefined || amount === null ? null : amount / per;
}
/**
 * How fast the whole profile grows for a gate: the robust rate when it grows (or changed, with too few
 * snapshots to say more); growth that levelled off, noise and flat series count as zero, so a warming cache
 * does not break a gate.
 */
function totalRate(a, kind) {
    const fit = totalFit(a.fits, kind);
    return fit !== null && (fit.shape === 'growing' || fit.shape === 'unknown') ? Math.max(0, fit.robustSlope) : 0;
}
export function evaluateGates(a, opts) {
    const gates = [];
    if (opts.maxHeapGrowth !== null) {
        const limit = parseRate(opts.maxHeapGrowth, 'bytes');
        if (limit === null)
            throw new UsageError(`--max-heap-growth takes a rate such as 5MiB/h or 100MB/day, not ${JSON.stringify(opts.maxHeapGrowth)}`);
        const actual = totalRate(a, 'heap');
        gates.push({ name: 'max-heap-growth', limit: opts.maxHeapGrowth, actual: `${formatBytes(perHour(actual))}/h`, passed: actual <= limit });
    }
    if (opts.maxGoroutineGrowth !== null) {
        const limit = parseRate(opts.maxGoroutineGrowth, 'count');
        if (limit === null)
            throw new UsageError(`--max-goroutine-growth takes a rate such as 100/h or 10/min, not ${JSON.stringify(opts.maxGoroutineGrowth)}`);
        const actual = totalRate(a, 'goroutine');
        gates.push({ name: 'max-goroutine-growth', limit: opts.maxGoroutineGrowth, actual: `${formatCount(perHour(actual))}/h`, passed: actual <= limit });
    }
    const failing = failingFindings(a, opts);
    // `suspect` (one snapshot, a known pattern with strong evidence) fails like a medium-confidence finding.
    const suspect = a.diagnosis.verdict === 'suspect' && opts.failOn !== 'high' && opts.baseline === null;
    if (suspect) {
        gates.push({ name: 'fail-on', limit: `no finding at ${opts.failOn} confidence or above (a suspect counts as medium)`, actual: 'suspect: a known leak pattern with strong single-snapshot evidence', passed: false });
        return gates;
    }
    gates.push({
        name: opts.baseline === null ? 'fail-on' : 'fail-on (new since baseline)',
        limit: `no ${opts.baseline === null ? '' : 'new '}finding at ${opts.failOn} confidence or above`,
        actual: failing.length === 0 ? 'none' : `${failing.length}: ${failing.map((f) => f.title).join('; ')}`,
        passed: failing.length === 0,
    });
    if (opts.requireResolved === true && opts.baseline !== null) {
        const persisting = compare(a, opts.baseline).persisting;
        gates.push({
            name: 'require-resolved',
            limit: 'every baseline finding resolved',
            actual: persisting.length === 0 ? `all ${opts.baseline.length} resolved` : `${persisting.length} persisting: ${persisting.map((p) => p.title).join('; ')}`,
            passed: persisting.length === 0,
        });
    }
    return gates;
}
const LEVELS = ['high', 'medium', 'low'];
/** Findings at or above --fail-on that the baseline did not already have. */
export function failingFindings(a, opts) {
    const limit = LEVELS.indexOf(opts.failOn);
    const known = new Set((opts.baseline ?? []).map(identity));
    return a.diagnosis.findings.filter((f) => LEVELS.indexOf(f.confidence) <= limit && !known.has(currentIdentity(a, f)));
}
export function readBaseline(path) {
    let data;
    try {
        data = JSON.parse(readFileSync(path, 'utf8'));
    }
    catch (err) {
        const e = err;
        throw new FileError(path, 'read', e.code === 'ENOENT' ? 'no such file (the baseline is the --json output of an earlier run)' : `not a leakdiff JSON result (${e.message})`);
    }
    const r = data;
    if (r.schemaVersion !== 1 || !Array.isArray(r.findings)) {
        throw new FileError(path, 'read', `not a leakdiff JSON result of schema version 1 (got schemaVersion ${JSON.stringify(r.schemaVersion)})`);
    }
    return r.findings;
}
//# sourceMappingURL=gates.js.map