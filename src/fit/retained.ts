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
/** A step may fall by one sample (an old backing array freed when a slice or map grew), no more. */
export const RETAINED_MAX_FALL_SAMPLES = 1.5;

export interface Retention {
  /** Snapshots where the sampled in-use bytes rose, and where they fell by at most one sample. */
  readonly rises: number;
  readonly falls: number;
  /** New samples kept over the window: (last − first) over the bytes one sample stands for at the end. */
  readonly newSamples: number;
  /** (in use last − first) / (allocated last − first). */
  readonly retainedShare: number;
}

/**
 * The retention evidence of one heap series (in-use bytes and their sampling variance per snapshot, bytes
 * allocated since start at least at the first and the last), or null when it does not hold or cannot be told (no sampling variance: nothing
 * to count samples with; no alloc_space: no way to tell kept from churned).
 */
export function retention(inuse: ArrayLike<number>, variance: ArrayLike<number> | null, alloc: ArrayLike<number> | null): Retention | null {
  const n = inuse.length;
  if (n < 3 || variance === null || alloc === null) return null;
  const growth = inuse[n - 1] - inuse[0];
  // The series keeps allocation totals for the first and last snapshot only (series MetricSeries).
  const allocated = alloc[alloc.length - 1] - alloc[0];
  if (!(growth > 0) || !(allocated > 0) || !(variance[n - 1] > 0)) return null;
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
  const retainedShare = growth / allocated;
  if (newSamples < RETAINED_MIN_NEW_SAMPLES || retainedShare < RETAINED_MIN_SHARE) return null;
  return { rises, falls, newSamples, retainedShare };
}
