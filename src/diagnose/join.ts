// One fix place, one finding. Joined by structure (the same culprit frame), never by timing:
// - heap growth allocated under the very function a goroutine leak's culprit strategy led to (the request a
//   leaked HTTP connection keeps, built in the function that sent it) is that leak's retained heap;
// - heap allocated right in the function that started the goroutines another finding's code runs on, and
//   growing with that finding's heap, is what that finding keeps of what its creator made (a feeder loop's
//   requests, kept by the contexts its workers never cancel): one finding, not a second leak in the feeder;
// - two goroutine units led to the same function that grow in lockstep are one leaked object seen twice (a
//   hung HTTP call: the caller's goroutine in roundTrip, and its connection's readLoop and writeLoop). The
//   unit whose goroutines run the service's code names the pattern; the library's goroutines join it.

import { follows, interpolate, pearson, sumStacks } from '../correlate.js';
import { packageOf } from '../normalize/names.js';
import { fitSeries, NOISE_Z } from '../fit/index.js';
import { metricOf, row, rowVariance, type SeriesSet } from '../series/index.js';
import { confidenceOf, isSignificantHeap } from './confidence.js';
import type { Finding, Step } from './model.js';
import { leakUnit } from './unit.js';

export function joinSameCulprit(series: SeriesSet, findings: readonly Finding[]): Finding[] {
  return joinCreatorHeap(series, joinRetainedHeap(series, joinGoroutineUnits(series, findings)));
}

function joinGoroutineUnits(series: SeriesSet, findings: readonly Finding[]): Finding[] {
  const out = [...findings];
  for (let i = 0; i < out.length; i++) {
    const a = out[i];
    if (a.goroutines === null || a.culprit === null) continue;
    for (let j = out.length - 1; j > i; j--) {
      const b = out[j];
      if (b.goroutines === null || b.culprit?.frame !== a.culprit.frame || !follows(a.goroutines.values, b.goroutines.values)) continue;
      out[i] = merge(series, a.culprit.strategy === 'goroutine-frame' || b.culprit.strategy !== 'goroutine-frame' ? [a, b] : [b, a]);
      out.splice(j, 1);
    }
  }
  return out;
}

/** `lead` names the pattern and culprit; `other`'s groups and heap join it. */
function merge(series: SeriesSet, [lead, other]: [Finding, Finding]): Finding {
  const g = series.goroutine;
  if (lead.goroutines === null || other.goroutines === null || g === null) return lead;
  const groups = [...lead.goroutines.groups, ...other.goroutines.groups];
  const values = Float64Array.from(lead.goroutines.values, (v, k) => v + (other.goroutines?.values[k] ?? 0));
  const fit = fitSeries({ times: g.times, values });
  const stacks = [...(lead.heap?.stacks ?? []), ...(other.heap?.stacks ?? [])];
  const heap = stacks.length === 0 ? null : sumStacks(series, stacks);
  const kept = heap !== null && isSignificantHeap(series, heap.fit) ? heap : null;
  const step: Step = {
    kind: 'goroutines-grew',
    groups: other.goroutines.groups.length,
    unitKey: other.goroutines.unitKey,
    first: other.goroutines.fit.first,
    last: other.goroutines.fit.last,
    snapshots: other.goroutines.fit.n,
  };
  return {
    ...lead,
    kind: kept === null ? 'goroutine-leak' : 'goroutine-and-heap',
    goroutines: { groups, unitKey: lead.goroutines.unitKey, values, fit },
    heap: kept,
    unit: leakUnit(series, groups, lead.signature, kept?.fit ?? null, lead.unit?.serverOnly ?? false),
    confidence: confidenceOf(fit, kept?.fit ?? null),
    bytesPerGoroutine: kept === null || !(fit.robustSlope > 0) ? null : kept.fit.robustSlope / fit.robustSlope,
    steps: [...lead.steps, step],
  };
}

/**
 * The heap-growth finding allocated right in the goroutine finding's culprit, or, when it has only ranked
 * candidates, in one of them (the first in rank that has one).
 */
function retainedBy(findings: readonly Finding[], g: Finding): { h: Finding; frame: number } | null {
  const frames = g.culprit !== null ? [g.culprit.frame] : g.candidates.map((c) => c.frame);
  for (const frame of frames) {
    const h = findings.find((x) => x.kind === 'heap-growth' && x.culprit !== null && x.culprit.frame === frame && x.heap !== null);
    if (h !== undefined) return { h, frame };
  }
  return null;
}

