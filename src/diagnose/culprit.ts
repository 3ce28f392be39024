// The culprit: the service's own function to fix. Every way of finding it is one entry of CULPRIT_STRATEGIES,
// tried in order; the first that names a function wins, and the finding records which one did. When every
// leaking stack ends inside a library (the seed incident: traces stopped at addrConn.connect), the heap that
// grows under the library's entry point leads to its caller; when what each leaked object keeps is too small
// for the heap sampling, the callers of the entry point in alloc_space (since start) are ranked candidates.

import { creatorStack, userFrame } from './creators.js';
import { callbackOwners, ownersOf } from '../correlate/objects.js';
import { dialIn, neverFalls } from '../correlate.js';
import { POOL_STATE, type Signature } from '../patterns/index.js';
import { metricOf, row, type MetricSeries, type SeriesSet } from '../series/index.js';
import type { Candidate, Culprit, CulpritStrategy } from './model.js';

export { liveCreator, userFrame } from './creators.js';

/** What a strategy looks at: the finding's goroutine groups and heap call sites, and its pattern. */
export interface CulpritContext {
  readonly series: SeriesSet;
  readonly goroutineStacks: readonly number[];
  readonly heapStacks: readonly number[];
  readonly signature: Signature | null;
  /**
   * The goroutine groups the pattern shows in (for a generic pattern, those parked in one of its waits; else
   * every group): the function a pattern is pinned on must be on a stack that shows it.
   */
  readonly patternStacks: readonly number[];
  /**
   * Where entry-point-caller looks: every heap call site that grew (a goroutine leak, whose library keeps its
   * objects on goroutines of its own), or only the finding's own sites (heap growth, so that another site's
   * call into the same primitive is never blamed).
   */
  readonly entryScope: 'all' | 'own';
  /**
   * The calls into the one library project whose code alone the finding's goroutines run (libraryEntries):
   * where the pattern names no entry point of its own, the service's call into that library is where the
   * leaked object was made. Empty when the goroutines run the service's code, or more than one project's.
   */
  readonly libraryEntries: readonly RegExp[];
  /**
   * The client end of the connections whose server end the finding's goroutines are, by alloc_space alone
   * (correlate.ts Link.clientDials): heap stacks through the dial, under the service's code, that grew over
   * the window. Empty for most findings.
   */
  readonly clientDials: readonly number[];
}

/** What a strategy found: a culprit, or (alloc-candidate with several callers) ranked candidates and none. */
export interface CulpritFound {
  readonly culprit: Culprit | null;
  readonly candidates: readonly Candidate[];
}

/**
 * The finding's heap that sits under a pool state call (POOL_STATE), and so names no caller: that call's
 * frame and the service's function it happened to be called under. Null when none of its heap does.
 */
export interface PooledHeap {
  readonly poolFrame: number;
  readonly caller: number;
}

export interface CulpritStrategyEntry {
  readonly name: CulpritStrategy;
  readonly find: (ctx: CulpritContext) => CulpritFound | null;
}

/**
 * The calls into the library project whose code alone the goroutine groups run, besides the runtime's and the
 * standard library's (github.com/nats-io: nats.go's client goroutines and nats-server's end of each
 * connection), as one pattern over function names; none when any group runs the service's code, a frame of
 * unknown owner, or the code of two projects.
 */
export function libraryEntries(series: SeriesSet, groups: readonly number[]): RegExp[] {
  const owners = ownersOf(series, groups);
  if (owners.user.size > 0 || owners.unknown || owners.projects.size !== 1) return [];
  const [project] = owners.projects;
  return [new RegExp(`^${project.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:[/.]|$)`)];
}

/** Per series set: the pool state call's frame id in each stack, -1 where there is none (computed once). */
const poolFrames = new WeakMap<SeriesSet, Int32Array>();

