// Proof of a fix: the findings of an earlier run (its JSON, e.g. before the fix) against this run's.
// Resolved: the baseline had it, this run does not (its growth is gone). Persisting: both have it. New: only
// this run has it. A finding is the same across runs when its pattern (or kind) and culprit (or title) are.

import type { Analysis } from './commands/analyze.js';
import { culpritName, type Finding } from './diagnose/index.js';
import { perHour } from './fit.js';
import { totalFit } from './fit/all.js';

/** What an earlier run's JSON says of a finding (the fields leakdiff itself writes, schema version 1). */
export interface BaselineFinding {
  readonly signature: string | null;
  readonly kind: string;
  readonly culprit: string | null;
  readonly title?: string;
  readonly confidence?: string;
  readonly goroutines?: { readonly perHour: number } | null;
  readonly heap?: { readonly perHour: number } | null;
}

export interface Rates {
  /** Goroutines per hour and heap bytes per hour, or null where the run had no such growth or series. */
  readonly goroutinesPerHour: number | null;
  readonly heapPerHour: number | null;
}

export interface Compared {
  readonly title: string;
  readonly culprit: string | null;
  readonly before: Rates | null;
  readonly after: Rates;
}

export interface Comparison {
  readonly resolved: readonly Compared[];
  readonly persisting: readonly Compared[];
  readonly new: readonly Compared[];
}

export function identity(f: BaselineFinding): string {
  return `${f.signature ?? f.kind}|${f.culprit ?? f.title ?? ''}`;
}

export function currentIdentity(a: Analysis, f: Finding): string {
  return identity({ signature: f.signature?.id ?? null, kind: f.kind, culprit: culpritName(a.series, f), title: f.title });
}

function ratesOf(f: Finding): Rates {
  return {
    goroutinesPerHour: f.goroutines === null ? null : perHour(f.goroutines.fit.robustSlope),
    heapPerHour: f.heap === null ? null : perHour(f.heap.fit.robustSlope),
  };
}

function baselineRates(b: BaselineFinding): Rates {
  return { goroutinesPerHour: b.goroutines?.perHour ?? null, heapPerHour: b.heap?.perHour ?? null };
}

/** The whole profile's rate, for a finding that is gone: what the service does now where the leak was. */
function totalPerHour(a: Analysis, kind: 'heap' | 'goroutine'): number | null {
  const fit = totalFit(a.fits, kind);
  return fit === null ? null : perHour(fit.robustSlope);
}

export function compare(a: Analysis, baseline: readonly BaselineFinding[]): Comparison {
  const current = new Map(a.diagnosis.findings.map((f) => [currentIdentity(a, f), f]));
  const before = new Set(baseline.map(identity));
  const now: Rates = { goroutinesPerHour: totalPerHour(a, 'goroutine'), heapPerHour: totalPerHour(a, 'heap') };
  const resolved: Compared[] = [];
  const persisting: Compared[] = [];
  for (const b of baseline) {
    const f = current.get(identity(b));
    const entry = { title: b.title ?? b.signature ?? b.kind, culprit: b.culprit, before: baselineRates(b) };
    if (f === undefined) resolved.push({ ...entry, after: now });
    else persisting.push({ ...entry, after: ratesOf(f) });
  }
  const added = a.diagnosis.findings
    .filter((f) => !before.has(currentIdentity(a, f)))
    .map((f) => ({ title: f.title, culprit: culpritName(a.series, f), before: null, after: ratesOf(f) }));
  return { resolved, persisting, new: added };
}
