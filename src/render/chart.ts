// What the chart shows: for the top findings, their goroutine count and heap in use per snapshot, plus the
// whole profile's totals for scale.

import type { Analysis } from '../explain/index.js';
import { headline } from './markdown.js';
import type { ChartInput, ChartLine } from './svg.js';
import { metricOf, type KindSeries } from '../series/index.js';
import type { Finding } from '../diagnose/index.js';

/** Findings drawn; the rest are in the report's table. */
const TOP = 3;

export function chartInput(a: Analysis): ChartInput {
  const { series, diagnosis: d } = a;
  const lines: ChartLine[] = [];
  d.findings.slice(0, TOP).forEach((f, i) => {
    const label = `#${i + 1} ${lineLabel(a, f, i)}`;
    if (f.goroutines !== null && series.goroutine !== null) {
      lines.push({ label, group: `#${i + 1}`, unit: 'goroutines', timesMs: series.goroutine.timesMs, values: Array.from(f.goroutines.values) });
    }
    if (f.heap !== null && series.heap !== null) {
      lines.push({ label, group: `#${i + 1}`, unit: 'bytes', timesMs: series.heap.timesMs, values: Array.from(f.heap.values) });
    }
  });
  const total = (k: KindSeries | null, unit: ChartLine['unit'], label: string): ChartLine | undefined =>
    k === null
      ? undefined
      : { label, unit, timesMs: k.timesMs, values: Array.from((metricOf(k, unit === 'bytes' ? 'inuse_space' : 'goroutine') ?? k.metrics[0]).total.data) };
  return {
    // The accessible name (the SVG's <title>); nothing of it is drawn, the report's heading says it.
    title: `Heap in use and goroutines over time: ${headline(a)}`,
    lines,
    totalHeap: total(series.heap, 'bytes', 'whole heap in use'),
    totalGoroutines: total(series.goroutine, 'goroutines', 'all goroutines'),
  };
}

/**
 * A line is named by what to fix, so findings that share a title ("Heap growing without bound") tell apart:
 * the culprit (marked when only a candidate), else the finding's leading heap site, with the title beside it.
 */
function lineLabel(a: Analysis, f: Finding, i: number): string {
  const e = a.explained.findings[i];
  if (e.culprit !== null) return `${e.culprit}${e.culpritIsCandidate ? ' (candidate)' : ''}: ${e.title}`;
  const stack = f.heap?.stacks[0];
  const leaf = stack === undefined ? undefined : a.series.stacks[stack].frames[0];
  return leaf === undefined ? e.title : `${e.title} at ${a.series.frames[leaf].function}`;
}