/** The frame id of a pool state call in the stack (POOL_STATE), or -1. */
export function poolStateIn(series: SeriesSet, stackId: number): number {
  let at = poolFrames.get(series);
  if (at === undefined) {
    const isPoolState = series.frames.map((f) => POOL_STATE.some((re) => re.test(f.function)));
    at = Int32Array.from(series.stacks, (s) => s.frames.find((f) => isPoolState[f]) ?? -1);
    poolFrames.set(series, at);
  }
  return at[stackId] ?? -1;
}

/** The service's frame a heap stack is the work of: its leaf-most own frame, unless the pool made it (-1). */
function heapUserFrame(series: SeriesSet, stackId: number): number {
  return poolStateIn(series, stackId) >= 0 ? -1 : userFrame(series, stackId);
}

/**
 * The first heap stack the pool made among those the finding's culprit was looked for in (its own heap, and
 * for entryScope `all` every heap site that grew through the pattern's entry points), as a PooledHeap; null
 * when none was.
 */
export function pooledHeap(ctx: CulpritContext): PooledHeap | null {
  const found = (id: number): PooledHeap | null => {
    const poolFrame = poolStateIn(ctx.series, id);
    return poolFrame >= 0 ? { poolFrame, caller: userFrame(ctx.series, id) } : null;
  };
  for (const id of ctx.heapStacks) {
    const p = found(id);
    if (p !== null) return p;
  }
  const entryPoints = ctx.signature?.entryPoints ?? [];
  if (ctx.entryScope !== 'all' || entryPoints.length === 0) return null;
  for (const id of heapScope(ctx)) {
    if (!(growth(ctx.series, 'heap', id) > 0) || callerOfEntry(ctx.series, id, entryPoints).caller < 0) continue;
    const p = found(id);
    if (p !== null) return p;
  }
  return null;
}

/** Candidates listed at most. */
export const MAX_CANDIDATES = 5;

/** Every way to find the culprit, most direct first. */
export const CULPRIT_STRATEGIES: readonly CulpritStrategyEntry[] = [
  // The leaking goroutines run the service's own function (worker pools, blocked senders).
  { name: 'goroutine-frame', find: (ctx) => voted(ctx, ctx.patternStacks, 'goroutine', (id) => userFrame(ctx.series, id), 'goroutine-frame') },
  // A goroutine dump (debug=2) names who started them: `created by` the service's function.
  { name: 'creator', find: (ctx) => voted(ctx, ctx.goroutineStacks, 'goroutine', (id) => userCreator(ctx.series, id), 'creator') },
  // The goroutines' library runs closures of one of the service's functions (cron's jobs, added by Reload),
  // and the finding's heap grew under that function: it made the library's objects.
  { name: 'callback-owner', find: callbackOwner },
  // The dump's `created by <library> in goroutine N`, and goroutine N, still alive, runs the service's code.
  { name: 'creator-goroutine', find: creatorGoroutine },
  // A live goroutine runs the library call that starts the leaking goroutines (http.Server.Serve's accept
  // loop), under the service's function: the one that runs that server.
  { name: 'spawner-caller', find: spawnerCaller },
  // The goroutines are the service's own server's end of connections its own client dialled, and nothing the
  // client keeps was sampled in use: the service's callers of the dial whose allocation through it grew.
  { name: 'client-dial', find: clientDial },
  // The heap that grew under the library's entry point (grpc.DialContext), followed to its caller.
  { name: 'entry-point-caller', find: entryPointCaller },
  // The finding's growing heap is allocated under the service's function.
  { name: 'heap-frame', find: (ctx) => voted(ctx, ctx.heapStacks, 'heap', (id) => heapUserFrame(ctx.series, id), 'heap-frame') },
  // The pattern names no entry point, but the leaking goroutines run one library's code only: the heap that
  // grew through the service's call into that library (nats.Connect, for nats.go's and nats-server's
  // goroutines of a connection never closed), followed to its caller.
  { name: 'library-caller', find: libraryCaller },
  // Nothing in use names it: the callers of the entry point in what was allocated since start.
  { name: 'alloc-candidate', find: allocCandidates },
  // The goroutines that show the pattern run only a library's code (fsnotify's reader in IO wait), but the
  // leaked object's other goroutines, in a fixed ratio with them, run the service's function that uses it.
  { name: 'object-goroutine', find: objectGoroutine },
];

