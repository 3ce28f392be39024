// The correlate stage: growing goroutine groups gathered into leak units (same start, in lockstep), and heap
// call sites tied to them by structure (shared library frames, the pattern's allocation frames, the
// goroutines' start function or creator), then checked against the unit's count over time. One unit per
// leak, not one per frame; heap growth that nothing ties is handed on as heap growth of its own.

import { sampleCorrelation } from 'simple-statistics';
import { fitSeries, NOISE_Z, type Fit } from './fit/index.js';
import { fitsOf, type FitSet } from './fit/all.js';
import { retention, type Allocated } from './fit/retained.js';
import { growingUnderOneFunction } from './correlate/heap.js';
import { acceptingModules, callbackOwners, enclosing, joinFixedRatio, movedGroups, ownersOf, withoutMoved } from './correlate/objects.js';
import { moduleOf, packageOf } from './normalize/names.js';
import type { SiteStack } from './normalize/index.js';
import { matchSignatures } from './patterns/index.js';
import { isSampled, metricOf, row, rowVariance, type SeriesSet } from './series/index.js';

/** A goroutine group must grow by at least this many goroutines over the window to count. */
export const MIN_GOROUTINE_GROWTH = 3;
/** Heap call sites linked to a goroutine unit must follow it this closely (Pearson r over paired snapshots). */
export const MIN_LINK_CORRELATION = 0.8;
/** A heap call site counts as growing when its change exceeds this many standard errors of sampling. */
export const HEAP_GROWTH_Z = 2;

export interface GoroutineUnit {
  /** Stack ids of the goroutine groups in this unit, biggest growth first. */
  readonly groups: readonly number[];
  /** What the groups share: where they start (`goroutines of google.golang.org/grpc`). */
  readonly key: string;
  /** Summed goroutine count per goroutine snapshot, and its fit. */
  readonly values: Float64Array;
  readonly fit: Fit;
}

export interface HeapEvidence {
  /** Heap call sites (stack ids), biggest growth first. */
  readonly stacks: readonly number[];
  /** Summed inuse_space per heap snapshot, its sampling variance, and its fit. */
  readonly values: Float64Array;
  readonly variance: Float64Array | null;
  readonly fit: Fit;
}

/** How a heap call site was tied to a goroutine unit. */
export type StructuralLink =
  'library-frames' | 'pattern-frames' | 'shared-frames' | 'goroutine-root' | 'creator' | 'goroutine-overhead' | 'other-end' | 'callback-owner';

export interface Link {
  readonly unit: GoroutineUnit;
  readonly heap: HeapEvidence | null;
  /** The structural ties that linked the heap, each reason once. */
  readonly reasons: readonly StructuralLink[];
  /** Pearson r between the unit's goroutines and the linked heap, over heap snapshot times. */
  readonly correlation: number | null;
  /** Heap bytes per goroutine of the unit, from the two slopes. */
  readonly bytesPerGoroutine: number | null;
  /** The linked heap stacks that are the client end of the unit's connections (`other-end`); empty for most units. */
  readonly clientStacks: readonly number[];
  /**
   * Where no in-use heap is the client end (clientStacks empty) and the unit is the service's own net/http
   * server reading its connections through a library: the heap stacks, by alloc_space alone, through a dial
   * of that same library under the service's code whose allocation grew over the window (clientDials). Not
   * heap of the leak (nothing they made was sampled in use); where the culprit is looked for. Else empty.
   */
  readonly clientDials: readonly number[];
}

export interface Correlation {
  readonly links: readonly Link[];
  /** Growing heap call sites no goroutine unit explains, biggest growth first. */
  readonly unlinkedHeap: readonly number[];
}

