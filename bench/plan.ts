// Which tasks one bench run measures, built from the series on disk and what this machine has (go or not).

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Reduced, Series } from './setup.js';
import { firstN, largest } from './setup.js';
import { jsonTask, processTask, startupTask, type Task, type TaskResult } from './tasks.js';

export interface Paths {
  /** The repository root (two levels above dist/bench). */
  readonly root: string;
  readonly cli: string;
  readonly benchDist: string;
}

export interface PlanInput {
  readonly paths: Paths;
  readonly series: Series;
  readonly reduced: readonly Reduced[];
  /** Series of more pairs (make_series.py), for the per-pair rows. */
  readonly long: readonly { readonly n: number; readonly files: readonly string[] }[];
  readonly debug2: string | null;
  readonly heapDebug1: string | null;
  readonly go: string | null;
}

/** Facts a task learns while running that a target needs (the debug=2 truncation). */
export interface Observed {
  truncationReported: boolean | null;
}

const NODE = process.execPath;
/** analyze exits 1 when it finds a leak, which the L series has. `--out -` everywhere: the report goes to the
 * pipe (plain Markdown), not to a file under reports/. */
const ANALYZED = [0, 1];

export function plan(p: PlanInput, seen: Observed): Task[] {
  const { cli, benchDist, root } = p.paths;
  const s = p.series;
  const n = s.heap.length;
  const analyze = (id: string, label: string, files: readonly string[]): Task =>
    processTask(id, label, NODE, [cli, 'analyze', '--out', '-', ...files], ANALYZED);
  const reducedTask = (r: Reduced): Task =>
    analyze(`reduced${Math.round(r.fraction * 100)}`, `leakdiff analyze, L sampled to ${Math.round(r.fraction * 100)}% of stacks`, r.files);
  const demo = join(root, 'fixtures/grpc-leak');
  const demoFiles = existsSync(demo)
    ? readdirSync(demo)
        .filter((f) => f.endsWith('.pb.gz'))
        .map((f) => join(demo, f))
    : [];
  return [
    analyze('analyze10', `leakdiff analyze, ${n} heap + ${n} goroutine`, firstN(s, n)),
    processTask(
      'go-diff',
      'go tool pprof -top -diff_base heap_01 heap_10',
      'go',
      ['tool', 'pprof', '-top', '-diff_base', s.heap[0], s.heap[n - 1]],
      [0],
      p.go === null ? 'go is not installed on this machine' : null,
    ),
    processTask('floor', `floor: read, inflate, decode the same ${2 * n} files`, NODE, [join(benchDist, 'child/floor.js'), ...firstN(s, n)]),
    processTask('tight', `tight floor: zlib inflate + one varint walk of the same ${2 * n} files`, NODE, [
      join(benchDist, 'child/varint-floor.js'),
      ...firstN(s, n),
    ]),
    ...p.long.map((l) => analyze(`analyze${l.n}`, `leakdiff analyze, ${l.n} heap + ${l.n} goroutine (make_series.py)`, l.files)),
    analyze('analyze5', 'leakdiff analyze, 5 heap + 5 goroutine', firstN(s, 5)),
    analyze('analyze2', 'leakdiff analyze, 2 heap + 2 goroutine', firstN(s, 2)),
    ...p.reduced.map(reducedTask),
    parseTask('parse-debug2', 'parse goroutine debug=2 (64 MiB, cut by the runtime)', p.debug2, benchDist, (j) => {
      const t = j.truncation as { goroutinesRead: number } | null;
      seen.truncationReported = t !== null && t !== undefined;
      return t ? `truncation reported: ${t.goroutinesRead.toLocaleString('en-US')} goroutines read` : 'truncation NOT reported';
    }),
    parseTask('parse-heap1', 'parse heap debug=1 (125 MB)', p.heapDebug1, benchDist, (j) => `${String(j.samples)} samples`),
    jsonTask(
      'inflate',
      [
        { id: 'inflate.zlib', label: 'gunzip largest heap file: node zlib', unit: 'MB/s' },
        { id: 'inflate.pako', label: 'gunzip largest heap file: pako 3', unit: 'MB/s' },
        { id: 'inflate.ratio', label: 'gunzip: zlib / pako speed', unit: 'x' },
      ],
      NODE,
      [join(benchDist, 'child/inflate.js'), largest(s.heap), '5'],
      (j) => ({ values: { 'inflate.zlib': Number(j.zlibMBps), 'inflate.pako': Number(j.pakoMBps), 'inflate.ratio': Number(j.zlibMBps) / Number(j.pakoMBps) } }),
    ),
    startupTask('help', '`leakdiff --help` start-up', NODE, [cli, '--help']),
    startupTask('version', '`leakdiff --version` start-up', NODE, [cli, '--version']),
    demoFiles.length === 0
      ? { ...startupTask('pipe', 'run to a pipe', NODE, []), unavailable: `no demo series at ${demo}` }
      : startupTask(
          'pipe',
          `run to a pipe: analyze the demo series (${demoFiles.length} small files)`,
          NODE,
          [cli, 'analyze', '--out', '-', ...demoFiles],
          ANALYZED,
        ),
  ];
}

function parseTask(id: string, label: string, file: string | null, benchDist: string, note: (j: Record<string, unknown>) => string): Task {
  const read = (j: Record<string, unknown>): TaskResult => {
    if (j.available !== true) return { unavailable: `not available: ${String(j.reason)}` };
    if (typeof j.failed === 'string') return { unavailable: `parser failed: ${j.failed}` };
    return { values: { [`${id}.rate`]: Number(j.mibPerSecond) }, note: note(j) };
  };
  return jsonTask(
    id,
    [{ id: `${id}.rate`, label, unit: 'MiB/s' }],
    NODE,
    [join(benchDist, 'child/parse-text.js'), file ?? ''],
    read,
    file === null ? 'the series has no such file' : null,
  );
}
