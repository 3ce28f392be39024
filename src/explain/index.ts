// The explain step (pprof's TextItems idea): the typed diagnosis turned into rows and sentences once, shared
// by the Markdown report, the terminal view and the JSON result. Render only lays these out.

import type { Culprit, Diagnosis, Finding } from '../diagnose/model.js';
import type { FitSet } from '../fit/all.js';
import { packageOf } from '../normalize/names.js';
import type { SeriesSet } from '../series/index.js';
import type { SourceView } from '../source/index.js';
import { boundedSentence, candidateRow, reachSentence, SETTLE_CANDIDATES, stepSentence, unitSentence } from './steps.js';

export interface ExplainedFinding {
  readonly rank: number;
  readonly title: string;
  /** The culprit as the profile spells it, or null. */
  readonly culprit: string | null;
  /** True when the culprit is only the leading candidate (see candidates). */
  readonly culpritIsCandidate: boolean;
  /**
   * Where the culprit is: its file (normalized, and as the profile spells it) and its line in the call site
   * that shows it, where it calls on towards the leak; a function's own line is only where it was first seen.
   */
  readonly culpritAt: { readonly file: string; readonly rawFile: string; readonly line: number } | null;
  readonly fix: string;
  /** Where to look when no function of the service's own is named; null when one is. */
  readonly whereToLook: string | null;
  /**
   * Without a culprit or candidates: the service's own long-lived goroutines (functions as the profile spells
   * them), where a loop making the leaked objects would run; empty otherwise.
   */
  readonly longLived: readonly string[];
  readonly evidence: readonly string[];
  /** What one leaked object keeps, or null. */
  readonly unit: string | null;
  readonly candidates: readonly { function: string; entry: string; allocBytes: number; allocObjects: number }[];
  /** Why the candidates are candidates and what would settle it; null without candidates. */
  readonly candidateNote: string | null;
}

export interface Explained {
  readonly verdictSentence: string;
  /** What the window could have seen, or what to capture next. */
  readonly reach: string;
  readonly findings: readonly ExplainedFinding[];
  readonly bounded: readonly { readonly site: string; readonly kind: 'heap' | 'goroutine'; readonly why: string }[];
}

/** What the pipeline gives every output: the series, the diagnosis and its sentences (what `analyze` returns). */
export interface Analysis {
  readonly series: SeriesSet;
  readonly diagnosis: Diagnosis;
  /** The diagnosis in rows and sentences, made once for every output. */
  readonly explained: Explained;
  /** Every fit the diagnosis was made from (gates and comparisons read the whole profile's rate here). */
  readonly fits: FitSet;
  /** With `--source`: per finding (same order), the culprit's source with per-line figures; null without a culprit. */
  readonly sources?: readonly (SourceView | null)[];
}

/** What a signature's leaked object is called in the per-object sentence. */
const OBJECT: Readonly<Record<string, string>> = {
  'grpc-clientconn-unclosed': 'ClientConn',
  'http-response-body-unclosed': 'HTTP connection',
  'sql-rows-unclosed': 'Rows',
  'k8s-informer-unstopped': 'informer',
};

export function titleOf(f: Finding): string {
  if (f.signature !== null) return f.signature.title;
  return f.goroutines !== null ? `goroutines growing: ${f.goroutines.unitKey}` : 'Heap growing without bound';
}

export function explain(series: SeriesSet, d: Diagnosis): Explained {
  const findings = d.findings.map((f, i) => explainFinding(series, f, i + 1));
  return {
    verdictSentence: verdictSentence(d, findings),
    reach: reachSentence(d.reach),
    findings,
    bounded: d.bounded.map((b) => ({ site: b.site, kind: b.kind, why: boundedSentence(b) })),
  };
}

