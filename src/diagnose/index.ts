// The diagnose stage: fits and links in, a typed diagnosis out (model.ts): verdict, ranked findings with
// their culprit and the strategy that found it, evidence as typed steps, what each leaked object keeps, and
// what the window could have seen. No sentences: the explain step words it once for every output.

import type { FitSet } from '../fit/all.js';
import { sumStacks, type Correlation, type Link } from '../correlate.js';
import { matchSignatures, showsSignature, type Match, type Signature } from '../patterns/index.js';
import { LIBRARY_OBJECT, UNBOUNDED_COLLECTION } from '../patterns/generic.js';
import { HIDDEN_RUNTIME_WAIT } from '../patterns/wait-state.js';
import { metricOf, row, type SeriesSet } from '../series/index.js';
import { findCulprit, libraryEntries, pooledHeap, poolStateIn, userFrame, type PooledHeap } from './culprit.js';
import { startedByGroup } from './creators.js';
import { heapGrowthFloor, isSignificantHeap, confidenceOf, strongTrend } from './confidence.js';
import { boundedSites } from './bounded.js';
import { isSuspect, triage } from './triage.js';
import { leakUnit } from './unit.js';
import { pinnable } from './own.js';
import { reachOf } from './reach.js';
import { joinSameCulprit } from './join.js';
import { versionSteps } from './versions.js';
import type { Diagnosis, Finding, LongLivedGoroutine, Step, Verdict } from './model.js';

export type { Candidate, Confidence, Culprit, CulpritStrategy, Diagnosis, Finding, FindingKind, LeakUnit, Reach, Step, Verdict } from './model.js';

export function diagnose(series: SeriesSet, fits: FitSet, links: Correlation): Diagnosis {
  const findings = joinSameCulprit(series, [...links.links.map((l) => fromLink(series, l)), ...heapOnly(series, links.unlinkedHeap)])
    .map((f) => withVersionSteps(series, f))
    .sort(byRank);
  const bounded = boundedSites(series, fits, findings);
  const n = Math.max(series.heap?.times.length ?? 0, series.goroutine?.times.length ?? 0);
  const reach = reachOf(series, fits);
  const single = n === 1 ? triage(series) : null;
  const leak = findings.some((f) => f.confidence !== 'low');
  const verdict: Verdict = leak
    ? 'leak'
    : single !== null && isSuspect(single)
      ? 'suspect'
      : findings.length > 0 || reach.kind !== 'could-see'
        ? 'inconclusive'
        : 'no-leak';
  return { verdict, findings, bounded, triage: single, reach };
}

/** The pattern's caveats for the Go releases the frames allow, as the last steps of the chain. */
function withVersionSteps(series: SeriesSet, f: Finding): Finding {
  const steps = versionSteps(series.goVersion, f.signature);
  return steps.length === 0 ? f : { ...f, steps: [...f.steps, ...steps] };
}

const CONFIDENCE_ORDER = { high: 0, medium: 1, low: 2 } as const;

function byRank(a: Finding, b: Finding): number {
  return (
    CONFIDENCE_ORDER[a.confidence] - CONFIDENCE_ORDER[b.confidence] ||
    heapRate(b) - heapRate(a) ||
    goroutineRate(b) - goroutineRate(a) ||
    (a.culprit?.frame ?? -1) - (b.culprit?.frame ?? -1)
  );
}

const heapRate = (f: Finding): number => (f.heap === null ? 0 : f.heap.fit.robustSlope);
const goroutineRate = (f: Finding): number => (f.goroutines === null ? 0 : f.goroutines.fit.robustSlope);

export function stackFunctions(series: SeriesSet, stackId: number): string[] {
  const s = series.stacks[stackId];
  return [...s.runtimeTop, ...s.frames].map((f) => series.frames[f].function);
}

/**
 * The wait states of a unit's groups: what a dump printed, or, where the form hid the runtime frames (debug=1
 * text) and the goroutine is parked right in code that is not the standard library's (the service's, a
 * library's), the only waits that leave no frame of their own: a channel operation or a select.
 */
