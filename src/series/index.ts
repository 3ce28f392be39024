// The series stage: normalized snapshots in, one value per snapshot time out, per call site, per function
// (flat and cumulative) and per goroutine group, for each metric. Call-site values are the snapshots' own
// dense columns (series/columns.ts: one per snapshot, written as it was read); flat, cumulative, total and
// line values sit in dense row-major matrices (row = frame or line id, column = snapshot). A production
// series (60k call sites × 100 snapshots) is a few tens of MB, and the fit loop a walk over typed arrays.

import {
  mergeGroupFacts,
  type GoVersionRange,
  type GroupFacts,
  type Interner,
  type LineSite,
  type NormalizedSnapshot,
  type Ownership,
  type SiteFrame,
  type SiteStack,
  type SiteValues,
  type StackLines,
  type NormalizationPolicy,
} from '../normalize/index.js';
import { arrange } from './arrange.js';
import { ENDS_ONLY, type KindColumns, type SiteColumns, type SparseOtherLines } from './columns.js';
import type { SnapshotEntry, SnapshotInfo } from './entries.js';

export type { SnapshotEntry, SnapshotInfo } from './entries.js';

/**
 * Rows of `n` values, one row per id (ids 0 to `rows` − 1), stored row by row; variance (sampling error
 * squared) alongside for sampled metrics. Flat, cumulative, total and line rows are these; call-site rows are a
 * SiteMatrix. Read either through `row` and `rowVariance`.
 */
export interface Matrix {
  readonly n: number;
  /** How many ids the matrix has rows for. */
  readonly rows: number;
  /** `n` values per id. */
  readonly data: Float64Array;
  /** The variance of each value; null for exact metrics. */
  readonly variance: Float64Array | null;
}

/**
 * Call-site rows, stored by column: column j is snapshot j's values (the snapshots' own columns,
 * series/columns.ts), indexed by the site's row in its kind (`slot[stack id]`, −1 for a site the kind has none
 * of); a column shorter than a row index has zero there (the site first appeared later).
 */
export interface SiteMatrix {
  readonly n: number;
  /** How many ids (stack ids) the matrix answers for. */
  readonly rows: number;
  readonly slot: Int32Array;
  readonly columns: readonly SiteValues[];
  /**
   * A sampled metric's variance, derived from the site's own in-use values when read (samplingVariance of the
   * same numbers a stored variance would hold); absent for exact metrics.
   */
  readonly derivedVariance?: (id: number, into?: Float64Array) => Float64Array;
}

/**
 * Id's row, to read, never to write: a view of a row-major matrix, a Float64 row gathered from a call-site
 * matrix's columns (so no caller ever does arithmetic in whole numbers), one shared row of zeros for a call
 * site the matrix's kind does not have.
 */
export function row(m: Matrix | SiteMatrix, id: number): Float64Array {
  if ('data' in m) return m.data.subarray(id * m.n, id * m.n + m.n);
  const at = m.slot[id] ?? -1;
  return at < 0 ? zeros(m.n) : gather(m.columns, at, new Float64Array(m.n));
}

export function rowVariance(m: Matrix | SiteMatrix, id: number): Float64Array | null {
  if (!('data' in m)) return m.derivedVariance?.(id) ?? null;
  return m.variance === null ? null : m.variance.subarray(id * m.n, id * m.n + m.n);
}

/** Row `at` of column j; 0 where the column is shorter (the site appeared later) or missing. */
function cell(columns: readonly SiteValues[], j: number, at: number): number {
  const c = columns[j];
  return c !== undefined && at < c.length ? c[at] : 0;
}

/** Row `at` of the columns into `out`. */
function gather(columns: readonly SiteValues[], at: number, out: Float64Array): Float64Array {
  for (let j = 0; j < columns.length; j++) out[j] = cell(columns, j, at);
  return out;
}

/** One shared all-zeros row per length, for the rows a matrix does not store. */
const ZEROS: Float64Array[] = [];
function zeros(n: number): Float64Array {
  return (ZEROS[n] ??= new Float64Array(n));
}