function explainFinding(series: SeriesSet, f: Finding, rank: number): ExplainedFinding {
  const culprit = f.culprit === null ? null : series.frames[f.culprit.frame].rawFunction;
  const frame = f.culprit === null ? null : series.frames[f.culprit.frame];
  const candidate = f.culprit?.strategy === 'alloc-candidate' || f.culprit?.strategy === 'client-dial' || f.culprit?.strategy === 'object-goroutine';
  const generic =
    frame === null
      ? (libraryGoroutinesFix(series, f) ?? 'find what keeps these objects or goroutines alive and release them')
      : f.culprit?.strategy === 'heap-frame' && f.goroutines === null
        ? heapFix(series, f.culprit)
        : `find what in ${frame.function} keeps these objects or goroutines alive and release them`;
  return {
    rank,
    title: titleOf(f),
    culprit,
    culpritIsCandidate: candidate,
    culpritAt: culpritAt(series, f.culprit),
    fix: f.signature?.fix ?? generic,
    whereToLook: f.culprit === null || candidate ? (f.signature?.whereToLook ?? null) : null,
    longLived: f.steps.flatMap((s) => (s.kind === 'no-user-frame' ? s.longLived.map((g) => series.frames[g.frame].rawFunction) : [])),
    evidence: f.steps.map((s) => stepSentence(series, s)),
    unit: f.unit === null ? null : unitSentence(f.unit, OBJECT[f.signature?.id ?? ''] ?? 'object'),
    candidates: f.candidates.map((c) => candidateRow(series, c)),
    candidateNote: f.candidates.length > 0 ? SETTLE_CANDIDATES : null,
  };
}

/**
 * Goroutines a library started and runs for something the service made (database/sql's (*Tx).awaitDone for
 * a transaction, created by (*DB).beginDC), with no pattern and none of the service's code on their stacks:
 * they live as long as that thing, so the fix is in the service's calls that made it. Null when the leaking
 * goroutines start in the service's own code.
 */
function libraryGoroutinesFix(series: SeriesSet, f: Finding): string | null {
  if (f.signature !== null || f.goroutines === null) return null;
  const step = f.steps.find((s) => s.kind === 'no-user-frame');
  if (step === undefined || step.kind !== 'no-user-frame' || step.rootFrame === null) return null;
  const root = series.frames[step.rootFrame];
  if (root.origin === 'user' || root.runtime) return null;
  const pkg = packageOf(root.function);
  const creators = [
    ...new Set(
      f.goroutines.groups.flatMap((g) => {
        const c = series.goroutine?.facts.get(g)?.creator ?? -1;
        return c < 0 ? [] : [series.frames[c].function];
      }),
    ),
  ];
  const made = creators.length === 0 ? '' : `, created by ${creators.join(', ')}`;
  const where = creators.length === 0 ? 'a goroutine?debug=2 dump names the function that starts them' : `the calls that reach ${creators[0]}`;
  return `these goroutines are ${pkg}'s own (${root.function}${made}) and last as long as what they serve: find the service's calls into ${pkg} that make it (${where}) and close, stop, cancel or finish what they return on every path, error returns included`;
}

/**
 * A heap profile says where the growing memory was allocated, not what keeps it reachable: without a pattern,
 * the fix is wherever the culprit's allocations are kept past their use, which may be another function.
 */
function heapFix(series: SeriesSet, c: Culprit): string {
  const name = series.frames[c.frame].function;
  const leaf = series.stacks[c.stack]?.frames[0];
  const through = leaf === undefined || leaf === c.frame ? '' : ` (here through ${series.frames[leaf].function})`;
  return (
    `a heap profile shows where memory was allocated, not what keeps it: find where what ${name} allocates${through} is kept ` +
    'after it is used (a map, cache, slice or channel that outlives the request, or a subslice of it, which keeps the whole array) ' +
    'and bound it, copy out what is needed, or release it'
  );
}

function culpritAt(series: SeriesSet, c: Culprit | null): ExplainedFinding['culpritAt'] {
  if (c === null) return null;
  const frame = series.frames[c.frame];
  const stack = series.stacks[c.stack];
  // Not in the stack when the culprit is a goroutine's creator: then its first line seen, the `go` statement's
  // when a dump's `created by` line named the function before any stack did.
  const k = stack === undefined ? -1 : stack.frames.indexOf(c.frame);
  return { file: frame.file, rawFile: frame.rawFile, line: k >= 0 ? series.stackLines.of(stack).site[k] : frame.line };
}

function verdictSentence(d: Diagnosis, findings: readonly ExplainedFinding[]): string {
  const top = findings[0];
  if (d.verdict === 'leak' && top !== undefined) return top.title;
  if (d.verdict === 'no-leak') {
    const bounded =
      d.bounded.length === 0
        ? ''
        : `; ${d.bounded.length === 1 ? 'one site' : `${d.bounded.length} sites`} grew and then levelled off (bounded, like a warming cache)`;
    return `nothing grows without bound: ${reachSentence(d.reach)}${bounded}`;
  }
  if (d.reach.kind !== 'could-see') return reachSentence(d.reach);
  return 'growth was seen, but not steady or strong enough to call it a leak';
}