function waitStates(series: SeriesSet, groups: readonly number[]): string[] {
  const out = new Set<string>();
  for (const g of groups) {
    const printed = series.goroutine?.facts.get(g)?.states ?? [];
    printed.forEach((s) => out.add(s));
    const s = series.stacks[g];
    const leaf = s.frames[0];
    // The reasoning holds for any code but the standard library's (whose linknamed waits into the runtime, as
    // os/signal's, show no runtime frame either): a library's goroutine parked in its own select is one too.
    if (printed.length === 0 && s.runtimeTop.length === 0 && leaf !== undefined && series.frames[leaf].origin !== 'std') out.add(HIDDEN_RUNTIME_WAIT);
  }
  return [...out];
}

function fromLink(series: SeriesSet, link: Link): Finding {
  const heapStacks = link.heap?.stacks ?? [];
  const groups = link.unit.groups;
  const evidence = groups.map((g) => ({ group: g, names: stackFunctions(series, g), states: waitStates(series, [g]) }));
  const matches = matchSignatures({
    goroutineStacks: evidence.map((e) => e.names),
    waitStates: [...new Set(evidence.flatMap((e) => e.states))],
    heapStacks: heapStacks.map((h) => stackFunctions(series, h)),
  });
  // The unit is the in-process server's end of connections a client in the process opened: the service's
  // frames on it (a websocket handler's read loop) are the other end, not where to fix; the client's are. A
  // pattern whose peer is a client outside the process (a server holding its clients' idle connections) is
  // not this one.
  const serverEnd = link.clientStacks.length > 0 || link.clientDials.length > 0;
  const match: Match | undefined = pinnable(series, serverEnd ? matches.filter((m) => m.signature.peerOutside !== true) : matches, evidence);
  const signature = match?.signature ?? null;
  const patternStacks = signature === null ? groups : evidence.filter((e) => showsSignature(signature, e.names, e.states)).map((e) => e.group);
  const ctx = {
    series,
    goroutineStacks: serverEnd ? [] : groups,
    patternStacks: serverEnd ? [] : patternStacks,
    heapStacks,
    signature,
    entryScope: 'all',
    // The unit is an in-process server's end of connections: the service's calls are into the client's library.
    libraryEntries: libraryEntries(series, link.clientStacks.length > 0 ? link.clientStacks : groups),
    clientDials: link.clientDials,
  } as const;
  const { culprit, candidates } = findCulprit(ctx);
  const heap = link.heap !== null && isSignificantHeap(series, link.heap.fit) ? link.heap : null;
  const fit = link.unit.fit;
  const steps: Step[] = [{ kind: 'goroutines-grew', groups: groups.length, unitKey: link.unit.key, first: fit.first, last: fit.last, snapshots: fit.n }];
  if (heap !== null)
    steps.push({ kind: 'heap-linked', sites: heap.stacks.length, reasons: link.reasons, correlation: link.correlation, snapshots: heap.fit.n });
  if (match !== undefined) steps.push(patternStep(match));
  const found = culpritSteps(series, signature, culprit, candidates, groups, culprit === null ? pooledHeap(ctx) : null);
  steps.push(...(!serverEnd ? found : found.map((s): Step => (s.kind === 'culprit' ? { ...s, through: 'server-end' } : s))));
  return {
    kind: heap === null ? 'goroutine-leak' : 'goroutine-and-heap',
    signature,
    culprit,
    candidates,
    confidence: confidenceOf(fit, heap?.fit ?? null),
    goroutines: { groups, unitKey: link.unit.key, values: link.unit.values, fit },
    heap,
    unit: leakUnit(series, groups, signature, heap?.fit ?? null, serverEnd),
    bytesPerGoroutine: heap === null ? null : link.bytesPerGoroutine,
    correlation: heap === null ? null : link.correlation,
    steps,
  };
}

