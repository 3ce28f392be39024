// Summarizes a V8 .cpuprofile (from `node --cpu-prof`): self time per function with its file:line and the
// hottest lines inside it (V8's positionTicks), and inclusive time for the project's own functions, so a
// profile can be read as "where does the time go" without a GUI.
// Usage: node dist/bench/cpu-profile.js FILE.cpuprofile [--top N]

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
  positionTicks?: { line: number; ticks: number }[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  /** `name path:line`, the line where the function starts (1-based). */
  readonly fn: string;
  readonly ms: number;
  readonly share: number;
  /** The lines with the most samples in it, as `line (share of this function)`. */
  readonly hotLines: readonly string[];
}

export interface CpuSummary {
  readonly totalMs: number;
  readonly self: readonly FunctionTime[];
  /** Inclusive time of functions under dist/src. */
  readonly inclusive: readonly FunctionTime[];
}

function where(url: string): string {
  const m = /(dist\/.*|node_modules\/.*)$/.exec(url);
  return m !== null ? m[1] : url === '' ? '(native)' : url;
}

function keyOf(f: CallFrame): string {
  return `${f.functionName === '' ? '(anonymous)' : f.functionName} ${where(f.url)}:${f.lineNumber + 1}`;
}

export function summarizeCpu(p: CpuProfile, top = 15): CpuSummary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const ms = (p.timeDeltas[i] ?? 0) / 1000;
    total += ms;
    const node = byId.get(id);
    if (node === undefined) return;
    self.set(keyOf(node.callFrame), (self.get(keyOf(node.callFrame)) ?? 0) + ms);
    // Each function once per sample, however often it recurses.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = keyOf((byId.get(cur) as ProfileNode).callFrame);
      if (!seen.has(k)) incl.set(k, (incl.get(k) ?? 0) + ms);
      seen.add(k);
    }
  });
  const lines = hotLines(p.nodes);
  const rank = (m: Map<string, number>, keep: (k: string) => boolean): FunctionTime[] =>
    [...m]
      .filter(([k]) => keep(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, ms]) => ({ fn, ms, share: ms / total, hotLines: lines.get(fn) ?? [] }));
  return { totalMs: total, self: rank(self, () => true), inclusive: rank(incl, (k) => k.includes(' dist/src/')) };
}

/** Per function, its three lines with the most ticks. */
function hotLines(nodes: readonly ProfileNode[]): Map<string, string[]> {
  const ticks = new Map<string, Map<number, number>>();
  for (const n of nodes) {
    const k = keyOf(n.callFrame);
    const m = ticks.get(k) ?? new Map<number, number>();
    for (const t of n.positionTicks ?? []) m.set(t.line, (m.get(t.line) ?? 0) + t.ticks);
    ticks.set(k, m);
  }
  const out = new Map<string, string[]>();
  for (const [k, m] of ticks) {
    const sum = [...m.values()].reduce((a, b) => a + b, 0);
    out.set(
      k,
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([line, t]) => `${line} (${Math.round((100 * t) / sum)}%)`),
    );
  }
  return out;
}

export function formatCpu(s: CpuSummary): string {
  const row = (f: FunctionTime): string =>
    `${f.ms.toFixed(0).padStart(7)} ms ${(100 * f.share).toFixed(1).padStart(5)}%  ${f.fn}${f.hotLines.length > 0 ? `  [hot lines ${f.hotLines.join(', ')}]` : ''}`;
  return [`CPU profile: ${s.totalMs.toFixed(0)} ms sampled`, 'self time:', ...s.self.map(row), 'inclusive time (dist/src):', ...s.inclusive.map(row)].join(
    '\n',
  );
}

function main(argv: string[]): void {
  const i = argv.indexOf('--top');
  const top = i >= 0 ? Number(argv.splice(i, 2)[1]) : 20;
  const p = JSON.parse(readFileSync(argv[0], 'utf8')) as CpuProfile;
  process.stdout.write(`${formatCpu(summarizeCpu(p, top))}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
