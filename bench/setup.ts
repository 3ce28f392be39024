// What the bench prepares before timing anything: the series' files by kind, the text dumps gunzipped to a
// temp dir (parse rates are about parsing, not inflating), and the reduced series for the stack-count rows.

import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { SampledFile } from './sample-series.js';

export interface Series {
  readonly dir: string;
  readonly heap: readonly string[];
  readonly goroutine: readonly string[];
}

export interface Reduced {
  readonly fraction: number;
  readonly files: readonly string[];
  /** Samples kept over all files, and the original count: the x axis of the stack-count rows. */
  readonly samples: number;
  readonly samplesOfFull: number;
  readonly stacks: number;
  readonly stacksOfFull: number;
}

export function findSeries(dir: string): Series {
  if (!existsSync(dir)) throw new Error(`bench: the series ${dir} is not there (see ../shared/bench/README.md); give another with --series DIR`);
  const names = readdirSync(dir).sort();
  const pick = (re: RegExp): string[] => names.filter((n) => re.test(n)).map((n) => join(dir, n));
  return { dir, heap: pick(/^heap_\d+\.pb\.gz$/), goroutine: pick(/^goroutine_\d+\.pb\.gz$/) };
}

/** The first n heap and first n goroutine snapshots, heap first. */
export function firstN(s: Series, n: number): string[] {
  return [...s.heap.slice(0, n), ...s.goroutine.slice(0, n)];
}

export function largest(files: readonly string[]): string {
  return [...files].sort((a, b) => statSync(b).size - statSync(a).size)[0];
}

export function makeWorkDir(): string {
  return mkdtempSync(join(tmpdir(), 'leakdiff-bench-'));
}

/** Gunzips `name` from the series dir into the work dir; null when the series has no such file. */
export async function gunzipTo(series: Series, name: string, workDir: string): Promise<string | null> {
  const from = join(series.dir, name);
  if (!existsSync(from)) return null;
  const to = join(workDir, name.replace(/\.gz$/, ''));
  await pipeline(createReadStream(from), createGunzip(), createWriteStream(to));
  return to;
}

/**
 * Longer series made by `make_series.py` beside the L series (../shared/bench/make_series.py): N heap and N
 * goroutine copies of the L files with only their times rewritten. Empty when the script is not there.
 */
export function longSeries(series: Series, workDir: string, sizes: readonly number[]): { readonly n: number; readonly files: readonly string[] }[] {
  const script = join(series.dir, '..', 'make_series.py');
  if (!existsSync(script)) return [];
  const out = join(workDir, 'long');
  const r = spawnSync('python3', [script, series.dir, out, ...sizes.map(String)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench: make_series.py failed: ${(r.stderr || r.error?.message || '').trim()}`);
  return sizes.map((n) => {
    const s = findSeries(join(out, `N${String(n).padStart(3, '0')}`));
    return { n, files: [...s.heap, ...s.goroutine] };
  });
}

/** Writes a reduced series (a seeded share of the stacks) by running bench/sample-series.js. */
export function reduce(script: string, series: Series, fraction: number, workDir: string): Reduced {
  const out = join(workDir, `sampled-${Math.round(fraction * 100)}`);
  const r = spawnSync(process.execPath, [script, '--fraction', String(fraction), '--seed', '1', '--out', out, ...firstN(series, series.heap.length)], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`bench: sample-series failed: ${r.stderr.trim()}`);
  const files = JSON.parse(r.stdout) as SampledFile[];
  const sum = (f: (x: SampledFile) => number): number => files.reduce((a, x) => a + f(x), 0);
  return {
    fraction,
    files: files.map((f) => f.file),
    samples: sum((f) => f.kept),
    samplesOfFull: sum((f) => f.samples),
    stacks: sum((f) => f.keptStacks),
    stacksOfFull: sum((f) => f.stacks),
  };
}