/** A candidate culprit confirmed by heap allocated in it that grows with the leak; other culprits unchanged. */
function confirmed(current: Finding, frame: number): Finding['culprit'] {
  if (current.culprit !== null) return current.culprit.strategy === 'alloc-candidate' ? { ...current.culprit, strategy: 'retained-heap' } : current.culprit;
  const c = current.candidates.find((x) => x.frame === frame);
  return c === undefined ? null : { frame, strategy: 'retained-heap', stack: c.stack, stackKind: 'heap', entry: c.entry };
}

function joinRetainedHeap(series: SeriesSet, findings: readonly Finding[]): Finding[] {
  const out = [...findings];
  for (const g of findings) {
    if (g.goroutines === null || (g.culprit === null && g.candidates.length === 0)) continue;
    const found = retainedBy(out, g);
    if (found === null) continue;
    const { h, frame } = found;
    if (h.heap === null) continue;
    const heap = sumStacks(series, [...(g.heap?.stacks ?? []), ...h.heap.stacks]);
    const kept = isSignificantHeap(series, heap.fit) ? heap : g.heap;
    const step: Step = { kind: 'retained-heap', frame, firstBytes: h.heap.fit.first, lastBytes: h.heap.fit.last };
    const at = out.indexOf(g);
    if (at < 0) continue;
    const current = out[at];
    const culprit = confirmed(current, frame);
    const candidates = culprit === current.culprit ? current.candidates : [];
    out.splice(at, 1, {
      ...current,
      kind: kept === null ? current.kind : 'goroutine-and-heap',
      culprit,
      candidates,
      heap: kept,
      confidence: confidenceOf(current.goroutines?.fit ?? null, kept?.fit ?? null),
      steps: [...current.steps, step],
    });
    out.splice(out.indexOf(h), 1);
  }
  return out;
}

/**
 * A heap-only finding under a function F of the service's own with no specific pattern of its own (objects
 * F makes, or the generic collection guess), and another finding whose stacks run on goroutines F started (a
 * closure of F at their root, or a group the dump says F created), whose heap, or without heap of its own
 * whose goroutine count, it follows: F made the objects and handed them on, and the other finding's leak
 * keeps them. Its heap joins that finding. Both ties are needed: timing alone links any two leaks.
 *
 * Without a dump (protobuf, debug=1) nothing names the creator of a goroutine started as `go x.method()`, so
 * a goroutine whose start function is a method or function (not a closure: that names its maker) of F's own
 * package other than main, running nothing but the standard library and that package (a session's flush
 * goroutine, started by the store that makes the session), counts as F's when its count is followed. What
 * the profiles cannot tell apart: F growing a collection of its own in lockstep with a leak in the goroutines
 * it started, or in a goroutine of its package another function started; the step names F and how it was
 * tied, so the report says where that heap was made.
 */
function joinCreatorHeap(series: SeriesSet, findings: readonly Finding[]): Finding[] {
  // Twice: a caller's tie (tieOf: `caller`) rests on a creator's heap joined in the first pass.
  return creatorHeapPass(
    series,
    creatorHeapPass(
      series,
      findings.map((f) => withDumpCreatorKept(series, f)),
    ),
  ).map(keptThroughCulprit);
}

/**
 * Goroutines waiting in the service's own code (goroutine-frame) under no library's pattern, whose objects
 * one caller of their creator keeps (a kept-through step): the fix is in that caller (the missing release),
 * not where they wait, which is code doing what it was written to do.
 */
function keptThroughCulprit(f: Finding): Finding {
  const kept = f.steps.find((s) => s.kind === 'kept-through');
  if (kept?.kind !== 'kept-through' || f.culprit?.strategy !== 'goroutine-frame' || (f.signature !== null && !f.signature.generic)) return f;
  return { ...f, culprit: { frame: kept.caller, strategy: 'kept-through', stack: kept.stack, stackKind: 'heap', entry: kept.frame } };
}

/**
 * A goroutine finding whose heap the correlate stage already linked through the dump's creator (debug=2:
 * `created by` the service's function): the creator's callers are read as joinCreatorHeap reads them.
 */
