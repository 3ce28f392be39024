// The normalize stage: snapshots in, samples keyed by stable frame and stack identities out. Identities are
// interned across the whole series (integers, not strings, from here on), one snapshot at a time, so a
// decoded snapshot can be dropped as soon as it is normalized: only the tables and per-stack values stay.
import { isRuntimeFunction, normalizeFile, normalizeFunction, originOf } from './names.js';
const RULES = [
    'module versions, module-cache, GOROOT, GOPATH and vendor prefixes dropped from file paths',
    'address offsets, goroutine ids, argument words, (inline) markers and elisions carry no identity',
    'closure and generic instance suffixes folded (func1 → func, [go.shape.int] → [...])',
    'leading runtime.* frames kept as evidence, not as the call site; runtime.goexit dropped',
];
export function policyFor(granularity) {
    return {
        name: granularity === 'lines' ? 'functions+lines' : 'functions',
        granularity,
        rules: [granularity === 'lines' ? 'a frame is its function and line number' : 'a frame is its function (line numbers move between builds)', ...RULES],
    };
}
export const DEFAULT_POLICY = policyFor('functions');
/**
 * What the per-line table keeps: what is in use now, and goroutine counts. Allocation totals never shrink,
 * so they say nothing about a leak, and leaving them out (with the samples that hold nothing in use, about
 * half of a heap profile) keeps the extra walk over the stacks cheap.
 */
