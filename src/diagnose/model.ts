// The diagnosis as data: what diagnose returns and explain turns into words. Nothing here is a sentence.
// Ids are SiteFrame and SiteStack ids of the series set; numbers carry their unit in their name.

import type { HeapEvidence } from '../correlate.js';
import type { Fit } from '../fit/index.js';
import type { Signature, VersionCaveatId } from '../patterns/index.js';
import type { GoMinor } from '../normalize/go-version.js';
import type { Triage } from './triage.js';

export type Confidence = 'high' | 'medium' | 'low';
export type FindingKind = 'goroutine-leak' | 'heap-growth' | 'goroutine-and-heap';
/** `suspect` is the single-snapshot verdict (triage): a known pattern with strong evidence in one snapshot. */
export type Verdict = 'leak' | 'suspect' | 'no-leak' | 'inconclusive';

/**
 * How a culprit was found; CULPRIT_STRATEGIES (culprit.ts) tries them in this order and the first that names
 * a function wins. `alloc-candidate` only ever names a candidate (see Finding.candidates); `retained-heap` is
 * a candidate confirmed afterwards, when heap allocated in that very function grows with the leak (join.ts);
 * `kept-through` replaces a goroutine-frame culprit afterwards (join.ts): of the callers of the function that
 * starts the goroutines, the one whose objects are kept, where the release is missing. `object-goroutine`, tried
 * last, is the service's function on the leaked object's other goroutines when those the pattern shows in run
 * only a library's code. `library-caller` is entry-point-caller for a pattern that names no entry point, the
 * leaking goroutines running one library project's code only: its entry is the service's call into it.
 * `client-dial`, a candidate like alloc-candidate, is the service's one caller of a dial whose allocation grew
 * over the window, when the goroutines are its own server's end of the connections and nothing the client
 * keeps was sampled in use.
 */
export type CulpritStrategy =
  | 'goroutine-frame'
  | 'creator'
  | 'callback-owner'
  | 'creator-goroutine'
  | 'spawner-caller'
  | 'client-dial'
  | 'entry-point-caller'
  | 'heap-frame'
  | 'library-caller'
  | 'alloc-candidate'
  | 'retained-heap'
  | 'kept-through'
  | 'object-goroutine';

export interface Culprit {
  /** SiteFrame id of the service's own function to fix. */
  readonly frame: number;
  readonly strategy: CulpritStrategy;
  /** The call site (stack id) that shows it best, and whether that is a goroutine or a heap stack. */
  readonly stack: number;
  readonly stackKind: 'goroutine' | 'heap';
  /**
   * The library call it makes (SiteFrame id): for creator-goroutine the creating function the dump names, for
   * spawner-caller, client-dial, entry-point-caller, library-caller and alloc-candidate the library call it makes; else null.
   */
  readonly entry: number | null;
  /**
   * creator-goroutine only, when the culprit is not on the creator goroutine's stack (the call that started
   * the goroutines has returned): the service's frame that goroutine runs, whose growing heap passes through
   * the culprit, the function it called to make them. Absent otherwise.
   */
  readonly creatorFrame?: number;
}

/**
 * A caller of a library entry point that allocated through it during the process's life (alloc_space since
 * start), ranked by those bytes: where the leaking objects are likely made when what each keeps is too small
 * for the heap sampling to show in use.
 */
export interface Candidate {
  readonly frame: number;
  readonly entry: number;
  readonly stack: number;
  /** alloc_space and alloc_objects under this caller at the last heap snapshot; 0 when the profile has none. */
  readonly allocBytes: number;
  readonly allocObjects: number;
}

/** One goroutine group of a leak unit and how many of it each leaked object keeps. */
export interface UnitGroup {
  readonly stack: number;
  /** Goroutines of this group per leaked object (its growth over the unit's base group's growth, rounded). */
  readonly perObject: number;
  /** True for the other end of a loopback connection (the in-process server of a leaking client). */
  readonly peer: boolean;
}

