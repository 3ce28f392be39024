// Printing: the rows (median, min–max spread, rounds) and the targets (pass/fail) as plain text tables, and
// the results.json document.

import type { CpuSummary } from './cpu-profile.js';
import type { Machine } from './machine.js';
import type { Summary } from './stats.js';
import type { Target } from './targets.js';
import type { Metric } from './tasks.js';

export interface RowResult extends Metric {
  readonly summary: Summary | null;
  readonly note: string | null;
  /** Why there is no figure: not available here, or the reason a round failed. */
  readonly missing: string | null;
}

export interface Results {
  readonly schemaVersion: 1;
  readonly command: string;
  readonly machine: Machine;
  readonly load: { readonly start: readonly number[]; readonly end: readonly number[]; readonly note: string };
  readonly code: { readonly commit: string | null; readonly uncommittedSrc: readonly string[] };
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly rows: readonly (Metric & { median: number | null; min: number | null; max: number | null; rounds: number; note?: string; missing?: string })[];
  readonly ratios: Readonly<Record<string, number | null>>;
  readonly targets: readonly Target[];
  readonly profile: CpuSummary | null;
}

export function fmt(v: number, unit: string): string {
  if (unit === 's') return v < 1 ? v.toFixed(3) : v.toFixed(2);
  if (unit === 'x') return v.toFixed(2);
  return v.toFixed(0);
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function rowsTable(rows: readonly RowResult[]): string {
  return table(
    ['row', 'median', 'min–max', 'rounds', 'unit', 'note'],
    rows.map((r) =>
      r.summary === null
        ? [r.label, '-', '-', '0', r.unit, r.missing ?? '']
        : [
            r.label,
            fmt(r.summary.median, r.unit),
            `${fmt(r.summary.min, r.unit)}–${fmt(r.summary.max, r.unit)}`,
            String(r.summary.rounds),
            r.unit,
            r.note ?? r.missing ?? '',
          ],
    ),
  );
}

export function targetsTable(targets: readonly Target[]): string {
  return table(
    ['target', 'limit', 'measured', 'result'],
    targets.map((t) => [t.name, t.limit, t.measured, t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'FAIL']),
  );
}

export function resultRows(rows: readonly RowResult[]): Results['rows'] {
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
