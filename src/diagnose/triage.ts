// One snapshot gives triage, not trend, and triage should still conclude: which goroutine groups look leaked
// (parked for a long time, far more of them than a service runs at once, a known leak pattern), read as the
// objects that keep them ("238 goroutines in each of the 4 groups a ClientConn keeps: about 238 are open");
// what holds the most in-use memory in one heap profile, by the service's own caller; both joined when both
// kinds are there; and what to capture next to turn the triage into a diagnosis. Data only: render words it.

import { matchSignatures, inferWaitState, type Signature } from '../patterns/index.js';
import { liveCreator } from './creators.js';
import { pinnable } from './own.js';
import { SIGNATURES } from '../patterns/table.js';
import { row, type SeriesSet } from '../series/index.js';

/** Why a group looks leaked from one snapshot. */
export type TriageReason = 'long-wait' | 'many' | 'pattern';

export interface TriageGroup {
  /** Stack id of the group. */
  readonly stack: number;
  readonly count: number;
  readonly state: string | null;
  readonly signature: string | null;
  /** The case of the signature its stack showed (patterns/signature.ts `case`), or null. */
  readonly signatureCase: string | null;
  /** The longest wait the dump printed for the group (`[chan receive, 1250 minutes]`), 0 when it said none. */
  readonly waitMinutes: number;
  /** SiteFrame id of the `created by` frame, or -1 (protobuf and debug=1 forms do not carry it). */
  readonly creator: number;
  /** SiteFrame id of the service's own frame nearest the leaf, or -1. */
  readonly userFrame: number;
  /**
   * The goroutine that started most of them (`created by ... in goroutine N`), still in the dump, and the
   * service's frame nearest the leaf on it (culprit.ts liveCreator); null when there is none.
   */
  readonly startedOn: StartedOn | null;
  readonly reasons: readonly TriageReason[];
}

/** A live goroutine that started a group's goroutines, and the service's own frame it runs. */
export interface StartedOn {
  readonly goroutine: number;
  readonly frame: number;
  /** How many of the groups it started (1 on a TriageGroup). */
  readonly groups: number;
}

/** Groups of one known pattern, read as the objects that keep them. */
export interface TriageSuspect {
  readonly signature: Signature;
  /** Stack ids, largest first. */
  readonly groups: readonly number[];
  /** Goroutines in each group, same order. */
  readonly counts: readonly number[];
  /** Objects open: the count most of the pattern's groups share (each object keeps one goroutine per group). */
  readonly objects: number;
  /** True when the groups share that count exactly (one object, one goroutine in each). */
  readonly lockstep: boolean;
  readonly waitMinutes: number;
  readonly creator: number;
  /** The service's own frames in the groups' stacks (SiteFrame ids), nearest the leaf first. */
  readonly userFrames: readonly number[];
  /** The live goroutines that started the groups' goroutines, one per goroutine (see TriageGroup.startedOn). */
  readonly startedOn: readonly StartedOn[];
  readonly reasons: readonly TriageReason[];
  /** Strong enough to say `suspect` from one snapshot. */
  readonly strong: boolean;
  /** Heap in use under the pattern's heap frames, when a heap profile was given too; null without one. */
  readonly heapBytes: number | null;
  /** Groups of the other end of the same connections in this process (the in-process server), same count; [] when none. */
  readonly peerGroups: readonly number[];
}

/** One owner of in-use heap in a single heap profile. */
export interface HeapHolder {
  /** SiteFrame id: the service's caller of a library entry point, else its own frame nearest the allocation, else the allocating frame. */
  readonly frame: number;
  /** How the owner was found. */
  readonly how: 'entry-point-caller' | 'user-frame' | 'allocation-site';
  /** The library entry point it calls (grpc.DialContext), or -1. */
  readonly entry: number;
  readonly inuseBytes: number;
  /** Share of all in-use bytes in the profile, 0..1. */
  readonly share: number;
  readonly signature: string | null;
}

export interface Triage {
  readonly goroutines: number | null;
  readonly heapInuseBytes: number | null;
  /** Groups that look leaked, largest first; when none does, the largest few, with no reasons. */
  readonly groups: readonly TriageGroup[];
  readonly suspects: readonly TriageSuspect[];
  readonly heap: readonly HeapHolder[];
}

/** A goroutine parked this long is not serving a request: the strongest single-snapshot evidence there is. */
export const LONG_WAIT_MINUTES = 10;
/** A group this large, or this many times the median group, is far above what a service runs at once. */
export const MANY = 100;
const MANY_FACTOR = 10;
const MIN_MANY = 20;
/** Groups of fewer goroutines than this carry too little for a long wait to mean a leak (an accept loop waits forever). */
const MIN_LONG_WAIT_COUNT = 5;
/** Objects below this count make a pattern a lead, not a suspect (a service holds a few ClientConns on purpose). */
const MIN_OBJECTS = 10;
const MAX_GROUPS = 10;
const MAX_HOLDERS = 5;