/** What one leaked object (a ClientConn, an HTTP connection, a blocked worker) keeps. */
export interface LeakUnit {
  readonly groups: readonly UnitGroup[];
  /** Goroutines per object on the leaking side and on the peer side. */
  readonly goroutinesPerObject: number;
  readonly peerGoroutinesPerObject: number;
  /** Heap bytes per object, from the robust slopes; null without linked heap. */
  readonly bytesPerObject: number | null;
  /** Objects open at the last goroutine snapshot (the base group's count). */
  readonly objectsOpen: number;
  /** Every group is the in-process server's end of connections whose client keeps no goroutine (see leakUnit). */
  readonly serverOnly: boolean;
}

/** How a heap call site was tied to a goroutine unit: by structure, never by timing alone. */
export type LinkReason =
  'library-frames' | 'pattern-frames' | 'shared-frames' | 'goroutine-root' | 'creator' | 'goroutine-overhead' | 'other-end' | 'callback-owner' | 'same-culprit';

/**
 * A goroutine group of the service's own code present in every goroutine snapshot and no larger at the end
 * than at the start: a long-lived loop (a refresh, a reconnect, a consumer), not the program's main.
 */
export interface LongLivedGoroutine {
  /** SiteFrame id of its leaf-most frame of the service's own code. */
  readonly frame: number;
  readonly stack: number;
  /** Goroutines in the group at the last snapshot. */
  readonly count: number;
}

/** One step in a finding's chain of evidence, with its numbers; explain words them. */
export type Step =
  | {
      readonly kind: 'goroutines-grew';
      readonly groups: number;
      readonly unitKey: string;
      readonly first: number;
      readonly last: number;
      readonly snapshots: number;
    }
  | {
      readonly kind: 'heap-linked';
      readonly sites: number;
      readonly reasons: readonly LinkReason[];
      readonly correlation: number | null;
      readonly snapshots: number;
    }
  | { readonly kind: 'heap-grew'; readonly sites: number; readonly firstBytes: number; readonly lastBytes: number; readonly withGoroutines: boolean }
  | { readonly kind: 'retained-heap'; readonly frame: number; readonly firstBytes: number; readonly lastBytes: number }
  /**
   * Heap allocated right in `frame`, which started the goroutines the finding's code runs on (`started`),
   * whose package the goroutines start in where no dump names their creator (`package`), or which is the one
   * caller of their creator that keeps what it made (`caller`), grew with it.
   */
  | {
      readonly kind: 'creator-heap';
      readonly frame: number;
      readonly tie: 'started' | 'package' | 'caller';
      readonly firstBytes: number;
      readonly lastBytes: number;
    }
  /**
   * Of the callers of `frame` (the creator-heap's function), only `caller`'s allocations through it grew in
   * use (`keptBytes`), while `otherCallers` others allocated `otherAllocBytes` through it and keep none.
   */
  | {
      readonly kind: 'kept-through';
      readonly frame: number;
      readonly caller: number;
      readonly stack: number;
      readonly keptBytes: number;
      readonly otherCallers: number;
      readonly otherAllocBytes: number;
    }
  | {
      readonly kind: 'staircase';
      readonly rises: number;
      readonly falls: number;
      readonly snapshots: number;
      readonly newSamples: number;
      readonly retainedShare: number;
      /** Of what the site allocated in all, or on its statements that hold memory (fit/retained.ts). */
      readonly of: 'site' | 'held';
    }
  /** `case`: which of the signature's cases the stacks showed (its `cases`, `inLibrary`); absent for the general text. */
  | { readonly kind: 'pattern'; readonly signature: string; readonly case?: string; readonly frames: readonly string[] }
  | { readonly kind: 'allocated-in-user-code'; readonly signature: string; readonly frame: number }
  | {
      readonly kind: 'culprit';
      readonly strategy: CulpritStrategy;
      readonly frame: number;
      readonly entry: number | null;
      /** See Culprit.creatorFrame. */
      readonly creatorFrame?: number;
      /**
       * The culprit was looked for on the client's side: the leaking goroutines are the in-process server's end
       * of connections a client in the process opened (what library-caller followed is then the client's
       * library, not the one the goroutines run).
       */
      readonly through?: 'server-end';
    }
  /** `pooled`: the leak's heap is a pool's (a pooled-heap step says whose), so even one caller is only a candidate. */
  | { readonly kind: 'candidates'; readonly count: number; readonly entry: number; readonly pooled: boolean }
  /** The leak's heap sits under a pool state call (`poolFrame`), reached from the service's `caller` (-1: none). */
  | { readonly kind: 'pooled-heap'; readonly poolFrame: number; readonly caller: number }
  /**
   * No frame of the service's own code is in the leaking stacks (`rootFrame`: where they start); the
   * service's own goroutines that live through the window without growing (`longLived`, the first few, of
   * `longLivedCount`) are where a loop that makes the leaked objects would run.
   */
  | {
      readonly kind: 'no-user-frame';
      readonly rootFrame: number | null;
      readonly longLived: readonly LongLivedGoroutine[];
      readonly longLivedCount: number;
      /**
       * The live goroutines (one group: a pool of workers) the dumps' created-by lines say started at least half
       * of the leaking ones, and the service's frame they run (creators.ts startedByGroup); absent without.
       */
      readonly startedBy?: { readonly frame: number; readonly goroutines: number };
    }
  /** A caveat of the pattern for the Go releases the frames allow (min/max: the series' range, Go 1.min..1.max). */
  | {
      readonly kind: 'go-version';
      readonly signature: string;
      readonly caveat: VersionCaveatId | 'not-checked-on';
      readonly certain: boolean;
      readonly min: GoMinor | null;
      readonly max: GoMinor | null;
    };