const LINE_TYPES = ['inuse_space', 'inuse_objects', 'goroutine'];
/** No profile has more than two of them: LineTable keeps its two values in locals. */
export class Interner {
    policy;
    userModules;
    keepLines;
    frames = [];
    stacks = [];
    lines = [];
    frameIds = new Map();
    /** LineSite ids by frame id × LINE_KEY + line. */
    lineSiteIds = new Map();
    /** Call sites by a hash of their frame ids; a bucket holds the ids of the stacks sharing that hash. */
    stackBuckets = new Map();
    constructor(policy = DEFAULT_POLICY, 
    /** The user's own module paths (`--module`); empty to infer from file paths. */
    userModules = [], 
    /**
     * Keep the per-line tables (and each call site's userLine), for the source view (`--source`). Off, a run
     * does not pay for them: on the bench series, where nearly every frame is the service's own, the walk
     * over every frame of every sample costs about a twentieth of a whole analysis.
     */
    keepLines = false) {
        this.policy = policy;
        this.userModules = userModules;
        this.keepLines = keepLines;
    }
    frameId(fn, file, line) {
        const name = normalizeFunction(fn);
        const key = this.policy.granularity === 'lines' ? `${name}:${line}` : name;
        let id = this.frameIds.get(key);
        if (id === undefined) {
            id = this.frames.length;
            this.frames.push({ id, function: name, rawFunction: fn, file: normalizeFile(file), rawFile: file, line, runtime: isRuntimeFunction(name), origin: originOf(name, file, this.userModules) });
            this.frameIds.set(key, id);
        }
        return id;
    }
    /**
     * The id of a call site, interning it on first sight. Keys are integers, not joined strings: measured on
     * the bench series, `join` plus a string-keyed map was a fifth of the whole run.
     */
    stackId(callSite, runtimeTop) {
        const h = hashFrames(callSite);
        const bucket = this.stackBuckets.get(h);
        if (typeof bucket === 'number') {
            if (sameFrames(this.stacks[bucket].frames, callSite))
                return bucket;
        }
        else if (bucket !== undefined) {
            for (const candidate of bucket)
                if (sameFrames(this.stacks[candidate].frames, callSite))
                    return candidate;
        }
        const id = this.stacks.length;
        this.stacks.push({ id, frames: Array.from(callSite.ids.subarray(0, callSite.length)), runtimeTop: Array.from(runtimeTop.ids.subarray(0, runtimeTop.length)), userLine: 0 });
        if (bucket === undefined)
            this.stackBuckets.set(h, id);
        else if (typeof bucket === 'number')
            this.stackBuckets.set(h, [bucket, id]);
        else
            bucket.push(id);
        return id;
    }
    /** Normalizes one snapshot into the shared tables; the snapshot itself can be dropped afterwards. */
    add(s) {
        // runtime.goexit is the bottom of every goroutine in protobuf profiles and absent from dumps: no identity.
        const local = s.frames.map((f) => (f.function === 'runtime.goexit' ? -1 : this.frameId(f.function, f.file, f.line)));
        const width = s.sampleTypes.length;
        // Entry of each stack id in this snapshot; stack ids can only grow by one per sample while we go.
        const entryOf = new Int32Array(this.stacks.length + s.sampleCount).fill(-1);
        const ids = new Uint32Array(s.sampleCount);
        const sums = new Float64Array(s.sampleCount * width);
        let entries = 0;
        const groups = s.goroutineInfo === null ? null : [];
        let deepest = 0;
        for (let i = 0; i < s.sampleCount; i++)
            deepest = Math.max(deepest, s.stackStart[i + 1] - s.stackStart[i]);
        const site = scratch(deepest);
        const top = scratch(deepest);
        for (let i = 0; i < s.sampleCount; i++) {
            splitStack(this.frames, local, s.stackFrames, s.stackStart[i], s.stackStart[i + 1], site, top);
            const known = this.stacks.length;
            const stack = this.stackId(site, top);
            // Set once, right after the call site is made and before anything reads it.
            if (stack === known && this.keepLines)
                this.stacks[stack].userLine = this.leafUserLine(s, local, s.stackStart[i], s.stackStart[i + 1]);
            let entry = entryOf[stack];
            if (entry < 0) {
                entry = entries++;
                entryOf[stack] = entry;
                ids[entry] = stack;
                groups?.push(null);
            }
            for (let t = 0; t < width; t++)
                sums[entry * width + t] += s.values[i * width + t];
            if (groups !== null && s.goroutineInfo !== null)
                groups[entry] = mergeFacts(groups[entry], s.goroutineInfo[i], this);
        }
        return {
            meta: metaOf(s),
            stackIds: ids.slice(0, entries),
            values: sums.slice(0, entries * width),
            groups,
            ...(this.keepLines ? this.lineTable(s, local) : { lineIds: new Uint32Array(0), lineTypes: [], lineValues: new Float64Array(0) }),
        };
    }
    /**
     * The snapshot's per-line table. Each of the snapshot's frames maps to its LineSite once, so the walk per
     * sample is a typed-array lookup per frame. A walk of its own after the call sites': in the same loop it
     * slowed the call-site walk by a third (V8 stopped inlining its helpers), far more than it cost itself.
     */
    lineTable(s, local) {
        const types = LINE_TYPES.filter((t) => s.sampleTypes.some((st) => st.type === t));
        const siteOf = new Int32Array(local.length);
        let any = false;
        for (let f = 0; f < local.length; f++) {
            const id = local[f];
            const line = s.frames[f].line;
            siteOf[f] = id < 0 || !this.isUserFrame(id) || line <= 0 || line >= LINE_KEY ? -1 : this.lineSiteId(id, line);
            any ||= siteOf[f] >= 0;
        }
        if (!any || types.length === 0)
            return { lineIds: new Uint32Array(0), lineTypes: [], lineValues: new Float64Array(0) };
        const columns = types.map((t) => s.sampleTypes.findIndex((st) => st.type === t));
        const sums = new Float64Array(this.lines.length * 2);
        walkLines(s, siteOf, sums, columns[0], columns[1] ?? -1);
        return compactLines(sums, types);
    }
    isUserFrame(id) {
        return this.frames[id].origin === 'user' && !this.frames[id].runtime;
    }
    /** Line of the leaf-most frame of the service's own code in stack[start, end), or 0. */
    leafUserLine(s, local, start, end) {
        for (let k = start; k < end; k++) {
            const id = local[s.stackFrames[k]];
            if (id >= 0 && this.isUserFrame(id))
                return s.frames[s.stackFrames[k]].line;
        }
        return 0;
    }
    lineSiteId(frame, line) {
        const key = frame * LINE_KEY + line;
        let id = this.lineSiteIds.get(key);
        if (id === undefined) {
            id = this.lines.length;
            this.lines.push({ id, frame, line });
            this.lineSiteIds.set(key, id);
        }
        return id;
    }
    /** SiteFrame id for a creator frame of a goroutine dump. */
    creatorId(fn, file, line) {
        return this.frameId(fn, file, line);
    }
}
const scratch = (size) => ({ ids: new Int32Array(Math.max(1, size)), length: 0 });
/** Lines above this are not lines (a corrupt profile); below it, frame id × LINE_KEY + line is a safe integer. */
const LINE_KEY = 2 ** 21;
/**
 * Adds each sample's kept values (one or two columns, held in locals) to every user line on its stack, once
 * per line however often the sample recurses there, into sums[2 × LineSite id] and the next. This walk
 * visits every frame of every sample that holds something, tens of millions on a production series: a
 * lookup, a check and two additions per frame.
 */
