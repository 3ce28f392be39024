// `leakdiff inspect FILE...`: what each file is. Each file is read and decoded; rows are computed from the
// decoded snapshots (pure data, the JSON contract) and printed separately, as pprof computes TextItems before
// printText. Takes options, returns output text.

import { decode } from '../decode/index.js';
import type { Limits } from '../limits.js';
import { FORMS, type Form } from '../forms.js';
import type { Kind, ProfilePart, Repair, Snapshot, TimeSource } from '../model.js';
import { Interner } from '../normalize/index.js';
import { captureTime, findInputs, load, type FoundFile } from '../read.js';
import { formatTime, formatValue, formatCount } from '../units.js';

export interface InspectOptions {
  readonly files: readonly string[];
  readonly json: boolean;
  readonly limits: Limits;
}

export function runInspect(opts: InspectOptions): { stdout: string; rows: InspectRow[] } {
  const rows: InspectRow[] = [];
  for (const file of findInputs(opts.files)) {
    const input = load(file, opts.limits);
    const { parts, compressed } = decode(file.path, input.bytes, opts.limits);
    for (const snapshot of parts) rows.push(inspectRow(snapshot, file, compressed));
  }
  const stdout = opts.json ? `${JSON.stringify(rows, null, 2)}\n` : formatInspect(rows);
  return { stdout, rows };
}

export interface InspectRow {
  readonly file: string;
  readonly form: Form;
  readonly compressed: boolean;
  readonly kind: Kind;
  readonly time: string | null;
  readonly timeSource: TimeSource | null;
  readonly sampleTypes: readonly { readonly type: string; readonly unit: string }[];
  readonly samples: number;
  /** Distinct call sites under the default normalization policy. */
  readonly stacks: number;
  /** Sum over all samples per sample type; goroutine totals are keyed `goroutine` whatever the form. */
  readonly totals: Readonly<Record<string, number>>;
  readonly period: { readonly type: string; readonly unit: string; readonly value: number } | null;
  /** The total the file states about itself (goroutine text forms), when it has one. */
  readonly declaredTotal: number | null;
  readonly truncated: { readonly reason: string; readonly goroutinesRead: number } | null;
  readonly binary: string | null;
  readonly warnings: readonly string[];
  /** What the lenient reader repaired or skipped in pasted text (also in `warnings`). */
  readonly repairs: readonly Repair[];
  /** For one of several profiles in one file: which, and on which line it starts. */
  readonly part: ProfilePart | null;
}

export function totalsOf(s: Snapshot): Record<string, number> {
  const width = s.sampleTypes.length;
  const totals: Record<string, number> = {};
  s.sampleTypes.forEach((t, k) => {
    let sum = 0;
    for (let i = 0; i < s.sampleCount; i++) sum += s.values[i * width + k];
    totals[t.type] = sum;
  });
  return totals;
}

export function inspectRow(s: Snapshot, file: FoundFile, compressed: boolean): InspectRow {
  const time = captureTime(s.timeMs, file);
  const stacks = new Interner().add(s).stackIds.length;
  return {
    file: file.path,
    form: s.form,
    compressed,
    kind: s.kind,
    time: formatTime(time.timeMs),
    timeSource: time.source,
    sampleTypes: s.sampleTypes.map((t) => ({ type: t.type, unit: t.unit })),
    samples: s.sampleCount,
    stacks,
    totals: totalsOf(s),
    period: s.period === null ? null : { type: s.period.type.type, unit: s.period.type.unit, value: s.period.value },
    declaredTotal: s.declaredTotal,
    truncated: s.truncation,
    binary: s.binary,
    warnings: s.warnings,
    repairs: s.repairs,
    part: s.part,
  };
}

export function formatInspect(rows: readonly InspectRow[]): string {
  return rows.map(formatRow).join('\n');
}

function formatRow(r: InspectRow): string {
  const lines = [
    r.part === null ? r.file : `${r.file}: profile ${r.part.index} of ${r.part.of}, from line ${r.part.line}`,
    `  form     ${FORMS[r.form].title}${r.compressed ? ', gzipped' : ''}`,
    `  kind     ${r.kind}`,
    `  time     ${r.time ?? 'unknown'} (from ${r.timeSource ?? 'nowhere'})`,
    `  samples  ${formatCount(r.samples)} in ${formatCount(r.stacks)} distinct call sites`,
    ...r.sampleTypes.map((t) => `  ${t.type.padEnd(14)} ${formatValue(r.totals[t.type] ?? 0, t.unit)}`),
  ];
  if (r.period !== null && r.kind === 'heap') lines.push(`  sampling one allocation per ${formatValue(r.period.value, r.period.unit)} on average`);
  if (r.declaredTotal !== null && r.declaredTotal !== r.totals.goroutine) lines.push(`  header   says ${formatCount(r.declaredTotal)} goroutines`);
  if (r.truncated !== null) lines.push(`  TRUNCATED ${r.truncated.reason}; ${formatCount(r.truncated.goroutinesRead)} goroutines read`);
  if (r.binary !== null) lines.push(`  binary   ${r.binary}`);
  for (const w of r.warnings) lines.push(`  warning  ${w}`);
  return lines.join('\n') + '\n';
}
