// The correlate stage: growing goroutine groups gathered into leak units, and heap call sites that grow with
// them linked as evidence: correlation over time, a shared module or creator, and a stable ratio of bytes
// per leaked goroutine. One unit per leak, not one per frame; heap growth that nothing links is handed on.
import { sampleCorrelation } from 'simple-statistics';
import { fitSeries } from './fit.js';
import { fitsOf } from './fit/all.js';
import { moduleOf, packageOf } from './normalize/names.js';
import { row, rowVariance } from './series.js';
/** A goroutine group must grow by at least this many goroutines over the window to count. */
export const MIN_GOROUTINE_GROWTH = 3;
/** Heap call sites linked to a goroutine unit must follow it this closely (Pearson r over paired snapshots). */
export const MIN_LINK_CORRELATION = 0.8;
/** A heap call site counts as growing when its change exceeds this many standard errors of sampling. */
export const HEAP_GROWTH_Z = 2;
export function correlate(series, fits) {
    const units = goroutineUnits(series, fits);
    const growing = growingHeapStacks(series);
    const claimed = new Set();
    const links = units.map((unit) => link(series, unit, growing, claimed));
    return { links, unlinkedHeap: growing.filter((s) => !claimed.has(s)) };
}
/**
 * Growing goroutine groups, gathered by where they start: goroutines a library starts (gRPC's reader,
 * writer and balancer watcher) are one unit per library module; the service's own goroutines are one unit
 * per goroutine function, since two different leaks in one service are two findings.
 */
function goroutineUnits(series, fits) {
    const g = series.goroutine;
    if (g === null)
        return [];
    const byKey = new Map();
    for (const [stackId, fit] of fitsOf(fits, 'goroutine', 'goroutine', 'stack')) {
        if (fit.shape !== 'growing' || fit.absoluteGrowth < MIN_GOROUTINE_GROWTH)
            continue;
        const key = unitKey(series, series.stacks[stackId]);
        byKey.set(key, [...(byKey.get(key) ?? []), stackId]);
    }
    const m = g.metrics[0].byStack;
    return [...byKey].map(([key, groups]) => {
        const values = new Float64Array(m.n);
        for (const id of groups)
            row(m, id).forEach((v, j) => (values[j] += v));
        const growth = (id) => row(m, id)[m.n - 1] - row(m, id)[0];
        return { key, groups: groups.sort((a, b) => growth(b) - growth(a) || a - b), values, fit: fitSeries({ times: g.times, values }) };
    }).sort((a, b) => b.fit.absoluteGrowth - a.fit.absoluteGrowth || a.key.localeCompare(b.key));
}
function unitKey(series, stack) {
    const root = series.frames[stack.frames[stack.frames.length - 1] ?? stack.runtimeTop[0]];
    if (root === undefined)
        return 'unknown';
    if (root.origin === 'user')
        return `goroutines started in ${root.function}`;
    const mod = moduleOf(packageOf(root.function));
    return mod === 'std' ? `goroutines started in ${packageOf(root.function)}` : `goroutines of ${mod}`;
}
/** Heap call sites whose inuse_space grew beyond sampling error, biggest growth first. */
function growingHeapStacks(series) {
    const h = series.heap;
    if (h === null || h.times.length < 2)
        return [];
    const m = h.metrics[0].byStack;
    const out = [];
    const rows = m.data.length / m.n;
    for (let id = 0; id < rows; id++) {
        const v = row(m, id);
        const growth = v[m.n - 1] - v[0];
        if (growth <= 0)
            continue;
        const variance = rowVariance(m, id);
        const se = variance === null ? 0 : Math.sqrt(variance[0] + variance[m.n - 1]);
        if (growth > HEAP_GROWTH_Z * se)
            out.push({ id, growth });
    }
    return out.sort((a, b) => b.growth - a.growth || a.id - b.id).map((o) => o.id);
}
/**
 * Links heap call sites to a goroutine unit when they share a module with the unit's goroutines (or a
 * frame with their stacks) and follow the unit's count over time.
 */
