// Small pieces of the Markdown report: sparklines, fit quality in words, rates, tables, pprof commands.
// Pure functions of their arguments.

import type { Fit } from '../fit/index.js';
import { metricOf, type SeriesSet, type SnapshotInfo } from '../series/index.js';
import { formatBytes, formatCount, formatDuration, formatRate, formatSpan } from '../units.js';
import { exactRegex, mdCell, mdCode, shellWord } from './escape.js';

const BARS = '▁▂▃▄▅▆▇█';

/** One bar per snapshot, scaled between the series' own minimum and maximum. */
export function sparkline(values: ArrayLike<number>): string {
  const v = Array.from(values);
  const min = Math.min(...v);
  const max = Math.max(...v);
  if (max === min) return BARS[0].repeat(v.length);
  return v.map((x) => BARS[Math.min(BARS.length - 1, Math.floor(((x - min) / (max - min)) * BARS.length))]).join('');
}

export type Unit = 'bytes' | 'goroutines';

export function amount(n: number, unit: Unit): string {
  return unit === 'bytes' ? formatBytes(n) : formatCount(Math.round(n));
}

/** A rate stated per the span the window supports (units.ts formatRate): "+677/min" from an 80 s window. */
export function rate(perSecond: number, unit: Unit, windowSeconds: number): string {
  return formatRate(perSecond, unit === 'bytes' ? 'bytes' : 'count', windowSeconds);
}

/** The shape of a fit in plain words, for a table cell; the figures go to fitFigures. */
export function trendWords(f: Fit): string {
  switch (f.shape) {
    case 'growing':
      return f.r2 >= 0.9 ? 'grows steadily' : f.r2 >= 0.6 ? 'grows, with some scatter' : 'grows, but unevenly';
    case 'unknown':
      return 'changed; too few snapshots to call it a trend';
    case 'plateau':
      return 'grew, then levelled off';
    default:
      return f.shape;
  }
}

/** A p-value as a reader takes it: two significant digits, and "< 0.0001" below that. */
export function pValueText(p: number): string {
  return p < 0.0001 ? '< 0.0001' : String(Number(p.toPrecision(2)));
}

/** The figures behind trendWords, as cells: snapshots, span, Theil–Sen and least-squares rates, R², Mann–Kendall p. */
export function fitFigures(f: Fit, unit: Unit): string[] {
  return [
    String(f.n),
    formatSpan(f.duration),
    rate(f.robustSlope, unit, f.duration),
    rate(f.slope, unit, f.duration),
    f.r2.toFixed(2),
    f.trend === null ? '— (2 snapshots)' : pValueText(f.trend.pValue),
  ];
}

export const FIT_FIGURE_HEADER = ['snapshots', 'over', 'rate (Theil–Sen)', 'rate (least squares)', 'R²', 'Mann–Kendall p'] as const;

/**
 * A block a reader opens when wanted: the figures behind a table, the full inputs, the method. GitHub and most
 * Markdown viewers fold `<details>`; the blank lines around the body let Markdown inside it render.
 */
export function details(summary: string, body: readonly string[]): string[] {
  return ['<details>', `<summary>${summary}</summary>`, '', ...body, '', '</details>', ''];
}

/** A GFM table of cells that are already inline Markdown (text through mdText, names through code). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map(mdCell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A name from the input as inline code: safe whatever it holds (backticks, HTML, newlines, ESC). */
export const code = mdCode;

/** A pprof -focus/-list regex for a function name, as one shell word; null when no quoting makes it safe. */
export function pprofRegex(fn: string): string | null {
  return shellWord(exactRegex(fn), { quote: true });
}

/** A file name for a shell command, quoted when the shell would read it; null when no quoting makes it safe. */
export function shellPath(p: string): string | null {
  return shellWord(p, { path: true });
}

/** The first and last snapshot of a kind that the series used, by time. */
export function firstAndLast(
  inputs: readonly SnapshotInfo[],
  kind: 'heap' | 'goroutine' | 'goroutineleak',
): { first: SnapshotInfo; last: SnapshotInfo } | null {
  const used = inputs.filter((i) => i.setAside === null && i.kind === kind).sort((a, b) => a.timeMs - b.timeMs);
  return used.length === 0 ? null : { first: used[0], last: used[used.length - 1] };
}

export function span(seconds: number): string {
  return formatDuration(seconds);
}

/** Heap in use at the last heap snapshot, or 0 without heap snapshots. */
export function lastHeapInUse(series: SeriesSet): number {
  const total = metricOf(series.heap, 'inuse_space')?.total;
  return total === undefined ? 0 : total.data[total.n - 1];
}

/**
 * When the whole heap in use reaches `limit` at this finding's robust rate, from the last snapshot (0 if it
 * already has), and how far ahead the window supports a projection: no further than the window is long
 * (a straight line fitted over 80 s says nothing of the next day). Null unless the finding's heap is
 * growing (no projection from a trend the fit could not establish, e.g. two snapshots). One rule for the
 * report and the JSON.
 */
export function limitProjection(series: SeriesSet, heap: Fit, limit: number): { seconds: number; horizonSeconds: number } | null {
  if (heap.shape !== 'growing' || !(heap.robustSlope > 0)) return null;
  return { seconds: Math.max(0, Math.round((limit - lastHeapInUse(series)) / heap.robustSlope)), horizonSeconds: Math.round(heap.duration) };
}
