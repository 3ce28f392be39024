// Small pieces of the Markdown report: sparklines, fit quality in words, rates, tables, pprof commands.
// Pure functions of their arguments.
import { perHour } from '../fit.js';
import { formatBytes, formatCount, formatDuration } from '../units.js';
const BARS = '▁▂▃▄▅▆▇█';
/** One bar per snapshot, scaled between the series' own minimum and maximum. */
export function sparkline(values) {
    const v = Array.from(values);
    const min = Math.min(...v);
    const max = Math.max(...v);
    if (max === min)
        return BARS[0].repeat(v.length);
    return v.map((x) => BARS[Math.min(BARS.length - 1, Math.floor(((x - min) / (max - min)) * BARS.length))]).join('');
}
export function amount(n, unit) {
    return unit === 'bytes' ? formatBytes(n) : formatCount(Math.round(n));
}
export function rate(perSecond, unit, per) {
    const v = per === 'hour' ? perHour(perSecond) : perHour(perSecond) * 24;
    return `${v >= 0 ? '+' : ''}${amount(v, unit)}/${per === 'hour' ? 'h' : 'day'}`;
}
/** Fit quality in plain words, then the figures. */
export function quality(f) {
    const words = f.shape === 'growing'
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
export function table(header, rows) {
    const line = (cells) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
/** Inline code that survives backticks in Go names (none in practice, but labels are data). */
export function code(text) {
    return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}
/** A pprof -focus/-list regex for a function name: regex metacharacters escaped. */
export function pprofRegex(fn) {
    return `'^${fn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$'`;
}
/** A file name for a shell command: quoted when it has characters the shell would read. */
export function shellPath(p) {
    return /^[\w./-]+$/.test(p) ? p : `'${p.replace(/'/g, "'\\''")}'`;
}
/** The first and last snapshot of a kind that the series used, by time. */
export function firstAndLast(inputs, kind) {
    const used = inputs.filter((i) => i.setAside === null && (kind === 'heap' ? i.kind === 'heap' : i.kind !== 'heap')).sort((a, b) => a.timeMs - b.timeMs);
    return used.length === 0 ? null : { first: used[0], last: used[used.length - 1] };
}
export function span(seconds) {
    return formatDuration(seconds);
}
/** Heap in use at the last heap snapshot, or 0 without heap snapshots. */
export function lastHeapInUse(series) {
    const total = series.heap?.metrics[0].total;
    return total === undefined ? 0 : total.data[total.n - 1];
}
/**
 * Seconds from the last snapshot until the whole heap in use reaches `limit` at this finding's robust rate;
 * 0 if it already has; null unless the finding's heap is growing (no projection from a trend the fit could
 * not establish, e.g. two snapshots). One rule for the report and the JSON.
 */
export function secondsToLimit(series, heap, limit) {
    if (heap.shape !== 'growing' || !(heap.robustSlope > 0))
        return null;
    return Math.max(0, Math.round((limit - lastHeapInUse(series)) / heap.robustSlope));
}
//# sourceMappingURL=parts.js.map