export interface Finding {
  readonly kind: FindingKind;
  readonly signature: Signature | null;
  readonly culprit: Culprit | null;
  /** Ranked candidates when the culprit is only a candidate (strategy alloc-candidate), else []. */
  readonly candidates: readonly Candidate[];
  readonly confidence: Confidence;
  /** Goroutine groups (stack ids) and their summed count and fit; null for heap-only growth. */
  readonly goroutines: { readonly groups: readonly number[]; readonly unitKey: string; readonly values: Float64Array; readonly fit: Fit } | null;
  readonly heap: HeapEvidence | null;
  /** What each leaked object keeps; null for heap-only growth. */
  readonly unit: LeakUnit | null;
  readonly bytesPerGoroutine: number | null;
  readonly correlation: number | null;
  readonly steps: readonly Step[];
}

/** Checked and found bounded: grew, then levelled off (a warming cache or pool). */
export interface Bounded {
  readonly kind: 'heap' | 'goroutine';
  /** A frame id (heap: the function, flat) or a stack id (goroutine group). */
  readonly id: number;
  readonly site: string;
  readonly fit: Fit;
}

/** Why the verdict is what it is, as data. */
export type Reach =
  | { readonly kind: 'single-snapshot' }
  | { readonly kind: 'too-few'; readonly snapshots: number }
  | { readonly kind: 'no-gc'; readonly identicalPairs: number; readonly distinct: number }
  /** Few snapshots where goroutine groups rose and never fell, beyond churn, but by too little per step to conclude. */
  | { readonly kind: 'undecided'; readonly snapshots: number; readonly groups: number; readonly first: number; readonly last: number }
  /** Few snapshots where heap call sites rose at every step, beyond sampling error and the growth floor, but not enough per step to conclude (bytes in use). */
  | { readonly kind: 'undecided-heap'; readonly snapshots: number; readonly sites: number; readonly first: number; readonly last: number }
  | {
      readonly kind: 'could-see';
      readonly snapshots: number;
      readonly durationSeconds: number;
      readonly heapBytesPerHour: number | null;
      readonly goroutinesPerHour: number | null;
    };

export interface Diagnosis {
  readonly verdict: Verdict;
  readonly findings: readonly Finding[];
  readonly bounded: readonly Bounded[];
  /** For a single snapshot (of either kind or both): what looks leaked and what holds the memory; null for a series. */
  readonly triage: Triage | null;
  /** What the window could have seen; decides no-leak against inconclusive. */
  readonly reach: Reach;
}
