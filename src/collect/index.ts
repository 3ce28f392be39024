// `leakdiff collect`: a series of snapshots from a live net/http/pprof endpoint, saved under names the read
// stage understands. Each round fetches every asked-for profile; each answer is checked to be that profile
// before it is saved atomically; a failed answer is retried with backoff, then reported and skipped. Only
// a run in which no round completes is a failure. An AbortSignal (the CLI's SIGINT) stops the run between
// writes, so what is on disk is always whole.

import { join } from 'node:path';
import type { Io } from '../commands/io.js';
import { LeakdiffError } from '../errors.js';
import { formatDuration } from '../units.js';
import { checkAnswer, type Target } from './check.js';
import { AbortedError, CollectError, get, shown } from './fetch.js';
import type { CollectOptions } from './options.js';
import { checkOutDir, defaultOutDir, ensureDir, fileName, saveAtomically } from './save.js';
import { dueAt, Progress, systemClock, waitUntil, type Clock } from './schedule.js';

export { COLLECT_FLAGS, COLLECT_KINDS, collectOptions, type CollectArgs, type CollectKind, type CollectOptions } from './options.js';
export { CollectError } from './fetch.js';
export { systemClock, type Clock } from './schedule.js';

/** What collect needs of the CLI's Io: stdout stays unused (a report may follow there with --analyze). */
export type CollectIo = Pick<Io, 'stdout' | 'stderr' | 'stderrIsTTY'> & { readonly quiet?: boolean };

export interface CollectResult {
  /** Every snapshot saved, in capture order: complete, checked files only. */
  readonly files: string[];
  /** 0 when at least one round completed; 2 when none did (nothing usable, or interrupted before one). */
  readonly exitCode: number;
  /** The output directory; it exists only if something was saved. */
  readonly dir: string;
  /** Rounds in which every asked-for profile was saved, and rounds asked for. */
  readonly rounds: number;
  readonly of: number;
  /** The signal stopped the run before its last round. */
  readonly interrupted: boolean;
}

type Outcome = 'saved' | 'failed' | 'unavailable' | 'aborted';

interface Run {
  readonly opts: CollectOptions;
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly progress: Progress;
  readonly dir: string;
  readonly files: string[];
  /** Profiles the service does not offer (goroutineleak answering 404): asked once, then left out. */
  readonly unavailable: Set<string>;
}

const DEBUG2_WARNING =
  "leakdiff: warning: --debug2: each goroutine?debug=2 dump stops the world while the runtime writes every goroutine's stack, for a time that grows with the number of goroutines";

/** Never rejects for a failing service or disk (those are reported on stderr and give exit code 2); only for bugs. */
export async function runCollect(opts: CollectOptions, io: CollectIo, signal: AbortSignal, clock: Clock = systemClock): Promise<CollectResult> {
  const start = clock.now();
  const progress = new Progress(io, io.quiet === true);
  const run: Run = { opts, signal, clock, progress, dir: opts.out ?? defaultOutDir(opts.url, start), files: [], unavailable: new Set() };
  if (opts.debug2) progress.line(DEBUG2_WARNING);
  let complete = 0;
  try {
    checkOutDir(run.dir);
    for (let round = 1; round <= opts.count && !signal.aborted; round++) {
      await waitUntil(dueAt(start, opts.everyMs, round), clock, signal, progress, `snapshot ${round - 1} of ${opts.count} taken`);
      if (signal.aborted) break;
      if (await runRound(run, round)) complete++;
    }
  } catch (err) {
    if (!(err instanceof LeakdiffError)) throw err;
    const kept = run.files.length === 0 ? 'nothing saved' : `kept the ${run.files.length} files saved in ${run.dir}`;
    progress.line(`leakdiff: ${err.message}; stopped, ${kept}`, true);
    return { files: run.files, exitCode: 2, dir: run.dir, rounds: complete, of: opts.count, interrupted: signal.aborted };
  }
  return summary(run, complete);
}

/** One round: every target at one moment, named with the round's start time. True when all were saved. */
async function runRound(run: Run, round: number): Promise<boolean> {
  const timeMs = run.clock.now();
  let complete = true;
  for (const target of targetsOf(run.opts)) {
    if (run.unavailable.has(describe(target))) continue;
    if (run.signal.aborted) return false;
    run.progress.status(`snapshot ${round} of ${run.opts.count}: fetching ${describe(target)}`);
    const outcome: Outcome = await fetchTarget(run, target, round, timeMs);
    if (outcome === 'failed' || outcome === 'aborted') complete = false;
  }
  return complete;
}

