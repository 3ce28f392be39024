// The shape of a known leak signature, of the evidence the diagnose stage hands the matcher, and of a match.
// Signatures are data: adding one is adding a table row, never a code branch in the matcher.

import type { GoMinor } from '../normalize/go-version.js';

export type SignatureKind = 'goroutine' | 'heap' | 'both';

/**
 * One release this signature was checked on, in a capture of the fixture matrix: the Go release and, for a
 * library's signature, the library module and version (`google.golang.org/grpc v1.85.0`). A test keeps this
 * list equal to what the matrix's captures recorded.
 */
export interface CapturedOn {
  readonly go: string;
  readonly library: string | null;
}

/** Ways a signature's meaning depends on the Go release that wrote the series. */
export type VersionCaveatId = 'timers-collectable' | 'timers-pinned';

/** A caveat that holds for series written by Go 1.goMin to 1.goMax (null: unbounded on that side). */
export interface VersionCaveat {
  readonly id: VersionCaveatId;
  readonly goMin: GoMinor | null;
  readonly goMax: GoMinor | null;
}

export interface Signature {
  /** Stable, kebab-case; appears in the JSON result as `signature`. */
  readonly id: string;
  readonly title: string;
  /** What the leak grows: goroutines, heap, or both (either is then evidence enough). */
  readonly kind: SignatureKind;
  /**
   * Normalized function names seen in the leaking goroutines' stacks. Each entry is one distinct piece of
   * evidence (one kind of goroutine the leaking thing owns); alternatives across versions share an entry.
   */
  readonly goroutineFrames: readonly RegExp[];
  /** Go wait reasons that go with the leak, as `goroutine N [reason]:` prints them; may be empty. */
  readonly waitStates: readonly string[];
  /** Normalized function names in the growing heap stacks, one entry per distinct piece of evidence. */
  readonly heapFrames: readonly RegExp[];
  /**
   * A generic signature matches by wait state or by a generic frame, on stacks that no specific signature
   * explains, and always ranks after the specific ones.
   */
  readonly generic: boolean;
  /**
   * Package path prefixes of the library that owns this signature (`google.golang.org/grpc`); empty for
   * primitives that every library uses (context, time, sync). A primitive called by one of these packages is
   * that library's business, not the user's forgotten cancel or Stop.
   */
  readonly packages: readonly string[];
  /** Heap growth with no goroutine growth: goroutine evidence rules this signature out. */
  readonly heapOnly: boolean;
  /** Distinct pieces of evidence (frame entries hit, plus one for a matching wait state) for a full score. */
  readonly strongAt: number;
  /** The best score this signature can reach: 1 for a library's own frames, lower for generic patterns. */
  readonly ceiling: number;
  /**
   * Library functions the user's code calls to create the leaking thing; the frame calling the outermost of
   * them (see entryPointCaller) is the culprit to fix.
   */
  readonly entryPoints: readonly RegExp[];
  /**
   * Library calls that run for the life of their owner and start the leaking goroutines themselves (a server's
   * accept loop, `http.(*Server).Serve` starting one `(*conn).serve` per connection). They stay on a live
   * goroutine's stack, so the service's function calling them there owns what they start even when no
   * leaking stack shows it. Absent when the leaking goroutines have no such long-running parent.
   */
  readonly spawners?: readonly RegExp[];
  /**
   * Library calls whose allocations are a pooled resource's own state, made for whichever caller finds the
   * pool empty or first uses a new member (`database/sql.(*DB).conn` dialing a driver connection, a driver's
   * per-connection caches). What is allocated under them is the pool's: the caller above is the query that
   * happened to need a new connection, not the one that kept the last, so heap under them names no culprit,
   * and a lone caller of the entry point is only a candidate.
   */
  readonly poolState?: readonly RegExp[];
  /**
   * Library calls made on the leaking object once the entry point returned it (`(*Rows).Next`): their callers
   * hold one, so when the entry point's own allocations were not sampled they are candidates too.
   */
  readonly handles?: readonly RegExp[];
  /**
   * Where the fix is made. `waiter`: in the waiting code itself (a select with no way out, a Lock with no
   * Unlock), so the signature is not pinned on goroutines that run only a library's code: those wait in the
   * library's own logic, which the advice does not fix (database/sql's awaitDone on a transaction's context).
   * `object` (the default): on the leaked object, whoever's goroutine waits on it (a connection nobody closes
   * keeps its library's reader in IO wait, and closing it is the service's fix).
   */
  readonly fixIn?: 'waiter' | 'object';
  /**
   * For a `waiter` signature: the text that replaces the general one where every goroutine waiting as it says
   * runs only a third-party library's code (a cache's, a client's background goroutines, started for an object
   * the service made and dropped): the fix is then on that object (its Close or Stop), not in the wait, and
   * the signature is pinned with this text as its case. Absent where such goroutines get no pattern.
   */
  readonly inLibrary?: Omit<SignatureCase, 'in' | 'on' | 'with'>;
  /**
   * The pattern's peer is outside the process (a server holding open connections of clients it does not
   * own, whose fix is the server's timeouts): not taken for goroutines that are the service's own server's
   * end of connections its own client opened (correlate.ts other-end and clientDials).
   */
  readonly peerOutside?: true;
  /** False when the user's frame is usually in no profile (the leaking goroutines are started by the library). */
  readonly userFrameVisible: boolean;
  /** Where to look when the user's frame is not visible. */
  readonly whereToLook?: string;
  /** Which Go and library versions have which frames, with the sources they were checked against. */
  readonly versions: string;
  /** The releases this signature was checked on (see CapturedOn). */
  readonly capturedOn: readonly CapturedOn[];
  /** How its meaning changes across Go releases; the diagnosis applies those the series' Go range allows. */
  readonly caveats: readonly VersionCaveat[];
  /** Plain English: why this leaks. */
  readonly explanation: string;
  /** One line. */
  readonly fix: string;
  /** A short Go snippet showing the fix. */
  readonly example: string;
  /**
   * Causes the stacks tell apart, each with its own title, explanation and fix (the signature's id stays): the
   * first whose rule holds replaces the general text. Absent when the stacks show only the general case.
   */
  readonly cases?: readonly SignatureCase[];
  /** Set on a signature a case was applied to: which one. */
  readonly case?: string;
}

