// Small pieces of the Markdown report: sparklines, fit quality in words, rates, tables, pprof commands.
// Pure functions of their arguments.

import type { Fit } from '../fit.js';
import { perHour } from '../fit.js';
import { metricOf, type SeriesSet, type SnapshotInfo } from '../series.js';
import { formatBytes, formatCount, formatDuration } from '../units.js';
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

export function rate(perSecond: number, unit: Unit, per: 'hour' | 'day'): string {
  const v = per === 'hour' ? perHour(perSecond) : perHour(perSecond) * 24;
  return `${v >= 0 ? '+' : ''}${amount(v, unit)}/${per === 'hour' ? 'h' : 'day'}`;
}

/** Fit quality in plain words, then the figures. */
export function quality(f: Fit): string {
  const words =
    f.shape === 'growing'
      ? f.r2 >= 0.9
        ? 'grows steadily, close to a straight line'
        : f.r2 >= 0.6
          ? 'grows, with some scatter around the trend'
          : 'grows, but unevenly'
      : f.shape === 'unknown'
        ? 'changed, but too few snapshots to call it a trend'
        : `${f.shape}`;
  const p = f.trend === null ? 'no trend test with 2 snapshots' : `Mann–Kendall p = ${f.trend.pValue.toPrecision(2)}`;
  return `${words} (R² ${f.r2.toFixed(2)}, ${p}, ${f.n} snapshots)`;
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
export function firstAndLast(inputs: readonly SnapshotInfo[], kind: 'heap' | 'goroutine' | 'goroutineleak'): { first: SnapshotInfo; last: SnapshotInfo } | null {
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
 * Seconds from the last snapshot until the whole heap in use reaches `limit` at this finding's robust rate;
 * 0 if it already has; null unless the finding's heap is growing (no projection from a trend the fit could
 * not establish, e.g. two snapshots). One rule for the report and the JSON.
 */
export function secondsToLimit(series: SeriesSet, heap: Fit, limit: number): number | null {
  if (heap.shape !== 'growing' || !(heap.robustSlope > 0)) return null;
  return Math.max(0, Math.round((limit - lastHeapInUse(series)) / heap.robustSlope));
}
