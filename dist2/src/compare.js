// Proof of a fix: the findings of an earlier run (its JSON, e.g. before the fix) against this run's.
// Resolved: the baseline had it, this run does not (its growth is gone). Persisting: both have it. New: only
// this run has it. A finding is the same across runs when its pattern (or kind) and culprit (or title) are.
import { culpritName } from './diagnose/index.js';
import { perHour } from './fit.js';
import { totalFit } from './fit/all.js';
export function identity(f) {
    return `${f.signature ?? f.kind}|${f.culprit ?? f.title ?? ''}`;
}
export function currentIdentity(a, f) {
    return identity({ signature: f.signature?.id ?? null, kind: f.kind, culprit: culpritName(a.series, f), title: f.title });
}
function ratesOf(f) {
    return {
        goroutinesPerHour: f.goroutines === null ? null : perHour(f.goroutines.fit.robustSlope),
        heapPerHour: f.heap === null ? null : perHour(f.heap.fit.robustSlope),
    };
}
function baselineRates(b) {
    return { goroutinesPerHour: b.goroutines?.perHour ?? null, heapPerHour: b.heap?.perHour ?? null };
}
/** The whole profile's rate, for a finding that is gone: what the service does now where the leak was. */
function totalPerHour(a, kind) {
    const fit = totalFit(a.fits, kind);
    return fit === null ? null : perHour(fit.robustSlope);
}
export function compare(a, baseline) {
    const current = new Map(a.diagnosis.findings.map((f) => [currentIdentity(a, f), f]));
    const before = new Set(baseline.map(identity));
    const now = { goroutinesPerHour: totalPerHour(a, 'goroutine'), heapPerHour: totalPerHour(a, 'heap') };
    const resolved = [];
    const persisting = [];
    for (const b of baseline) {
        const f = current.get(identity(b));
        const entry = { title: b.title ?? b.signature ?? b.kind, culprit: b.culprit, before: baselineRates(b) };
        if (f === undefined)
            resolved.push({ ...entry, after: now });
        else
            persisting.push({ ...entry, after: ratesOf(f) });
    }
    const added = a.diagnosis.findings
        .filter((f) => !before.has(currentIdentity(a, f)))
        .map((f) => ({ title: f.title, culprit: culpritName(a.series, f), before: null, after: ratesOf(f) }));
    return { resolved, persisting, new: added };
}
//# sourceMappingURL=compare.js.map