/** Whether the matrix's values carry sampling error (rowVariance gives it). */
export function isSampled(m: Matrix | SiteMatrix): boolean {
  return 'data' in m ? m.variance !== null : m.derivedVariance !== undefined;
}

/**
 * One metric's rows. Allocation totals since start (alloc_space, alloc_objects) only ever grow, and what is
 * read of them is what a site allocated between the first and the last snapshot (retention, candidates,
 * kept-through): their site, flat and cumulative rows keep those two snapshots only (n = 2, or 1 for a single
 * snapshot), a tenth of their memory at ten snapshots; their total row keeps every snapshot.
 */
export interface MetricSeries {
  readonly metric: string;
  readonly unit: string;
  /** Row per stack id: the call site's value. */
  readonly byStack: SiteMatrix;
  /** Row per frame id: value of the stacks whose call site starts (leaf) at that frame, as pprof's flat. */
  readonly flat: Matrix;
  /** Row per frame id: value of the stacks that contain the frame anywhere, once per stack, as pprof's cum. */
  readonly cum: Matrix;
  /** One row: the whole profile. */
  readonly total: Matrix;
  /** Row per LineSite id: value of the samples passing through that line of the service's own code (pprof -list). */
  readonly byLine: Matrix;
}

/** The series kinds: one entry each in SeriesSet, never merged (a goroutineleak count is no goroutine count). */
export type SeriesKind = 'heap' | 'goroutine' | 'goroutineleak';

/** Metric names per kind: the profile's sample type names (pprof's `SampleType`), looked up by name. */
export interface KindMetrics {
  readonly heap: 'inuse_space' | 'inuse_objects' | 'alloc_space' | 'alloc_objects';
  readonly goroutine: 'goroutine';
  readonly goroutineleak: 'goroutineleak';
}

/** Named metrics of kind K; distributes over a union of kinds, so any KindSeries<'heap'> is a KindSeries. */
export type MetricTable<K extends SeriesKind> = K extends SeriesKind ? Readonly<Record<KindMetrics[K], MetricSeries>> : never;

export interface KindSeries<K extends SeriesKind = SeriesKind> {
  readonly kind: K;
  /** Capture times in ms since the epoch, ascending, one per used snapshot. */
  readonly timesMs: readonly number[];
  /** Seconds since the first snapshot of this kind. */
  readonly times: readonly number[];
  /**
   * Every metric of the kind by its sample type name: `heap.metric.inuse_space`, `goroutine.metric.goroutine`.
   * Heap series also carry `alloc_space` and `alloc_objects` (totals since the program started, which never
   * shrink: not leak evidence by themselves, but they name the callers of allocations too rare to stay
   * sampled in use). A heap text form without allocation columns leaves them at zero.
   */
  readonly metric: MetricTable<K>;
  /**
   * The fitted metrics in report order (heap: inuse_space, inuse_objects; goroutine kinds: their count).
   * Positions are a legacy accessor: read `metric` by name in new code.
   */
  readonly metrics: readonly MetricSeries[];
  /** Goroutine groups: dump facts merged over the series (states, wait minutes, creator), by stack id. */
  readonly facts: ReadonlyMap<number, GroupFacts>;
  /** Heap sampling rate in bytes (MemProfileRate), 0 for exact metrics. */
  readonly samplingRate: number;
  /**
   * Heap: per stack id, the bytes the call site allocated between the first and the last snapshot on the leaf
   * lines that held something in use at either end (normalize/leaf-lines.ts): what retention weighs what
   * is kept against. Null for the goroutine kinds, a single snapshot, or a form without allocation totals.
   */
  readonly allocatedHeld: Float64Array | null;
}

