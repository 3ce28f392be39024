// The targets, each evaluated from the medians of one run (ratios against baselines of the same run,
// since the machines are shared and noisy). A target whose inputs are missing (go not installed, a text
// parser not written yet) is "n/a", never a pass.

import type { Summary } from './stats.js';

export interface Target {
  readonly name: string;
  /** What was measured, in words and numbers. */
  readonly measured: string;
  readonly limit: string;
  readonly pass: boolean | null;
}

export interface Facts {
  readonly rows: ReadonlyMap<string, Summary>;
  /** Whether the debug=2 parser reported the runtime's 64 MiB cut; null when no parser ran. */
  readonly truncationReported: boolean | null;
  /** Samples in the 25%, 50% and full series. */
  readonly samples: { readonly p25: number; readonly p50: number; readonly full: number } | null;
}

/** Extra cost per unit from the middle to the largest size, over that from the smallest to the middle. */
const LINEAR_TOLERANCE = 1.25;

const f2 = (x: number): string => x.toFixed(2);

export function evaluate(f: Facts): Target[] {
  const med = (id: string): number | null => f.rows.get(id)?.median ?? null;
  const max = (id: string): number | null => f.rows.get(id)?.max ?? null;
  const out: Target[] = [];
  const ratio = (name: string, a: string, b: string, limit: number, what: string): void => {
    const x = med(a);
    const y = med(b);
    out.push(x === null || y === null ? na(name, `≤ ${limit}`) : { name, measured: `${f2(x / y)} (${what}: ${f2(x)} s / ${f2(y)} s)`, limit: `≤ ${limit}`, pass: x / y <= limit });
  };
  ratio('whole series vs go tool pprof -diff_base', 'analyze10.wall', 'go-diff.wall', 0.25, 'analyze / pprof');
  ratio('whole series vs the decode floor', 'analyze10.wall', 'floor.wall', 2, 'analyze / floor');
  const rss = max('analyze10.rss');
  out.push(rss === null ? na('peak RSS', '< 350 MB') : { name: 'peak RSS (worst round)', measured: `${rss.toFixed(0)} MB`, limit: '< 350 MB', pass: rss < 350 });
  const r5 = med('analyze5.rss');
  const r10 = med('analyze10.rss');
  out.push(r5 === null || r10 === null ? na('RSS, 10 vs 5 snapshots', 'within 20%') : { name: 'RSS, 10 vs 5 snapshots', measured: `${signedPct(r10 / r5 - 1)} (${r5.toFixed(0)} → ${r10.toFixed(0)} MB)`, limit: 'within ±20%', pass: Math.abs(r10 / r5 - 1) <= 0.2 });
  const rate = med('parse-debug2.rate');
  out.push(rate === null ? na('goroutine debug=2 parse rate, truncation reported', '≥ 100 MiB/s and reported') : { name: 'goroutine debug=2 parse rate, truncation reported', measured: `${rate.toFixed(0)} MiB/s, truncation ${f.truncationReported === true ? 'reported' : 'NOT reported'}`, limit: '≥ 100 MiB/s and reported', pass: rate >= 100 && f.truncationReported === true });
  out.push(linear('time linear in snapshots', [[2, med('analyze2.wall')], [5, med('analyze5.wall')], [10, med('analyze10.wall')]], 'snapshot'));
  const s = f.samples;
  out.push(s === null ? na('time linear in stacks', `marginal cost ratio ≤ ${LINEAR_TOLERANCE}`) : linear('time linear in stacks', [[s.p25, med('reduced25.wall')], [s.p50, med('reduced50.wall')], [s.full, med('analyze10.wall')]], 'sample'));
  for (const [id, name] of [['help.wall', '`leakdiff --help` start-up'], ['pipe.wall', 'run to a pipe (demo series)']] as const) {
    const t = med(id);
    out.push(t === null ? na(name, '< 0.3 s') : { name, measured: `${f2(t)} s`, limit: '< 0.3 s', pass: t < 0.3 });
  }
  return out;
}

/**
 * Linear means each extra unit costs the same at any size: the cost per unit from the middle size to the
 * largest may exceed that from the smallest to the middle by at most LINEAR_TOLERANCE. Fixed costs (node's
 * start-up, module loading) cancel out of both differences.
 */
function linear(name: string, points: readonly (readonly [number, number | null])[], unit: string): Target {
  const limit = `marginal cost ratio ≤ ${LINEAR_TOLERANCE}`;
  if (points.some(([, t]) => t === null)) return na(name, limit);
  const [[x0, t0], [x1, t1], [x2, t2]] = points as readonly (readonly [number, number])[];
  const low = (t1 - t0) / (x1 - x0);
  const high = (t2 - t1) / (x2 - x1);
  const per = (v: number): string => (unit === 'sample' ? `${(v * 1e6).toFixed(2)} µs` : `${(v * 1e3).toFixed(0)} ms`);
  const detail = `per ${unit}: ${per(low)} at ${x0}→${x1}, ${per(high)} at ${x1}→${x2}`;
  // More input taking less time is not linear either: the run was too noisy, or something else dominates.
  if (low <= 0 || high <= 0) return { name, measured: `not monotonic (${detail})`, limit, pass: false };
  return { name, measured: `${f2(high / low)} (${detail})`, limit, pass: high / low <= LINEAR_TOLERANCE };
}

function na(name: string, limit: string): Target {
  return { name, measured: 'n/a (not measured in this run)', limit, pass: null };
}

function signedPct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(100 * x).toFixed(0)}%`;
}