export function correlate(series: SeriesSet, fits: FitSet): Correlation {
  const units = goroutineUnits(series, fits);
  const { growing, rising } = growingHeapStacks(series);
  growing.push(...growingUnderOneFunction(series, new Set(growing), heapGrew));
  const strong = new Set(growing);
  const faint = rising.filter((id) => !strong.has(id));
  const claimed = new Set<number>();
  const links = units.map((unit) => link(series, unit, growing, faint, claimed));
  return { links, unlinkedHeap: growing.filter((s) => !claimed.has(s)) };
}

/**
 * Growing goroutine groups, gathered into leak units: by where they start (goroutines a library starts, such
 * as gRPC's reader, writer and balancer, are one unit per library module; the service's own goroutines are
 * one unit per goroutine function), and within that only groups that move in lockstep with the unit's
 * largest group, so two leaks in one library stay two.
 */
function goroutineUnits(series: SeriesSet, fits: FitSet): GoroutineUnit[] {
  const g = series.goroutine;
  const m = metricOf(g, 'goroutine');
  if (g === null || m === null) return [];
  const byKey = new Map<string, number[]>();
  for (const [stackId, fit] of fitsOf(fits, 'goroutine', 'goroutine', 'stack')) {
    const values = row(m.byStack, stackId);
    if (fit.shape !== 'growing' || !beyondChurn(fit, values) || exits(values)) continue;
    const key = unitKey(series, series.stacks[stackId]);
    byKey.set(key, [...(byKey.get(key) ?? []), stackId]);
  }
  const growth = (id: number): number => row(m.byStack, id)[m.byStack.n - 1] - row(m.byStack, id)[0];
  const make = (key: string, groups: number[], values?: Float64Array): GoroutineUnit => {
    const sum = values ?? new Float64Array(m.byStack.n);
    if (values === undefined) for (const id of groups) row(m.byStack, id).forEach((v, j) => (sum[j] += v));
    return { key, groups: groups.sort((a, b) => growth(b) - growth(a) || a - b), values: sum, fit: fitSeries({ times: g.times, values: sum }) };
  };
  const moved = movedGroups(series, [...byKey.values()].flat());
  const units: GoroutineUnit[] = [];
  for (const [key, groups] of byKey) {
    for (const members of lockstep(
      groups.sort((a, b) => growth(b) - growth(a) || a - b),
      (id) => row(m.byStack, id),
    )) {
      const still = withoutMoved(series, make(key, members), moved);
      if (still.length > 0) units.push(make(key, still));
    }
  }
  const bySize = (a: GoroutineUnit, b: GoroutineUnit): number => b.fit.absoluteGrowth - a.fit.absoluteGrowth || a.key.localeCompare(b.key);
  return joinFixedRatio(series, units.sort(bySize), make).sort(bySize);
}

/** Standard errors of the √n churn of a goroutine count that a group's growth must exceed. */
export const CHURN_Z = 3;
/** A group that falls by more than this share of its count (and beyond churn) at one step is not leaking. */
export const MAX_LEAK_DROP = 0.25;

/**
 * Goroutines of one stack come and go with requests: a group's growth counts when it is at least
 * MIN_GOROUTINE_GROWTH and beyond CHURN_Z of the √n churn of a count (0, 0, 1, 0, 2, 5 goroutines of a
 * client loop, or 0, 1, 3, 2, 4 in a pool's handlers, is traffic; 3 to 59 is not). A group that never fell
 * at any step is measured against the churn its first count allows (see churnSd): 5, 7, 8, 12, 13, 15, 18
 * leaked sql.Rows watchers are not traffic, though √(5 + 18) would call 13 of them churn.
 */
export function beyondChurn(fit: Fit, values?: ArrayLike<number>): boolean {
  const sd = values !== undefined && neverFalls(values) ? churnSd(values) : Math.sqrt(Math.max(1, fit.first + fit.last));
  return fit.absoluteGrowth >= MIN_GOROUTINE_GROWTH && fit.absoluteGrowth > CHURN_Z * sd;
}

