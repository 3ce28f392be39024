// Words for the diagnosis's typed pieces: each step of a chain of evidence, a culprit strategy, a leak unit,
// and what the window could have seen. The only place these sentences are made.

import type { Bounded, Candidate, CulpritStrategy, LeakUnit, Reach, Step } from '../diagnose/model.js';
import type { LinkReason } from '../diagnose/model.js';
import { moduleOf, packageOf, projectOf } from '../normalize/names.js';
import { signatureById, signatureTitle } from '../patterns/index.js';
import type { SeriesSet } from '../series/index.js';
import { formatBytes, formatCount, formatRate, formatSpan, perHour } from '../units.js';

const plural = (n: number, one: string, many = `${one}s`): string => `${formatCount(n)} ${n === 1 ? one : many}`;

const LINK_REASON: Readonly<Record<LinkReason, string>> = {
  'library-frames': "they run in the goroutines' library",
  'other-end': "they are a client library's connections to the server whose end the goroutines are (a dial in the client's code)",
  'pattern-frames': "they are the pattern's own allocations",
  'goroutine-root': 'they are allocated on the leaking goroutines themselves',
  'shared-frames': "they are allocated under the service's functions the leaking goroutines are parked in",
  creator: 'they are allocated by the function that starts the goroutines',
  'goroutine-overhead': "they are the runtime's memory for the goroutines",
  'callback-owner': "they are allocated under the service's function whose closures the goroutines' library runs (it made the library's objects)",
  'same-culprit': 'they are allocated in the same function',
};

export function culpritSentence(
  series: SeriesSet,
  strategy: CulpritStrategy,
  frame: number,
  entry: number | null,
  creatorFrame?: number,
  through?: 'server-end',
): string {
  const name = series.frames[frame].rawFunction;
  const via = entry === null ? 'the library' : series.frames[entry].function;
  switch (strategy) {
    case 'goroutine-frame':
      return `the leaking goroutines run in ${name}`;
    case 'creator':
      return `the leaking goroutines are created by ${name} (the dump's created-by line)`;
    case 'callback-owner':
      return `the goroutines' library runs closures made in ${name} (callbacks it handed the library's objects), and the heap that grows with the leak is allocated under ${name}, so the objects are made (and dropped) there`;
    case 'creator-goroutine': {
      const created = `the leaking goroutines were created by ${via} in a goroutine still alive in the dump (its \`created by ... in goroutine N\` line)`;
      if (creatorFrame === undefined) return `${created}, and that goroutine runs ${name}`;
      const on = series.frames[creatorFrame].rawFunction;
      return `${created}; that goroutine runs ${on}, where the call that started them has returned, and the growing heap under ${on} passes through ${name}, the function it called to make them`;
    }
    case 'spawner-caller':
      return `the leaking goroutines are started by ${via}, which runs on a live goroutine under ${name}, the service's only function running it`;
    case 'client-dial':
      return `the leaking goroutines are the service's own server's end of connections its own client opened through ${via}; nothing that client keeps was sampled in use, and ${name} is the service's only caller of ${via} that allocated through it during the window (alloc_space): the leading candidate, not a certainty (heap profiles with a lower runtime.MemProfileRate would show what each of its connections keeps in use, and settle it)`;
    case 'entry-point-caller':
      return `the growing heap was followed through ${via} to its caller ${name}, the service's own function that calls it`;
    case 'library-caller': {
      const project = entry === null ? 'a library' : projectOf(moduleOf(packageOf(via)));
      const whose = through === 'server-end' ? `are the in-process server's end of connections ${project}'s client opened` : `run only ${project}'s code`;
      return `the leaking goroutines ${whose}, and the heap that grew through the service's calls into it was followed through ${via} to its caller ${name}`;
    }
    case 'heap-frame':
      return `the growing heap is allocated under ${name}, the service's own function nearest to the allocation`;
    case 'alloc-candidate':
      return `${name} is the leading candidate among the service's callers of ${via}`;
    case 'retained-heap':
      return `${name}, the leading caller of ${via}, is confirmed: heap allocated in it grows with the leak`;
    case 'kept-through':
      return `${name} is the caller of ${via} whose objects the leaking goroutines keep`;
    case 'object-goroutine':
      return `the goroutines that show the pattern run only a library's code; the other goroutines of the same leaked object (they grow in a fixed ratio with them) run in ${name}, the service's code that uses it, so the object is made and dropped there or in its caller; a goroutine?debug=2 dump's created-by lines would name who makes it`;
  }
}

