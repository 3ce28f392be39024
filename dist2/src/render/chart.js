// What the chart shows: for the top findings, their goroutine count and heap in use per snapshot, plus the
// whole profile's totals for scale.
import { headline } from './markdown.js';
/** Findings drawn; the rest are in the report's table. */
const TOP = 3;
export function chartInput(a) {
    const { series, diagnosis: d } = a;
    const lines = [];
    d.findings.slice(0, TOP).forEach((f, i) => {
        if (f.goroutines !== null && series.goroutine !== null) {
            lines.push({ label: `#${i + 1} ${f.title}: goroutines`, group: `#${i + 1}`, unit: 'goroutines', timesMs: series.goroutine.timesMs, values: Array.from(f.goroutines.values) });
        }
        if (f.heap !== null && series.heap !== null) {
            lines.push({ label: `#${i + 1} ${f.title}: heap in use`, group: `#${i + 1}`, unit: 'bytes', timesMs: series.heap.timesMs, values: Array.from(f.heap.values) });
        }
    });
    const total = (k, unit, label) => k === null ? undefined : { label, unit, timesMs: k.timesMs, values: Array.from(k.metrics[0].total.data) };
    return {
        title: headline(a),
        lines,
        totalHeap: total(series.heap, 'bytes', 'whole heap in use'),
        totalGoroutines: total(series.goroutine, 'goroutines', 'all goroutines'),
    };
}
//# sourceMappingURL=chart.js.map