// The diagnose stage: fits and links in, a verdict and ranked findings out. Each finding carries its
// evidence (the fits, the call sites, the chain of reasoning), so rendering never recomputes anything.
import { sumStacks } from '../correlate.js';
import { matchSignatures } from '../patterns.js';
import { formatBytes } from '../units.js';
import { findCulprit, userFrame } from './culprit.js';
import { heapGrowthFloor, isSignificantHeap, confidenceOf } from './confidence.js';
import { boundedSites } from './bounded.js';
import { isSuspect, triage } from './triage.js';
import { mergeCulpritless } from './merge.js';
export function diagnose(series, fits, links) {
    const findings = mergeCulpritless(series, [...links.links.map((l) => fromLink(series, l)), ...heapOnly(series, links.unlinkedHeap)]).sort(byRank);
    const bounded = boundedSites(series, fits, findings);
    const n = Math.max(series.heap?.times.length ?? 0, series.goroutine?.times.length ?? 0);
    const single = n === 1 ? triage(series) : null;
    const verdict = findings.some((f) => f.confidence !== 'low') ? 'leak' : single !== null && isSuspect(single) ? 'suspect' : findings.length > 0 || n < 3 ? 'inconclusive' : 'no-leak';
    return { verdict, findings, bounded, triage: single, summary: summaryOf(verdict, findings, bounded, n) };
}
const CONFIDENCE_ORDER = { high: 0, medium: 1, low: 2 };
function byRank(a, b) {
    return CONFIDENCE_ORDER[a.confidence] - CONFIDENCE_ORDER[b.confidence] || heapRate(b) - heapRate(a) || goroutineRate(b) - goroutineRate(a) || a.title.localeCompare(b.title);
}
const heapRate = (f) => (f.heap === null ? 0 : f.heap.fit.robustSlope);
const goroutineRate = (f) => (f.goroutines === null ? 0 : f.goroutines.fit.robustSlope);
function stackFunctions(series, stackId) {
    const s = series.stacks[stackId];
    return [...s.runtimeTop, ...s.frames].map((f) => series.frames[f].function);
}
function fromLink(series, link) {
    const heapStacks = link.heap?.stacks ?? [];
    const states = link.unit.groups.flatMap((g) => series.goroutine?.facts.get(g)?.states ?? []);
    const match = matchSignatures({
        goroutineStacks: link.unit.groups.map((g) => stackFunctions(series, g)),
        waitStates: states,
        heapStacks: heapStacks.map((h) => stackFunctions(series, h)),
    })[0];
    const signature = match?.signature ?? null;
    const culprit = findCulprit(series, link.unit.groups, heapStacks, signature?.entryPoints ?? []);
    const heapSignificant = link.heap !== null && isSignificantHeap(series, link.heap.fit);
    const heap = heapSignificant ? link.heap : null;
    const evidence = [...link.evidence];
    if (signature !== null)
        evidence.push(`the stacks match the known pattern "${signature.title}" (${match.matchedFrames.slice(0, 4).join(', ')})`);
    evidence.push(culprit === null ? `no function of the service's own code is in any leaking stack${signature?.whereToLook ? `; look at ${signature.whereToLook}` : ''}` : culprit.how);
    return {
        kind: heap === null ? 'goroutine-leak' : 'goroutine-and-heap',
        title: signature?.title ?? `goroutines growing: ${link.unit.key}`,
        signature,
        culprit,
        confidence: confidenceOf(link.unit.fit, heap?.fit ?? null),
        goroutines: { groups: link.unit.groups, values: link.unit.values, fit: link.unit.fit },
        heap,
        bytesPerGoroutine: heap === null ? null : link.bytesPerGoroutine,
        correlation: heap === null ? null : link.correlation,
        evidence,
    };
}
/** Heap growth no goroutine explains: one finding per user function under which it is allocated. */
function heapOnly(series, unlinked) {
    if (series.heap === null || series.heap.times.length < 2)
        return [];
    const byCulprit = new Map();
    for (const id of unlinked) {
        const f = userFrame(series, id);
        const key = f >= 0 ? f : series.stacks[id].frames[0] ?? -1;
        byCulprit.set(key, [...(byCulprit.get(key) ?? []), id]);
    }
    const out = [];
    const floor = heapGrowthFloor(series);
    for (const [frame, stacks] of byCulprit) {
        if (frame < 0)
            continue;
        const heap = sumStacks(series, stacks);
        if (heap.fit.absoluteGrowth < floor || (heap.fit.shape !== 'growing' && heap.fit.shape !== 'unknown'))
            continue;
        const heapStacks = stacks.map((h) => stackFunctions(series, h));
        const match = matchSignatures({ goroutineStacks: [], waitStates: [], heapStacks })[0];
        const isUser = series.frames[frame].origin === 'user';
        const culprit = isUser ? { frame, stack: stacks[0], stackKind: 'heap', how: `the growing heap is allocated under ${series.frames[frame].function}, the service's own function nearest to the allocation` } : null;
        const evidence = [`${stacks.length} heap call site${stacks.length === 1 ? '' : 's'} grew from ${formatBytes(heap.fit.first)} to ${formatBytes(heap.fit.last)} in use, and no goroutine group grew with them`];
        if (match !== undefined)
            evidence.push(`the stacks match the known pattern "${match.signature.title}"`);
        evidence.push(culprit?.how ?? `no function of the service's own code is in these stacks; they start in ${series.frames[frame].function}`);
        out.push({
            kind: 'heap-growth',
            title: match?.signature.title ?? 'Heap growing without bound',
            signature: match?.signature ?? null,
            culprit,
            confidence: confidenceOf(null, heap.fit),
            goroutines: null,
            heap,
            bytesPerGoroutine: null,
            correlation: null,
            evidence,
        });
    }
    return out;
}
function summaryOf(verdict, findings, bounded, n) {
    if (n === 1)
        return 'one snapshot gives triage, not a trend: capture a few more, minutes apart, to see what grows';
    if (verdict === 'no-leak') {
        return bounded.length === 0
            ? `nothing grew beyond sampling noise over ${n} snapshots`
            : `nothing grows without bound over ${n} snapshots; ${bounded.length === 1 ? 'one site' : `${bounded.length} sites`} grew and then levelled off (bounded, like a warming cache)`;
    }
    if (verdict === 'inconclusive') {
        return n < 3 ? `with ${n} snapshots a trend cannot be told from a step; capture at least 3, better 6 or more` : 'growth was seen, but not steady or strong enough to call it a leak';
    }
    return findings[0].title;
}
/** The culprit's function as the profile spells it (closure numbers included), or null. */
export function culpritName(series, f) {
    return f.culprit === null ? null : series.frames[f.culprit.frame].rawFunction;
}
//# sourceMappingURL=index.js.map