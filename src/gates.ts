// The CI gate: growth-rate limits and the baseline. Each gate is data (name, limit, actual, pass) so the
// report and the JSON show every one; the CLI turns a broken gate into exit code 1.

import type { Analysis } from './commands/analyze.js';
import { compare, currentIdentity, identity, type BaselineFinding } from './compare.js';
import type { Confidence, Finding } from './diagnose/index.js';
import { perHour } from './fit.js';
import { totalFit } from './fit/all.js';
import { formatBytes, formatCount } from './units.js';

export interface Gate {
  readonly name: string;
  readonly limit: string;
  readonly actual: string;
  readonly passed: boolean;
}

export { parseRate } from './units.js';

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
}


/**
 * How fast the whole profile grows for a gate: the robust rate when it grows (or changed, with too few
 * snapshots to say more); growth that levelled off, noise and flat series count as zero, so a warming cache
 * does not break a gate.
 */
function totalRate(a: Analysis, kind: 'heap' | 'goroutine'): number {
  const fit = totalFit(a.fits, kind);
  return fit !== null && (fit.shape === 'growing' || fit.shape === 'unknown') ? Math.max(0, fit.robustSlope) : 0;
}

export function evaluateGates(a: Analysis, opts: GateOptions): Gate[] {
  const gates: Gate[] = [];
  if (opts.maxHeapGrowth !== null) {
    const actual = totalRate(a, 'heap');
    gates.push({ name: 'max-heap-growth', limit: opts.maxHeapGrowth.text, actual: `${formatBytes(perHour(actual))}/h`, passed: actual <= opts.maxHeapGrowth.perSecond });
  }
  if (opts.maxGoroutineGrowth !== null) {
    const actual = totalRate(a, 'goroutine');
    gates.push({ name: 'max-goroutine-growth', limit: opts.maxGoroutineGrowth.text, actual: `${formatCount(perHour(actual))}/h`, passed: actual <= opts.maxGoroutineGrowth.perSecond });
  }
  const failing = failingFindings(a, opts);
  // `suspect` (one snapshot, a known pattern with strong evidence) fails like a medium-confidence finding.
  const suspect = a.diagnosis.verdict === 'suspect' && opts.failOn !== 'high' && opts.baseline === null;
  if (suspect) {
    gates.push({ name: 'fail-on', limit: `no finding at ${opts.failOn} confidence or above (a suspect counts as medium)`, actual: 'suspect: a known leak pattern with strong single-snapshot evidence', passed: false });
    return gates;
  }
  gates.push({
    name: opts.baseline === null ? 'fail-on' : 'fail-on (new since baseline)',
    limit: `no ${opts.baseline === null ? '' : 'new '}finding at ${opts.failOn} confidence or above`,
    actual: failing.length === 0 ? 'none' : `${failing.length}: ${failing.map((f) => f.title).join('; ')}`,
    passed: failing.length === 0,
  });
  if (opts.requireResolved === true && opts.baseline !== null) {
    const persisting = compare(a, opts.baseline).persisting;
    gates.push({
      name: 'require-resolved',
      limit: 'every baseline finding resolved',
      actual: persisting.length === 0 ? `all ${opts.baseline.length} resolved` : `${persisting.length} persisting: ${persisting.map((p) => p.title).join('; ')}`,
      passed: persisting.length === 0,
    });
  }
  return gates;
}

const LEVELS: readonly Confidence[] = ['high', 'medium', 'low'];

/** Findings at or above --fail-on that the baseline did not already have. */
export function failingFindings(a: Analysis, opts: GateOptions): Finding[] {
  const limit = LEVELS.indexOf(opts.failOn);
  const known = new Set((opts.baseline ?? []).map(identity));
  return a.diagnosis.findings.filter((f) => LEVELS.indexOf(f.confidence) <= limit && !known.has(currentIdentity(a, f)));
}