export function stepSentence(series: SeriesSet, step: Step): string {
  switch (step.kind) {
    case 'goroutines-grew':
      return `${plural(step.groups, 'goroutine group')} (${step.unitKey}) grew from ${formatCount(step.first)} to ${formatCount(step.last)} over ${step.snapshots} snapshots`;
    case 'heap-linked': {
      const why = step.reasons.map((r) => LINK_REASON[r]).join('; ');
      const r = step.correlation === null ? '' : ` and grew with them (r = ${step.correlation.toFixed(2)} over ${step.snapshots} snapshots)`;
      return `${plural(step.sites, 'heap call site')} ${step.sites === 1 ? 'belongs' : 'belong'} to the same leak: ${why}${r}`;
    }
    case 'heap-grew':
      return `${plural(step.sites, 'heap call site')} grew from ${formatBytes(step.firstBytes)} to ${formatBytes(step.lastBytes)} in use${step.withGoroutines ? '' : ', and no goroutine group grew with them'}`;
    case 'retained-heap':
      return `the heap allocated in ${series.frames[step.frame].rawFunction} itself grew from ${formatBytes(step.firstBytes)} to ${formatBytes(step.lastBytes)} with the leak: what the leaked objects keep of its requests, so it is the culprit, not only a candidate`;
    case 'creator-heap': {
      const how =
        step.tie === 'started'
          ? 'which starts the goroutines this code runs on'
          : step.tie === 'caller'
            ? "the caller that keeps what the goroutines' creator made"
            : "in the package whose goroutines leak (no goroutine dump names who started them; a debug=2 dump's `created by` would confirm it)";
      return `the heap allocated right in ${series.frames[step.frame].rawFunction}, ${how}, grew with it from ${formatBytes(step.firstBytes)} to ${formatBytes(step.lastBytes)}: what it makes and hands on, kept by this leak, not a leak of its own`;
    }
    case 'kept-through':
      return `of the service's callers of ${series.frames[step.frame].function}, only ${series.frames[step.caller].function} keeps what it made (${formatBytes(step.keptBytes)} more in use); ${plural(step.otherCallers, 'other caller')} allocated ${formatBytes(step.otherAllocBytes)} through it since start and ${step.otherCallers === 1 ? 'keeps' : 'keep'} none beyond sampling noise: the leaked objects come from ${series.frames[step.caller].function}'s calls, the place to look for the missing release`;
    case 'staircase': {
      const fell =
        step.falls === 0 ? 'never fell' : `fell by no more than one sample (${plural(step.falls, 'time')}: an old backing array freed as the collection grew)`;
      return `the sampled heap ${fell}, rose ${plural(step.rises, 'time')} over ${step.snapshots} snapshots and kept about ${plural(Math.round(step.newSamples), 'new sample')}, ${Math.round(step.retainedShare * 100)}% of what ${step.of === 'site' ? 'the site' : 'its allocating statements that still hold memory'} allocated in the window: a sampled object stays in every later profile while it is reachable, and churn keeps a small share of what it allocates`;
    }
    case 'pattern':
      return `the stacks match the known pattern "${signatureTitle(step.signature, step.case ?? null)}" (${step.frames.join(', ')})`;
    case 'allocated-in-user-code':
      return `the growing heap is allocated right in ${series.frames[step.frame].rawFunction} with no goroutine growing: heap profiles hide the runtime's map and slice growth frames, so this reads as "${signatureById(step.signature)?.title ?? step.signature}", a collection in the service's code that only grows`;
    case 'culprit':
      return culpritSentence(series, step.strategy, step.frame, step.entry, step.creatorFrame, step.through);
    case 'pooled-heap': {
      const under =
        step.caller < 0
          ? ''
          : `; it sits under ${series.frames[step.caller].function}, whose query happened to need a new one, which does not make it the one that leaks`;
      return `the heap that grew was allocated under ${series.frames[step.poolFrame].function}, which makes a pooled connection's own state for whichever caller needs a new one, not for the caller that kept the last one${under}`;
    }
    case 'candidates': {
      const via = series.frames[step.entry].function;
      const what = step.pooled
        ? 'what the leaked objects keep belongs to the pool'
        : "nothing the leaked objects keep was sampled in use under the service's code";
      const lead = `${what}, so the service's callers of ${via} are ranked by what they allocated through it since start (alloc_space)`;
      return step.count === 1
        ? `${lead}: one caller is seen, the leading candidate, not a certainty (a caller that allocates too little through it to be sampled would not show)`
        : `${lead}: ${plural(step.count, 'candidate')}, and none is named: the caller that allocates most through it is the busiest, not necessarily the one that leaks`;
    }
    case 'no-user-frame': {
      const none = `no function of the service's own code is in any leaking stack${step.rootFrame === null ? '' : `; they start in ${series.frames[step.rootFrame].function}`}`;
      if (step.startedBy !== undefined) {
        const on = series.frames[step.startedBy.frame].function;
        return (
          `${none}; the dumps' "created by … in goroutine N" lines say ${step.startedBy.goroutines === 1 ? 'a goroutine' : `${step.startedBy.goroutines} goroutines`} running ${on} started them, ` +
          `in a call ${on} made that has returned: the leaked objects are made in what ${on} calls`
        );
      }
      if (step.longLived.length === 0) return none;
      const named = step.longLived.map((g) => `${series.frames[g.frame].function} (${plural(g.count, 'goroutine')})`).join(', ');
      const more = step.longLivedCount > step.longLived.length ? `, and ${step.longLivedCount - step.longLived.length} more` : '';
      return (
        `${none}; the service's own goroutines that live through the window without growing are ${named}${more}: a loop among them ` +
        '(a refresh, a reconnect) may be what makes the leaked objects, and a goroutine?debug=2 dump settles it, since its ' +
        '"created by … in goroutine N" lines name the goroutine that started each leaked one'
      );
    }
    case 'go-version':
      return goVersionStep(step);
  }
}

