// When a leak's goroutines are all started by a library (net/http's connection loops) and no entry point
// leads to the caller, the service's own code may still show in the heap the leaked goroutines keep alive:
// the request bodies of stuck HTTP requests, say. If exactly one heap-only finding in user code grows with
// the goroutines (r ≥ MIN_LINK_CORRELATION over the heap snapshots), it is the same leak seen from the
// heap: it becomes the culprit and joins the evidence. Two linear leaks always correlate, so a second
// candidate makes the attribution ambiguous and both stay separate findings.
import { interpolate, MIN_LINK_CORRELATION, pearson, sumStacks } from '../correlate.js';
import { formatBytes } from '../units.js';
export function mergeCulpritless(series, findings) {
    const out = [...findings];
    for (const f of findings) {
        if (f.culprit !== null || f.goroutines === null || series.heap === null || series.goroutine === null)
            continue;
        const paired = interpolate(series.goroutine.timesMs, f.goroutines.values, series.heap.timesMs);
        const candidates = out.filter((h) => h.kind === 'heap-growth' && h.culprit !== null && h.heap !== null && pearson(h.heap.values, paired) >= MIN_LINK_CORRELATION);
        if (candidates.length !== 1)
            continue;
        const [h] = candidates;
        if (h.heap === null || h.culprit === null)
            continue;
        const r = pearson(h.heap.values, paired);
        const heap = sumStacks(series, [...(f.heap?.stacks ?? []), ...h.heap.stacks]);
        const name = series.frames[h.culprit.frame].rawFunction;
        const merged = {
            ...f,
            kind: 'goroutine-and-heap',
            culprit: { ...h.culprit, how: `no leaking goroutine runs the service's code, but the only heap of the service's own that grows with them (r = ${r.toFixed(2)}) is allocated in ${name}: the leaked goroutines keep what it allocated alive` },
            heap,
            correlation: pearson(heap.values, paired),
            bytesPerGoroutine: f.goroutines.fit.robustSlope > 0 ? heap.fit.robustSlope / f.goroutines.fit.robustSlope : null,
            evidence: [...f.evidence.filter((e) => !e.startsWith('no function of the service')), `${name}'s heap grew from ${formatBytes(h.heap.fit.first)} to ${formatBytes(h.heap.fit.last)} with the goroutines (r = ${r.toFixed(2)}), the only heap of the service's own code that did`],
        };
        out.splice(out.indexOf(f), 1, merged);
        out.splice(out.indexOf(h), 1);
    }
    return out;
}
//# sourceMappingURL=merge.js.map