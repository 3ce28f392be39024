// The diagnose stage: fits and links in, a verdict and ranked findings out. Each finding carries its
// evidence (the fits, the call sites, the chain of reasoning), so rendering never recomputes anything.

import type { Fit } from '../fit.js';
import type { FitSet } from '../fit/all.js';
import { sumStacks, type Correlation, type HeapEvidence, type Link } from '../correlate.js';
import { matchSignatures, type Signature } from '../patterns.js';
import type { SeriesSet } from '../series.js';
import { formatBytes } from '../units.js';
import { findCulprit, userFrame, type Culprit } from './culprit.js';
import { heapGrowthFloor, isSignificantHeap, confidenceOf, type Confidence } from './confidence.js';
import { boundedSites, type Bounded } from './bounded.js';
import { isSuspect, triage, type Triage } from './triage.js';
import { mergeCulpritless } from './merge.js';

export type { Confidence } from './confidence.js';
export type FindingKind = 'goroutine-leak' | 'heap-growth' | 'goroutine-and-heap';
/** `suspect`: from a single snapshot, a known leak pattern with strong evidence (see triage.ts); exits 1 like `leak`. */
export type Verdict = 'leak' | 'suspect' | 'no-leak' | 'inconclusive';

export interface Finding {
  readonly kind: FindingKind;
  readonly title: string;
  readonly signature: Signature | null;
  readonly culprit: Culprit | null;
  readonly confidence: Confidence;
  /** Goroutine groups (stack ids) and their summed count and fit; null for heap-only growth. */
  readonly goroutines: { readonly groups: readonly number[]; readonly values: Float64Array; readonly fit: Fit } | null;
  readonly heap: HeapEvidence | null;
  readonly bytesPerGoroutine: number | null;
  readonly correlation: number | null;
  readonly evidence: readonly string[];
}

export interface Diagnosis {
  readonly verdict: Verdict;
  readonly findings: readonly Finding[];
  readonly bounded: readonly Bounded[];
  /** For a single snapshot (of either kind or both): what looks leaked and what holds the memory; null for a series. */
  readonly triage: Triage | null;
  /** Why the verdict is what it is, in a sentence. */
  readonly summary: string;
}

export function diagnose(series: SeriesSet, fits: FitSet, links: Correlation): Diagnosis {
  const findings = mergeCulpritless(series, [...links.links.map((l) => fromLink(series, l)), ...heapOnly(series, links.unlinkedHeap)]).sort(byRank);
  const bounded = boundedSites(series, fits, findings);
  const n = Math.max(series.heap?.times.length ?? 0, series.goroutine?.times.length ?? 0);
  const single = n === 1 ? triage(series) : null;
  const verdict: Verdict = findings.some((f) => f.confidence !== 'low') ? 'leak' : single !== null && isSuspect(single) ? 'suspect' : findings.length > 0 || n < 3 ? 'inconclusive' : 'no-leak';
  return { verdict, findings, bounded, triage: single, summary: summaryOf(verdict, findings, bounded, n) };
}

const CONFIDENCE_ORDER: Readonly<Record<Confidence, number>> = { high: 0, medium: 1, low: 2 };

function byRank(a: Finding, b: Finding): number {
  return CONFIDENCE_ORDER[a.confidence] - CONFIDENCE_ORDER[b.confidence] || heapRate(b) - heapRate(a) || goroutineRate(b) - goroutineRate(a) || a.title.localeCompare(b.title);
}

const heapRate = (f: Finding): number => (f.heap === null ? 0 : f.heap.fit.robustSlope);
const goroutineRate = (f: Finding): number => (f.goroutines === null ? 0 : f.goroutines.fit.robustSlope);

function stackFunctions(series: SeriesSet, stackId: number): string[] {
  const s = series.stacks[stackId];
  return [...s.runtimeTop, ...s.frames].map((f) => series.frames[f].function);
}

