// Summaries of repeated measurements: the median (what the tables quote) and the min–max spread (how noisy
// the shared machine was during the run).
export function summarize(values) {
    if (values.length === 0)
        return null;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return { median, min: sorted[0], max: sorted[sorted.length - 1], rounds: sorted.length };
}
//# sourceMappingURL=stats.js.map