// Printing: the rows (median, min–max spread, rounds) and the targets (pass/fail) as plain text tables, and
// the results.json document.
export function fmt(v, unit) {
    if (unit === 's')
        return v < 1 ? v.toFixed(3) : v.toFixed(2);
    if (unit === 'x')
        return v.toFixed(2);
    return v.toFixed(0);
}
function table(head, rows) {
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
export function rowsTable(rows) {
    return table(['row', 'median', 'min–max', 'rounds', 'unit', 'note'], rows.map((r) => r.summary === null
        ? [r.label, '-', '-', '0', r.unit, r.missing ?? '']
        : [r.label, fmt(r.summary.median, r.unit), `${fmt(r.summary.min, r.unit)}–${fmt(r.summary.max, r.unit)}`, String(r.summary.rounds), r.unit, r.note ?? r.missing ?? '']));
}
export function targetsTable(targets) {
    return table(['target', 'limit', 'measured', 'result'], targets.map((t) => [t.name, t.limit, t.measured, t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'FAIL']));
}
export function resultRows(rows) {
    return rows.map((r) => ({
        id: r.id,
        label: r.label,
        unit: r.unit,
        median: r.summary?.median ?? null,
        min: r.summary?.min ?? null,
        max: r.summary?.max ?? null,
        rounds: r.summary?.rounds ?? 0,
        ...(r.note === null ? {} : { note: r.note }),
        ...(r.missing === null ? {} : { missing: r.missing }),
    }));
}
//# sourceMappingURL=report.js.map