function fromLink(series: SeriesSet, link: Link): Finding {
  const heapStacks = link.heap?.stacks ?? [];
  const states = link.unit.groups.flatMap((g) => series.goroutine?.facts.get(g)?.states ?? []);
  const match = matchSignatures({
    goroutineStacks: link.unit.groups.map((g) => stackFunctions(series, g)),
    waitStates: states,
    heapStacks: heapStacks.map((h) => stackFunctions(series, h)),
  })[0];
  const signature = match?.signature ?? null;
  const culprit = findCulprit(series, link.unit.groups, heapStacks, signature?.entryPoints ?? []);
  const heapSignificant = link.heap !== null && isSignificantHeap(series, link.heap.fit);
  const heap = heapSignificant ? link.heap : null;
  const evidence = [...link.evidence];
  if (signature !== null) evidence.push(`the stacks match the known pattern "${signature.title}" (${match.matchedFrames.slice(0, 4).join(', ')})`);
  evidence.push(culprit === null ? `no function of the service's own code is in any leaking stack${signature?.whereToLook ? `; look at ${signature.whereToLook}` : ''}` : culprit.how);
  return {
    kind: heap === null ? 'goroutine-leak' : 'goroutine-and-heap',
    title: signature?.title ?? `goroutines growing: ${link.unit.key}`,
    signature,
    culprit,
    confidence: confidenceOf(link.unit.fit, heap?.fit ?? null),
    goroutines: { groups: link.unit.groups, values: link.unit.values, fit: link.unit.fit },
    heap,
    bytesPerGoroutine: heap === null ? null : link.bytesPerGoroutine,
    correlation: heap === null ? null : link.correlation,
    evidence,
  };
}

/** Heap growth no goroutine explains: one finding per user function under which it is allocated. */
function heapOnly(series: SeriesSet, unlinked: readonly number[]): Finding[] {
  if (series.heap === null || series.heap.times.length < 2) return [];
  const byCulprit = new Map<number, number[]>();
  for (const id of unlinked) {
    const f = userFrame(series, id);
    const key = f >= 0 ? f : series.stacks[id].frames[0] ?? -1;
    byCulprit.set(key, [...(byCulprit.get(key) ?? []), id]);
  }
  const out: Finding[] = [];
  const floor = heapGrowthFloor(series);
  for (const [frame, stacks] of byCulprit) {
    if (frame < 0) continue;
    const heap = sumStacks(series, stacks);
    if (heap.fit.absoluteGrowth < floor || (heap.fit.shape !== 'growing' && heap.fit.shape !== 'unknown')) continue;
    const heapStacks = stacks.map((h) => stackFunctions(series, h));
    const match = matchSignatures({ goroutineStacks: [], waitStates: [], heapStacks })[0];
    const isUser = series.frames[frame].origin === 'user';
    const culprit: Culprit | null = isUser ? { frame, stack: stacks[0], stackKind: 'heap', how: `the growing heap is allocated under ${series.frames[frame].function}, the service's own function nearest to the allocation` } : null;
    const evidence = [`${stacks.length} heap call site${stacks.length === 1 ? '' : 's'} grew from ${formatBytes(heap.fit.first)} to ${formatBytes(heap.fit.last)} in use, and no goroutine group grew with them`];
    if (match !== undefined) evidence.push(`the stacks match the known pattern "${match.signature.title}"`);
    evidence.push(culprit?.how ?? `no function of the service's own code is in these stacks; they start in ${series.frames[frame].function}`);
    out.push({
      kind: 'heap-growth',
      title: match?.signature.title ?? 'Heap growing without bound',
      signature: match?.signature ?? null,
      culprit,
      confidence: confidenceOf(null, heap.fit),
      goroutines: null,
      heap,
      bytesPerGoroutine: null,
      correlation: null,
      evidence,
    });
  }
  return out;
}

function summaryOf(verdict: Verdict, findings: readonly Finding[], bounded: readonly Bounded[], n: number): string {
  if (n === 1) return 'one snapshot gives triage, not a trend: capture a few more, minutes apart, to see what grows';
  if (verdict === 'no-leak') {
    return bounded.length === 0
      ? `nothing grew beyond sampling noise over ${n} snapshots`
      : `nothing grows without bound over ${n} snapshots; ${bounded.length === 1 ? 'one site' : `${bounded.length} sites`} grew and then levelled off (bounded, like a warming cache)`;
  }
  if (verdict === 'inconclusive') {
    return n < 3 ? `with ${n} snapshots a trend cannot be told from a step; capture at least 3, better 6 or more` : 'growth was seen, but not steady or strong enough to call it a leak';
  }
  return findings[0].title;
}

/** The culprit's function as the profile spells it (closure numbers included), or null. */
export function culpritName(series: SeriesSet, f: Finding): string | null {
  return f.culprit === null ? null : series.frames[f.culprit.frame].rawFunction;
}