export interface SeriesSet {
  readonly policy: NormalizationPolicy;
  /** Which modules were taken as the service's own, and the evidence; every frame's origin follows it. */
  readonly ownership: Ownership;
  /** The Go versions the frames and dumps allow, with the clues (for version-aware patterns). */
  readonly goVersion: GoVersionRange;
  readonly frames: readonly SiteFrame[];
  readonly stacks: readonly SiteStack[];
  /** Each call site's lines where it was first seen (its frames' own lines are their first anywhere). */
  readonly stackLines: StackLines;
  /** Lines of the service's own code, the rows of each metric's `byLine`. */
  readonly lines: readonly LineSite[];
  readonly heap: KindSeries<'heap'> | null;
  readonly goroutine: KindSeries<'goroutine'> | null;
  /** Go 1.26+ `goroutineleak` profiles (goroutines the GC proved blocked forever), when given. */
  readonly goroutineleak: KindSeries<'goroutineleak'> | null;
  readonly inputs: readonly SnapshotInfo[];
  /** Series problems the user should hear about (duplicates, time going backwards, different binaries). */
  readonly warnings: readonly string[];
}

/** Each kind's metrics; the first `FITTED` of them are fitted, in report order. */
const METRICS: { readonly [K in SeriesKind]: readonly KindMetrics[K][] } = {
  heap: ['inuse_space', 'inuse_objects', 'alloc_space', 'alloc_objects'],
  goroutine: ['goroutine'],
  goroutineleak: ['goroutineleak'],
};
const FITTED: Readonly<Record<SeriesKind, number>> = { heap: 2, goroutine: 1, goroutineleak: 1 };

/** A kind's metric by name (pprof's SampleType looked up by name, never by position); null when absent. */
export function metricOf(k: KindSeries | null | undefined, name: string): MetricSeries | null {
  return k === null || k === undefined ? null : ((k.metric as Readonly<Record<string, MetricSeries>>)[name] ?? null);
}

/** The series of the entries, whose per-site values `columns` took as each was read (series/columns.ts). */
export function buildSeries(entries: readonly SnapshotEntry[], interner: Interner, columns: SiteColumns): SeriesSet {
  const arranged = arrange(entries);
  // Whose code each frame is takes the whole series' evidence: decided here, once everything is interned.
  const ownership = interner.ownership ?? interner.settleOwnership();
  const rows = { frames: interner.frames.length, stacks: interner.stacks.length, lines: interner.lines.length };
  const of = <K extends SeriesKind>(kind: K): KindSeries<K> | null =>
    arranged[kind].length === 0 ? null : kindSeries(kind, arranged[kind], columns.of(kind), interner.stacks, rows);
  return {
    policy: interner.policy,
    ownership,
    goVersion: interner.goVersion(),
    frames: interner.frames,
    stacks: interner.stacks,
    stackLines: interner.stackLines,
    lines: interner.lines,
    heap: of('heap'),
    goroutine: of('goroutine'),
    goroutineleak: of('goroutineleak'),
    inputs: arranged.inputs,
    warnings: arranged.warnings,
  };
}

type Rows = { readonly frames: number; readonly stacks: number; readonly lines: number };

function kindSeries<K extends SeriesKind>(
  kind: K,
  used: readonly SnapshotEntry[],
  taken: KindColumns,
  stacks: readonly SiteStack[],
  rows: Rows,
): KindSeries<K> {
  const timesMs = used.map((e) => e.timeMs);
  const names = METRICS[kind] as readonly KindMetrics[K][];
  const samplingRate = kind === 'heap' ? heapRate(used) : 0;
  const all = metricsSeries(names, used, taken, stacks, rows, samplingRate);
  const metric = Object.fromEntries(all.map((m) => [m.metric, m])) as MetricTable<K>;
  return {
    kind,
    timesMs,
    times: timesMs.map((t) => (t - timesMs[0]) / 1000),
    metric,
    metrics: all.slice(0, FITTED[kind]),
    facts: kind === 'heap' ? new Map() : factsOverSeries(used),
    samplingRate,
    allocatedHeld: kind === 'heap' && used.length >= 2 ? heldAllocation(taken, used[0], used[used.length - 1], rows.stacks) : null,
  };
}

/**
 * Per stack id, what the site allocated in the window on the leaf lines that held bytes in use at its first
 * or last snapshot: its reference line's (all bytes less the other lines') and its other lines' (together),
 * each counted only where it held something. A line whose objects all died is churn of its own, whatever the
 * site keeps on another line. Null without allocation totals at both ends.
 */
