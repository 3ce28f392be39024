// One snapshot gives triage, not trend, and triage should still conclude: which goroutine groups look leaked
// (parked for a long time, far more of them than a service runs at once, a known leak pattern), read as the
// objects that keep them ("238 goroutines in each of the 4 groups a ClientConn keeps: about 238 are open");
// what holds the most in-use memory in one heap profile, by the service's own caller; both joined when both
// kinds are there; and what to capture next to turn the triage into a diagnosis. Data only: render words it.
import { matchSignatures, inferWaitState } from '../patterns.js';
import { SIGNATURES } from '../patterns/table.js';
import { row } from '../series.js';
/** A goroutine parked this long is not serving a request: the strongest single-snapshot evidence there is. */
export const LONG_WAIT_MINUTES = 10;
/** A group this large, or this many times the median group, is far above what a service runs at once. */
export const MANY = 100;
const MANY_FACTOR = 10;
const MIN_MANY = 20;
/** Groups of fewer goroutines than this carry too little for a long wait to mean a leak (an accept loop waits forever). */
const MIN_LONG_WAIT_COUNT = 5;
/** Objects below this count make a pattern a lead, not a suspect (a service holds a few ClientConns on purpose). */
const MIN_OBJECTS = 10;
const MAX_GROUPS = 10;
const MAX_HOLDERS = 5;
export function triage(series) {
    const groups = goroutineGroups(series);
    const suspects = readAsObjects(series, groups);
    const heap = heapHolders(series);
    const flagged = groups.filter((g) => g.reasons.length > 0);
    const shown = (flagged.length > 0 ? flagged : groups).slice(0, MAX_GROUPS);
    const gTotal = series.goroutine === null ? null : series.goroutine.metrics[0].total.data[0];
    const hTotal = series.heap === null ? null : series.heap.metrics[0].total.data[0];
    return { goroutines: gTotal, heapInuseBytes: hTotal, groups: shown, suspects, heap };
}
/** True when the triage is strong enough for the `suspect` verdict. */
export function isSuspect(t) {
    return t.suspects.some((s) => s.strong);
}
function stackNames(series, id) {
    const s = series.stacks[id];
    return [...s.runtimeTop, ...s.frames].map((f) => series.frames[f].function);
}
function goroutineGroups(series) {
    const g = series.goroutine;
    if (g === null)
        return [];
    const m = g.metrics[0].byStack;
    const ids = [];
    for (let id = 0; id < m.data.length / m.n; id++)
        if (row(m, id)[0] > 0)
            ids.push(id);
    const counts = ids.map((id) => row(m, id)[0]).sort((a, b) => a - b);
    const median = counts.length === 0 ? 0 : counts[Math.floor(counts.length / 2)];
    const out = ids.map((id) => {
        const count = row(m, id)[0];
        const facts = g.facts.get(id);
        const names = stackNames(series, id);
        const state = facts?.states[0] ?? inferWaitState(names);
        const match = matchSignatures({ goroutineStacks: [names], waitStates: state === null ? [] : [state], heapStacks: [] })[0];
        const waitMinutes = facts?.waitMinutesMax ?? 0;
        const reasons = [];
        if (waitMinutes >= LONG_WAIT_MINUTES && count >= MIN_LONG_WAIT_COUNT)
            reasons.push('long-wait');
        if (count >= MANY || (count >= MIN_MANY && count >= MANY_FACTOR * median))
            reasons.push('many');
        if (match !== undefined && !match.signature.generic && count >= MIN_OBJECTS)
            reasons.push('pattern');
        const userFrame = series.stacks[id].frames.find((f) => series.frames[f].origin === 'user') ?? -1;
        return { stack: id, count, state, signature: match?.signature.id ?? null, waitMinutes, creator: facts?.creator ?? -1, userFrame, reasons };
    });
    return out.sort((a, b) => b.count - a.count || a.stack - b.stack);
}
/**
 * Groups matched to one pattern are the goroutines of the objects that pattern leaks: when several groups
 * hold the same number, each object keeps one goroutine in each, and that number is how many are open.
 */
