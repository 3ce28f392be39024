// Proof of a fix: the findings of an earlier run (its JSON, e.g. before the fix) against this run's.
// Resolved: the baseline had it, this run does not (its growth is gone). Persisting: both have it. New: only
// this run has it. A finding is the same across runs when its pattern (or kind) and culprit (or title) are.

import type { Analysis } from './explain/index.js';
import { FileError, quote } from './errors.js';
import type { Limits } from './limits.js';
import { readInput } from './read.js';
import { culpritName, type Finding } from './diagnose/index.js';
import { titleOf } from './explain/index.js';
import { perHour } from './units.js';
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
  return identity({ signature: f.signature?.id ?? null, kind: f.kind, culprit: culpritName(a.series, f), title: titleOf(f) });
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
    .map((f) => ({ title: titleOf(f), culprit: culpritName(a.series, f), before: null, after: ratesOf(f) }));
  return { resolved, persisting, new: added };
}

/** A baseline is a leakdiff JSON result, which is small: far below the limit a profile may inflate to. */
const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

/**
 * The findings of an earlier run's JSON, validated field by field against what leakdiff writes (schema
 * version 1), so a `null`, a wrong type or a hand-edited file is one line saying which field is wrong, never
 * a crash in the comparison.
 */
export function readBaseline(path: string, limits: Limits): BaselineFinding[] {
  const bytes = readInput(path, Math.min(limits.maxInflatedBytes, MAX_BASELINE_BYTES), 'this baseline');
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new FileError(path, 'read', `not a leakdiff JSON result (${(err as Error).message})`);
  }
  const bad = (what: string): FileError =>
    new FileError(path, 'read', `not a leakdiff JSON result of schema version 1: ${what} (the baseline is the --json output of an earlier run)`);
  if (!isObject(data)) throw bad(`the top level is ${typeName(data)}, not an object`);
  if (data.schemaVersion !== 1) throw bad(`schemaVersion is ${typeName(data.schemaVersion)}, not 1`);
  if (!Array.isArray(data.findings)) throw bad(`findings is ${typeName(data.findings)}, not an array`);
  return data.findings.map((f, i) => baselineFinding(f, `findings[${i}]`, bad));
}

function baselineFinding(f: unknown, at: string, bad: (what: string) => FileError): BaselineFinding {
  if (!isObject(f)) throw bad(`${at} is ${typeName(f)}, not an object`);
  const text = (key: string, nullable: boolean, optional: boolean): void => {
    const v = f[key];
    if (typeof v === 'string' || (nullable && v === null) || (optional && v === undefined)) return;
    throw bad(`${at}.${key} is ${typeName(v)}, not a string${nullable ? ' or null' : ''}`);
  };
  text('kind', false, false);
  text('signature', true, true);
  text('culprit', true, true);
  text('title', false, true);
  text('confidence', false, true);
  for (const key of ['goroutines', 'heap']) {
    const v = f[key];
    if (v === undefined || v === null) continue;
    if (!isObject(v) || typeof v.perHour !== 'number' || !Number.isFinite(v.perHour))
      throw bad(`${at}.${key} must be null or an object with a numeric perHour, not ${typeName(v)}`);
  }
  return {
    ...f,
    signature: (f.signature as string | null | undefined) ?? null,
    culprit: (f.culprit as string | null | undefined) ?? null,
  } as unknown as BaselineFinding;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (v === undefined) return 'missing';
  return `${typeof v} ${quote(String(v), 30)}`;
}
