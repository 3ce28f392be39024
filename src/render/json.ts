// The JSON result, schema version 1 (DESIGN.md section 5): the stable core fields, plus evidence fields that
// may be added to but are never renamed. A pure function of the analysis; numbers rounded so reruns match.

import { triageJson } from './triage.js';
import type { Fit } from '../fit/index.js';
import type { Analysis } from '../explain/index.js';
import type { Finding, Step } from '../diagnose/index.js';
import type { ExplainedFinding } from '../explain/index.js';
import type { SeriesSet } from '../series/index.js';
import type { SourceView } from '../source/index.js';
import type { IgnoreRule } from '../gates.js';
import { formatTime, perHour } from '../units.js';
import { limitProjection } from './parts.js';
import { ownershipSentence } from './ownership.js';

export interface JsonOptions {
  /** Memory limit in bytes for the time-to-limit projection, or null. */
  readonly limitBytes: number | null;
  /** Findings the config file accepts: listed with `ignored: {rule, reason}`, null on the others. */
  readonly ignored?: ReadonlyMap<Finding, IgnoreRule>;
}

const round = (n: number, digits: number): number => Number(n.toFixed(digits));
const sig = (n: number): number => Number(n.toPrecision(4));

function fitJson(f: Fit): Record<string, unknown> {
  return {
    first: round(f.first, 0),
    last: round(f.last, 0),
    perHour: round(perHour(f.robustSlope), 1),
    r2: round(f.r2, 4),
    pValue: f.trend === null ? null : sig(f.trend.pValue),
    shape: f.shape,
    snapshots: f.n,
  };
}

/** The culprit's source with per-line figures (`--source`); see SourceView for what each field means. */
function sourceJson(v: SourceView | null): Record<string, unknown> | null {
  if (v === null) return null;
  return {
    function: v.function,
    profileFile: v.profileFile,
    file: v.file,
    via: v.via,
    startLine: v.startLine,
    endLine: v.endLine,
    metrics: v.metrics,
    markedLine: v.markedLine,
    markedAs: v.markedAs,
    callee: v.callee,
    lines: v.lines.map((l) => ({ line: l.line, text: l.text, first: l.first, last: l.last, marked: l.marked })),
    stale: v.stale,
    missing: v.missing,
  };
}

function ignoredJson(r: IgnoreRule | undefined): Record<string, unknown> | null {
  if (r === undefined) return null;
  return { ...(r.function !== null ? { function: r.function } : { signature: r.signature }), reason: r.reason };
}

/** A typed step with its frames named (ids mean nothing outside this run). */
function stepJson(series: SeriesSet, s: Step): Record<string, unknown> {
  const name = (id: number | null): string | null => (id === null ? null : series.frames[id].rawFunction);
  switch (s.kind) {
    case 'culprit':
      return { kind: s.kind, strategy: s.strategy, function: name(s.frame), entry: name(s.entry) };
    case 'candidates':
      return { kind: s.kind, count: s.count, entry: name(s.entry), pooled: s.pooled };
    case 'pooled-heap':
      return { kind: s.kind, poolFrame: name(s.poolFrame), caller: s.caller < 0 ? null : name(s.caller) };
    case 'kept-through':
      return {
        kind: s.kind,
        function: name(s.frame),
        caller: name(s.caller),
        keptBytes: s.keptBytes,
        otherCallers: s.otherCallers,
        otherAllocBytes: s.otherAllocBytes,
      };
    case 'retained-heap':
    case 'creator-heap':
      return { ...s, frame: undefined, function: name(s.frame) };
    case 'allocated-in-user-code':
      return { kind: s.kind, signature: s.signature, function: name(s.frame) };
    case 'no-user-frame':
      return {
        kind: s.kind,
        root: name(s.rootFrame),
        longLived: s.longLived.map((g) => ({ function: name(g.frame), goroutines: g.count })),
        longLivedCount: s.longLivedCount,
        ...(s.startedBy === undefined ? {} : { startedBy: { function: name(s.startedBy.frame), goroutines: s.startedBy.goroutines } }),
      };
    case 'go-version':
      return {
        kind: s.kind,
        signature: s.signature,
        caveat: s.caveat,
        certain: s.certain,
        goMin: s.min === null ? null : `1.${s.min}`,
        goMax: s.max === null ? null : `1.${s.max}`,
      };
    default:
      return { ...s };
  }
}

function unitJson(series: SeriesSet, f: Finding): Record<string, unknown> | null {
  const u = f.unit;
  if (u === null) return null;
  const root = (id: number): string => {
    const fr = series.stacks[id].frames;
    return series.frames[fr[fr.length - 1] ?? series.stacks[id].runtimeTop[0]]?.function ?? '?';
  };
  return {
    goroutinesPerObject: u.goroutinesPerObject,
    peerGoroutinesPerObject: u.peerGoroutinesPerObject,
    bytesPerObject: u.bytesPerObject === null ? null : round(u.bytesPerObject, 0),
    objectsOpen: u.objectsOpen,
    groups: u.groups.map((g) => ({ start: root(g.stack), perObject: g.perObject, peer: g.peer })),
  };
}

