// The culprit's source with its per-line figures, as data: what `go tool pprof -list` shows for the function,
// at the first and the last snapshot of the window, with the line that calls out of it marked. A file that
// no longer fits the profile is reported as stale and not shown: wrong lines shown with confidence would be
// worse than none.

import type { Finding } from '../diagnose/index.js';
import type { SiteFrame } from '../normalize/index.js';
import { row, type KindSeries, type SeriesSet } from '../series/index.js';
import { callsAt, declarationAround, declares, goName } from './go.js';

/** A line's figures at one snapshot: in-use bytes and objects (heap) and goroutines, as the view has them. */
export interface LineFigures {
  readonly inuse_space?: number;
  readonly inuse_objects?: number;
  readonly goroutine?: number;
}

export interface SourceLine {
  readonly line: number;
  readonly text: string;
  /** Figures at the first and last snapshot; null when no sample in the window passed through the line. */
  readonly first: LineFigures | null;
  readonly last: LineFigures | null;
  /** The line where the culprit calls out: into the library, or where its leaked goroutines wait. */
  readonly marked: boolean;
}

export interface SourceView {
  /** The culprit as the profile spells it. */
  readonly function: string;
  /** The file as the profile names it (normalized). */
  readonly profileFile: string;
  /** The file found for it on this machine, or null. */
  readonly file: string | null;
  readonly via: 'source' | 'module-cache' | null;
  /** First and last line shown (the declaration and its closing brace); 0 when nothing is shown. */
  readonly startLine: number;
  readonly endLine: number;
  /** The lines shown, in order; a gap in line numbers is an elided stretch without samples. */
  readonly lines: readonly SourceLine[];
  /** Which figures the lines carry. */
  readonly metrics: readonly ('inuse_space' | 'inuse_objects' | 'goroutine')[];
  /** The marked line, or 0. */
  readonly markedLine: number;
  /**
   * Why it is marked: it calls out of the service's code (into `callee`), the leaked goroutines wait there,
   * or (the culprit allocating itself) its heap grew most.
   */
  readonly markedAs: 'call' | 'wait' | 'growth' | null;
  /** What the marked line calls, when that is a named function (`google.golang.org/grpc.DialContext`). */
  readonly callee: string | null;
  /** Why the file is not shown although it was found: it does not match the profile. */
  readonly stale: string | null;
  /** Why no file was found. */
  readonly missing: string | null;
}

/** A function longer than this shows only the lines near its profiled ones (and its first and last line). */
const MAX_LINES = 60;
/** Lines kept around each profiled line in a long function. */
const CONTEXT = 4;

/** A file found for the culprit, with its text (null when it could not be read, with the reason). */
export interface SourceFile {
  readonly path: string;
  readonly via: 'source' | 'module-cache';
  readonly text: string | null;
  readonly error: string | null;
}

/** The culprit's view: `found` is where its file is (null: not found, with `missing` saying where we looked). */
export function sourceView(series: SeriesSet, f: Finding, found: SourceFile | null, missing: string): SourceView | null {
  if (f.culprit === null) return null;
  const frame = series.frames[f.culprit.frame];
  const figures = lineFigures(series, frame, f.culprit.stackKind);
  const call = callOut(series, f);
  const marked = call.markedAs === null ? busiest(figures, f.culprit.stackKind) : call.line;
  const markedAs: SourceView['markedAs'] = call.markedAs ?? (marked > 0 ? 'growth' : null);
  const base = {
    function: frame.rawFunction,
    profileFile: frame.file,
    file: found?.path ?? null,
    via: found?.via ?? null,
    metrics: figures.metrics,
    markedLine: marked,
    markedAs,
    callee: call.callee,
  };
  const none = { startLine: 0, endLine: 0, lines: [] };
  if (found === null) return { ...base, ...none, stale: null, missing };
  if (found.text === null) return { ...base, ...none, stale: null, missing: found.error };
  const text = found.text.split(/\r?\n/);
  if (text.length > 0 && text[text.length - 1] === '') text.pop();
  const profiled = [...new Set([...figures.byLine.keys(), ...(marked > 0 ? [marked] : [])])].sort((a, b) => a - b);
  const check = placeFunction(text, profiled, frame, call.callee, marked);
  if ('stale' in check) return { ...base, ...none, stale: `source is newer than the profile: ${check.stale}`, missing: null };
  const shown = shownLines(check.start, check.end, profiled);
  const lines = shown.map((n) => ({ line: n, text: text[n - 1], ...(figures.byLine.get(n) ?? { first: null, last: null }), marked: n === marked }));
  return { ...base, startLine: check.start, endLine: check.end, lines, stale: null, missing: null };
}

interface Figures {
  readonly metrics: SourceView['metrics'];
  readonly byLine: ReadonlyMap<number, { first: LineFigures; last: LineFigures }>;
}

/**
 * Per-line figures of the culprit and its closures (Go compiles a closure into a function of its own, but
 * its lines are inside the enclosing declaration, which is what is shown): heap in use at the first and last
 * heap snapshot; goroutine counts when the leak is the culprit's own goroutines.
 */