/** "Go 1.23 or later", "Go 1.19 to 1.22", "an unknown Go release". */
function goRangeText(min: number | null, max: number | null): string {
  if (min !== null && max !== null) return min === max ? `Go 1.${min}` : `Go 1.${min} to 1.${max}`;
  if (min !== null) return `Go 1.${min} or later`;
  if (max !== null) return `Go 1.${max} or earlier`;
  return 'an unknown Go release';
}

function goVersionStep(step: Extract<Step, { kind: 'go-version' }>): string {
  const range = goRangeText(step.min, step.max);
  const known = step.min !== null || step.max !== null;
  const lead = (release: string): string =>
    step.certain
      ? `the frames show ${range}`
      : `if this service runs ${release} (${known ? `the frames show ${range}` : 'the frames do not say which release'}; go version on the binary tells)`;
  switch (step.caveat) {
    case 'timers-pinned':
      return `${lead('Go 1.22 or earlier')}: the runtime keeps every started timer until it is stopped or fires, so every Ticker that is never stopped leaks, referenced or not`;
    case 'timers-collectable':
      return `${lead('Go 1.23 or later')}: those releases collect a Ticker nothing references even when it was never stopped (when go.mod says go 1.23 or later and GODEBUG asynctimerchan is not 1), so this growth means each Ticker is still referenced (by the goroutine that reads it or a structure that keeps it), or the module builds with older go.mod semantics`;
    case 'not-checked-on': {
      const checked = [...new Set(signatureById(step.signature)?.capturedOn.map((c) => c.go) ?? [])];
      return `this pattern was checked on Go ${checked.join(', ')}; the frames show ${range}, whose frames may differ, so read the matched stacks before trusting the match`;
    }
  }
}

/** What would settle a candidate culprit. */
export const SETTLE_CANDIDATES =
  'to settle it, capture a goroutine dump (debug=2: its `created by` chain names the caller when the service starts the goroutines), run with a lower runtime.MemProfileRate so the kept objects are sampled, or read the candidates with --source';

export function candidateRow(series: SeriesSet, c: Candidate): { function: string; entry: string; allocBytes: number; allocObjects: number } {
  return { function: series.frames[c.frame].rawFunction, entry: series.frames[c.entry].function, allocBytes: c.allocBytes, allocObjects: c.allocObjects };
}

