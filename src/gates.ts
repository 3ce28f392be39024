// The CI gate: growth-rate limits, the confidence bar, the baseline, accepted growth. Each gate is data (its
// limit and measured value as text and as numbers with a unit, what it measures, why it passed) so the report
// and the JSON show every one; the CLI turns a broken gate into exit code 1.

import type { Analysis } from './explain/index.js';
import { compare, currentIdentity, identity, type BaselineFinding } from './compare.js';
import { culpritName, type Confidence, type Finding } from './diagnose/index.js';
import { theilSen } from './fit/index.js';
import { totalFit } from './fit/all.js';
import { formatBytes, formatCount, perHour } from './units.js';
import { titleOf } from './explain/index.js';

export interface Gate {
  readonly name: string;
  /** The limit and the measured value as text (the user's own text for a limit they gave). */
  readonly limit: string;
  readonly actual: string;
  readonly passed: boolean;
  /** The same two figures as numbers, in `unit` (JSON schema addition: numbers with units beside the text). */
  readonly limitValue: number;
  readonly actualValue: number;
  readonly unit: 'bytes/h' | 'goroutines/h' | 'findings' | 'verdict';
  /** What the actual figure is a measure of (a finding's rate is its own call sites'; a growth gate's, the whole profile's). */
  readonly measures: string;
  /** Why it passed or failed, in a sentence. */
  readonly why: string;
}

/** One accepted growth: findings whose culprit is `function`, or whose matched pattern is `signature`. */
export interface IgnoreRule {
  readonly function: string | null;
  readonly signature: string | null;
  readonly reason: string;
}

/** A growth-rate limit: the text as given (shown in the report) and its value in units per second. */
export interface RateLimit {
  readonly text: string;
  readonly perSecond: number;
}

export interface GateOptions {
  /** Checked by the options check (analyze-options.ts): the text as given and its value per second. */
  readonly maxHeapGrowth: RateLimit | null;
  readonly maxGoroutineGrowth: RateLimit | null;
  readonly failOn: Confidence;
  /** Findings of an earlier run (its JSON), or null. */
  readonly baseline: BaselineFinding[] | null;
  /** With a baseline: fail while any of its findings persists (a fix's pull request proving itself). */
  readonly requireResolved?: boolean;
  /** Fail when the verdict is inconclusive. */
  readonly failOnInconclusive?: boolean;
  /** Accepted growth from the config file: matching findings are listed, but fail no gate. */
  readonly ignore?: readonly IgnoreRule[];
}

/** The rate a growth gate compares, what it is, and why that one. */
interface Measured {
  /** Units per second. */
  readonly rate: number;
  readonly why: string;
}

/**
 * How fast the whole profile grows, for a gate: the robust (Theil–Sen) rate over the window when it grows;
 * for growth that levelled off (a warming cache), the rate of the flat tail, which is what the service does
 * now; noise, flat and shrinking series show their measured rate but cannot break a gate, having no trend.
 * Findings the config file accepts (`ignore`) are taken out of a growing rate.
 */
function measure(a: Analysis, kind: 'heap' | 'goroutine', accepted: readonly Finding[], fmt: (perHour: number) => string): Measured {
  const fit = totalFit(a.fits, kind);
  const k = kind === 'heap' ? a.series.heap : a.series.goroutine;
  if (fit === null || k === null || k === undefined) return { rate: 0, why: `fewer than two ${kind} snapshots: no rate to measure` };
  const over = `Theil–Sen over ${fit.n} snapshots`;
  if (fit.shape === 'plateau' && fit.plateauFrom !== null) {
    const data = Array.from(k.metrics.find((m) => m.metric === (kind === 'heap' ? 'inuse_space' : 'goroutine'))?.total.data ?? []);
    const tail = theilSen(k.times.slice(fit.plateauFrom), data.slice(fit.plateauFrom)).slope;
    return {
      rate: Math.max(0, tail),
      why: `grew, then levelled off: the rate of the flat tail (last ${fit.n - fit.plateauFrom} of ${fit.n} snapshots) counts; over the whole window it was ${fmt(perHour(fit.robustSlope))}`,
    };
  }
  if (fit.shape !== 'growing' && fit.shape !== 'unknown') {
    return { rate: 0, why: `${fit.shape}: no trend (${over}: ${fmt(perHour(fit.robustSlope))}), so it cannot break the gate` };
  }
  const acceptedRate = accepted.reduce((sum, f) => sum + Math.max(0, (kind === 'heap' ? f.heap?.fit.robustSlope : f.goroutines?.fit.robustSlope) ?? 0), 0);
  const minus =
    acceptedRate > 0 ? `, less ${fmt(perHour(acceptedRate))} of accepted growth (${accepted.length} ignored finding${accepted.length === 1 ? '' : 's'})` : '';
  const few = fit.shape === 'unknown' ? ' (too few snapshots to test the trend: the rate between them counts)' : '';
  return { rate: Math.max(0, fit.robustSlope - acceptedRate), why: `${over}${minus}${few}` };
}

const bytesPerHour = (n: number): string => `${formatBytes(n)}/h`;
const countPerHour = (n: number): string => `${formatCount(n)}/h`;