/** True when no step goes down: leaked goroutines never exit, churn goes up and down. */
export function neverFalls(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (values[i] < values[i - 1]) return false;
  return true;
}

/**
 * The churn of the change across a never-falling count: what comes and goes are the in-flight goroutines, at
 * most the smallest count seen (the rest were still there later), so their Poisson churn between two
 * snapshots has standard deviation √(2·min) at most; counted from 1 so an empty start is not exact.
 */
export function churnSd(values: ArrayLike<number>): number {
  return Math.sqrt(2 * Math.max(1, Math.min(...Array.from(values))));
}

/**
 * Leaked goroutines never exit, so a leaking group never falls by much: one that drops by over a quarter of
 * its count, beyond churn, at some step (19 then 6 in-flight handlers) is traffic that rose with load.
 */
export function exits(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) {
    const drop = values[i - 1] - values[i];
    if (drop > MAX_LEAK_DROP * values[i - 1] && drop > NOISE_Z * Math.sqrt(values[i - 1] + values[i])) return true;
  }
  return false;
}

/** Groups (largest first) split into clusters that follow their first member (Pearson r ≥ MIN_LINK_CORRELATION). */
export function lockstep(groups: readonly number[], values: (id: number) => Float64Array): number[][] {
  const clusters: number[][] = [];
  for (const id of groups) {
    const home = clusters.find((c) => follows(values(id), values(c[0])));
    if (home === undefined) clusters.push([id]);
    else home.push(id);
  }
  return clusters;
}

function unitKey(series: SeriesSet, stack: SiteStack): string {
  const root = series.frames[stack.frames[stack.frames.length - 1] ?? stack.runtimeTop[0]];
  if (root === undefined) return 'unknown';
  if (root.origin === 'user') return `goroutines started in ${root.function}`;
  const mod = moduleOf(packageOf(root.function));
  return mod === 'std' ? `goroutines started in ${packageOf(root.function)}` : `goroutines of ${mod}`;
}

/**
 * Heap call sites whose inuse_space grew beyond sampling error, rose as a never-falling staircase, or kept
 * what they allocated as retained samples (fit/retained.ts).
 */
function growingHeapStacks(series: SeriesSet): { growing: number[]; rising: number[] } {
  const m = metricOf(series.heap, 'inuse_space');
  if (m === null || m.byStack.n < 2) return { growing: [], rising: [] };
  const out: { id: number; growth: number }[] = [];
  // The rest of the sites whose in-use rose, in id order: a unit's faint ties are found among them.
  const rising: number[] = [];
  const rows = m.byStack.rows;
  for (let id = 0; id < rows; id++) {
    const v = row(m.byStack, id);
    const growth = v[v.length - 1] - v[0];
    if (growth <= 0 || isProfilerOwn(series, series.stacks[id])) continue;
    const variance = rowVariance(m.byStack, id);
    const se = variance === null ? 0 : Math.sqrt(variance[0] + variance[v.length - 1]);
    const kept = (): boolean => retention(series.heap?.times ?? [], v, variance, allocatedBy(series, [id])) !== null;
    if (growth > HEAP_GROWTH_Z * se || isStaircase(v) || kept()) out.push({ id, growth });
    else rising.push(id);
  }
  return { growing: out.sort((a, b) => b.growth - a.growth || a.id - b.id).map((o) => o.id), rising };
}

/**
 * The profiler's own memory: the buffers runtime/pprof allocates while it writes the profile being fetched
 * (writeGoroutineStacks' 1 MiB+ text buffer, the gzip writer of every protobuf profile) are live at the
 * moment the heap profile of the same round is taken, and come and go with the capture, not with the service.
 */
export function isProfilerOwn(series: SeriesSet, stack: SiteStack): boolean {
  return stack.frames.some((f) => series.frames[f].function.startsWith('runtime/pprof.'));
}