/** The first strategy that names a culprit; else the first that ranked candidates; else nothing. */
export function findCulprit(ctx: CulpritContext): CulpritFound {
  let ranked: CulpritFound | null = null;
  for (const s of CULPRIT_STRATEGIES) {
    const found = s.find(ctx);
    if (found === null) continue;
    if (found.culprit !== null) return found;
    ranked ??= found;
  }
  return ranked ?? { culprit: null, candidates: [] };
}

function userCreator(series: SeriesSet, stackId: number): number {
  const c = series.goroutine?.facts.get(stackId)?.creator ?? -1;
  return c >= 0 && series.frames[c].origin === 'user' ? c : -1;
}

function growth(series: SeriesSet, kind: 'heap' | 'goroutine', stackId: number): number {
  const m = metricOf(kind === 'heap' ? series.heap : series.goroutine, kind === 'heap' ? 'inuse_space' : 'goroutine');
  if (m === null) return 0;
  const v = row(m.byStack, stackId);
  return v[v.length - 1] - v[0];
}

/** The entry with the most weight; ties go to the lower frame id, so output is stable. Null when there is none. */
function heaviest<V>(weights: ReadonlyMap<number, V>, weight: (v: V) => number): [number, V] | null {
  let pick: [number, V] | null = null;
  for (const e of weights) {
    if (pick === null || weight(e[1]) > weight(pick[1]) || (weight(e[1]) === weight(pick[1]) && e[0] < pick[0])) pick = e;
  }
  return pick;
}

/** The frame with the most growth behind it; ties go to the lower frame id, so output is stable. */
function voted(
  ctx: CulpritContext,
  stacks: readonly number[],
  kind: 'heap' | 'goroutine',
  pick: (id: number) => number,
  strategy: CulpritStrategy,
): CulpritFound | null {
  const weight = new Map<number, number>();
  const best = new Map<number, { id: number; w: number }>();
  for (const id of stacks) {
    const frame = pick(id);
    if (frame < 0) continue;
    const w = Math.max(growth(ctx.series, kind, id), 1e-9);
    weight.set(frame, (weight.get(frame) ?? 0) + w);
    const top = best.get(frame);
    if (top === undefined || w > top.w || (w === top.w && id < top.id)) best.set(frame, { id, w });
  }
  const top = heaviest(weight, (w) => w);
  if (top === null) return null;
  const frame = top[0];
  return { culprit: { frame, strategy, stack: best.get(frame)?.id ?? -1, stackKind: kind, entry: null }, candidates: [] };
}

/** The service's frame just root-ward of the outermost entry point in a stack (the caller of grpc.DialContext). */
export function callerOfEntry(series: SeriesSet, stackId: number, entryPoints: readonly RegExp[]): { caller: number; entry: number } {
  const frames = series.stacks[stackId].frames;
  for (let i = frames.length - 1; i >= 0; i--) {
    if (!entryPoints.some((re) => re.test(series.frames[frames[i]].function))) continue;
    for (let j = i + 1; j < frames.length; j++) if (series.frames[frames[j]].origin === 'user') return { caller: frames[j], entry: frames[i] };
    return { caller: -1, entry: -1 };
  }
  return { caller: -1, entry: -1 };
}

/** The heap stacks entry-point-caller looks at (see CulpritContext.entryScope). */
function heapScope(ctx: CulpritContext): readonly number[] {
  const m = metricOf(ctx.series.heap, 'inuse_space');
  if (ctx.entryScope === 'own' || m === null) return ctx.heapStacks;
  return Array.from({ length: m.byStack.rows }, (_, id) => id);
}

