// What was checked and found bounded: call sites that grew and then levelled off (a warming cache) and
// goroutine groups that did the same. Listed so a reader sees they were considered, not missed.
import { fitsOf } from '../fit/all.js';
import { heapGrowthFloor } from './confidence.js';
export function boundedSites(series, fits, findings) {
    const taken = new Set(findings.flatMap((f) => (f.heap?.stacks ?? []).map((s) => series.stacks[s].frames[0])));
    const out = [];
    const floor = series.heap === null ? 0 : heapGrowthFloor(series);
    for (const [frame, fit] of fitsOf(fits, 'heap', 'inuse_space', 'flat')) {
        if (fit.shape === 'plateau' && fit.max - fit.min >= floor && !taken.has(frame)) {
            out.push({ kind: 'heap', id: frame, site: series.frames[frame].function, why: fit.reason, fit });
        }
    }
    for (const [stack, fit] of fitsOf(fits, 'goroutine', 'goroutine', 'stack')) {
        if (fit.shape === 'plateau' && fit.max - fit.min >= 3) {
            const frames = series.stacks[stack].frames;
            out.push({ kind: 'goroutine', id: stack, site: series.frames[frames[frames.length - 1] ?? 0]?.function ?? '?', why: fit.reason, fit });
        }
    }
    return out.sort((a, b) => b.fit.max - b.fit.min - (a.fit.max - a.fit.min) || a.site.localeCompare(b.site));
}
//# sourceMappingURL=bounded.js.map