/** In-use bytes that grew beyond sampling error (variance per snapshot, null when unknown), or rose as a never-falling staircase. */
export function heapGrew(v: ArrayLike<number>, variance: ArrayLike<number> | null): boolean {
  const growth = v[v.length - 1] - v[0];
  if (growth <= 0) return false;
  const se = variance === null ? 0 : Math.sqrt(variance[0] + variance[v.length - 1]);
  return growth > HEAP_GROWTH_Z * se || isStaircase(v);
}

/** Rises needed for a never-falling series to count as a staircase of retained samples. */
export const STAIRCASE_MIN_RISES = 3;

/**
 * A sampled object that stays reachable stays in every later heap profile, so a site holding leaked objects
 * never falls, and rises each time another of them is sampled; churn goes up and down. Never falling and
 * rising at least STAIRCASE_MIN_RISES times (or at every step, for fewer snapshots) is strong evidence even
 * when each rise is one sample.
 */
export function isStaircase(values: ArrayLike<number>): boolean {
  let rises = 0;
  for (let i = 1; i < values.length; i++) {
    if (values[i] < values[i - 1]) return false;
    if (values[i] > values[i - 1]) rises++;
  }
  return rises >= Math.min(STAIRCASE_MIN_RISES, values.length - 1);
}

/**
 * Links heap call sites to a goroutine unit by structure (a frame of the unit's library, a frame the unit's
 * pattern allocates in, the goroutines' own start function or creator, the runtime's per-goroutine memory),
 * and only then checks that they follow the unit's count over time. Timing alone never links: any two linear
 * leaks correlate.
 */
function link(series: SeriesSet, unit: GoroutineUnit, growing: readonly number[], faint: readonly number[], claimed: Set<number>): Link {
  const h = series.heap;
  const none: Link = { unit, heap: null, reasons: [], correlation: null, bytesPerGoroutine: null, clientStacks: [], clientDials: [] };
  const m = metricOf(h, 'inuse_space');
  if (h === null || m === null || h.times.length < 2 || series.goroutine === null) return none;
  const ties = unitTies(series, unit);
  const paired = interpolate(series.goroutine.timesMs, unit.values, h.timesMs);
  const reasons = new Set<StructuralLink>();
  const clientStacks: number[] = [];
  const stacks = growing.filter((id) => {
    if (claimed.has(id)) return false;
    const why = structuralLink(series, series.stacks[id], ties);
    if (why === null || !follows(row(m.byStack, id), paired)) return false;
    reasons.add(why);
    if (why === 'other-end') clientStacks.push(id);
    return true;
  });
  stacks.push(...faintTies(series, faint, paired, ties, claimed, reasons));
  const clientDials = clientStacks.length === 0 && ties.server === 'net/http' ? clientDialsInWindow(series, ties) : [];
  if (stacks.length === 0) return { ...none, clientDials };
  stacks.forEach((id) => claimed.add(id));
  const heap = sumStacks(series, stacks);
  const perUnit = unit.fit.robustSlope > 0 ? heap.fit.robustSlope / unit.fit.robustSlope : null;
  return { unit, heap, reasons: [...reasons], correlation: pearson(heap.values, paired), bytesPerGoroutine: perUnit, clientStacks, clientDials };
}

/**
 * The unit's heap that no one call site shows: sites tied to it by structure whose in-use rose over the window
 * (`rising`: not the profiler's own, not growing on their own) but each by too few samples to count (an HTTP connection's bufio reader and writer under dialConn, its
 * writeLoop's buffer and its Transport's idle-conn map: a sample or two each, a few KiB per connection at a
 * leaked connection every few seconds). Taken together when their sum grows (fit/index.ts) and follows the
 * unit's count; none of them otherwise.
 */