function heldAllocation(taken: KindColumns, first: SnapshotEntry, last: SnapshotEntry, stacks: number): Float64Array | null {
  const ends = [first, last].map((e) => ({
    inuse: taken.column(e.column, 'inuse_space'),
    alloc: taken.column(e.column, 'alloc_space'),
    other: otherByRow(taken.otherLines(e.column)),
  }));
  if (ends.some((e) => e.inuse === null || e.alloc === null)) return null;
  const at = (c: ArrayLike<number> | null, s: number): number => (c !== null && s < c.length ? c[s] : 0);
  const slot = taken.slot;
  const out = new Float64Array(stacks);
  for (let id = 0; id < stacks && id < slot.length; id++) {
    const s = slot[id];
    if (s < 0) continue;
    const [a, b] = ends.map((e) => {
      const other = e.other.get(s);
      const inuseOther = other?.inuse ?? 0;
      const allocOther = other?.alloc ?? 0;
      return { inuseRef: at(e.inuse, s) - inuseOther, allocRef: at(e.alloc, s) - allocOther, inuseOther, allocOther };
    });
    const ref = a.inuseRef > 0 || b.inuseRef > 0 ? b.allocRef - a.allocRef : 0;
    const other = a.inuseOther > 0 || b.inuseOther > 0 ? b.allocOther - a.allocOther : 0;
    out[id] = ref + other;
  }
  return out;
}

/** A snapshot's other-line bytes by row (few rows have any). */
function otherByRow(o: SparseOtherLines | null): ReadonlyMap<number, { inuse: number; alloc: number }> {
  const out = new Map<number, { inuse: number; alloc: number }>();
  if (o !== null) o.rows.forEach((r, i) => out.set(r, { inuse: o.inuse[i], alloc: o.alloc[i] }));
  return out;
}

/** The sampling period of the heap snapshots (runtime.MemProfileRate); Go's default is 512 KiB. */
function heapRate(used: readonly SnapshotEntry[]): number {
  const p = used.find((e) => e.normalized.meta.period !== null)?.normalized.meta.period;
  return p === undefined || p === null ? 512 * 1024 : p.value;
}

/**
 * All metrics of one kind. The call-site rows are the snapshots' own columns, in time order; flat,
 * cumulative and total rows are sums of site rows, each site's frames visited once for the whole series
 * rather than once per snapshot and metric (the cumulative pass dominated the stage on production-scale series).
 */
function metricsSeries(
  names: readonly string[],
  used: readonly SnapshotEntry[],
  taken: KindColumns,
  stacks: readonly SiteStack[],
  rows: Rows,
  rate: number,
): MetricSeries[] {
  const n = used.length;
  const slot = taken.slot;
  // Each metric's site columns in time order; an ends-only metric's first and last only (see MetricSeries).
  const sites = new Map(
    names.map((metric) => {
      const picked = ENDS_ONLY(metric) && n > 2 ? [used[0], used[n - 1]] : used;
      return [metric, { slot, columns: picked.map((e) => siteColumn(taken, e, metric)) }];
    }),
  );
  const ms = names.map((metric) => {
    // Sampling variance only where it is read: the in-use metrics, whose growth is tested against sampling
    // error. Allocation totals are read for their values alone (retention, candidates), so they carry none.
    const sampled = metric.startsWith('inuse_') && rate > 1;
    const make = (rows: number, cols = n): Matrix => ({
      n: cols,
      rows,
      data: new Float64Array(rows * cols),
      variance: sampled ? new Float64Array(rows * cols) : null,
    });
    const site = sites.get(metric) as Pick<SiteMatrix, 'slot' | 'columns'>;
    const bySite: SiteMatrix = { n: site.columns.length, rows: rows.stacks, ...site };
    const byStack: SiteMatrix = sampled ? { ...bySite, derivedVariance: siteVariance(site, sites, rate) } : bySite;
    const k = site.columns.length;
    return { metric, unit: '', byStack, flat: make(rows.frames, k), cum: make(rows.frames, k), total: make(1), byLine: make(rows.lines) };
  });
  used.forEach((e, j) => {
    const s = e.normalized;
    const types = s.meta.sampleTypes;
    for (const m of ms) {
      const col = types.findIndex((t) => t.type === m.metric);
      if (col < 0) continue;
      m.unit = types[col].unit;
      // An ends-only metric's total has every snapshot (the roll-up sums the others' from their site rows).
      if (ENDS_ONLY(m.metric)) m.total.data[j] = s.totals[col];
      addLines(m.byLine, s, j, m.metric, rate);
    }
  });
  rollUp(ms, stacks, rows.frames);
  return ms;
}

