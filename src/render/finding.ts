// One finding's section of the Markdown report: growth in numbers and sparklines, fit quality, per-unit
// figures, projection, the chain of evidence, the evidence stacks with the user's frame marked, the matched
// pattern with its explanation and fix, and the go tool pprof commands that reproduce the evidence.

import type { Analysis } from '../explain/index.js';
import type { Finding } from '../diagnose/index.js';
import { FORMS } from '../forms.js';
import type { ExplainedFinding } from '../explain/index.js';
import { metricOf, row, type SeriesSet, type SnapshotInfo } from '../series/index.js';
import type { LineFigures, SourceView } from '../source/index.js';
import { formatBytes, formatCount, formatSpan } from '../units.js';
import { mdFence, mdText } from './escape.js';
import {
  amount,
  code,
  details,
  FIT_FIGURE_HEADER,
  firstAndLast,
  fitFigures,
  limitProjection,
  lastHeapInUse,
  pprofRegex,
  rate,
  shellPath,
  sparkline,
  table,
  trendWords,
  type Unit,
} from './parts.js';

export interface FindingOptions {
  readonly limitBytes: number | null;
}

/** Stacks shown per finding, per kind: enough to see the shape, short enough to read. */
const MAX_STACKS = 3;
/** Frames shown per stack; the rest is counted. */
const MAX_FRAMES = 14;

/** What kind of finding, as a reader says it (the JSON keeps the id). */
const KIND: Readonly<Record<Finding['kind'], string>> = { 'goroutine-leak': 'goroutines', 'heap-growth': 'heap', 'goroutine-and-heap': 'goroutines and heap' };