function faintTies(
  series: SeriesSet,
  rising: readonly number[],
  paired: Float64Array,
  ties: Ties,
  claimed: ReadonlySet<number>,
  reasons: Set<StructuralLink>,
): number[] {
  const faint: number[] = [];
  const why = new Set<StructuralLink>();
  for (const id of rising) {
    if (claimed.has(id)) continue;
    const link = structuralLink(series, series.stacks[id], ties);
    if (link === null) continue;
    faint.push(id);
    why.add(link);
  }
  if (faint.length < 2) return [];
  const sum = sumStacks(series, faint);
  if (sum.fit.shape !== 'growing' || !follows(sum.values, paired)) return [];
  why.forEach((w) => reasons.add(w));
  return faint;
}

interface Ties {
  /** Library (third-party) modules of the unit's frames. */
  readonly modules: ReadonlySet<string>;
  /** Frame ids the goroutines start in, and their creators (debug=2). */
  readonly roots: ReadonlySet<number>;
  /** The service's own frames on the unit's goroutine stacks (what the blocked goroutines hold on to). */
  readonly userFunctions: ReadonlySet<string>;
  readonly creators: ReadonlySet<number>;
  /** Heap frames of the pattern the unit's goroutines match. */
  readonly patternFrames: readonly RegExp[];
  /**
   * The module of an in-process server whose per-connection goroutines the unit is, all of them (they run that
   * one library's code, which runs an accept loop, and none of the service's, and no specific signature reads
   * them); null otherwise.
   */
  readonly server: string | null;
  /** The service's functions whose closures the unit's library runs (callbackOwners): they made its objects. */
  readonly callbackOwners: ReadonlySet<string>;
}

function unitTies(series: SeriesSet, unit: GoroutineUnit): Ties {
  const modules = new Set<string>();
  const roots = new Set<number>();
  const creators = new Set<number>();
  const userFunctions = new Set<string>();
  for (const id of unit.groups) {
    const frames = series.stacks[id].frames;
    for (const f of frames) if (series.frames[f].origin === 'user' && !series.frames[f].runtime) userFunctions.add(enclosing(series.frames[f].function));
    for (const f of frames)
      if (series.frames[f].origin !== 'std' && series.frames[f].origin !== 'user') modules.add(moduleOf(packageOf(series.frames[f].function)));
    const root = frames[frames.length - 1];
    if (root !== undefined && !series.frames[root].runtime) roots.add(root);
    const creator = series.goroutine?.facts.get(id)?.creator ?? -1;
    if (creator >= 0) creators.add(creator);
  }
  const stacks = unit.groups.map((g) => [...series.stacks[g].runtimeTop, ...series.stacks[g].frames].map((f) => series.frames[f].function));
  const match = matchSignatures({ goroutineStacks: stacks, waitStates: [], heapStacks: [] }).find((x) => !x.signature.generic);
  // A unit a library's own signature explains (gRPC's, whose one module holds both ends) is read by it instead.
  const server = match === undefined ? serverOf(series, unit.groups) : null;
  return { modules, roots, creators, userFunctions, patternFrames: match?.signature.heapFrames ?? [], server, callbackOwners: callbackOwners(series, modules) };
}

function serverOf(series: SeriesSet, groups: readonly number[]): string | null {
  if (groups.length > 0 && groups.every((g) => readsOwnHttpConnection(series, g))) return 'net/http';
  const owners = ownersOf(series, groups);
  if (owners.user.size > 0 || owners.unknown || owners.libraries.size !== 1) return null;
  const [module] = owners.libraries;
  return acceptingModules(series).has(module) ? module : null;
}

/** A connection's read, where a goroutine waits for its peer to send (or close). */
const CONN_READ = /^(?:internal\/poll\.\(\*FD\)\.Read|net\.\(\*conn\)\.Read)$/;

/**
 * A goroutine of the process's own net/http server, one per connection (it starts in `(*conn).serve`),
 * reading from its connection inside the service's handler (a websocket's ReadMessage loop): it waits for
 * the other end, which may be a client in the same process that never closes.
 */
