// `npm run bench`: leakdiff on the production-scale series beside its baselines (go tool pprof, the decode
// floor), scaling in snapshots and stacks, text parse rates, zlib vs pako, start-up. Prints a table of
// medians with the min–max spread, evaluates the targets, and writes bench/results.json.
// Options: --rounds N (default 3), --quick (1 round, written to bench/results.local.json), --series DIR,
// --out FILE, --profile (also a CPU profile of one analyze run, summarized). See bench/README.md.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { formatCpu, summarizeCpu, type CpuSummary } from './cpu-profile.js';
import { goVersion, machine } from './machine.js';
import { rssMethod } from './measure.js';
import { plan, type Observed, type Paths } from './plan.js';
import { resultRows, rowsTable, targetsTable, type Results, type RowResult } from './report.js';
import { findSeries, firstN, gunzipTo, longSeries, makeWorkDir, reduce, type Reduced, type Series } from './setup.js';
import { summarize } from './stats.js';
import { evaluate } from './targets.js';
import type { Task } from './tasks.js';

interface Options {
  readonly rounds: number;
  readonly quick: boolean;
  readonly series: string;
  readonly out: string;
  readonly profile: boolean;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PATHS: Paths = { root: ROOT, cli: join(ROOT, 'dist/src/cli.js'), benchDist: join(ROOT, 'dist/bench') };

function options(argv: readonly string[]): Options {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const rounds = quick ? 1 : Number(value('--rounds') ?? '3');
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`bench: --rounds takes a whole number ≥ 1, not ${value('--rounds')}`);
  return {
    rounds,
    quick,
    series: resolve(value('--series') ?? join(ROOT, '../shared/bench/L')),
    out: resolve(value('--out') ?? join(ROOT, quick ? 'bench/results.local.json' : 'bench/results.json')),
    profile: argv.includes('--profile'),
  };
}

const log = (line: string): boolean => process.stderr.write(`${line}\n`);

async function rounds(tasks: readonly Task[], n: number): Promise<RowResult[]> {
  const values = new Map<string, number[]>();
  const notes = new Map<string, string>();
  const missing = new Map<string, string>();
  for (let r = 1; r <= n; r++) {
    for (const task of tasks) {
      if (task.unavailable !== null || missing.has(task.id)) continue;
      try {
        const res = await task.run();
        if ('unavailable' in res) {
          missing.set(task.id, res.unavailable);
          continue;
        }
        for (const [id, v] of Object.entries(res.values)) values.set(id, [...(values.get(id) ?? []), v]);
        if (res.note !== undefined) notes.set(task.id, res.note);
        log(
          `round ${r}/${n}  ${task.id.padEnd(13)} ${Object.entries(res.values)
            .map(([k, v]) => `${k.split('.')[1]} ${v.toFixed(2)}`)
            .join('  ')}`,
        );
      } catch (err) {
        missing.set(task.id, `failed: ${(err as Error).message}`);
        log(`round ${r}/${n}  ${task.id.padEnd(13)} failed: ${(err as Error).message}`);
      }
    }
  }
  return tasks.flatMap((t) =>
    t.metrics.map((m) => ({
      ...m,
      summary: summarize(values.get(m.id) ?? []),
      note: notes.get(t.id) ?? null,
      missing: t.unavailable ?? missing.get(t.id) ?? null,
    })),
  );
}

function profileOnce(series: Series, workDir: string): CpuSummary {
  const dir = join(workDir, 'cpu-prof');
  mkdirSync(dir, { recursive: true });
  const files = firstN(series, series.heap.length);
  spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, PATHS.cli, 'analyze', '--out', '-', ...files], { stdio: 'ignore' });
  const prof = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (prof === undefined) throw new Error('bench: node --cpu-prof wrote no profile');
  return summarizeCpu(JSON.parse(readFileSync(join(dir, prof), 'utf8')), 15);
}