/** "each leaked object keeps 4 goroutines (and 3 on the in-process server) and about 96 KiB; 238 are open". */
export function unitSentence(unit: LeakUnit, object: string): string | null {
  if (unit.goroutinesPerObject + unit.peerGoroutinesPerObject <= 1 && unit.bytesPerObject === null) return null;
  const peer = unit.peerGoroutinesPerObject > 0 ? ` (and ${formatCount(unit.peerGoroutinesPerObject)} on the in-process server)` : '';
  const bytes = unit.bytesPerObject === null || !(unit.bytesPerObject > 0) ? '' : ` and about ${formatBytes(unit.bytesPerObject)} of heap`;
  const own = unit.goroutinesPerObject === 0 ? 'no goroutine of its own' : plural(unit.goroutinesPerObject, 'goroutine');
  return `each leaked ${object} keeps ${own}${peer}${bytes}; ${formatCount(unit.objectsOpen)} are open at the last snapshot`;
}

export function reachSentence(reach: Reach): string {
  switch (reach.kind) {
    case 'single-snapshot':
      return 'one snapshot gives triage, not a trend: capture a few more, minutes apart, to see what grows';
    case 'too-few':
      return `with ${reach.snapshots} snapshots a trend cannot be told from a step: capture at least 3, better 6 or more, spread over the time the memory grows`;
    case 'no-gc':
      return `${plural(reach.identicalPairs, 'pair')} of consecutive heap snapshots are identical: no GC ran between them (Go publishes the heap profile at the end of a GC cycle), so only ${reach.distinct} show anything; capture with /debug/pprof/heap?gc=1, or farther apart`;
    case 'undecided':
      return `with ${reach.snapshots} snapshots, ${plural(reach.groups, 'goroutine group')} rose from ${formatCount(reach.first)} to ${formatCount(reach.last)} and never fell, beyond churn, but not at every step by enough to tell a pool filling up from a slow leak: capture ${Math.max(6, 2 * reach.snapshots)} or more snapshots over a longer window (a leak keeps rising, a pool levels off)`;
    case 'undecided-heap':
      return `with ${reach.snapshots} snapshots, ${plural(reach.sites, 'heap call site')} rose from ${formatBytes(reach.first)} to ${formatBytes(reach.last)} in use at every step, beyond sampling error, but not by enough at each step to tell a cache filling up from a leak: capture ${Math.max(6, 2 * reach.snapshots)} or more snapshots over a longer window (a leak keeps rising, a cache levels off)`;
    case 'could-see': {
      const parts: string[] = [];
      // Stated per the span the window supports: a floor of "485 MiB/h" read off 80 s claims an hour not seen.
      const over = (perHour: number, unit: 'bytes' | 'count'): string => formatRate(perHour / 3600, unit, reach.durationSeconds).replace(/^\+/, '');
      if (reach.heapBytesPerHour !== null) parts.push(`a heap leak over ${over(reach.heapBytesPerHour, 'bytes')}`);
      if (reach.goroutinesPerHour !== null) parts.push(`a goroutine leak over ${over(reach.goroutinesPerHour, 'count')}`);
      const window = `these ${reach.snapshots} snapshots (${formatSpan(reach.durationSeconds)})`;
      return parts.length === 0 ? `over ${window}` : `${parts.join(' or ')} would have shown over ${window}`;
    }
  }
}

/** A rate per hour for the suspects table. */
export function perHourText(slopePerSecond: number, unit: 'bytes' | 'goroutines'): string {
  const v = perHour(slopePerSecond);
  return `+${unit === 'bytes' ? formatBytes(v) : formatCount(v)}/h`;
}

/**
 * Why a site counts as bounded, in the site's own units: "rose from 2.00 MiB to 19.2 MiB, then held flat for
 * the last 7 of 9 snapshots". From the fit's figures, not its sentence (whose numbers are raw).
 */
export function boundedSentence(b: Bounded): string {
  const f = b.fit;
  const amount = (n: number): string => (b.kind === 'heap' ? formatBytes(n) : formatCount(Math.round(n)));
  const tail = f.plateauFrom === null ? 0 : f.n - f.plateauFrom;
  const held = tail === 0 ? 'then levelled off' : `then held flat for the last ${tail} of ${f.n} snapshots`;
  return `rose from ${amount(f.first)} to ${amount(f.last)}, ${held}: bounded, like a warming cache or a pool`;
}