/**
 * Heap call sites that grew at all and pass through the entry point. Each allocation a leaked connection
 * makes inside the entry point is small and sampled, so no single one need pass a noise test; what counts is
 * that, summed per caller, they grew.
 */
function entryPointCaller(ctx: CulpritContext): CulpritFound | null {
  return grewThrough(ctx, ctx.signature?.entryPoints ?? [], 'entry-point-caller');
}

/**
 * The heap call sites that grew through the service's calls into the library the leaking goroutines run
 * (CulpritContext.libraryEntries), summed per caller, as for entry-point-caller, and kept (never falling):
 * these calls are any of the library's, not the one that makes the object, so churn through them says nothing.
 * Only where the pattern has no entry point of its own: those say which call makes the object.
 */
function libraryCaller(ctx: CulpritContext): CulpritFound | null {
  if ((ctx.signature?.entryPoints.length ?? 0) > 0) return null;
  return grewThrough(ctx, ctx.libraryEntries, 'library-caller', true);
}

/**
 * The service's caller with the most heap growth through one of `entryPoints` (see entryPointCaller). With
 * `kept`, only callers whose summed in-use bytes through them never fell: what a leaked object keeps stays in
 * every later profile, while churn through the same library goes up and down.
 */
function grewThrough(ctx: CulpritContext, entryPoints: readonly RegExp[], strategy: CulpritStrategy, kept = false): CulpritFound | null {
  const m = metricOf(ctx.series.heap, 'inuse_space');
  if (entryPoints.length === 0 || m === null || m.byStack.n < 2) return null;
  const weight = new Map<number, { w: number; stack: number; entry: number; sum: Float64Array }>();
  for (const id of heapScope(ctx)) {
    const g = growth(ctx.series, 'heap', id);
    if (!(g > 0) || poolStateIn(ctx.series, id) >= 0) continue;
    const { caller, entry } = callerOfEntry(ctx.series, id, entryPoints);
    if (caller < 0) continue;
    const prev = weight.get(caller) ?? { w: 0, stack: id, entry, sum: new Float64Array(m.byStack.n) };
    const v = row(m.byStack, id);
    for (let i = 0; i < v.length; i++) prev.sum[i] += v[i];
    weight.set(caller, { ...prev, w: prev.w + g });
  }
  if (kept) for (const [caller, v] of weight) if (!neverFalls(v.sum)) weight.delete(caller);
  const pick = heaviest(weight, (v) => v.w);
  if (pick === null) return null;
  const [frame, v] = pick;
  return { culprit: { frame, strategy, stack: v.stack, stackKind: 'heap', entry: v.entry }, candidates: [] };
}

/**
 * Callers of the entry point anywhere in the profiles, ranked by alloc_space at the last heap snapshot (what
 * they allocated through it since start), then by alloc_objects. A candidate, not a finding: the explain step
 * says so and what would settle it. The only caller seen is named as the leading candidate; of several, none
 * is named (the one that allocates most through the library is the busiest caller, not the leaking one),
 * unless heap allocated in one of them grows with the leak (join.ts: retained-heap). For a pattern whose
 * entry point draws on a pool (Signature.poolState), even a lone caller is only a candidate: the caller
 * that leaks may do so too rarely for its allocations to be sampled, and the bytes the pool makes sit under
 * whoever found it empty. What the pool made is not counted for any caller.
 */