function link(series, unit, growing, claimed) {
    const h = series.heap;
    const evidence = [`${unit.groups.length} goroutine group${unit.groups.length === 1 ? '' : 's'} (${unit.key}) grew from ${unit.fit.first} to ${unit.fit.last}`];
    if (h === null || h.times.length < 2 || series.goroutine === null)
        return { unit, heap: null, correlation: null, bytesPerGoroutine: null, evidence };
    const modules = unitModules(series, unit);
    const paired = interpolate(series.goroutine.timesMs, unit.values, h.timesMs);
    const m = h.metrics[0].byStack;
    const stacks = growing.filter((id) => !claimed.has(id) && (sharesModule(series, series.stacks[id], modules) || isGoroutineOverhead(series, series.stacks[id])) && follows(row(m, id), paired));
    if (stacks.length === 0)
        return { unit, heap: null, correlation: null, bytesPerGoroutine: null, evidence };
    stacks.forEach((id) => claimed.add(id));
    const heap = sumStacks(series, stacks);
    const correlation = pearson(heap.values, paired);
    const perUnit = unit.fit.robustSlope > 0 ? heap.fit.robustSlope / unit.fit.robustSlope : null;
    evidence.push(`${stacks.length} heap call site${stacks.length === 1 ? '' : 's'} in ${[...modules].join(', ')} grew with them (r = ${correlation.toFixed(2)} over ${h.times.length} snapshots)`);
    return { unit, heap, correlation, bytesPerGoroutine: perUnit, evidence };
}
/**
 * What the unit's goroutines belong to: the modules of their third-party frames, the packages of their own
 * code, and, for goroutines a standard-library package starts (net/http's connection loops), that package.
 * Standard-library frames elsewhere in a stack (bufio, io, runtime) say nothing about ownership.
 */
function unitModules(series, unit) {
    const out = new Set();
    for (const id of unit.groups) {
        const frames = series.stacks[id].frames;
        for (const f of frames) {
            const fr = series.frames[f];
            if (fr.origin !== 'std')
                out.add(fr.origin === 'user' ? packageOf(fr.function) : moduleOf(packageOf(fr.function)));
        }
        const root = series.frames[frames[frames.length - 1] ?? -1];
        if (root !== undefined && root.origin === 'std' && !root.runtime)
            out.add(packageOf(root.function));
    }
    return out;
}
function sharesModule(series, stack, modules) {
    return stack.frames.some((f) => {
        const fr = series.frames[f];
        const pkg = packageOf(fr.function);
        return fr.origin === 'std' ? modules.has(pkg) : modules.has(moduleOf(pkg)) || modules.has(pkg);
    });
}
/**
 * The runtime's own memory for goroutines (descriptors from malg and allgadd, their stacks) grows with every
 * goroutine that never exits: it belongs to the goroutine leak that follows it, never to a finding of its own.
 */
const GOROUTINE_OVERHEAD = new Set(['runtime.malg', 'runtime.allgadd', 'runtime.newproc1', 'runtime.stackalloc']);
function isGoroutineOverhead(series, stack) {
    return stack.frames.every((f) => series.frames[f].runtime) && stack.frames.some((f) => GOROUTINE_OVERHEAD.has(series.frames[f].function));
}
/** A call site follows the unit when it correlates with it; with two snapshots, when both grew. */
function follows(values, paired) {
    if (values.length < 3)
        return true;
    return pearson(values, paired) >= MIN_LINK_CORRELATION;
}
export function pearson(a, b) {
    const x = Array.from(a);
    const y = Array.from(b);
    if (x.length < 3 || new Set(x).size === 1 || new Set(y).size === 1)
        return 0;
    return sampleCorrelation(x, y);
}
/** The unit's goroutine count at the heap snapshot times, linearly interpolated and clamped at the ends. */
export function interpolate(fromMs, values, atMs) {
    return Float64Array.from(atMs, (t) => {
        if (t <= fromMs[0])
            return values[0];
        const last = fromMs.length - 1;
        if (t >= fromMs[last])
            return values[last];
        const j = fromMs.findIndex((f) => f >= t);
        const w = (t - fromMs[j - 1]) / (fromMs[j] - fromMs[j - 1]);
        return values[j - 1] + w * (values[j] - values[j - 1]);
    });
}
export function sumStacks(series, stacks) {
    const h = series.heap;
    if (h === null)
        throw new Error('sumStacks needs a heap series');
    const m = h.metrics[0].byStack;
    const values = new Float64Array(m.n);
    const variance = m.variance === null ? null : new Float64Array(m.n);
    for (const id of stacks) {
        row(m, id).forEach((v, j) => (values[j] += v));
        const rv = rowVariance(m, id);
        if (variance !== null && rv !== null)
            rv.forEach((v, j) => (variance[j] += v));
    }
    return { stacks, values, variance, fit: fitSeries({ times: h.times, values, variance }) };
}
//# sourceMappingURL=correlate.js.map