function readAsObjects(series, groups) {
    const bySignature = new Map();
    for (const g of groups) {
        if (g.signature === null || g.count < MIN_LONG_WAIT_COUNT)
            continue;
        bySignature.set(g.signature, [...(bySignature.get(g.signature) ?? []), g]);
    }
    const out = [];
    for (const [id, list] of bySignature) {
        const signature = SIGNATURES.find((s) => s.id === id);
        if (signature === undefined)
            continue;
        const counts = list.map((g) => g.count);
        const objects = modeOf(counts);
        const lockstep = counts.filter((c) => c === objects).length >= 2;
        const reasons = [...new Set(list.flatMap((g) => g.reasons))];
        const waitMinutes = Math.max(...list.map((g) => g.waitMinutes));
        const userFrames = [...new Set(list.map((g) => g.userFrame).filter((f) => f >= 0))];
        const strong = objects >= MIN_OBJECTS && (signature.generic ? reasons.includes('long-wait') && reasons.includes('many') : lockstep || reasons.includes('long-wait') || reasons.includes('many'));
        out.push({ signature, groups: list.map((g) => g.stack), counts, objects, lockstep, waitMinutes, creator: list.find((g) => g.creator >= 0)?.creator ?? -1, userFrames, reasons, strong, heapBytes: heapUnder(series, signature), peerGroups: [] });
    }
    return withPeers(out).sort((a, b) => Number(b.strong) - Number(a.strong) || Number(a.signature.generic) - Number(b.signature.generic) || b.objects * b.groups.length - a.objects * a.groups.length);
}
/**
 * The server end of connections a leaked client holds, when that server runs in the same process (a
 * loopback test, a sidecar), shows the same count: evidence of the client leak, not a second leak.
 */
const PEERS = { 'grpc-clientconn-unclosed': 'grpc-server-transports-held' };
function withPeers(list) {
    const out = list.slice();
    for (const [client, server] of Object.entries(PEERS)) {
        const c = out.findIndex((x) => x.signature.id === client);
        const p = out.findIndex((x) => x.signature.id === server);
        if (c < 0 || p < 0 || out[p].objects !== out[c].objects)
            continue;
        out[c] = { ...out[c], peerGroups: out[p].groups };
        out.splice(p, 1);
    }
    return out;
}
/** The count most groups share (the largest such when tied); with no repeat, the smallest, a lower bound. */
function modeOf(counts) {
    const freq = new Map();
    for (const c of counts)
        freq.set(c, (freq.get(c) ?? 0) + 1);
    let best = Math.min(...counts);
    let bestFreq = 1;
    for (const [c, f] of freq)
        if (f > bestFreq || (f === bestFreq && f > 1 && c > best))
            [best, bestFreq] = [c, f];
    return best;
}
/** In-use bytes of the heap stacks that pass through the pattern's heap frames (one heap snapshot). */
function heapUnder(series, signature) {
    const h = series.heap;
    if (h === null || signature.heapFrames.length === 0)
        return null;
    const m = h.metrics[0].byStack;
    let sum = 0;
    for (let id = 0; id < m.data.length / m.n; id++) {
        const v = row(m, id)[m.n - 1];
        if (v <= 0)
            continue;
        const names = series.stacks[id].frames.map((f) => series.frames[f].function);
        if (signature.heapFrames.some((re) => names.some((n) => re.test(n))))
            sum += v;
    }
    return sum;
}
/** Entry points of every pattern: a library call whose caller in the service's code owns what it allocates. */
const ENTRY_POINTS = SIGNATURES.flatMap((s) => s.entryPoints.map((re) => ({ re, signature: s.id })));
function heapHolders(series) {
    const h = series.heap;
    if (h === null)
        return [];
    const m = h.metrics[0].byStack;
    const total = h.metrics[0].total.data[m.n - 1];
    const byOwner = new Map();
    for (let id = 0; id < m.data.length / m.n; id++) {
        const bytes = row(m, id)[m.n - 1];
        if (bytes <= 0)
            continue;
        const owner = ownerOf(series, id);
        if (owner === null)
            continue;
        const prev = byOwner.get(owner.frame);
        byOwner.set(owner.frame, { ...owner, bytes: (prev?.bytes ?? 0) + bytes, signature: owner.signature ?? prev?.signature ?? null });
    }
    return [...byOwner.entries()]
        .map(([frame, o]) => ({ frame, how: o.how, entry: o.entry, inuseBytes: o.bytes, share: total > 0 ? o.bytes / total : 0, signature: o.signature }))
        .sort((a, b) => b.inuseBytes - a.inuseBytes || a.frame - b.frame)
        .slice(0, MAX_HOLDERS);
}
/** Who owns a heap stack's bytes: the service's caller of a library entry point, its own frame, or the allocation site. */
function ownerOf(series, id) {
    const frames = series.stacks[id].frames;
    for (let i = frames.length - 1; i >= 0; i--) {
        const fn = series.frames[frames[i]].function;
        const ep = ENTRY_POINTS.find((e) => e.re.test(fn));
        if (ep === undefined)
            continue;
        for (let j = i + 1; j < frames.length; j++)
            if (series.frames[frames[j]].origin === 'user')
                return { frame: frames[j], how: 'entry-point-caller', entry: frames[i], signature: ep.signature };
    }
    const user = frames.find((f) => series.frames[f].origin === 'user');
    if (user !== undefined)
        return { frame: user, how: 'user-frame', entry: -1, signature: null };
    return frames.length === 0 ? null : { frame: frames[0], how: 'allocation-site', entry: -1, signature: null };
}
//# sourceMappingURL=triage.js.map