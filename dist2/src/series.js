// The series stage: normalized snapshots in, one value per snapshot time out, per call site, per function
// (flat and cumulative) and per goroutine group, for each metric. Values sit in dense matrices (row = stack
// or frame id, column = snapshot), which keeps a production series (60k call sites × 10 snapshots) in
// a few MB and makes the fit loop a walk over typed arrays.
import { mergeGroupFacts } from './normalize/index.js';
import { arrange } from './series/arrange.js';
export function row(m, id) {
    return m.data.subarray(id * m.n, id * m.n + m.n);
}
export function rowVariance(m, id) {
    return m.variance === null ? null : m.variance.subarray(id * m.n, id * m.n + m.n);
}
/** Heap metrics fitted, in report order; goroutine profiles have one. */
const HEAP_METRICS = ['inuse_space', 'inuse_objects'];
export function buildSeries(entries, interner) {
    const arranged = arrange(entries);
    const frameCount = interner.frames.length;
    const stackCount = interner.stacks.length;
    return {
        policy: interner.policy,
        frames: interner.frames,
        stacks: interner.stacks,
        lines: interner.lines,
        heap: arranged.heap.length === 0 ? null : kindSeries('heap', arranged.heap, interner, frameCount, stackCount),
        goroutine: arranged.goroutine.length === 0 ? null : kindSeries('goroutine', arranged.goroutine, interner, frameCount, stackCount),
        inputs: arranged.inputs,
        warnings: arranged.warnings,
    };
}
function kindSeries(kind, used, interner, frameCount, stackCount) {
    const timesMs = used.map((e) => e.timeMs);
    const metricNames = kind === 'heap' ? HEAP_METRICS : ['goroutine'];
    const samplingRate = kind === 'heap' ? heapRate(used) : 0;
    const metrics = metricsSeries(metricNames, used, interner.stacks, { frames: frameCount, stacks: stackCount, lines: interner.lines.length }, samplingRate);
    return {
        kind,
        timesMs,
        times: timesMs.map((t) => (t - timesMs[0]) / 1000),
        metrics,
        facts: kind === 'goroutine' ? factsOverSeries(used) : new Map(),
        samplingRate,
    };
}
/** The sampling period of the heap snapshots (runtime.MemProfileRate); Go's default is 512 KiB. */
function heapRate(used) {
    const p = used.find((e) => e.normalized.meta.period !== null)?.normalized.meta.period;
    return p === undefined || p === null ? 512 * 1024 : p.value;
}
/**
 * All metrics of one kind. The snapshot walk fills only the per-site rows; flat, cumulative and total rows
 * are then sums of site rows, each site's frames visited once for the whole series rather than once per
 * snapshot and metric (the cumulative pass dominated the stage on production-scale series).
 */
function metricsSeries(names, used, stacks, rows, rate) {
    const n = used.length;
    const ms = names.map((metric) => {
        const sampled = metric !== 'goroutine' && rate > 1;
        const make = (rows) => ({ n, data: new Float64Array(rows * n), variance: sampled ? new Float64Array(rows * n) : null });
        return { metric, unit: '', sampled, byStack: make(rows.stacks), flat: make(rows.frames), cum: make(rows.frames), total: make(1), byLine: make(rows.lines) };
    });
    used.forEach((e, j) => {
        const s = e.normalized;
        const types = s.meta.sampleTypes;
        const width = types.length;
        const objects = types.findIndex((t) => t.type === 'inuse_objects');
        const space = types.findIndex((t) => t.type === 'inuse_space');
        for (const m of ms) {
            const col = types.findIndex((t) => t.type === m.metric);
            if (col < 0)
                continue;
            m.unit = types[col].unit;
            for (let i = 0; i < s.stackIds.length; i++) {
                const v = s.values[i * width + col];
                if (v === 0)
                    continue;
                const at = s.stackIds[i] * n + j;
                m.byStack.data[at] += v;
                if (m.byStack.variance !== null)
                    m.byStack.variance[at] += samplingVariance(v, s.values[i * width + objects], s.values[i * width + space], rate);
            }
            addLines(m.byLine, s, j, m.metric, rate);
        }
    });
    for (const m of ms)
        rollUp(m, stacks, rows.frames);
    return ms.map(({ sampled: _s, ...m }) => m);
}
/** The snapshot's per-line values of one metric into column j of the line rows. */
function addLines(to, s, j, metric, rate) {
    const width = s.lineTypes.length;
    const col = s.lineTypes.indexOf(metric);
    if (col < 0)
        return;
    const objects = s.lineTypes.indexOf('inuse_objects');
    const space = s.lineTypes.indexOf('inuse_space');
    for (let i = 0; i < s.lineIds.length; i++) {
        const v = s.lineValues[i * width + col];
        if (v === 0)
            continue;
        const at = s.lineIds[i] * to.n + j;
        to.data[at] += v;
        if (to.variance !== null)
            to.variance[at] += samplingVariance(v, s.lineValues[i * width + objects], s.lineValues[i * width + space], rate);
    }
}
/** Flat (leaf frame), cumulative (every frame once per site, recursion counted once, as pprof) and total. */
function rollUp(m, stacks, frameCount) {
    const n = m.byStack.n;
    const seen = new Int32Array(frameCount).fill(-1);
    for (const stack of stacks) {
        const base = stack.id * n;
        let any = false;
        for (let j = 0; j < n; j++)
            any ||= m.byStack.data[base + j] !== 0;
        if (!any)
            continue;
        addRow(m.total, 0, m.byStack, base);
        if (stack.frames.length === 0)
            continue;
        addRow(m.flat, stack.frames[0], m.byStack, base);
        for (const f of stack.frames) {
            if (seen[f] === stack.id)
                continue;
            seen[f] = stack.id;
            addRow(m.cum, f, m.byStack, base);
        }
    }
}
function addRow(to, id, from, base) {
    const n = to.n;
    const at = id * n;
    for (let j = 0; j < n; j++)
        to.data[at + j] += from.data[base + j];
    if (to.variance !== null && from.variance !== null)
        for (let j = 0; j < n; j++)
            to.variance[at + j] += from.variance[base + j];
}
/**
 * Sampling variance of an unsampled heap value. Go samples an allocation of s bytes with probability
 * p = 1 − e^(−s/R) and scales by 1/p (runtime/pprof scaleHeapSample), so a site holding N objects was seen
 * about k = N·p times; the count of samples is Poisson, and the scaled value V has variance V²/k.
 */
export function samplingVariance(value, objects, space, rate) {
    if (objects <= 0 || space <= 0)
        return 0;
    const p = 1 - Math.exp(-(space / objects) / rate);
    const k = objects * p;
    return k > 0 ? (value * value) / k : 0;
}
function factsOverSeries(used) {
    const out = new Map();
    for (const e of used) {
        const groups = e.normalized.groups;
        if (groups === null)
            continue;
        e.normalized.stackIds.forEach((stackId, i) => {
            const g = groups[i];
            if (g === null)
                return;
            const prev = out.get(stackId);
            if (prev === undefined)
                out.set(stackId, { ...g, states: [...g.states] });
            else
                mergeGroupFacts(prev, g);
        });
    }
    return out;
}
//# sourceMappingURL=series.js.map