export function triage(series: SeriesSet): Triage {
  const groups = goroutineGroups(series);
  const suspects = readAsObjects(series, groups);
  const heap = heapHolders(series);
  const flagged = groups.filter((g) => g.reasons.length > 0);
  const shown = (flagged.length > 0 ? flagged : groups).slice(0, MAX_GROUPS);
  const gTotal = series.goroutine === null ? null : series.goroutine.metric.goroutine.total.data[0];
  const hTotal = series.heap === null ? null : series.heap.metric.inuse_space.total.data[0];
  return { goroutines: gTotal, heapInuseBytes: hTotal, groups: shown, suspects, heap };
}

/** True when the triage is strong enough for the `suspect` verdict. */
export function isSuspect(t: Triage): boolean {
  return t.suspects.some((s) => s.strong);
}

function stackNames(series: SeriesSet, id: number): string[] {
  const s = series.stacks[id];
  return [...s.runtimeTop, ...s.frames].map((f) => series.frames[f].function);
}

function goroutineGroups(series: SeriesSet): TriageGroup[] {
  const g = series.goroutine;
  if (g === null) return [];
  const m = g.metric.goroutine.byStack;
  const ids: number[] = [];
  for (let id = 0; id < m.rows; id++) if (row(m, id)[0] > 0) ids.push(id);
  const counts = ids.map((id) => row(m, id)[0]).sort((a, b) => a - b);
  const median = counts.length === 0 ? 0 : counts[Math.floor(counts.length / 2)];
  const out = ids.map((id): TriageGroup => {
    const count = row(m, id)[0];
    const facts = g.facts.get(id);
    const names = stackNames(series, id);
    const state = facts?.states[0] ?? inferWaitState(names);
    const states = state === null ? [] : [state];
    const match = pinnable(series, matchSignatures({ goroutineStacks: [names], waitStates: states, heapStacks: [] }), [{ group: id, names, states }]);
    const waitMinutes = facts?.waitMinutesMax ?? 0;
    const reasons: TriageReason[] = [];
    if (waitMinutes >= LONG_WAIT_MINUTES && count >= MIN_LONG_WAIT_COUNT) reasons.push('long-wait');
    if (count >= MANY || (count >= MIN_MANY && count >= MANY_FACTOR * median)) reasons.push('many');
    if (match !== undefined && !match.signature.generic && count >= MIN_OBJECTS) reasons.push('pattern');
    const userFrame = series.stacks[id].frames.find((f) => series.frames[f].origin === 'user') ?? -1;
    const live = liveCreator(series, id);
    const startedOn = live === null ? null : { goroutine: live.goroutine, frame: live.frame, groups: 1 };
    return {
      stack: id,
      count,
      state,
      signature: match?.signature.id ?? null,
      signatureCase: match?.signature.case ?? null,
      waitMinutes,
      creator: facts?.creator ?? -1,
      userFrame,
      startedOn,
      reasons,
    };
  });
  return out.sort((a, b) => b.count - a.count || a.stack - b.stack);
}

/**
 * Groups matched to one pattern are the goroutines of the objects that pattern leaks: when several groups
 * hold the same number, each object keeps one goroutine in each, and that number is how many are open.
 */
function readAsObjects(series: SeriesSet, groups: readonly TriageGroup[]): TriageSuspect[] {
  const bySignature = new Map<string, TriageGroup[]>();
  for (const g of groups) {
    if (g.signature === null || g.count < MIN_LONG_WAIT_COUNT) continue;
    bySignature.set(g.signature, [...(bySignature.get(g.signature) ?? []), g]);
  }
  const out: TriageSuspect[] = [];
  for (const [id, list] of bySignature) {
    const signature = SIGNATURES.find((s) => s.id === id);
    if (signature === undefined) continue;
    const counts = list.map((g) => g.count);
    const objects = modeOf(counts);
    const lockstep = counts.filter((c) => c === objects).length >= 2;
    const reasons = [...new Set(list.flatMap((g) => g.reasons))];
    const waitMinutes = Math.max(...list.map((g) => g.waitMinutes));
    const userFrames = [...new Set(list.map((g) => g.userFrame).filter((f) => f >= 0))];
    // A pattern of a primitive every program uses (sync, channels, I/O: no owning library) fits worker pools
    // too: from one snapshot it needs long waits and many goroutines both; a library's own pattern needs one.
    const primitive = signature.generic || signature.packages.length === 0;
    const strong =
      objects >= MIN_OBJECTS &&
      (primitive ? reasons.includes('long-wait') && reasons.includes('many') : lockstep || reasons.includes('long-wait') || reasons.includes('many'));
    out.push({
      signature,
      groups: list.map((g) => g.stack),
      counts,
      objects,
      lockstep,
      waitMinutes,
      creator: list.find((g) => g.creator >= 0)?.creator ?? -1,
      userFrames,
      startedOn: startedOnOf(list),
      reasons,
      strong,
      heapBytes: heapUnder(series, signature),
      peerGroups: [],
    });
  }
  return withPeers(out).sort(
    (a, b) =>
      Number(b.strong) - Number(a.strong) ||
      Number(a.signature.generic) - Number(b.signature.generic) ||
      b.objects * b.groups.length - a.objects * a.groups.length,
  );
}

