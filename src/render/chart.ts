// What the chart shows: for the top findings, their goroutine count and heap in use per snapshot, plus the
// whole profile's totals for scale.

import type { Analysis } from '../commands/analyze.js';
import { headline } from './markdown.js';
import type { ChartInput, ChartLine } from './svg.js';
import { metricOf, type KindSeries } from '../series.js';

/** Findings drawn; the rest are in the report's table. */
const TOP = 3;

export function chartInput(a: Analysis): ChartInput {
  const { series, diagnosis: d } = a;
  const lines: ChartLine[] = [];
  d.findings.slice(0, TOP).forEach((f, i) => {
    if (f.goroutines !== null && series.goroutine !== null) {
      lines.push({ label: `#${i + 1} ${a.explained.findings[i].title}: goroutines`, group: `#${i + 1}`, unit: 'goroutines', timesMs: series.goroutine.timesMs, values: Array.from(f.goroutines.values) });
    }
    if (f.heap !== null && series.heap !== null) {
      lines.push({ label: `#${i + 1} ${a.explained.findings[i].title}: heap in use`, group: `#${i + 1}`, unit: 'bytes', timesMs: series.heap.timesMs, values: Array.from(f.heap.values) });
    }
  });
  const total = (k: KindSeries | null, unit: ChartLine['unit'], label: string): ChartLine | undefined =>
    k === null ? undefined : { label, unit, timesMs: k.timesMs, values: Array.from((metricOf(k, unit === 'bytes' ? 'inuse_space' : 'goroutine') ?? k.metrics[0]).total.data) };
  return {
    title: headline(a),
    lines,
    totalHeap: total(series.heap, 'bytes', 'whole heap in use'),
    totalGoroutines: total(series.goroutine, 'goroutines', 'all goroutines'),
  };
}