function lineFigures(series: SeriesSet, culprit: SiteFrame, kind: 'goroutine' | 'heap'): Figures {
  const family = enclosing(culprit.function);
  const kinds: KindSeries[] = [];
  if (series.heap !== null) kinds.push(series.heap);
  if (series.goroutine !== null && kind === 'goroutine') kinds.push(series.goroutine);
  const byLine = new Map<number, { first: Record<string, number>; last: Record<string, number> }>();
  const metrics = new Set<SourceView['metrics'][number]>();
  for (const site of series.lines) {
    const fr = series.frames[site.frame];
    if (fr.file !== culprit.file || enclosing(fr.function) !== family) continue;
    for (const k of kinds) {
      for (const m of k.metrics) {
        const v = row(m.byLine, site.id);
        if (v.every((x) => x === 0)) continue;
        metrics.add(m.metric as SourceView['metrics'][number]);
        const at = byLine.get(site.line) ?? { first: {}, last: {} };
        at.first[m.metric] = (at.first[m.metric] ?? 0) + v[0];
        at.last[m.metric] = (at.last[m.metric] ?? 0) + v[v.length - 1];
        byLine.set(site.line, at);
      }
    }
  }
  const order = (['inuse_space', 'inuse_objects', 'goroutine'] as const).filter((m) => metrics.has(m));
  for (const at of byLine.values()) for (const m of order) for (const fig of [at.first, at.last]) fig[m] ??= 0;
  return { metrics: order, byLine };
}

/** The declared function a (normalized) function name belongs to: closures fold into their encloser. */
function enclosing(fn: string): string {
  return fn.replace(/(\.(func|gowrap|deferwrap)\d*|\.\d+)+$/, '');
}

/**
 * Where the culprit calls out in the stack that shows it best: the line its frame had there (kept per call
 * site for the leaf-most frame of the service's own code, which the culprit is) and what it calls; for a
 * goroutine stack, where they wait. A heap culprit that allocates itself calls nothing: its line is chosen
 * by growth instead, since its stack is one of several.
 */
function callOut(series: SeriesSet, f: Finding): { line: number; callee: string | null; markedAs: 'call' | 'wait' | null } {
  const none = { line: 0, callee: null, markedAs: null };
  const c = f.culprit;
  if (c === null) return none;
  const stack = series.stacks[c.stack];
  const at = stack.frames.findIndex((id) => series.frames[id].origin === 'user');
  if (at < 0 || stack.frames[at] !== c.frame || stack.userLine === 0) return none;
  if (c.stackKind === 'goroutine') return { line: stack.userLine, callee: null, markedAs: 'wait' };
  if (at === 0) return none;
  const callee = series.frames[stack.frames[at - 1]];
  return { line: stack.userLine, callee: callee.runtime || goName(callee.rawFunction).closure ? null : callee.function, markedAs: 'call' };
}

/** Without a call-out line, the line that grew most in what the finding is about. */
function busiest(figures: Figures, kind: 'goroutine' | 'heap'): number {
  const metric = kind === 'goroutine' && figures.metrics.includes('goroutine') ? 'goroutine' : 'inuse_space';
  let best = 0;
  let growth = 0;
  for (const [line, { first, last }] of figures.byLine) {
    const g = (last[metric] ?? 0) - (first[metric] ?? 0);
    if (g > growth) [best, growth] = [line, g];
  }
  return best;
}

/**
 * The declaration that holds the profiled lines, checked against the profile: every profiled line inside
 * the file and inside the declaration, the declaration naming the culprit, and the call-out line calling
 * what the profile says it calls.
 */
function placeFunction(
  text: readonly string[],
  profiled: readonly number[],
  frame: SiteFrame,
  callee: string | null,
  marked: number,
): { start: number; end: number } | { stale: string } {
  const name = goName(frame.rawFunction);
  const shown = name.receiver === null ? name.name : `(${name.receiver}).${name.name}`;
  if (profiled.length === 0) return { stale: `the profile has no line of ${frame.rawFunction}` };
  const last = profiled[profiled.length - 1];
  if (last > text.length) return { stale: `the file has ${text.length} lines, the profile has ${frame.rawFunction} at line ${last}` };
  const decl = declarationAround(text, profiled[0]);
  if (decl === null || !declares(text[decl.start - 1], name)) {
    const found = decl === null ? 'outside any function' : `in \`${text[decl.start - 1].trim()}\``;
    return { stale: `line ${profiled[0]} is ${found}, but the profile has ${frame.rawFunction} there` };
  }
  if (last > decl.end) return { stale: `line ${last} is past the end of ${shown} (line ${decl.end}), but the profile has ${frame.rawFunction} there` };
  const idle = profiled.find((n) => /^\s*(\/\/.*)?$/.test(text[n - 1]));
  if (idle !== undefined)
    return { stale: `line ${idle} is ${text[idle - 1].trim() === '' ? 'blank' : 'a comment'}, but the profile has ${frame.rawFunction} running there` };
  if (callee !== null && !callsAt(text, marked, goName(callee).name)) return { stale: `line ${marked} does not call ${callee}, as the profile says it does` };
  return decl;
}

/** The declaration's lines; in a long one, only its first and last line and those near profiled lines. */
function shownLines(start: number, end: number, profiled: readonly number[]): number[] {
  const all = Array.from({ length: end - start + 1 }, (_, i) => start + i);
  if (all.length <= MAX_LINES) return all;
  return all.filter((n) => n === start || n === end || profiled.some((p) => Math.abs(p - n) <= CONTEXT));
}