/** Fetch, check, save; retried with exponential backoff while the failure may pass. */
async function fetchTarget(run: Run, target: Target, round: number, timeMs: number): Promise<Outcome> {
  const { opts } = run;
  const url = targetUrl(opts, target);
  const name = shown(url);
  for (let attempt = 1; attempt <= opts.tries; attempt++) {
    try {
      const answer = await get(url, {
        headers: opts.headers,
        insecure: opts.insecure,
        timeoutMs: opts.timeoutMs,
        maxBytes: opts.limits.maxInflatedBytes,
        signal: run.signal,
      });
      const warnings = checkAnswer(name, target, answer, opts.limits);
      save(run, target, round, timeMs, answer.body);
      for (const w of warnings) run.progress.line(`leakdiff: warning: ${w}`);
      return 'saved';
    } catch (err) {
      if (err instanceof AbortedError || run.signal.aborted) return 'aborted';
      if (!(err instanceof CollectError)) throw err;
      if (target.kind === 'goroutineleak' && err.status === 404) {
        run.unavailable.add(describe(target));
        run.progress.line(
          `leakdiff: warning: ${name}: the service offers no goroutineleak profile (HTTP 404; only Go versions with the goroutine leak profile enabled serve it); collecting the other kinds`,
        );
        return 'unavailable';
      }
      const last = attempt === opts.tries || !err.transient;
      const wait = opts.backoffMs * 2 ** (attempt - 1);
      const next = last
        ? `${describe(target)} snapshot ${round} of ${opts.count} not saved${attempt > 1 ? ` after ${attempt} tries` : ''}`
        : `retrying in ${formatDuration(wait / 1000)} (try ${attempt + 1} of ${opts.tries})`;
      run.progress.line(`leakdiff: ${err.message}; ${next}`, last);
      if (last) return 'failed';
      await run.clock.sleep(wait, run.signal);
      if (run.signal.aborted) return 'aborted';
    }
  }
  return 'failed';
}

function save(run: Run, target: Target, round: number, timeMs: number, body: Uint8Array): void {
  ensureDir(run.dir);
  const path = join(run.dir, fileName(target, round, run.opts.count, timeMs));
  saveAtomically(path, body);
  run.files.push(path);
}

function summary(run: Run, complete: number): CollectResult {
  const { files, dir, opts, progress } = run;
  const kept = files.length === 0 ? 'nothing saved' : `kept ${files.length} files in ${dir}`;
  if (complete === 0) {
    const why = run.signal.aborted ? 'interrupted before a round completed' : `none of the ${opts.count} rounds completed`;
    progress.line(`leakdiff: ${shown(opts.url)}: collect: ${why}; ${kept}`, true);
    return { files, exitCode: 2, dir, rounds: 0, of: opts.count, interrupted: run.signal.aborted };
  }
  const interrupted = run.signal.aborted ? 'interrupted; ' : '';
  progress.line(
    `leakdiff: ${interrupted}saved ${files.length} files, ${complete} of ${opts.count} rounds complete, in ${dir}; analyze them with: leakdiff analyze ${dir}`,
  );
  return { files, exitCode: 0, dir, rounds: complete, of: opts.count, interrupted: run.signal.aborted };
}

/** The requests of one round: each kind as protobuf, then the debug=2 dump (it stops the world, so last). */
function targetsOf(opts: CollectOptions): Target[] {
  const targets: Target[] = opts.kinds.map((kind) => ({ kind, debug2: false }));
  if (opts.debug2) targets.push({ kind: 'goroutine', debug2: true });
  return targets;
}

function describe(target: Target): string {
  return target.debug2 ? 'goroutine debug=2' : target.kind;
}

/** `<url path><prefix>/<kind>`, unless the URL already ends with the prefix; the URL's own query is kept. */
export function targetUrl(opts: CollectOptions, target: Target): URL {
  const url = new URL(opts.url.href);
  const base = url.pathname.replace(/\/+$/, '');
  const mount = opts.pathPrefix !== '' && base.endsWith(opts.pathPrefix) ? base : `${base}${opts.pathPrefix}`;
  url.pathname = `${mount}/${target.kind}`;
  url.hash = '';
  if (target.debug2) url.searchParams.set('debug', '2');
  else if (opts.gc && (target.kind === 'heap' || target.kind === 'allocs')) url.searchParams.set('gc', '1');
  return url;
}