/**
 * secondsToLimit: when the heap reaches --limit, only within the horizon the window supports (as long ahead
 * as the window is long), else null; projectionHorizonSeconds says how far that is.
 */
function limitJson(series: SeriesSet, f: Finding, opts: JsonOptions): { secondsToLimit: number | null; projectionHorizonSeconds: number | null } {
  const p = opts.limitBytes === null || f.heap === null ? null : limitProjection(series, f.heap.fit, opts.limitBytes);
  return { secondsToLimit: p === null || p.seconds > p.horizonSeconds ? null : p.seconds, projectionHorizonSeconds: p === null ? null : p.horizonSeconds };
}

function findingJson(series: SeriesSet, f: Finding, e: ExplainedFinding, opts: JsonOptions, source: SourceView | null | undefined): Record<string, unknown> {
  return {
    rank: e.rank,
    kind: f.kind,
    signature: f.signature?.id ?? null,
    signatureCase: f.signature?.case ?? null,
    title: e.title,
    culprit: e.culprit,
    culpritStrategy: f.culprit?.strategy ?? null,
    culpritLocation: e.culpritAt === null ? null : { file: e.culpritAt.file, line: e.culpritAt.line },
    candidates: e.candidates,
    confidence: f.confidence,
    goroutines: f.goroutines === null ? null : fitJson(f.goroutines.fit),
    heap: f.heap === null ? null : { metric: 'inuse_space', ...fitJson(f.heap.fit) },
    bytesPerGoroutine: f.bytesPerGoroutine === null ? null : round(f.bytesPerGoroutine, 0),
    correlation: f.correlation === null ? null : round(f.correlation, 4),
    ...limitJson(series, f, opts),
    unit: unitJson(series, f),
    unitSummary: e.unit,
    fix: e.fix,
    whereToLook: e.whereToLook,
    evidence: e.evidence,
    steps: f.steps.map((s) => stepJson(series, s)),
    versions: f.signature?.versions ?? null,
    capturedOn: f.signature?.capturedOn ?? null,
    ignored: ignoredJson(opts.ignored?.get(f)),
    ...(source === undefined ? {} : { source: sourceJson(source) }),
  };
}

export function toJson(a: Analysis, opts: JsonOptions): Record<string, unknown> {
  const { series, diagnosis: d, explained: x } = a;
  const used = series.inputs.filter((i) => i.setAside === null);
  const times = used.map((i) => i.timeMs);
  return {
    schemaVersion: 1,
    verdict: d.verdict,
    summary: x.verdictSentence,
    reach: { ...d.reach, sentence: x.reach },
    window: {
      start: times.length === 0 ? null : formatTime(Math.min(...times)),
      end: times.length === 0 ? null : formatTime(Math.max(...times)),
      heapSnapshots: series.heap?.times.length ?? 0,
      goroutineSnapshots: series.goroutine?.times.length ?? 0,
      goroutineleakSnapshots: series.goroutineleak?.times.length ?? 0,
    },
    findings: d.findings.map((f, i) => findingJson(series, f, x.findings[i], opts, a.sources?.[i])),
    bounded: x.bounded.map((b) => ({ site: b.site, kind: b.kind, why: b.why })),
    triage: d.triage === null ? null : triageJson(a, d.triage),
    gates: [],
    warnings: series.warnings,
    inputs: series.inputs.map((i) => ({
      file: i.path,
      form: i.form,
      kind: i.kind,
      time: formatTime(i.timeMs),
      timeSource: i.timeSource,
      setAside: i.setAside,
      truncated: i.truncated,
    })),
    policy: { name: series.policy.name, rules: series.policy.rules },
    ownership: {
      modules: series.ownership.modules.map((m) => m.path),
      how: ownershipSentence(series.ownership, (s) => s),
      evidence: series.ownership.modules.map((m) => ({ module: m.path, how: m.how, mainFile: m.mainFile, root: m.root, witness: m.witness })),
      overridden: series.ownership.overridden,
      unknownPackages: series.ownership.unknownPackages,
    },
    goVersion: {
      min: series.goVersion.min === null ? null : `1.${series.goVersion.min}`,
      max: series.goVersion.max === null ? null : `1.${series.goVersion.max}`,
      conflict: series.goVersion.conflict,
      clues: series.goVersion.clues.map((c) => ({
        kind: c.kind,
        min: c.min === null ? null : `1.${c.min}`,
        max: c.max === null ? null : `1.${c.max}`,
        example: c.example,
      })),
    },
  };
}