const NO_COLUMN = new Uint32Array(0);

/** The snapshot's column of `metric`: zeros (empty) when its profile has no such sample type. */
function siteColumn(taken: KindColumns, e: SnapshotEntry, metric: string): SiteValues {
  const column = taken.column(e.column, metric);
  if (column !== null) return column;
  // columns.ts keeps the allocation columns of every snapshot that could be first or last.
  if (taken.hasType(e.column, metric)) throw new Error(`leakdiff bug: the ${metric} values of ${e.path} were dropped, and it is an end of the series`);
  return NO_COLUMN;
}

/**
 * The sampling variance of a call site's row of one in-use metric, from the site's in-use bytes and objects
 * in the same snapshot: what the series used to store, computed when read.
 */
function siteVariance(
  site: Pick<SiteMatrix, 'slot' | 'columns'>,
  sites: ReadonlyMap<string, Pick<SiteMatrix, 'columns'>>,
  rate: number,
): (id: number, into?: Float64Array) => Float64Array {
  const n = site.columns.length;
  const objects = sites.get('inuse_objects')?.columns ?? [];
  const space = sites.get('inuse_space')?.columns ?? [];
  return (id, into) => {
    const out = into === undefined ? new Float64Array(n) : into.fill(0);
    const s = site.slot[id] ?? -1;
    if (s < 0) return out;
    for (let j = 0; j < n; j++) {
      const v = cell(site.columns, j, s);
      if (v !== 0) out[j] = samplingVariance(v, cell(objects, j, s), cell(space, j, s), rate);
    }
    return out;
  };
}

/** The snapshot's per-line values of one metric into column j of the line rows. */
function addLines(to: Matrix, s: NormalizedSnapshot, j: number, metric: string, rate: number): void {
  const width = s.lineTypes.length;
  const col = s.lineTypes.indexOf(metric);
  if (col < 0) return;
  const objects = s.lineTypes.indexOf('inuse_objects');
  const space = s.lineTypes.indexOf('inuse_space');
  for (let i = 0; i < s.lineIds.length; i++) {
    const v = s.lineValues[i * width + col];
    if (v === 0) continue;
    const at = s.lineIds[i] * to.n + j;
    to.data[at] += v;
    if (to.variance !== null) to.variance[at] += samplingVariance(v, s.lineValues[i * width + objects], s.lineValues[i * width + space], rate);
  }
}

/**
 * Flat (leaf frame), cumulative (every frame once per site, recursion counted once, as pprof) and total,
 * for every metric of a kind in one walk over the sites: each site's distinct frames are found once, not
 * once per metric.
 */