function allocCandidates(ctx: CulpritContext): CulpritFound | null {
  const entryPoints = [...(ctx.signature?.entryPoints ?? []), ...(ctx.signature?.handles ?? [])];
  if (entryPoints.length === 0) return poolCallers(ctx);
  const isEntry = (f: number): boolean => (ctx.signature?.entryPoints ?? []).some((re) => re.test(ctx.series.frames[f].function));
  const tally = new CandidateTally(ctx.series);
  for (const s of ctx.series.stacks) {
    if (poolStateIn(ctx.series, s.id) >= 0) continue;
    const found = callerOfEntry(ctx.series, s.id, entryPoints);
    if (found.caller < 0) continue;
    // The call that made the object (QueryContext) names the candidate, rather than a call on it (Rows.Next).
    tally.add(found.caller, s.id, (prev) => (prev === undefined || isEntry(found.entry) || !isEntry(prev.entry) ? found.entry : prev.entry));
  }
  const ranked = tally.ranked();
  if (ranked.length === 0) return null;
  if (ranked.length > 1 || (ctx.signature?.poolState ?? []).length > 0) return { culprit: null, candidates: ranked };
  const top = ranked[0];
  return { culprit: { frame: top.frame, strategy: 'alloc-candidate', stack: top.stack, stackKind: 'heap', entry: top.entry }, candidates: ranked };
}

/**
 * The service's callers of the dial in the finding's clientDials (the client end of its server goroutines'
 * connections, seen only in alloc_space), ranked by what they allocated through it since start: each of them
 * dialled during the window. One is the leading candidate, named as such; of several, none is named (the
 * explain step says so, and what would settle it).
 */
function clientDial(ctx: CulpritContext): CulpritFound | null {
  const tally = new CandidateTally(ctx.series);
  for (const id of ctx.clientDials) {
    const frames = ctx.series.stacks[id].frames;
    const at = dialIn(ctx.series, ctx.series.stacks[id], () => true);
    const caller = at < 0 ? undefined : frames.slice(at + 1).find((f) => ctx.series.frames[f].origin === 'user');
    if (caller !== undefined) tally.add(caller, id, (prev) => prev?.entry ?? frames[at]);
  }
  const ranked = tally.ranked();
  if (ranked.length === 0) return null;
  if (ranked.length > 1) return { culprit: null, candidates: ranked };
  const top = ranked[0];
  return { culprit: { frame: top.frame, strategy: 'client-dial', stack: top.stack, stackKind: 'heap', entry: top.entry }, candidates: ranked };
}

/**
 * Heap growth with no goroutine behind it and no pattern's entry point, all of it made by a pool (every stack
 * under a pool state call: database/sql dialing a connection): the service's functions above that call are
 * whoever found the pool empty, not necessarily what keeps a connection, so each is a candidate, ranked by what
 * was allocated through the pool under it since start (alloc_space), and none is named.
 */
function poolCallers(ctx: CulpritContext): CulpritFound | null {
  if (ctx.heapStacks.length === 0 || ctx.goroutineStacks.length > 0) return null;
  if (ctx.heapStacks.some((id) => poolStateIn(ctx.series, id) < 0)) return null;
  const tally = new CandidateTally(ctx.series);
  for (const id of ctx.heapStacks) {
    const caller = userFrame(ctx.series, id);
    if (caller >= 0) tally.add(caller, id, (prev) => prev?.entry ?? poolStateIn(ctx.series, id));
  }
  const ranked = tally.ranked();
  return ranked.length === 0 ? null : { culprit: null, candidates: ranked };
}

/** The service's callers as candidates, each with what was allocated under it since start (alloc_space, alloc_objects). */
class CandidateTally {
  private readonly byCaller = new Map<number, Candidate>();
  private readonly space: MetricSeries | null;
  private readonly objects: MetricSeries | null;

  constructor(series: SeriesSet) {
    this.space = metricOf(series.heap, 'alloc_space');
    this.objects = metricOf(series.heap, 'alloc_objects');
  }

  /** Counts heap stack `stack` for `caller`; the caller's entry call is `entry` of what it had so far. */
  add(caller: number, stack: number, entry: (prev: Candidate | undefined) => number): void {
    const prev = this.byCaller.get(caller);
    this.byCaller.set(caller, {
      frame: caller,
      entry: entry(prev),
      stack: prev?.stack ?? stack,
      allocBytes: (prev?.allocBytes ?? 0) + lastValue(this.space, stack),
      allocObjects: (prev?.allocObjects ?? 0) + lastValue(this.objects, stack),
    });
  }