/**
 * One cause of a signature the leak's stacks (its goroutines' or its heap's) single out: it holds when at
 * least one of them contains `on`, and every one that does also contains `with` when it is given (all
 * readLoops idle, none waiting on a body).
 */
export interface SignatureCase {
  readonly id: string;
  /** Which of the leak's stacks the rule reads: its goroutines' or its growing heap's. */
  readonly in: 'goroutine' | 'heap';
  readonly on: RegExp;
  /** Absent when `on` alone says it. */
  readonly with?: RegExp;
  readonly title: string;
  readonly explanation: string;
  readonly fix: string;
  readonly example: string;
  readonly whereToLook: string;
}

/**
 * The evidence of one suspected leak: normalized function names (names.ts), leaf first. Goroutine stacks
 * should keep their leading runtime frames when the profile has them (protobuf goroutine profiles do), since
 * they tell what a goroutine waits on; waitStates are the reasons a text dump printed, empty for protobuf.
 */
export interface Evidence {
  readonly goroutineStacks: readonly (readonly string[])[];
  readonly waitStates: readonly string[];
  readonly heapStacks: readonly (readonly string[])[];
}

export interface Match {
  readonly signature: Signature;
  /** 0..1: the signature's ceiling times the share of its strongAt evidence that was seen. */
  readonly score: number;
  /** The function names that matched the signature's frames (for a generic wait-state match: the blocked functions). */
  readonly matchedFrames: string[];
  /** The wait states that matched the signature's waitStates. */
  readonly matchedWaitStates: string[];
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * One piece of evidence from exact normalized function names: matches any of them, or any closure inside
 * them (`newHTTP2Client` also matches `newHTTP2Client.func`, as names.ts spells `func3`).
 */
export function fns(...names: string[]): RegExp {
  return new RegExp(`^(?:${names.map(escape).join('|')})(?:\\.func)*$`);
}

/** The same names with a common package (or type) prefix: `within('net/http.', '(*persistConn).readLoop')`. */
export function within(prefix: string, ...names: string[]): RegExp {
  return fns(...names.map((n) => prefix + n));
}