function readsOwnHttpConnection(series: SeriesSet, stackId: number): boolean {
  const frames = series.stacks[stackId].frames;
  let r = frames.length - 1;
  while (r > 0 && series.frames[frames[r]].runtime) r--;
  if (r < 0 || series.frames[frames[r]].function !== 'net/http.(*conn).serve') return false;
  const all = [...series.stacks[stackId].runtimeTop, ...frames];
  return frames.some((f) => series.frames[f].origin === 'user') && all.some((f) => CONN_READ.test(series.frames[f].function));
}

/**
 * The call that opens a client connection, by Go's naming: net.Dial, grpc.DialContext, a pool's dialConn,
 * Connect; a word that merely starts so (dialer, connectionOpener) is not one.
 */
const DIAL = /^(?:[dD]ial|[cC]onnect)(?![a-z])/;

/**
 * A heap stack that dials in another library's code (go-redis's pool dialConn making a connection's buffers):
 * the client end of connections to an in-process server whose per-connection goroutines are the unit. The
 * client library may keep no goroutine per connection, so this heap is all that is left of the client's side.
 */
function dialsToServer(series: SeriesSet, stack: SiteStack, server: string): boolean {
  return dialIn(series, stack, (module) => module !== server) >= 0;
}

/** The index in the stack of the outermost dial (DIAL) in a library module `accept` takes, or -1. */
export function dialIn(series: SeriesSet, stack: SiteStack, accept: (module: string) => boolean): number {
  for (let i = stack.frames.length - 1; i >= 0; i--) {
    const fr = series.frames[stack.frames[i]];
    if (fr.origin !== 'library' || !accept(moduleOf(packageOf(fr.function)))) continue;
    if (DIAL.test(fr.function.slice(fr.function.lastIndexOf('.') + 1))) return i;
  }
  return -1;
}

/**
 * The unit is the service's own net/http server's goroutines reading their connections through a library
 * (gorilla's ReadMessage), and no in-use heap is their client end: each connection's client may keep too
 * little to be sampled in use (a few KiB under gorilla's DialContext). What the client allocated still is, in
 * alloc_space: the heap stacks through a dial of that same library (gorilla's Dialer on both ends) with the
 * service's code root-ward of it, whose allocation grew over the window (the service dialled during it; a
 * connection dialled once at start does not grow). A dial into another library (a database pool's) is
 * another conversation, not these connections' other end.
 */
function clientDialsInWindow(series: SeriesSet, ties: Ties): number[] {
  const alloc = metricOf(series.heap, 'alloc_space')?.byStack ?? null;
  if (alloc === null || alloc.n < 2 || ties.modules.size === 0) return [];
  const out: number[] = [];
  for (let id = 0; id < alloc.rows; id++) {
    const v = row(alloc, id);
    if (!(v[v.length - 1] > v[0])) continue;
    const stack = series.stacks[id];
    const at = dialIn(series, stack, (module) => ties.modules.has(module));
    if (at >= 0 && stack.frames.slice(at + 1).some((f) => series.frames[f].origin === 'user')) out.push(id);
  }
  return out;
}

function structuralLink(series: SeriesSet, stack: SiteStack, ties: Ties): StructuralLink | null {
  const frames = stack.frames.map((f) => series.frames[f]);
  // First: a websocket library's dial is also that library's frames, but it is the client end of the server's.
  if (ties.server !== null && dialsToServer(series, stack, ties.server)) return 'other-end';
  if (frames.some((fr) => fr.origin !== 'std' && fr.origin !== 'user' && ties.modules.has(moduleOf(packageOf(fr.function))))) return 'library-frames';
  if (frames.some((fr) => ties.patternFrames.some((re) => re.test(fr.function)))) return 'pattern-frames';
  if (stack.frames.some((f) => ties.roots.has(f))) return 'goroutine-root';
  if (frames.some((fr) => fr.origin === 'user' && ties.userFunctions.has(enclosing(fr.function)))) return 'shared-frames';
  if (stack.frames.some((f) => ties.creators.has(f))) return 'creator';
  if (throughCallbackOwner(series, stack, ties.callbackOwners)) return 'callback-owner';
  return isGoroutineOverhead(series, stack) ? 'goroutine-overhead' : null;
}

