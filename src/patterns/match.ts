// The matcher: which known signatures explain the evidence of one suspected leak, and how strongly.
//
// Each stack is first attributed to the library that owns it: the signature whose frame is the outermost
// (closest to the root) in the stack. A library calls primitives internally (gRPC and net/http create
// contexts and timers, client-go waits on a sync.Cond), and the leak is the library's, not the primitive's:
// net/http's dialConn creating a context.WithDeadline is an HTTP connection, not a forgotten cancel.
// A signature then scores the distinct frame entries it hit in its own stacks, plus one for a matching wait
// state. Generic signatures only look at the stacks no specific signature owns.

import { inferWaitState } from './wait-state.js';
import type { Evidence, Match, Signature } from './signature.js';

type Stacks = readonly (readonly string[])[];
type Side = 'goroutineFrames' | 'heapFrames';

/** GOPATH-era vendoring puts `.../vendor/` in front of the real package path of a function. */
const VENDORED = /^.*\/vendor\//;

function canonical(fn: string): string {
  return fn.includes('/vendor/') ? fn.replace(VENDORED, '') : fn;
}

function hits(re: RegExp, fn: string): boolean {
  return re.test(canonical(fn));
}

function inPackages(fn: string, packages: readonly string[]): boolean {
  const name = canonical(fn);
  return packages.some((p) => name.startsWith(p) && (name.length === p.length || name[p.length] === '.' || name[p.length] === '/'));
}

/**
 * The specific signatures owning a stack: those with a frame entry matching its outermost recognized frame,
 * unless that frame was called from another known library (gRPC creating a stream's context is gRPC's
 * business, not a forgotten cancel): such a stack is owned by none.
 */
function owners(stack: readonly string[], side: Side, specific: readonly Signature[]): Signature[] {
  for (let i = stack.length - 1; i >= 0; i--) {
    const found = specific.filter((s) => s[side].some((re) => hits(re, stack[i])));
    if (found.length === 0) continue;
    const caller = stack[i + 1];
    const calledByLibrary = caller !== undefined && !found.some((s) => inPackages(caller, s.packages)) && specific.some((s) => inPackages(caller, s.packages));
    return calledByLibrary ? [] : found;
  }
  return [];
}

interface Attribution {
  readonly owned: Map<Signature, (readonly string[])[]>;
  readonly unowned: (readonly string[])[];
}

function attribute(stacks: Stacks, side: Side, specific: readonly Signature[]): Attribution {
  const owned = new Map<Signature, (readonly string[])[]>();
  const unowned: (readonly string[])[] = [];
  for (const stack of stacks) {
    const by = owners(stack, side, specific);
    if (by.length === 0) unowned.push(stack);
    for (const s of by) {
      const list = owned.get(s);
      if (list === undefined) owned.set(s, [stack]);
      else list.push(stack);
    }
  }
  return { owned, unowned };
}

/** Frame entries of `entries` hit by any frame of `stacks`, each with the first function name that hit it. */
function frameHits(entries: readonly RegExp[], stacks: Stacks): string[] {
  const seen: string[] = [];
  for (const re of entries) {
    const fn = firstHit(re, stacks);
    if (fn !== null) seen.push(fn);
  }
  return seen;
}

function firstHit(re: RegExp, stacks: Stacks): string | null {
  for (const stack of stacks) for (const fn of stack) if (hits(re, fn)) return fn;
  return null;
}

/** A goroutine's wait states: inferred from its runtime frames, else what the dump printed for the evidence. */
function statesOf(stack: readonly string[], printed: readonly string[]): readonly string[] {
  const inferred = inferWaitState(stack);
  return inferred === null ? printed : [inferred];
}

function matchingStates(sig: Signature, stacks: Stacks, printed: readonly string[]): string[] {
  const out = new Set<string>();
  for (const stack of stacks) for (const st of statesOf(stack, printed)) if (sig.waitStates.includes(st)) out.add(st);
  return [...out];
}

/**
 * Whether a goroutine of this stack shows the signature: for a generic one, it is parked in one of its waits
 * (inferred from the runtime frames, else what the dump printed for it); a specific signature shows in every
 * stack of the leak it explains.
 */
export function showsSignature(sig: Signature, stack: readonly string[], printed: readonly string[]): boolean {
  return !sig.generic || sig.waitStates.length === 0 || parkedIn(sig, stack, printed);
}

/** Whether a goroutine of this stack waits as the signature says: in one of its waits, or in one of its frames. */
export function waitsAs(sig: Signature, stack: readonly string[], printed: readonly string[]): boolean {
  return parkedIn(sig, stack, printed) || sig.goroutineFrames.some((re) => stack.some((fn) => hits(re, fn)));
}