export function evaluateGates(a: Analysis, opts: GateOptions): Gate[] {
  const gates: Gate[] = [];
  const ignored = ignoredFindings(a, opts.ignore ?? []);
  const accepted = a.diagnosis.findings.filter((f) => ignored.has(f));
  const growth = (name: string, limit: RateLimit, kind: 'heap' | 'goroutine', fmt: (n: number) => string, unit: Gate['unit'], measures: string): Gate => {
    const m = measure(a, kind, accepted, fmt);
    return {
      name,
      limit: limit.text,
      actual: fmt(perHour(m.rate)),
      passed: m.rate <= limit.perSecond,
      limitValue: round(perHour(limit.perSecond)),
      actualValue: round(perHour(m.rate)),
      unit,
      measures,
      why: m.why,
    };
  };
  if (opts.maxHeapGrowth !== null)
    gates.push(
      growth('max-heap-growth', opts.maxHeapGrowth, 'heap', bytesPerHour, 'bytes/h', 'the whole heap in use (inuse_space of every call site), not one finding'),
    );
  if (opts.maxGoroutineGrowth !== null)
    gates.push(growth('max-goroutine-growth', opts.maxGoroutineGrowth, 'goroutine', countPerHour, 'goroutines/h', 'all goroutines, not one finding'));
  const failing = failingFindings(a, opts);
  // `suspect` (one snapshot, a known pattern with strong evidence) fails like a medium-confidence finding.
  const suspect = a.diagnosis.verdict === 'suspect' && opts.failOn !== 'high' && opts.baseline === null;
  if (suspect) {
    gates.push({
      name: 'fail-on',
      limit: `no finding at ${opts.failOn} confidence or above (a suspect counts as medium)`,
      actual: 'suspect: a known leak pattern with strong single-snapshot evidence',
      passed: false,
      limitValue: 0,
      actualValue: 1,
      unit: 'verdict',
      measures: 'the single-snapshot verdict',
      why: 'a suspect counts as a medium-confidence finding',
    });
    return gates;
  }
  const skipped = failingFindings(a, { ...opts, ignore: [] }).length - failing.length;
  const newOnly = opts.baseline === null ? '' : 'new ';
  gates.push({
    name: opts.baseline === null ? 'fail-on' : 'fail-on (new since baseline)',
    limit: `no ${newOnly}finding at ${opts.failOn} confidence or above`,
    actual: failing.length === 0 ? 'none' : `${failing.length}: ${namesOf(a, failing)}`,
    passed: failing.length === 0,
    limitValue: 0,
    actualValue: failing.length,
    unit: 'findings',
    measures: `${newOnly}findings at ${opts.failOn} confidence or above`,
    why: `${failing.length === 0 ? 'no finding reached it' : `${failing.length === 1 ? 'a finding' : 'findings'} at or above ${opts.failOn} confidence`}${skipped > 0 ? `; ${skipped} more at that level ignored as accepted growth (config ignore list)` : ''}`,
  });
  if (opts.failOnInconclusive === true) {
    const v = a.diagnosis.verdict;
    gates.push({
      name: 'fail-on-inconclusive',
      limit: 'a verdict: the window could show a leak',
      actual: v,
      passed: v !== 'inconclusive',
      limitValue: 0,
      actualValue: v === 'inconclusive' ? 1 : 0,
      unit: 'verdict',
      measures: 'whether the window could have shown a leak',
      why: v === 'inconclusive' ? a.explained.reach : 'the window was long enough to decide',
    });
  }
  if (opts.requireResolved === true && opts.baseline !== null) {
    const persisting = compare(a, opts.baseline).persisting;
    gates.push({
      name: 'require-resolved',
      limit: 'every baseline finding resolved',
      actual:
        persisting.length === 0 ? `all ${opts.baseline.length} resolved` : `${persisting.length} persisting: ${persisting.map((p) => p.title).join('; ')}`,
      passed: persisting.length === 0,
      limitValue: 0,
      actualValue: persisting.length,
      unit: 'findings',
      measures: 'baseline findings still present',
      why: persisting.length === 0 ? 'none of the baseline findings is seen any more' : 'a finding of the baseline is still seen',
    });
  }
  return gates;
}

const round = (n: number): number => Number(n.toPrecision(6));

/** "gRPC ClientConn never closed in main.getConn; Heap growing without bound in main.fill (×3)": each once. */
function namesOf(a: Analysis, findings: readonly Finding[]): string {
  const counts = new Map<string, number>();
  for (const f of findings) {
    const culprit = culpritName(a.series, f);
    const name = culprit === null ? titleOf(f) : `${titleOf(f)} in ${culprit}`;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => (n === 1 ? name : `${name} (×${n})`)).join('; ');
}

/** Findings the config file's ignore list accepts, each with the rule that matched it. */
export function ignoredFindings(a: Analysis, rules: readonly IgnoreRule[]): Map<Finding, IgnoreRule> {
  const out = new Map<Finding, IgnoreRule>();
  if (rules.length === 0) return out;
  for (const f of a.diagnosis.findings) {
    const frame = f.culprit === null ? null : a.series.frames[f.culprit.frame];
    const rule = rules.find(
      (r) =>
        (r.signature !== null && r.signature === f.signature?.id) ||
        (r.function !== null && frame !== null && (r.function === frame.rawFunction || r.function === frame.function)),
    );
    if (rule !== undefined) out.set(f, rule);
  }
  return out;
}

const LEVELS: readonly Confidence[] = ['high', 'medium', 'low'];

/** Findings at or above --fail-on that the baseline did not already have. */
export function failingFindings(a: Analysis, opts: GateOptions): Finding[] {
  const limit = LEVELS.indexOf(opts.failOn);
  const known = new Set((opts.baseline ?? []).map(identity));
  const ignored = ignoredFindings(a, opts.ignore ?? []);
  return a.diagnosis.findings.filter((f) => LEVELS.indexOf(f.confidence) <= limit && !known.has(currentIdentity(a, f)) && !ignored.has(f));
}