function culpritSteps(
  series: SeriesSet,
  signature: Signature | null,
  culprit: Finding['culprit'],
  candidates: Finding['candidates'],
  groups: readonly number[],
  pooled: PooledHeap | null,
): Step[] {
  const pool: Step[] = pooled === null ? [] : [{ kind: 'pooled-heap', poolFrame: pooled.poolFrame, caller: pooled.caller }];
  if (culprit === null && candidates.length > 0)
    return [...pool, { kind: 'candidates', count: candidates.length, entry: candidates[0].entry, pooled: pooled !== null }];
  if (culprit === null) {
    const root = groups.length === 0 ? null : (series.stacks[groups[0]].frames.at(-1) ?? null);
    // Only where the service makes the leaked objects through a library call (an entry point, or a library
    // object left open: the library-object case): a loop of its own may be what calls it. Objects the library
    // makes for others (a server's transports) come from no loop.
    const madeByService = (signature?.entryPoints.length ?? 0) > 0 || signature?.case === LIBRARY_OBJECT.id;
    const longLived = groups.length === 0 || !madeByService ? [] : longLivedOwn(series, groups);
    const started = groups.length === 0 ? null : startedByGroup(series, groups);
    const step: Step = { kind: 'no-user-frame', rootFrame: root, longLived: longLived.slice(0, MAX_LONG_LIVED), longLivedCount: longLived.length };
    return [...pool, started === null ? step : { ...step, startedBy: { frame: started.frame, goroutines: started.goroutines } }];
  }
  if (culprit.strategy === 'alloc-candidate' && culprit.entry !== null)
    return [{ kind: 'candidates', count: candidates.length, entry: culprit.entry, pooled: false }];
  const step: Step = { kind: 'culprit', strategy: culprit.strategy, frame: culprit.frame, entry: culprit.entry };
  return [culprit.creatorFrame === undefined ? step : { ...step, creatorFrame: culprit.creatorFrame }];
}

/** The evidence step of a pinned pattern, with its case when one was applied. */
function patternStep(match: Match): Step {
  const frames = match.matchedFrames.slice(0, 4);
  const c = match.signature.case;
  return c === undefined ? { kind: 'pattern', signature: match.signature.id, frames } : { kind: 'pattern', signature: match.signature.id, case: c, frames };
}

/** Long-lived goroutines named in a no-culprit step; the rest are counted. */
const MAX_LONG_LIVED = 3;

/**
 * The service's own goroutine groups (outside `leaking`) present in every goroutine snapshot and no larger at
 * the end than at the start, fewest goroutines first: a loop that makes the leaked objects runs on one of
 * these when no leaking stack reaches the service's code (the objects' own goroutines start inside the
 * library). A group whose only frame of the service's own is main.main is the program itself, and left out.
 */
function longLivedOwn(series: SeriesSet, leaking: readonly number[]): LongLivedGoroutine[] {
  const m = metricOf(series.goroutine, 'goroutine');
  if (m === null) return [];
  const n = m.byStack.n;
  const out: LongLivedGoroutine[] = [];
  for (let id = 0; id < m.byStack.rows; id++) {
    if (leaking.includes(id)) continue;
    const v = row(m.byStack, id);
    if (!v.every((x) => x > 0) || v[n - 1] > v[0]) continue;
    const frame = series.stacks[id].frames.find((f) => series.frames[f].origin === 'user' && series.frames[f].function !== 'main.main');
    if (frame !== undefined) out.push({ frame, stack: id, count: v[n - 1] });
  }
  return out.sort((a, b) => a.count - b.count || a.stack - b.stack);
}

/**
 * The functions of a heap stack that say what was allocated: all of them, except under a pool state call
 * (POOL_STATE: a connection pool dialing), where the frames above that call only say which caller happened to
 * find the pool empty (a query, under any of the service's functions), not what keeps the connection.
 */
function allocationFunctions(series: SeriesSet, stackId: number): string[] {
  const pool = poolStateIn(series, stackId);
  const names = stackFunctions(series, stackId);
  if (pool < 0) return names;
  const s = series.stacks[stackId];
  return names.slice(0, s.runtimeTop.length + s.frames.indexOf(pool) + 1);
}