function withDumpCreatorKept(series: SeriesSet, f: Finding): Finding {
  if (f.goroutines === null || f.heap === null || f.steps.some((s) => s.kind === 'kept-through')) return f;
  const creators = new Set<number>();
  for (const id of f.goroutines.groups) {
    const c = series.goroutine?.facts.get(id)?.creator ?? -1;
    if (c >= 0 && series.frames[c].origin === 'user') creators.add(c);
  }
  for (const c of creators) {
    const step = keptThrough(series, c);
    if (step !== null) return { ...f, steps: [...f.steps, step] };
  }
  return f;
}

function creatorHeapPass(series: SeriesSet, findings: readonly Finding[]): Finding[] {
  const out = [...findings];
  for (const g of findings) {
    if (
      g.kind !== 'heap-growth' ||
      g.heap === null ||
      g.culprit === null ||
      g.culprit.strategy !== 'heap-frame' ||
      (g.signature !== null && !g.signature.generic)
    )
      continue;
    const creator = g.culprit.frame;
    const heapValues = g.heap.values;
    // The first other finding tied to `creator` by structure whose count or heap g's heap follows.
    let at = -1;
    let tie: ReturnType<typeof tieOf> = null;
    for (let k = 0; k < out.length && at < 0; k++) {
      const f = out[k];
      if (f === g || f.culprit === null || f.culprit.frame === creator) continue;
      tie = tieOf(series, f, creator);
      if (tie !== null && follows(heapValues, pairedValues(series, f))) at = k;
    }
    if (at < 0 || tie === null) continue;
    const f = out[at];
    const heap = sumStacks(series, [...(f.heap?.stacks ?? []), ...g.heap.stacks]);
    const step: Step = { kind: 'creator-heap', frame: creator, tie, firstBytes: g.heap.fit.first, lastBytes: g.heap.fit.last };
    const through = tie === 'caller' ? null : keptThrough(series, creator);
    const kept = isSignificantHeap(series, heap.fit) ? heap : f.heap;
    out[at] = {
      ...f,
      kind: kept === null ? f.kind : f.goroutines === null ? 'heap-growth' : 'goroutine-and-heap',
      heap: kept,
      unit: f.goroutines === null ? f.unit : leakUnit(series, f.goroutines.groups, f.signature, kept?.fit ?? null, f.unit?.serverOnly ?? false),
      bytesPerGoroutine:
        kept === null || f.goroutines === null || !(f.goroutines.fit.robustSlope > 0)
          ? f.bytesPerGoroutine
          : kept.fit.robustSlope / f.goroutines.fit.robustSlope,
      correlation: kept === null || f.goroutines === null ? f.correlation : (f.correlation ?? pearson(kept.values, pairedValues(series, { ...f, heap: null }))),
      confidence: confidenceOf(f.goroutines?.fit ?? null, kept?.fit ?? null),
      steps: [...f.steps, step, ...(through === null ? [] : [through])],
    };
    out.splice(out.indexOf(g), 1);
  }
  return out;
}

/**
 * Of the service's callers of `creator` (the function just root-ward of it on the heap stacks through it),
 * the only one whose allocations through it grew in use beyond sampling noise, when others allocated through
 * it too (alloc_space) and keep none beyond it: the leaked objects come from that caller's calls (a handler
 * that subscribes and never unsubscribes, beside one that does). Null when there is one caller, or more than
 * one kept.
 */