function walkLines(s, siteOf, sums, c0, c1) {
    const { stackStart, stackFrames, values } = s;
    const width = s.sampleTypes.length;
    // The last sample that added to each LineSite.
    const stamp = new Int32Array(sums.length / 2).fill(-1);
    for (let i = 0; i < s.sampleCount; i++) {
        const v0 = values[i * width + c0];
        const v1 = c1 < 0 ? 0 : values[i * width + c1];
        if (v0 === 0 && v1 === 0)
            continue;
        const end = stackStart[i + 1];
        for (let k = stackStart[i]; k < end; k++) {
            const site = siteOf[stackFrames[k]];
            if (site < 0 || stamp[site] === i)
                continue;
            stamp[site] = i;
            sums[2 * site] += v0;
            sums[2 * site + 1] += v1;
        }
    }
}
/** The lines some sample passed through (values are never negative: a row of zeros was not touched). */
function compactLines(sums, types) {
    const w = types.length;
    let n = 0;
    for (let site = 0; site < sums.length / 2; site++)
        if (sums[2 * site] !== 0 || sums[2 * site + 1] !== 0)
            n++;
    const lineIds = new Uint32Array(n);
    const lineValues = new Float64Array(n * w);
    let e = 0;
    for (let site = 0; site < sums.length / 2; site++) {
        if (sums[2 * site] === 0 && sums[2 * site + 1] === 0)
            continue;
        lineIds[e] = site;
        for (let t = 0; t < w; t++)
            lineValues[e * w + t] = sums[2 * site + t];
        e++;
    }
    return { lineIds, lineTypes: types, lineValues };
}
/** FNV-1a over the frame ids, as a 32-bit integer key. */
function hashFrames(frames) {
    let h = 0x811c9dc5;
    for (let i = 0; i < frames.length; i++) {
        h ^= frames.ids[i];
        h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
}
function sameFrames(a, b) {
    if (a.length !== b.length)
        return false;
    for (let i = 0; i < a.length; i++)
        if (a[i] !== b.ids[i])
            return false;
    return true;
}
/**
 * Splits stack[start, end) into its leading runtime frames and the call site (everything from the first
 * non-runtime frame). Indices rather than a subarray: a view object per sample was measurable GC.
 */
function splitStack(frames, local, stack, start, end, site, top) {
    site.length = 0;
    top.length = 0;
    let k = start;
    while (k < end && (local[stack[k]] < 0 || frames[local[stack[k]]].runtime))
        k++;
    // A stack of runtime frames only (GC workers, the scavenger) is its own call site, as Go prints it.
    if (k === end)
        k = start;
    for (let j = start; j < end; j++) {
        const id = local[stack[j]];
        if (id < 0)
            continue;
        if (j < k)
            top.ids[top.length++] = id;
        else
            site.ids[site.length++] = id;
    }
}
function mergeFacts(prev, info, interner) {
    const creator = info.creator === null ? -1 : interner.creatorId(info.creator.function, info.creator.file, info.creator.line);
    const next = { states: [info.state], waitMinutesMin: info.waitMinutesMin, waitMinutesMax: info.waitMinutesMax, lockedToThread: info.lockedToThread, creator };
    return prev === null ? next : mergeGroupFacts(prev, next);
}
/**
 * Folds one group's facts into another's (groups that share a call site, within a snapshot or across the
 * series): every state seen, the widest wait-minutes range, locked if any was, the first creator known.
 * Mutates and returns `into`.
 */
export function mergeGroupFacts(into, from) {
    for (const st of from.states)
        if (!into.states.includes(st))
            into.states.push(st);
    into.waitMinutesMin = Math.min(into.waitMinutesMin, from.waitMinutesMin);
    into.waitMinutesMax = Math.max(into.waitMinutesMax, from.waitMinutesMax);
    into.lockedToThread ||= from.lockedToThread;
    if (into.creator < 0)
        into.creator = from.creator;
    return into;
}
function metaOf(s) {
    const { frames: _f, stackStart: _a, stackFrames: _b, values: _v, labels: _l, goroutineInfo: _g, ...meta } = s;
    return meta;
}
//# sourceMappingURL=index.js.map