/**
 * Heap growth no goroutine unit explains: one finding per service function under which it is allocated, and
 * one per pool state call for what a pool dialed (its callers are whoever found the pool empty).
 */
function heapOnly(series: SeriesSet, unlinked: readonly number[]): Finding[] {
  if (series.heap === null || series.heap.times.length < 2) return [];
  const byFrame = new Map<number, number[]>();
  for (const id of unlinked) {
    const pool = poolStateIn(series, id);
    const f = userFrame(series, id);
    const key = pool >= 0 ? pool : f >= 0 ? f : (series.stacks[id].frames[0] ?? -1);
    if (key >= 0) byFrame.set(key, [...(byFrame.get(key) ?? []), id]);
  }
  const out: Finding[] = [];
  const floor = heapGrowthFloor(series);
  for (const stacks of byFrame.values()) {
    const heap = sumStacks(series, stacks);
    const kept = heap.fit.retained;
    if (heap.fit.absoluteGrowth < floor || (heap.fit.shape !== 'growing' && heap.fit.shape !== 'unknown')) continue;
    const match = matchSignatures({ goroutineStacks: [], waitStates: [], heapStacks: stacks.map((h) => allocationFunctions(series, h)) })[0];
    const hidden = match === undefined && stacks.every((id) => allocatedInUserCode(series, id));
    const signature = match?.signature ?? (hidden ? UNBOUNDED_COLLECTION : null);
    // No library-caller for heap alone: with no goroutine to tie the library's heap to a call, the service's
    // call into the library whose kept heap grew may be what holds the objects, not what makes them (a fake
    // clientset's tracker under main.main, beside client-go informers made per request: tried and refused).
    const ctx = {
      series,
      goroutineStacks: [],
      patternStacks: [],
      heapStacks: stacks,
      signature,
      entryScope: 'own',
      libraryEntries: [],
      clientDials: [],
    } as const;
    const { culprit, candidates } = findCulprit(ctx);
    const steps: Step[] = [{ kind: 'heap-grew', sites: stacks.length, firstBytes: heap.fit.first, lastBytes: heap.fit.last, withGoroutines: false }];
    if (kept !== null && !strongTrend(heap.fit))
      steps.push({
        kind: 'staircase',
        rises: kept.rises,
        falls: kept.falls,
        snapshots: heap.fit.n,
        newSamples: kept.newSamples,
        retainedShare: kept.retainedShare,
        of: kept.of,
      });
    if (match !== undefined) steps.push(patternStep(match));
    if (hidden) steps.push({ kind: 'allocated-in-user-code', signature: UNBOUNDED_COLLECTION.id, frame: series.stacks[stacks[0]].frames[0] });
    steps.push(...culpritSteps(series, signature, culprit, candidates, [], culprit === null ? pooledHeap(ctx) : null));
    out.push({
      kind: 'heap-growth',
      signature,
      culprit,
      candidates,
      confidence: confidenceOf(null, heap.fit),
      goroutines: null,
      heap,
      unit: null,
      bytesPerGoroutine: null,
      correlation: null,
      steps,
    });
  }
  return out;
}

/**
 * Go heap profiles drop the leading runtime.* frames (runtime/pprof hideRuntime), so a map store, an append or
 * a make that keeps growing with no goroutine behind it ends right in the service's own function: a
 * collection that only grows, with its growth frames hidden (Go 1.24+ Swiss maps show theirs and match
 * by frame). True when the call site's allocating frame is the service's own.
 */
function allocatedInUserCode(series: SeriesSet, stackId: number): boolean {
  const leaf = series.stacks[stackId].frames[0];
  return leaf !== undefined && series.frames[leaf].origin === 'user';
}

/** The culprit's function as the profile spells it (closure numbers included), or null. */
export function culpritName(series: SeriesSet, f: Finding): string | null {
  return f.culprit === null ? null : series.frames[f.culprit.frame].rawFunction;
}