function keptThrough(series: SeriesSet, creator: number): Step | null {
  const inuse = metricOf(series.heap, 'inuse_space');
  const alloc = metricOf(series.heap, 'alloc_space');
  if (inuse === null || alloc === null) return null;
  const n = inuse.byStack.n;
  const byCaller = new Map<number, { grew: number; variance: number; allocated: number; stack: number; top: number }>();
  for (const s of series.stacks) {
    const at = s.frames.indexOf(creator);
    if (at < 0) continue;
    const caller = s.frames.slice(at + 1).find((fr) => series.frames[fr].origin === 'user');
    if (caller === undefined) continue;
    const v = row(inuse.byStack, s.id);
    const a = row(alloc.byStack, s.id);
    const w = rowVariance(inuse.byStack, s.id);
    const c = byCaller.get(caller) ?? { grew: 0, variance: 0, allocated: 0, stack: s.id, top: -Infinity };
    const d = v[n - 1] - v[0];
    const best = d > c.top ? { stack: s.id, top: d } : { stack: c.stack, top: c.top };
    byCaller.set(caller, { grew: c.grew + d, variance: c.variance + (w === null ? 0 : w[0] + w[n - 1]), allocated: c.allocated + a[a.length - 1], ...best });
  }
  // Kept: grew beyond the sampling noise of its first and last values (NOISE_Z standard errors); a caller
  // whose objects are freed still shows a few in flight at any snapshot.
  const keeps = (c: { grew: number; variance: number }): boolean => c.grew > NOISE_Z * Math.sqrt(c.variance);
  const keeping = [...byCaller].filter(([, c]) => keeps(c));
  const others = [...byCaller].filter(([, c]) => !keeps(c) && c.allocated > 0);
  if (keeping.length !== 1 || others.length === 0) return null;
  const [caller, kept] = keeping[0];
  const otherBytes = others.reduce((sum, [, c]) => sum + c.allocated, 0);
  return { kind: 'kept-through', frame: creator, caller, stack: kept.stack, keptBytes: kept.grew, otherCallers: others.length, otherAllocBytes: otherBytes };
}

/** What `g`'s heap must follow in f: f's heap, or, when f has none, its goroutine count at the heap's times. */
function pairedValues(series: SeriesSet, f: Finding): Float64Array {
  if (f.heap !== null) return f.heap.values;
  if (f.goroutines === null || series.goroutine === null || series.heap === null) return new Float64Array();
  return interpolate(series.goroutine.timesMs, f.goroutines.values, series.heap.timesMs);
}

/**
 * How f's stacks run on goroutines `creator` started: `started` (a closure of it at their root, or the dump
 * says it created them), `caller` (it is the one caller of f's creator that keeps what it made: a kept-through
 * step; what it allocates itself, a closure's captured buffer, is handed to those goroutines too), `package`
 * (no dump says, and their start function is of its package: see joinCreatorHeap), or null.
 */
function tieOf(series: SeriesSet, f: Finding, creator: number): 'started' | 'package' | 'caller' | null {
  if (startedBy(series, f, creator)) return 'started';
  if (f.steps.some((s) => s.kind === 'kept-through' && s.caller === creator)) return 'caller';
  return f.heap === null && samePackageStart(series, f, creator) ? 'package' : null;
}

/** True when some stack of the finding runs on a goroutine `creator` started. */
function startedBy(series: SeriesSet, f: Finding, creator: number): boolean {
  const name = series.frames[creator].function;
  const stacks = [...(f.heap?.stacks ?? []), ...(f.goroutines?.groups ?? [])];
  return stacks.some((id) => {
    const root = series.stacks[id].frames.at(-1);
    if (root === undefined) return false;
    // names.ts folds closure numbers: a goroutine started with `go func() {...}()` in F roots in `F.func`.
    if (series.frames[root].function.replace(/(\.func)+$/, '') === name && root !== creator) return true;
    return [...(series.goroutine?.facts ?? [])].some(([gid, facts]) => facts.creator === creator && series.stacks[gid].frames.at(-1) === root);
  });
}

/**
 * True when every goroutine group of f starts in the service's own code of `creator`'s package and runs only
 * that package and the standard library, and no dump names another creator for any of them.
 */
function samePackageStart(series: SeriesSet, f: Finding, creator: number): boolean {
  const pkg = packageOf(series.frames[creator].function);
  const groups = f.goroutines?.groups ?? [];
  // Package main is often the whole program: sharing it says nothing.
  if (pkg === 'main') return false;
  return (
    groups.length > 0 &&
    groups.every((id) => {
      const frames = series.stacks[id].frames;
      const root = frames.at(-1);
      if (root === undefined || series.frames[root].origin !== 'user' || packageOf(series.frames[root].function) !== pkg) return false;
      // A closure at the root names the function that started it (startedBy): if that is not F, it is not F's.
      if (/\.func$/.test(series.frames[root].function)) return false;
      const made = series.goroutine?.facts.get(id)?.creator ?? -1;
      if (made >= 0 && made !== creator) return false;
      return frames.every((fr) => series.frames[fr].origin === 'std' || series.frames[fr].runtime || packageOf(series.frames[fr].function) === pkg);
    })
  );
}