/**
 * A heap stack through a service function whose closures the unit's library runs (cron running the jobs
 * `(*Manager).Reload` added, on a config Reload decoded): allocated by the call that made the library's objects.
 */
export function throughCallbackOwner(series: SeriesSet, stack: SiteStack, owners: ReadonlySet<string>): boolean {
  return owners.size > 0 && stack.frames.some((f) => series.frames[f].origin === 'user' && owners.has(series.frames[f].function));
}

/**
 * The runtime's own memory for goroutines (descriptors from malg and allgadd, their stacks) grows with every
 * goroutine that never exits: it belongs to the goroutine leak that follows it, never to a finding of its own.
 */
const GOROUTINE_OVERHEAD = new Set(['runtime.malg', 'runtime.allgadd', 'runtime.newproc1', 'runtime.stackalloc']);

function isGoroutineOverhead(series: SeriesSet, stack: SiteStack): boolean {
  return stack.frames.every((f) => series.frames[f].runtime) && stack.frames.some((f) => GOROUTINE_OVERHEAD.has(series.frames[f].function));
}

/** A call site follows the unit when it correlates with it; with two snapshots, when both grew. */
export function follows(values: Float64Array, paired: Float64Array): boolean {
  if (values.length < 3) return true;
  return pearson(values, paired) >= MIN_LINK_CORRELATION;
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = Array.from(a);
  const y = Array.from(b);
  if (x.length < 3 || new Set(x).size === 1 || new Set(y).size === 1) return 0;
  return sampleCorrelation(x, y);
}

/** The unit's goroutine count at the heap snapshot times, linearly interpolated and clamped at the ends. */
export function interpolate(fromMs: readonly number[], values: ArrayLike<number>, atMs: readonly number[]): Float64Array {
  return Float64Array.from(atMs, (t) => {
    if (t <= fromMs[0]) return values[0];
    const last = fromMs.length - 1;
    if (t >= fromMs[last]) return values[last];
    const j = fromMs.findIndex((f) => f >= t);
    const w = (t - fromMs[j - 1]) / (fromMs[j] - fromMs[j - 1]);
    return values[j - 1] + w * (values[j] - values[j - 1]);
  });
}

export function sumStacks(series: SeriesSet, stacks: readonly number[]): HeapEvidence {
  const h = series.heap;
  if (h === null) throw new Error('sumStacks needs a heap series');
  const m = (metricOf(h, 'inuse_space') ?? h.metrics[0]).byStack;
  const values = new Float64Array(m.n);
  const variance = isSampled(m) ? new Float64Array(m.n) : null;
  for (const id of stacks) {
    row(m, id).forEach((v, j) => (values[j] += v));
    const rv = rowVariance(m, id);
    if (variance !== null && rv !== null) rv.forEach((v, j) => (variance[j] += v));
  }
  return { stacks, values, variance, fit: fitSeries({ times: h.times, values, variance, allocated: allocatedBy(series, stacks) }) };
}

/** What the call sites allocated between the first and the last heap snapshot, in all and on statements holding memory. */
function allocatedBy(series: SeriesSet, stacks: readonly number[]): Allocated | null {
  const alloc = metricOf(series.heap, 'alloc_space')?.byStack ?? null;
  if (alloc === null || alloc.n < 2) return null;
  const held = series.heap?.allocatedHeld ?? null;
  let all = 0;
  let kept = 0;
  for (const id of stacks) {
    const r = row(alloc, id);
    all += r[r.length - 1] - r[0];
    if (held !== null) kept += held[id];
  }
  return { all, held: held === null ? null : kept };
}