export function findingSection(a: Analysis, f: Finding, e: ExplainedFinding, opts: FindingOptions): string[] {
  const { series } = a;
  const culprit = f.culprit === null ? null : series.frames[f.culprit.frame];
  const out = [`## ${e.rank}. ${mdText(e.title)}`, ''];
  const at = e.culpritAt === null || e.culpritAt.file === '' ? '' : ` at ${code(`${e.culpritAt.file}:${e.culpritAt.line}`)}`;
  if (culprit !== null && !e.culpritIsCandidate) out.push(`**Fix here:** ${code(culprit.rawFunction)}${at}`, '');
  else if (culprit !== null)
    out.push(
      `**Fix here, most likely:** ${code(culprit.rawFunction)}${at}, ${e.candidates.length > 0 ? 'the leading candidate (below)' : 'a candidate (the chain of evidence says why)'}${e.whereToLook === null ? '' : `; look at ${e.whereToLook}`}.`,
      '',
    );
  else if (e.candidates.length > 0)
    out.push(
      `**Fix here:** not named: ${e.candidates.length} candidates (below), none singled out by the profiles${e.whereToLook === null ? '' : `; look at ${e.whereToLook}`}.`,
      '',
    );
  else if (e.longLived.length > 0)
    out.push(
      `**Fix here:** not named: no function of the service's own code is in the stacks that grow${e.whereToLook === null ? '.' : `; look at ${e.whereToLook}.`} The service's own long-lived goroutines, where a loop that makes them would run: ${e.longLived.map(code).join(', ')} (below).`,
      '',
    );
  else
    out.push(
      `**Fix here:** no function of the service's own code is in the stacks that grow${e.whereToLook === null ? '' : `; look at ${e.whereToLook}`}.`,
      '',
    );
  out.push(`**Confidence:** ${f.confidence} · **grows:** ${KIND[f.kind]}${f.signature === null ? '' : ` · **pattern:** ${code(f.signature.id)}`}`, '');
  out.push(...growthTable(f), '');
  if (e.unit !== null) out.push(`${capitalize(e.unit)}.`, '');
  out.push(...unitFigures(a, f, opts), '');
  out.push('### Chain of evidence', '', ...e.evidence.map((s, i) => `${i + 1}. ${mdText(s)}`), '');
  // A known pattern's fix is in its section below; without one, what to look for.
  if (f.signature === null) out.push(`**What to look for:** ${mdText(capitalize(e.fix))}.`, '');
  out.push(...candidatesSection(e), '');
  out.push(...evidenceStacks(series, f), '');
  const view = a.sources?.[a.diagnosis.findings.indexOf(f)] ?? null;
  if (view !== null) out.push(...sourceSection(view), '');
  // The pattern's provenance (library versions read) is for the pattern table and the JSON, not the reader.
  if (f.signature !== null) {
    out.push(
      `### Why it leaks: ${f.signature.title}`,
      '',
      f.signature.explanation,
      '',
      `**Fix:** ${f.signature.fix}`,
      '',
      '```go',
      f.signature.example.trimEnd(),
      '```',
      '',
    );
  }
  out.push(...reproduce(series, f), '');
  return out;
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function candidatesSection(e: ExplainedFinding): string[] {
  if (e.candidates.length === 0) return [];
  const rows = e.candidates.map((c, i) => [String(i + 1), code(c.function), code(c.entry), formatBytes(c.allocBytes), formatCount(c.allocObjects)]);
  return [
    '### Candidates',
    '',
    `Ranked by what each allocated through the entry point since the process started; ${e.candidateNote ?? ''}.`,
    '',
    table(['#', 'caller', 'calls', 'alloc_space', 'alloc_objects'], rows),
  ];
}

/** Growth in the reader's units, the trend in words; the fit's figures folded below. */
function growthTable(f: Finding): string[] {
  const rows: string[][] = [];
  const figures: string[][] = [];
  const add = (label: string, values: ArrayLike<number>, fit: NonNullable<Finding['heap']>['fit'], unit: Unit): void => {
    rows.push([label, amount(fit.first, unit), amount(fit.last, unit), rate(fit.robustSlope, unit, fit.duration), `${sparkline(values)} ${trendWords(fit)}`]);
    figures.push([label, ...fitFigures(fit, unit)]);
  };
  if (f.goroutines !== null) add('goroutines', f.goroutines.values, f.goroutines.fit, 'goroutines');
  if (f.heap !== null) add('heap in use', f.heap.values, f.heap.fit, 'bytes');
  const fits = [f.goroutines?.fit, f.heap?.fit].filter((x) => x !== undefined);
  const span = Math.max(...fits.map((x) => x.duration));
  const n = Math.max(...fits.map((x) => x.n));
  return [
    `Over the window (${formatSpan(span)}, ${n} snapshots):`,
    '',
    table(['', 'first', 'last', 'rate', 'trend'], rows),
    '',
    ...details('Fit figures', [
      table(['', ...FIT_FIGURE_HEADER], figures),
      '',
      'Rates are Theil–Sen slopes (robust to an outlier), stated per the longest span the window covers (at least three quarters of it); R² is of the least-squares line; Mann–Kendall p is the chance of a trend this consistent in a series that does not grow.',
    ]),
  ];
}

function unitFigures(a: Analysis, f: Finding, opts: FindingOptions): string[] {
  const out: string[] = [];
  if (f.bytesPerGoroutine !== null && f.goroutines !== null) {
    out.push(
      `Goroutines and heap move together${f.correlation === null ? '' : ` (r = ${f.correlation.toFixed(2)})`}: about **${formatBytes(f.bytesPerGoroutine)} of heap per leaked goroutine**.`,
    );
  }
  const p = opts.limitBytes === null || f.heap === null ? null : limitProjection(a.series, f.heap.fit, opts.limitBytes);
  if (opts.limitBytes !== null && p !== null) {
    const now = `the heap in use (${formatBytes(lastHeapInUse(a.series))} at the last snapshot)`;
    if (p.seconds === 0) out.push(`${capitalize(now)} has already reached the limit of ${formatBytes(opts.limitBytes)}.`);
    else if (p.seconds <= p.horizonSeconds)
      out.push(`At this rate ${now} reaches the limit of ${formatBytes(opts.limitBytes)} in about **${formatSpan(p.seconds)}**.`);
    else
      out.push(
        `At this rate ${now} does not reach the limit of ${formatBytes(opts.limitBytes)} within ${formatSpan(p.horizonSeconds)}, as far ahead as a ${formatSpan(p.horizonSeconds)} window supports a projection; a longer window projects further.`,
      );
  }
  return out;
}

/**
 * The stacks behind the finding: the one with the culprit (or the first) in the open, the others folded, so
 * one leak stays a screen or two.
 */
function evidenceStacks(series: SeriesSet, f: Finding): string[] {
  const culprit = f.culprit?.frame ?? -1;
  const blocks: { lines: string[]; hasCulprit: boolean }[] = [];
  const add = (id: number, heading: string): void => {
    blocks.push({ lines: stackBlock(series, id, culprit, heading), hasCulprit: series.stacks[id].frames.includes(culprit) });
  };
  for (const id of (f.goroutines?.groups ?? []).slice(0, MAX_STACKS)) add(id, groupHeading(series, id));
  const heap = [...(f.heap?.stacks ?? [])].slice(0, MAX_STACKS);
  if (f.culprit !== null && f.culprit.stackKind === 'heap' && !heap.includes(f.culprit.stack)) heap.push(f.culprit.stack);
  for (const id of heap) add(id, heapHeading(series, id));
  if (blocks.length === 0) return [];
  const open = blocks.find((b) => b.hasCulprit) ?? blocks[0];
  const rest = blocks.filter((b) => b !== open);
  const key = "Normalized call sites, leaf first; `▶` marks the service's own frames, `◀ fix here` the culprit.";
  const more =
    rest.length === 0
      ? []
      : details(
          `${rest.length} more evidence stack${rest.length === 1 ? '' : 's'}`,
          rest.flatMap((b) => b.lines),
        );
  return ['### Evidence stacks', '', key, '', ...open.lines, ...more];
}

function groupHeading(series: SeriesSet, id: number): string {
  const g = series.goroutine;
  const m = metricOf(g, 'goroutine');
  const v = m === null ? [0] : Array.from(row(m.byStack, id));
  const facts = g?.facts.get(id);
  const states =
    facts === undefined
      ? ''
      : ` [${facts.states.join(', ')}${facts.waitMinutesMax > 0 ? `, up to ${facts.waitMinutesMax} minute${facts.waitMinutesMax === 1 ? '' : 's'}` : ''}]`;
  const creator = facts !== undefined && facts.creator >= 0 ? `, created by ${series.frames[facts.creator].function}` : '';
  return `goroutines ${formatCount(v[0])} → ${formatCount(v[v.length - 1])}${states}${creator}`;
}

function heapHeading(series: SeriesSet, id: number): string {
  const h = series.heap;
  const m = metricOf(h, 'inuse_space');
  const v = m === null ? [0] : Array.from(row(m.byStack, id));
  return `heap in use ${formatBytes(v[0])} → ${formatBytes(v[v.length - 1])}`;
}

function stackBlock(series: SeriesSet, id: number, culprit: number, heading: string): string[] {
  const s = series.stacks[id];
  // Each frame at its line in this stack (a frame's own line is where it was first seen, in any stack).
  const loc = (fr: number, line: number): string => (series.frames[fr].file === '' ? '' : `  ${series.frames[fr].file}:${line}`);
  const at = series.stackLines.of(s);
  const lines = s.runtimeTop.map((fr, k) => `  ${series.frames[fr].function}${loc(fr, at.top[k])}`);
  s.frames.slice(0, MAX_FRAMES).forEach((fr, k) => {
    const frame = series.frames[fr];
    const mark = frame.origin === 'user' ? '▶ ' : '  ';
    lines.push(`${mark}${frame.function}${loc(fr, at.site[k])}${fr === culprit ? '  ◀ fix here' : ''}`);
  });
  if (s.frames.length > MAX_FRAMES) lines.push(`  … ${s.frames.length - MAX_FRAMES} more frames`);
  return [`${mdText(heading)}:`, '', ...mdFence('text', lines), ''];
}

/** Per-line columns of the source view: heading and figure, in pprof's manner ('.' for nothing). */
const SOURCE_COLUMNS: Readonly<Record<SourceView['metrics'][number], { name: string; format: (n: number) => string }>> = {
  inuse_space: { name: 'bytes', format: formatBytes },
  inuse_objects: { name: 'objects', format: formatCount },
  goroutine: { name: 'goroutines', format: formatCount },
};

const MARKED_AS: Readonly<Record<NonNullable<SourceView['markedAs']>, (callee: string | null) => string>> = {
  call: (callee) => (callee === null ? "where it calls out of the service's own code" : `the call into ${code(callee)}`),
  wait: () => 'where the leaking goroutines wait',
  growth: () => 'the line whose heap grew most',
};

/**
 * The culprit's function as it is in the user's checkout, each line with what was in use under it at the
 * first and last snapshot and the growth, the call-out line marked; or why it is not shown.
 */
function sourceSection(v: SourceView): string[] {
  const out = ['### Source', ''];
  if (v.missing !== null) return [...out, `The source of ${code(v.function)} was not found: ${mdText(v.missing)}.`];
  if (v.stale !== null)
    return [...out, `${code(v.file ?? v.profileFile)} is not shown: ${mdText(v.stale)}. Check out the revision that was built and run again.`];
  const call = v.markedLine === 0 ? '' : ` \`▶\` marks line ${v.markedLine}, ${MARKED_AS[v.markedAs ?? 'growth'](v.callee)}.`;
  out.push(
    `${code(v.function)} in ${code(v.file ?? '')}${v.via === 'module-cache' ? ' (the Go module cache)' : ''}, lines ${v.startLine}–${v.endLine}. ${sourceFigures(v)}${call}`,
    '',
  );
  const header: string[] = [];
  for (const m of v.metrics) header.push(`${SOURCE_COLUMNS[m].name} first`, 'last', ...(m === 'goroutine' ? [] : ['growth']));
  const rows: string[][] = [];
  let previous = 0;
  for (const l of v.lines) {
    if (previous > 0 && l.line > previous + 1) rows.push([...header.map(() => ''), '', '…', '']);
    previous = l.line;
    rows.push([...v.metrics.flatMap((m) => figureCells(m, l.first, l.last)), l.marked ? '▶' : '', String(l.line), l.text.replace(/\t/g, '    ')]);
  }
  return [...out, ...mdFence('text', alignColumns([...header, '', '', ''], rows))];
}

function sourceFigures(v: SourceView): string {
  const heap = v.metrics.includes('inuse_space')
    ? 'the heap in use under each line (bytes and objects, cumulative as `go tool pprof -list` counts them) at the first and the last heap snapshot, and its growth'
    : null;
  const goroutines = v.metrics.includes('goroutine') ? 'the goroutines running through it at the first and the last goroutine snapshot' : null;
  const parts = [heap, goroutines].filter((p) => p !== null);
  return parts.length === 0 ? 'No sample of the window passed through these lines.' : `Figures: ${parts.join('; ')}.`;
}

function figureCells(m: SourceView['metrics'][number], first: LineFigures | null, last: LineFigures | null): string[] {
  const f = first?.[m] ?? 0;
  const l = last?.[m] ?? 0;
  const show = (n: number): string => (n === 0 ? '.' : SOURCE_COLUMNS[m].format(n));
  const growth = l - f === 0 ? '.' : `${l > f ? '+' : ''}${SOURCE_COLUMNS[m].format(l - f)}`;
  return m === 'goroutine' ? [show(f), show(l)] : [show(f), show(l), growth];
}

/** Figures right-aligned under their headings; the last column (the source text) as it is. */
function alignColumns(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** Commands that show the same evidence with go tool pprof, on files it can read (not debug=2 dumps). */
function reproduce(series: SeriesSet, f: Finding): string[] {
  const cmds: (string | null)[] = [];
  const heap = firstAndLast(readable(series.inputs), 'heap');
  const goroutine = firstAndLast(readable(series.inputs), 'goroutine');
  const culprit = f.culprit === null ? null : series.frames[f.culprit.frame].function;
  if (heap !== null && f.heap !== null) {
    cmds.push(pprof('-top -diff_base', shellPath(heap.first.path), shellPath(heap.last.path)));
    if (culprit !== null) cmds.push(pprof('-list', pprofRegex(culprit), shellPath(heap.last.path)));
    cmds.push(pprof('-traces -focus', pprofRegex(series.frames[series.stacks[f.heap.stacks[0]].frames[0]].function), shellPath(heap.last.path)));
  }
  if (goroutine !== null && f.goroutines !== null) {
    cmds.push(pprof('-top -diff_base', shellPath(goroutine.first.path), shellPath(goroutine.last.path)));
    const root = series.stacks[f.goroutines.groups[0]].frames;
    cmds.push(pprof('-traces -focus', pprofRegex(series.frames[root[root.length - 1]].function), shellPath(goroutine.last.path)));
  }
  const shown = cmds.filter((c): c is string => c !== null);
  const left = cmds.length - shown.length;
  const note =
    left === 0
      ? []
      : [
          '',
          `${left} command${left === 1 ? ' is' : 's are'} left out: a file or function name in ${left === 1 ? 'it' : 'them'} holds control characters, which no shell quoting makes safe to paste.`,
        ];
  return cmds.length === 0 ? [] : ['### Reproduce with go tool pprof', '', ...(shown.length === 0 ? [] : mdFence('sh', shown)), ...note];
}

/** One command line, every word already quoted for sh; null when one of them could not be. */
function pprof(flags: string, ...words: (string | null)[]): string | null {
  return words.some((w) => w === null) ? null : `go tool pprof ${flags} ${words.join(' ')}`;
}

/**
 * go tool pprof reads protobuf and the debug=1 text forms, not debug=2 dumps: where the series used a dump,
 * the protobuf or debug=1 capture of the same moment stands in for it.
 */
function readable(inputs: readonly SnapshotInfo[]): SnapshotInfo[] {
  const out: SnapshotInfo[] = [];
  for (const used of inputs.filter((i) => i.setAside === null)) {
    if (FORMS[used.form].pprofReads) {
      out.push(used);
      continue;
    }
    const twins = inputs.filter((i) => i.sameMomentAs === used.path && FORMS[i.form].pprofReads);
    const twin = twins.find((i) => i.form === 'pprof') ?? twins[0];
    if (twin !== undefined) out.push({ ...twin, setAside: null });
  }
  return out;
}