function gitFacts(): Results['code'] {
  const git = (...args: string[]): string | null => {
    const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    return r.status === 0 ? r.stdout.trim() : null;
  };
  const status = git('status', '--porcelain', '--', 'src');
  return { commit: git('rev-parse', 'HEAD'), uncommittedSrc: status === null || status === '' ? [] : status.split('\n').map((l) => l.slice(3)) };
}

async function main(opts: Options): Promise<void> {
  const started = Date.now();
  // The load average beside the figures: on a shared machine it says how far to trust them.
  const loadAtStart = loadavg();
  const series = findSeries(opts.series);
  const workDir = makeWorkDir();
  const go = goVersion();
  try {
    log(`bench: ${opts.rounds} round(s) on ${series.dir}; preparing inputs in ${workDir}`);
    const debug2 = await gunzipTo(series, 'goroutine_10.debug2.txt.gz', workDir);
    const heapDebug1 = await gunzipTo(series, 'heap_10.debug1.txt.gz', workDir);
    const reduced: Reduced[] = [0.25, 0.5].map((f) => reduce(join(PATHS.benchDist, 'sample-series.js'), series, f, workDir));
    const long = opts.quick ? [] : longSeries(series, workDir, [50, 100]);
    if (long.length === 0) log('bench: no make_series.py beside the series (or --quick): the per-pair rows are not measured');
    const seen: Observed = { truncationReported: null };
    const tasks = plan({ paths: PATHS, series, reduced, long, debug2, heapDebug1, go }, seen);
    if (go === null) log('bench: go is not installed; the go tool pprof row and its target are not measured');
    const rows = await rounds(tasks, opts.rounds);
    const byId = new Map(rows.flatMap((r) => (r.summary === null ? [] : [[r.id, r.summary] as const])));
    const [p25, p50] = reduced;
    const targets = evaluate({
      rows: byId,
      truncationReported: seen.truncationReported,
      samples: { p25: p25.samples, p50: p50.samples, full: p25.samplesOfFull },
    });
    const profile = opts.profile ? profileOnce(series, workDir) : null;
    const med = (id: string): number | null => byId.get(id)?.median ?? null;
    const div = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a / b);
    const results: Results = {
      schemaVersion: 1,
      command: `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`.trim(),
      machine: machine(rssMethod()),
      load: { start: loadAtStart, end: loadavg(), note: 'load average over 1, 5 and 15 minutes (os.loadavg), at the start and the end of the run' },
      code: gitFacts(),
      inputs: {
        series: series.dir,
        heap: series.heap.length,
        goroutine: series.goroutine.length,
        reduced: reduced.map((r) => ({
          fraction: r.fraction,
          samples: r.samples,
          samplesOfFull: r.samplesOfFull,
          stacks: r.stacks,
          stacksOfFull: r.stacksOfFull,
        })),
      },
      rows: resultRows(rows),
      ratios: {
        'analyze / go tool pprof -diff_base (wall)': div(med('analyze10.wall'), med('go-diff.wall')),
        'analyze / floor (wall)': div(med('analyze10.wall'), med('floor.wall')),
        'analyze / go tool pprof -diff_base (CPU)': div(med('analyze10.cpu'), med('go-diff.cpu')),
        'analyze / tight floor (CPU)': div(med('analyze10.cpu'), med('tight.cpu')),
        'analyze / go tool pprof -diff_base (peak RSS)': div(med('analyze10.rss'), med('go-diff.rss')),
        'analyze / floor (peak RSS)': div(med('analyze10.rss'), med('floor.rss')),
        'zlib / pako (gunzip speed)': med('inflate.ratio'),
      },
      targets,
      profile,
    };
    const load = (l: readonly number[]): string => l.map((x) => x.toFixed(1)).join(', ');
    process.stdout.write(`\nload average at the start ${load(loadAtStart)}, at the end ${load(results.load.end)} (${results.machine.nproc} cores)\n`);
    process.stdout.write(`\n${rowsTable(rows)}\n\n${targetsTable(targets)}\n`);
    if (profile !== null) process.stdout.write(`\n${formatCpu(profile)}\n`);
    writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
    log(`\nbench: wrote ${opts.out} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

await main(options(process.argv.slice(2)));