  /** The leading candidates, most allocated first. */
  ranked(): Candidate[] {
    return [...this.byCaller.values()]
      .sort((a, b) => b.allocBytes - a.allocBytes || b.allocObjects - a.allocObjects || a.frame - b.frame)
      .slice(0, MAX_CANDIDATES);
  }
}

/** A call site's value at the last snapshot; 0 without the metric. */
function lastValue(m: MetricSeries | null, stack: number): number {
  return m === null ? 0 : row(m.byStack, stack)[m.byStack.n - 1];
}

/** Goroutine stack ids with a goroutine in at least one snapshot. */
function liveGoroutineStacks(series: SeriesSet): number[] {
  const m = metricOf(series.goroutine, 'goroutine');
  if (m === null) return [];
  const out: number[] = [];
  for (let id = 0; id < m.byStack.rows; id++) if (row(m.byStack, id).some((v) => v > 0)) out.push(id);
  return out;
}

/**
 * The service's function under the pattern's spawner (http.(*Server).Serve) on any live goroutine, leaking or
 * not: the accept loop is one goroutine that never grows, and the connections it starts carry no frame of
 * the service. Only when exactly one service function runs a spawner: two servers run by two functions are
 * not told apart by this (a debug=2 dump's `created by ... in goroutine N` would).
 */
function spawnerCaller(ctx: CulpritContext): CulpritFound | null {
  const spawners = ctx.signature?.spawners ?? [];
  if (spawners.length === 0 || ctx.goroutineStacks.length === 0) return null;
  const callers = new Map<number, { stack: number; entry: number }>();
  for (const id of liveGoroutineStacks(ctx.series)) {
    const { caller, entry } = callerOfEntry(ctx.series, id, spawners);
    if (caller >= 0 && !callers.has(caller)) callers.set(caller, { stack: id, entry });
  }
  if (callers.size !== 1) return null;
  const [[frame, at]] = [...callers];
  return { culprit: { frame, strategy: 'spawner-caller', stack: at.stack, stackKind: 'goroutine', entry: at.entry }, candidates: [] };
}

/**
 * The service's frame on the creator goroutine's own stack: the caller of the creating function when that
 * is still running there (an accept loop in http.Server.Serve), else the service's frame nearest the leaf (a
 * refresh loop parked in its select, whose call into the library has returned).
 */
function frameOnCreator(ctx: CulpritContext, stack: number, creator: number): { frame: number; on: number | null } {
  const { series } = ctx;
  const fn = series.frames[creator].function;
  const frames = series.stacks[stack].frames;
  const at = frames.findIndex((f) => series.frames[f].function === fn);
  if (at < 0) {
    const on = userFrame(series, stack);
    const frame = calledFrom(ctx, on);
    return { frame, on: frame === on ? null : on };
  }
  for (let j = at + 1; j < frames.length; j++) if (series.frames[frames[j]].origin === 'user') return { frame: frames[j], on: null };
  return { frame: -1, on: null };
}

/**
 * The service's function that `frame`, on the creator goroutine, called to make the object, when the growing
 * heap says so: the leaf-most own frame of the finding's heap stacks through `frame`, weighted by their growth
 * (main.main's loop calls (*Publisher).Send, which dials; the dial's buffers sit under Send ← main.main). The
 * creator goroutine's stack now shows only the loop: the call that started the goroutines has returned. When
 * the finding has no heap through `frame` (too little of what each object keeps was sampled to link any), the
 * heap that grew through `frame` and into the library the goroutines run (libraryEntries, or the pattern's
 * entry points) names the caller of that library call instead. `frame` itself when neither does.
 */
