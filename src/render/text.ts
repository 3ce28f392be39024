// A plain rendering of the diagnosis: the verdict and cause first, then each finding in numbers, what was
// found bounded, and the warnings. Deterministic: nothing depends on the clock or on map order.

import { perHour } from '../fit.js';
import type { Analysis } from '../commands/analyze.js';
import type { Finding } from '../diagnose/index.js';
import { formatBytes, formatCount } from '../units.js';
import { culpritName } from '../diagnose/index.js';

const VERDICT: Readonly<Record<string, string>> = { leak: 'Leak', 'no-leak': 'No leak', inconclusive: 'Inconclusive' };

export function renderText(a: Analysis): string {
  const { series, diagnosis: d } = a;
  const top = d.findings[0];
  const headline = top === undefined ? d.summary : `${top.title}${top.culprit === null ? '' : `, in ${culpritName(series, top)}`}`;
  const out = [`${VERDICT[d.verdict]}: ${headline}`, ''];
  d.findings.forEach((f, i) => out.push(...findingLines(a, f, i + 1), ''));
  if (d.triage.length > 0) {
    out.push('Single snapshot, largest goroutine groups (no trend can be claimed from one snapshot):');
    for (const t of d.triage) out.push(`  ${formatCount(t.count)} goroutines ${t.state === null ? '' : `[${t.state}] `}in ${series.frames[series.stacks[t.stack].frames[0]]?.function ?? '?'}${t.signature === null ? '' : ` (pattern: ${t.signature})`}`);
    out.push('');
  }
  if (d.bounded.length > 0) {
    out.push('Checked and found bounded (grew, then levelled off; not a leak):');
    for (const b of d.bounded) out.push(`  ${b.site}: ${b.why}`);
    out.push('');
  }
  for (const w of series.warnings) out.push(`warning: ${w}`);
  return `${out.join('\n').trimEnd()}\n`;
}

function findingLines(a: Analysis, f: Finding, rank: number): string[] {
  const lines = [`${rank}. [${f.confidence}] ${f.kind}: ${f.title}`];
  const culprit = culpritName(a.series, f);
  lines.push(`   culprit: ${culprit ?? 'not in any profile'}${f.signature?.whereToLook && culprit === null ? ` (look at ${f.signature.whereToLook})` : ''}`);
  if (f.goroutines !== null) {
    const g = f.goroutines.fit;
    lines.push(`   goroutines: ${formatCount(g.first)} → ${formatCount(g.last)} (${formatCount(perHour(g.robustSlope))}/h, R² ${g.r2.toFixed(2)}, p ${g.trend === null ? 'n/a' : g.trend.pValue.toPrecision(2)})`);
  }
  if (f.heap !== null) {
    const h = f.heap.fit;
    lines.push(`   heap in use: ${formatBytes(h.first)} → ${formatBytes(h.last)} (${formatBytes(perHour(h.robustSlope))}/h, R² ${h.r2.toFixed(2)})`);
  }
  if (f.bytesPerGoroutine !== null) lines.push(`   about ${formatBytes(f.bytesPerGoroutine)} of heap per leaked goroutine`);
  for (const e of f.evidence) lines.push(`   - ${e}`);
  if (f.signature !== null) lines.push(`   fix: ${f.signature.fix}`);
  return lines;
}
