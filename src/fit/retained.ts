// Retained samples: the heap evidence that holds even on three or four snapshots. Go samples one allocation
// per MemProfileRate bytes on average (a Poisson process over the bytes allocated, runtime/malloc.go
// nextSample), and a sampled object stays in the in-use profile for as long as it stays reachable. So a call
// site whose objects are kept shows a staircase: its sampled in-use count only goes up, one step each time
// another kept allocation is sampled, and what it allocated in the window (alloc_space, since start) is
// still in use at the end. Churn samples just as often but its objects die: in use goes up and down, and it
// keeps a small share of what it allocated. Sampling cannot invent a sampled allocation that did not happen,
// so new retained samples are growth whatever their count's Poisson error; whether the growth goes on is the
// plateau's question (fit/plateau.ts: a tail is only flat when the rise's pace would have shown in it).

/** Fewest new samples the site must have kept: one or two long-lived objects are not a staircase. */
export const RETAINED_MIN_NEW_SAMPLES = 3;
/**
 * Smallest share of the bytes allocated at the site in the window still in use at its end. A leak keeps all
 * it allocates, or half when the collection doubles and frees its old table (maps; about a fifth for a slice
 * growing by 1.25x, which keeps it out, as it should: its one big backing array is exact, not sampled, and
 * the trend test sees it). The churn of a busy site keeps well under a tenth (0.1% to 12% measured on the
 * fixture matrix's controls and churn sites).
 */
export const RETAINED_MIN_SHARE = 0.5;
/**
 * Or the smallest share of what the site's allocating statements that hold memory (at either end of the
 * window) allocated: one statement that keeps its objects keeps all of them, and the ones that die at once
 * (io.ReadAll's read chunks beside the exact-sized result it returns, Go 1.26) are left out. Collections
 * that double and free their old table do it on the same statement and are the site share's case. A cache
 * that filled during half the window keeps half on its one statement (cache-warm go1.27 cut to 4: 49%); a
 * buffer kept through a subslice, 90% (the rest: uploads retried and dropped).
 */
export const RETAINED_MIN_HELD_SHARE = 0.8;
/** A step may fall by one sample (an old backing array freed when a slice or map grew), no more. */
export const RETAINED_MAX_FALL_SAMPLES = 1.5;

export interface Retention {
  /** Snapshots where the sampled in-use bytes rose, and where they fell by at most one sample. */
  readonly rises: number;
  readonly falls: number;
  /** New samples kept over the window: (last − first) over the bytes one sample stands for at the end. */
  readonly newSamples: number;
  /** (in use last − first) / (allocated last − first), over the site or its statements that hold memory. */
  readonly retainedShare: number;
  /** Which allocations the share is of: all the site's, or those of its statements that hold memory. */
  readonly of: 'site' | 'held';
}

/** Bytes a site allocated between the first and the last snapshot: in all, and on its statements holding memory. */
export interface Allocated {
  readonly all: number;
  /** Null when the series cannot tell statements apart (series `allocatedHeld`). */
  readonly held: number | null;
}

/**
 * The retention evidence of one heap series (in-use bytes and their sampling variance per snapshot, and the
 * bytes it allocated between the first and the last snapshot), or null when it does not hold or cannot be
 * told (no sampling variance: nothing to count samples with; no alloc_space: no way to tell kept from
 * churned).
 */
export function retention(
  times: ArrayLike<number>,
  inuse: ArrayLike<number>,
  variance: ArrayLike<number> | null,
  allocated: Allocated | null,
): Retention | null {
  const n = inuse.length;
  if (n < 3 || variance === null || allocated === null) return null;
  const growth = inuse[n - 1] - inuse[0];
  if (!(growth > 0) || !(allocated.all > 0) || !(variance[n - 1] > 0)) return null;
  let rises = 0;
  let falls = 0;
  for (let i = 1; i < n; i++) {
    const step = inuse[i] - inuse[i - 1];
    if (step > 0) rises++;
    if (step >= 0) continue;
    const sample = inuse[i - 1] > 0 ? variance[i - 1] / inuse[i - 1] : 0;
    if (-step > RETAINED_MAX_FALL_SAMPLES * sample) return null;
    falls++;
  }
  const newSamples = growth / (variance[n - 1] / inuse[n - 1]);
  const siteShare = growth / allocated.all;
  const heldShare = allocated.held !== null && allocated.held > 0 ? growth / allocated.held : 0;
  const of = siteShare >= RETAINED_MIN_SHARE ? 'site' : heldShare >= RETAINED_MIN_HELD_SHARE ? 'held' : null;
  if (newSamples < RETAINED_MIN_NEW_SAMPLES || of === null) return null;
  if (stalled(times, inuse, variance[n - 1] / inuse[n - 1])) return null;
  return { rises, falls, newSamples, retainedShare: of === 'site' ? siteShare : heldShare, of };
}

/**
 * Below this chance of so few new samples in the last step at the pace of the steps before it, the rise
 * stopped (or all but stopped) within the window.
 */
export const RETAINED_STALL_P = 0.01;

/**
 * Whether the last step took improbably few new samples for the pace before it: a cache that filled just
 * before the last snapshot (cache-warm cut to 3: 6.0, 21.7, 22.2 MiB, one new sample where the pace gave
 * 23) kept everything it allocated while it filled, as a leak does, and then stopped. A plateau needs a
 * tail of several snapshots (plateau.ts); one step can still show that the growth did not go on, so it is
 * no evidence of a leak. New samples come as a Poisson process, so the test is P(X ≤ k) at the pace's mean.
 */
function stalled(times: ArrayLike<number>, inuse: ArrayLike<number>, bytesPerSample: number): boolean {
  const n = inuse.length;
  const before = times[n - 2] - times[0];
  const rise = inuse[n - 2] - inuse[0];
  if (!(before > 0) || !(rise > 0) || !(bytesPerSample > 0)) return false;
  const expected = ((rise / before) * (times[n - 1] - times[n - 2])) / bytesPerSample;
  const seen = Math.max(0, Math.round((inuse[n - 1] - inuse[n - 2]) / bytesPerSample));
  return poissonAtMost(seen, expected) < RETAINED_STALL_P;
}

/** P(X ≤ k) for X Poisson with mean λ. */
export function poissonAtMost(k: number, lambda: number): number {
  let term = Math.exp(-lambda);
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term *= lambda / (i + 1);
  }
  return Math.min(1, sum);
}