/** Whether a goroutine of this stack waits in one of the signature's wait states. */
function parkedIn(sig: Signature, stack: readonly string[], printed: readonly string[]): boolean {
  return statesOf(stack, printed).some((st) => sig.waitStates.includes(st));
}

/** The first frame that is not the runtime's: the function a generic wait-state match blames. */
function blockedFunction(stack: readonly string[]): string | null {
  return stack.find((fn) => !fn.startsWith('runtime.')) ?? null;
}

function scored(sig: Signature, matchedFrames: string[], matchedWaitStates: string[], pieces: number): Match {
  const score = Math.round(sig.ceiling * Math.min(1, pieces / sig.strongAt) * 1000) / 1000;
  return { signature: sig, score, matchedFrames, matchedWaitStates };
}

function matchSpecific(sig: Signature, e: Evidence, g: Attribution, h: Attribution): Match | null {
  if (sig.heapOnly && e.goroutineStacks.length > 0) return null;
  const gStacks = g.owned.get(sig) ?? [];
  const gFrames = frameHits(sig.goroutineFrames, gStacks);
  const hFrames = frameHits(sig.heapFrames, h.owned.get(sig) ?? []);
  const framesSeen = sig.kind === 'goroutine' ? gFrames.length : sig.kind === 'heap' ? hFrames.length : gFrames.length + hFrames.length;
  if (framesSeen === 0) return null;
  // With no goroutine frames of its own (a Ticker is read by the user's goroutine), the waiting goroutines
  // are the unowned ones.
  const waiting = sig.goroutineFrames.length > 0 ? gStacks : g.unowned;
  const states = matchingStates(sig, waiting, e.waitStates);
  return scored(sig, [...gFrames, ...hFrames], states, gFrames.length + hFrames.length + (states.length > 0 ? 1 : 0));
}

function matchGeneric(sig: Signature, e: Evidence, g: Attribution, h: Attribution): Match | null {
  if (sig.heapOnly && e.goroutineStacks.length > 0) return null;
  const hFrames = frameHits(sig.heapFrames, h.unowned);
  const gFrames = frameHits(sig.goroutineFrames, g.unowned);
  const waiting = g.unowned.filter((s) => parkedIn(sig, s, e.waitStates));
  const states = matchingStates(sig, waiting, e.waitStates);
  const blocked = [...new Set(waiting.map(blockedFunction).filter((fn): fn is string => fn !== null))];
  const pieces = gFrames.length + hFrames.length + (states.length > 0 ? 1 : 0);
  if (pieces === 0) return null;
  return scored(sig, [...gFrames, ...hFrames, ...blocked.filter((fn) => !gFrames.includes(fn))], states, pieces);
}

/**
 * The signatures that explain the evidence, best first: specific signatures before generic ones, then by
 * score, then by id. Empty when nothing matches; the leak is then reported without a signature.
 */
export function matchSignatures(e: Evidence, table: readonly Signature[]): Match[] {
  const specific = table.filter((s) => !s.generic);
  const g = attribute(e.goroutineStacks, 'goroutineFrames', specific);
  const h = attribute(e.heapStacks, 'heapFrames', specific);
  const out: Match[] = [];
  for (const sig of table) {
    const m = sig.generic ? matchGeneric(sig, e, g, h) : matchSpecific(sig, e, g, h);
    if (m !== null) out.push({ ...m, signature: withCase(sig, e) });
  }
  return out.sort(
    (a, b) =>
      Number(a.signature.generic) - Number(b.signature.generic) ||
      b.score - a.score ||
      (a.signature.id < b.signature.id ? -1 : a.signature.id > b.signature.id ? 1 : 0),
  );
}

/** The signature with the text of the first of its cases the leak's stacks single out, or as it is. */
function withCase(sig: Signature, e: Evidence): Signature {
  for (const c of sig.cases ?? []) {
    const on = (c.in === 'goroutine' ? e.goroutineStacks : e.heapStacks).filter((st) => st.some((fn) => hits(c.on, fn)));
    const also = c.with;
    if (on.length > 0 && (also === undefined || on.every((st) => st.some((fn) => hits(also, fn))))) {
      const { id: _id, in: _in, on: _on, with: _with, ...text } = c;
      return { ...sig, ...text, case: c.id };
    }
  }
  return sig;
}

/**
 * The index in `stack` (leaf first) of the frame that called the outermost of the signature's entry points:
 * the culprit to fix when it is the user's own. -1 when no entry point is on the stack or nothing called it.
 */
export function entryPointCaller(sig: Signature, stack: readonly string[]): number {
  for (let i = stack.length - 1; i >= 0; i--) {
    if (sig.entryPoints.some((re) => hits(re, stack[i]))) return i + 1 < stack.length ? i + 1 : -1;
  }
  return -1;
}