/** The groups' live creators, one per goroutine, in the groups' order, each with how many groups it started. */
export function startedOnOf(groups: readonly TriageGroup[]): StartedOn[] {
  const out: StartedOn[] = [];
  for (const g of groups) {
    if (g.startedOn === null) continue;
    const at = out.findIndex((x) => x.goroutine === g.startedOn?.goroutine);
    if (at < 0) out.push(g.startedOn);
    else out[at] = { ...out[at], groups: out[at].groups + 1 };
  }
  return out;
}

/**
 * The server end of connections a leaked client holds, when that server runs in the same process (a
 * loopback test, a sidecar), shows the same count: evidence of the client leak, not a second leak.
 */
const PEERS: Readonly<Record<string, string>> = { 'grpc-clientconn-unclosed': 'grpc-server-transports-held' };

function withPeers(list: TriageSuspect[]): TriageSuspect[] {
  const out = list.slice();
  for (const [client, server] of Object.entries(PEERS)) {
    const c = out.findIndex((x) => x.signature.id === client);
    const p = out.findIndex((x) => x.signature.id === server);
    if (c < 0 || p < 0 || out[p].objects !== out[c].objects) continue;
    out[c] = { ...out[c], peerGroups: out[p].groups };
    out.splice(p, 1);
  }
  return out;
}

/** The count most groups share (the largest such when tied); with no repeat, the smallest, a lower bound. */
function modeOf(counts: readonly number[]): number {
  const freq = new Map<number, number>();
  for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
  let best = Math.min(...counts);
  let bestFreq = 1;
  for (const [c, f] of freq) if (f > bestFreq || (f === bestFreq && f > 1 && c > best)) [best, bestFreq] = [c, f];
  return best;
}

/** In-use bytes of the heap stacks that pass through the pattern's heap frames (one heap snapshot). */
function heapUnder(series: SeriesSet, signature: Signature): number | null {
  const h = series.heap;
  if (h === null || signature.heapFrames.length === 0) return null;
  const m = h.metric.inuse_space.byStack;
  let sum = 0;
  for (let id = 0; id < m.rows; id++) {
    const v = row(m, id)[m.n - 1];
    if (v <= 0) continue;
    const names = series.stacks[id].frames.map((f) => series.frames[f].function);
    if (signature.heapFrames.some((re) => names.some((n) => re.test(n)))) sum += v;
  }
  return sum;
}

/** Entry points of every pattern: a library call whose caller in the service's code owns what it allocates. */
const ENTRY_POINTS = SIGNATURES.flatMap((s) => s.entryPoints.map((re) => ({ re, signature: s.id })));

function heapHolders(series: SeriesSet): HeapHolder[] {
  const h = series.heap;
  if (h === null) return [];
  const m = h.metric.inuse_space.byStack;
  const total = h.metric.inuse_space.total.data[m.n - 1];
  const byOwner = new Map<number, { how: HeapHolder['how']; entry: number; bytes: number; signature: string | null }>();
  for (let id = 0; id < m.rows; id++) {
    const bytes = row(m, id)[m.n - 1];
    if (bytes <= 0) continue;
    const owner = ownerOf(series, id);
    if (owner === null) continue;
    const prev = byOwner.get(owner.frame);
    byOwner.set(owner.frame, { ...owner, bytes: (prev?.bytes ?? 0) + bytes, signature: owner.signature ?? prev?.signature ?? null });
  }
  return [...byOwner.entries()]
    .map(([frame, o]) => ({ frame, how: o.how, entry: o.entry, inuseBytes: o.bytes, share: total > 0 ? o.bytes / total : 0, signature: o.signature }))
    .sort((a, b) => b.inuseBytes - a.inuseBytes || a.frame - b.frame)
    .slice(0, MAX_HOLDERS);
}

/** Who owns a heap stack's bytes: the service's caller of a library entry point, its own frame, or the allocation site. */
function ownerOf(series: SeriesSet, id: number): { frame: number; how: HeapHolder['how']; entry: number; signature: string | null } | null {
  const frames = series.stacks[id].frames;
  for (let i = frames.length - 1; i >= 0; i--) {
    const fn = series.frames[frames[i]].function;
    const ep = ENTRY_POINTS.find((e) => e.re.test(fn));
    if (ep === undefined) continue;
    for (let j = i + 1; j < frames.length; j++)
      if (series.frames[frames[j]].origin === 'user') return { frame: frames[j], how: 'entry-point-caller', entry: frames[i], signature: ep.signature };
  }
  const user = frames.find((f) => series.frames[f].origin === 'user');
  if (user !== undefined) return { frame: user, how: 'user-frame', entry: -1, signature: null };
  return frames.length === 0 ? null : { frame: frames[0], how: 'allocation-site', entry: -1, signature: null };
}
