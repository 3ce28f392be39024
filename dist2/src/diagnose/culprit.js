// The culprit: the user's own function to fix. When a leaking goroutine's stack holds a user frame, that is
// it. When every leaking stack ends inside a library (the original incident: traces stopped at
// addrConn.connect), the heap stacks that grow with the leak are followed through the library's entry point
// (grpc.DialContext, say) to the user's function that called it.
import { row } from '../series.js';
/** The leaf-most frame of the user's own code in a stack, or -1. */
export function userFrame(series, stackId) {
    const frames = series.stacks[stackId].frames;
    for (const f of frames)
        if (series.frames[f].origin === 'user')
            return f;
    return -1;
}
/** The user frame just root-ward of an entry point in a stack (the caller of grpc.DialContext), or -1. */
function callerOfEntry(series, stackId, entryPoints) {
    const frames = series.stacks[stackId].frames;
    for (let i = 0; i < frames.length; i++) {
        const fn = series.frames[frames[i]].function;
        if (!entryPoints.some((re) => re.test(fn)))
            continue;
        for (let j = i + 1; j < frames.length; j++) {
            if (series.frames[frames[j]].origin === 'user')
                return { caller: frames[j], entry: frames[i] };
        }
    }
    return { caller: -1, entry: -1 };
}
/** Growth of a heap call site over the window (inuse_space). */
function heapGrowth(series, stackId) {
    const m = series.heap?.metrics[0].byStack;
    if (m === undefined)
        return 0;
    const v = row(m, stackId);
    return v[v.length - 1] - v[0];
}
/** Growth of a goroutine group over the window. */
function goroutineGrowth(series, stackId) {
    const m = series.goroutine?.metrics[0].byStack;
    if (m === undefined)
        return 0;
    const v = row(m, stackId);
    return v[v.length - 1] - v[0];
}
const newVotes = () => ({ weight: new Map(), stack: new Map() });
/** Picks the candidate with the most growth behind it; ties go to the lower frame id, so output is stable. */
function best(votes) {
    let pick = -1;
    let weight = -Infinity;
    for (const [frame, w] of votes.weight)
        if (w > weight || (w === weight && frame < pick))
            [pick, weight] = [frame, w];
    return { frame: pick, stack: votes.stack.get(pick)?.id ?? -1 };
}
function vote(votes, frame, stack, growth) {
    if (frame < 0)
        return;
    const w = Math.max(growth, 1e-9);
    votes.weight.set(frame, (votes.weight.get(frame) ?? 0) + w);
    const top = votes.stack.get(frame);
    if (top === undefined || w > top.weight || (w === top.weight && stack < top.id))
        votes.stack.set(frame, { id: stack, weight: w });
}
/**
 * Heap call sites that grew at all over the window. Each allocation a leaked connection makes inside the
 * entry point is small and sampled (one sample per 512 KiB), so no single one need pass a noise test; what
 * counts is that, summed per caller, they grew.
 */
function grownHeapStacks(series) {
    const m = series.heap?.metrics[0].byStack;
    if (m === undefined || m.n < 2)
        return [];
    const out = [];
    for (let id = 0; id < m.data.length / m.n; id++)
        if (heapGrowth(series, id) > 0)
            out.push(id);
    return out;
}
export function findCulprit(series, goroutineStacks, heapStacks, entryPoints) {
    const byGoroutine = newVotes();
    for (const id of goroutineStacks)
        vote(byGoroutine, userFrame(series, id), id, goroutineGrowth(series, id));
    if (byGoroutine.weight.size > 0) {
        const { frame, stack } = best(byGoroutine);
        return { frame, stack, stackKind: 'goroutine', how: `the leaking goroutines run in ${series.frames[frame].rawFunction}` };
    }
    if (entryPoints.length > 0) {
        const byEntry = newVotes();
        const entries = new Map();
        for (const id of grownHeapStacks(series)) {
            const { caller, entry } = callerOfEntry(series, id, entryPoints);
            vote(byEntry, caller, id, heapGrowth(series, id));
            if (caller >= 0)
                entries.set(caller, entry);
        }
        if (byEntry.weight.size > 0) {
            const { frame, stack } = best(byEntry);
            const entry = series.frames[entries.get(frame) ?? frame].function;
            return { frame, stack, stackKind: 'heap', how: `the leaking goroutines' stacks end inside the library, so the heap that grows with them was followed through ${entry} to its caller ${series.frames[frame].rawFunction}` };
        }
    }
    const byHeap = newVotes();
    for (const id of heapStacks)
        vote(byHeap, userFrame(series, id), id, heapGrowth(series, id));
    if (byHeap.weight.size > 0) {
        const { frame, stack } = best(byHeap);
        return { frame, stack, stackKind: 'heap', how: `the growing heap is allocated under ${series.frames[frame].rawFunction}` };
    }
    return entryPoints.length > 0 ? soleCaller(series, entryPoints) : null;
}
/**
 * The last resort: in a short window the few KiB each call of the entry point keeps may fall under the heap
 * sampling, so no growing site leads there. Every call site seen in any snapshot (allocations included, not
 * only what is still in use) is still in the stack table; when the service calls the entry point from
 * exactly one function, that is where the leaking objects are made. Two or more callers: no guess.
 */
function soleCaller(series, entryPoints) {
    const callers = new Map();
    const entries = new Map();
    for (const s of series.stacks) {
        const { caller, entry } = callerOfEntry(series, s.id, entryPoints);
        if (caller >= 0 && !callers.has(caller)) {
            callers.set(caller, s.id);
            entries.set(caller, entry);
        }
    }
    if (callers.size !== 1)
        return null;
    const [[frame, stack]] = [...callers];
    const entry = series.frames[entries.get(frame) ?? frame].function;
    return { frame, stack, stackKind: 'heap', how: `the leaking goroutines' stacks end inside the library and the heap it keeps per call is under the sampling rate, but ${series.frames[frame].rawFunction} is the only function of the service's own that calls ${entry} in these profiles` };
}
//# sourceMappingURL=culprit.js.map