function calledFrom(ctx: CulpritContext, frame: number): number {
  if (frame < 0) return frame;
  const through = (id: number): boolean => ctx.series.stacks[id].frames.includes(frame);
  const weight = new Map<number, number>();
  const add = (own: number, id: number): void => {
    if (own >= 0 && own !== frame) weight.set(own, (weight.get(own) ?? 0) + Math.max(growth(ctx.series, 'heap', id), 1e-9));
  };
  for (const id of ctx.heapStacks) if (through(id)) add(heapUserFrame(ctx.series, id), id);
  const entries = [...(ctx.signature?.entryPoints ?? []), ...ctx.libraryEntries];
  if (weight.size === 0 && entries.length > 0) {
    for (const id of heapScope(ctx)) {
      if (growth(ctx.series, 'heap', id) > 0 && poolStateIn(ctx.series, id) < 0 && through(id)) add(callerOfEntry(ctx.series, id, entries).caller, id);
    }
  }
  return heaviest(weight, (w) => w)?.[0] ?? frame;
}

/**
 * debug=2 on Go 1.21+: the leaking goroutines were `created by <a library function> in goroutine N`, and
 * goroutine N is in the dumps, running the service's code: the service's function that made the library
 * start them. One hop only: N's own creator is not followed, since an accept loop started the handler that
 * made the call, not the call itself.
 */
function creatorGoroutine(ctx: CulpritContext): CulpritFound | null {
  const facts = ctx.series.goroutine?.facts;
  if (facts === undefined || ctx.goroutineStacks.length === 0) return null;
  const weight = new Map<number, { w: number; stack: number; entry: number; on: number | null }>();
  for (const g of ctx.goroutineStacks) {
    const f = facts.get(g);
    if (f === undefined || f.creator < 0 || ctx.series.frames[f.creator].origin === 'user') continue;
    const at = creatorStack(ctx.series, g)?.stack;
    if (at === undefined) continue;
    const { frame, on } = frameOnCreator(ctx, at, f.creator);
    if (frame < 0) continue;
    const w = Math.max(growth(ctx.series, 'goroutine', g), 1e-9);
    const prev = weight.get(frame);
    weight.set(frame, { w: (prev?.w ?? 0) + w, stack: prev?.stack ?? at, entry: prev?.entry ?? f.creator, on: prev === undefined ? on : prev.on });
  }
  const pick = heaviest(weight, (v) => v.w);
  if (pick === null) return null;
  const [frame, v] = pick;
  const culprit: Culprit = { frame, strategy: 'creator-goroutine', stack: v.stack, stackKind: 'goroutine', entry: v.entry };
  return { culprit: v.on === null ? culprit : { ...culprit, creatorFrame: v.on }, candidates: [] };
}

/**
 * The service's function whose closures the finding's goroutines' library runs (callbackOwners), voted by the
 * growth of the finding's heap through it: `(*Manager).Reload`, whose jobs cron's schedulers run and whose
 * decoded config they keep, not `(*Manager).load` below it, which only allocated it.
 */
function callbackOwner(ctx: CulpritContext): CulpritFound | null {
  if (ctx.heapStacks.length === 0 || ctx.goroutineStacks.length === 0) return null;
  const { series } = ctx;
  const owners = callbackOwners(series, ownersOf(series, ctx.goroutineStacks).libraries);
  if (owners.size === 0) return null;
  const on = (id: number): number => series.stacks[id].frames.find((f) => series.frames[f].origin === 'user' && owners.has(series.frames[f].function)) ?? -1;
  return voted(ctx, ctx.heapStacks, 'heap', on, 'callback-owner');
}

/** The service's frame on the unit's goroutines that do not show the pattern, when those that do name none. */
function objectGoroutine(ctx: CulpritContext): CulpritFound | null {
  const shown = new Set(ctx.patternStacks);
  const others = ctx.goroutineStacks.filter((id) => !shown.has(id));
  if (others.length === 0) return null;
  return voted(ctx, others, 'goroutine', (id) => userFrame(ctx.series, id), 'object-goroutine');
}