function rollUp(ms: readonly Omit<MetricSeries, 'unit' | 'byLine'>[], stacks: readonly SiteStack[], frameCount: number): void {
  const seen = new Int32Array(frameCount).fill(-1);
  const sampled = ms.map((m) => isSampled(m.byStack));
  // An ends-only metric's total has every snapshot, taken from the snapshots' own totals.
  const withTotal = ms.map((m) => !ENDS_ONLY(m.metric));
  const values = ms.map((m) => new Float64Array(m.byStack.n));
  const variances = ms.map((m) => new Float64Array(m.byStack.n));
  // Per metric, the snapshots where the site's value is not 0 (a variance is 0 wherever its value is): an
  // ends-only metric has two of them, so its rows add 2 cells per frame instead of n. Skipping a 0 changes no sum.
  const nonZero = ms.map((m) => new Int32Array(m.byStack.n));
  const nonZeroCount = new Int32Array(ms.length);
  const distinct: number[] = [];
  const live: number[] = [];
  for (const stack of stacks) {
    live.length = 0;
    const at = ms.length === 0 ? -1 : (ms[0].byStack.slot[stack.id] ?? -1);
    if (at < 0) continue;
    for (let k = 0; k < ms.length; k++) {
      const v = gather(ms[k].byStack.columns, at, values[k]);
      const nz = nonZero[k];
      let count = 0;
      for (let j = 0; j < v.length; j++) if (v[j] !== 0) nz[count++] = j;
      nonZeroCount[k] = count;
      if (count > 0) live.push(k);
    }
    if (live.length === 0) continue;
    distinct.length = 0;
    for (const f of stack.frames) {
      if (seen[f] === stack.id) continue;
      seen[f] = stack.id;
      distinct.push(f);
    }
    for (const k of live) {
      const m = ms[k];
      const variance = sampled[k] ? siteRowVariance(m.byStack, stack.id, variances[k]) : null;
      const cols = nonZero[k];
      const count = nonZeroCount[k];
      if (withTotal[k]) addRow(m.total, 0, values[k], variance, cols, count);
      if (stack.frames.length === 0) continue;
      addRow(m.flat, stack.frames[0], values[k], variance, cols, count);
      for (const f of distinct) addRow(m.cum, f, values[k], variance, cols, count);
    }
  }
}

/** rowVariance of a call-site row, into a reused buffer where the variance is derived. */
function siteRowVariance(m: SiteMatrix, id: number, into: Float64Array): Float64Array | null {
  return m.derivedVariance === undefined ? rowVariance(m, id) : m.derivedVariance(id, into);
}

/**
 * Adds a site's row (and its variance row) to row `id` of `to`, at the first `count` columns `at` lists (the
 * row's non-zero values; every column when `count` is the row's length).
 */
function addRow(to: Matrix, id: number, values: Float64Array, variance: Float64Array | null, at: Int32Array, count: number): void {
  const n = to.n;
  const base = id * n;
  const data = to.data;
  const vs = variance !== null ? to.variance : null;
  if (count === n) {
    for (let j = 0; j < n; j++) data[base + j] += values[j];
    if (vs !== null && variance !== null) for (let j = 0; j < n; j++) vs[base + j] += variance[j];
    return;
  }
  for (let c = 0; c < count; c++) data[base + at[c]] += values[at[c]];
  if (vs !== null && variance !== null) for (let c = 0; c < count; c++) vs[base + at[c]] += variance[at[c]];
}

/**
 * Sampling variance of an unsampled heap value. Go samples an allocation of s bytes with probability
 * p = 1 − e^(−s/R) (the next sample point is exponential with mean R, runtime/malloc.go nextSample) and scales
 * by 1/p (runtime/pprof scaleHeapSample), so a site holding N objects was seen k = N·p times, a binomial count
 * of variance N·p·(1 − p): the scaled value V has variance V²·(1 − p)/k. For small objects that is the Poisson
 * V²/k; an object far larger than R is always sampled (p → 1) and its bytes are exact, not one noisy sample.
 */
export function samplingVariance(value: number, objects: number, space: number, rate: number): number {
  if (objects <= 0 || space <= 0) return 0;
  const missed = Math.exp(-(space / objects) / rate);
  const k = objects * (1 - missed);
  return k > 0 ? (value * value * missed) / k : 0;
}

function factsOverSeries(used: readonly SnapshotEntry[]): Map<number, GroupFacts> {
  const out = new Map<number, GroupFacts>();
  for (const e of used) {
    const groups = e.normalized.groups;
    if (groups === null) continue;
    e.normalized.stackIds.forEach((stackId, i) => {
      const g = groups[i];
      if (g === null) return;
      const prev = out.get(stackId);
      if (prev === undefined)
        out.set(stackId, { ...g, states: [...g.states], creatorGoroutines: new Map(g.creatorGoroutines), goroutineIds: [...g.goroutineIds] });
      else mergeGroupFacts(prev, g);
    });
  }
  return out;
}
