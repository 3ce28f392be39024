// `leakdiff analyze SNAPSHOT...`: the whole pipeline. Each file is read, decoded and normalized in turn and
// then dropped, so memory holds one decoded snapshot plus the interned tables and the series' per-site columns.

import { createHash } from 'node:crypto';
import { correlate } from '../correlate.js';
import { Columns } from '../decode/columns.js';
import { decode } from '../decode/index.js';
import { diagnose } from '../diagnose/index.js';
import type { Concatenation } from '../decode/concat.js';
import { UnrecognizedFormatError, UnsupportedError, UsageError } from '../errors.js';
import { explain, type Analysis } from '../explain/index.js';
import { fitAll } from '../fit/all.js';
import type { Limits } from '../limits.js';
import type { Snapshot } from '../model.js';
import { Interner, policyFor, type Granularity } from '../normalize/index.js';
import { findInputs, load, type FoundFile } from '../read.js';
import { SiteColumns } from '../series/columns.js';
import { buildSeries, type SnapshotEntry } from '../series/index.js';
import { assignTimes, type TimeClaim } from '../series/times.js';
import { sourceViews, type SourceRoots } from '../source/index.js';

export interface AnalyzeOptions {
  readonly files: readonly string[];
  /** Seconds between the rounds of snapshots that carry no time of their own (see series/times.ts); null to use names and mtimes. */
  readonly intervalSeconds: number | null;
  readonly modules: readonly string[];
  readonly granularity: Granularity;
  readonly limits: Limits;
  /** Where the profiled source files are (`--source`); none: the report gives file:line only. */
  readonly source?: SourceRoots;
  /** Called after each file, for a progress line. */
  readonly progress?: (done: number, total: number, file: string) => void;
}

export function analyze(opts: AnalyzeOptions): Analysis {
  const steps = analyzeSteps(opts);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}

/**
 * The same analysis, one file per step: the CLI drives it with a turn of the event loop between files, so a
 * Ctrl-C during a long analysis is handled at once instead of after it.
 */
export function* analyzeSteps(opts: AnalyzeOptions): Generator<void, Analysis, void> {
  const passedOver: string[] = [];
  const files = findInputs(opts.files, passedOver);
  if (files.length === 0) throw new UsageError('give at least one snapshot file or directory');
  const source = opts.source !== undefined && opts.source.dirs.length > 0 ? opts.source : null;
  const interner = new Interner(policyFor(opts.granularity), opts.modules, source !== null);
  const decoded: Omit<SnapshotEntry, 'timeMs' | 'timeSource'>[] = [];
  const claims: TimeClaim[] = [];
  // Each snapshot's per-site values go to the series' columns as it is read; the entry keeps the rest.
  const taken = new SiteColumns();
  const skipped: string[] = [];
  // One set of column buffers for every file: each snapshot is normalized before the next file is decoded.
  let columns: Columns | null = new Columns();
  for (const [i, file] of files.entries()) {
    const input = load(file, opts.limits);
    const read = decodeOrSkip(file, input.bytes, opts.limits, columns);
    if (read === null) {
      skipped.push(file.path);
      continue;
    }
    const { parts, concatenation, compressed, content } = read;
    if (concatenation !== null) checkConcatenation(file.path, parts, concatenation, opts.intervalSeconds);
    // Of what was read, not of the file: the same profile gzipped at another level is the same snapshot.
    const hash = createHash('sha1').update(content).digest('hex');
    for (const snapshot of parts) {
      if (snapshot.part === null) {
        claims.push({
          path: file.path,
          kind: snapshot.kind,
          form: snapshot.form,
          profileMs: snapshot.timeMs,
          nameTimeMs: file.nameTimeMs,
          mtimeMs: file.mtimeMs,
          round: file.round,
        });
        decoded.push({ path: file.path, compressed, ...taken.take(interner.add(snapshot), snapshot.timeMs), contentHash: hash });
        continue;
      }
      // One of several profiles in one file is named by its place (`dump.txt#3`); the file's name stamp and
      // round are the file's, not this profile's, so its time is its own (a `date` line) or --interval's.
      const path = `${file.path}#${snapshot.part.index}`;
      claims.push({ path, kind: snapshot.kind, form: snapshot.form, profileMs: snapshot.timeMs, nameTimeMs: null, mtimeMs: file.mtimeMs, round: null });
      decoded.push({ path, compressed, ...taken.take(interner.add(snapshot), snapshot.timeMs), contentHash: `${hash}#${snapshot.part.index}` });
    }
    opts.progress?.(i + 1, files.length, file.path);
    yield;
  }
  columns = null;
  // Times take every file's evidence (a text form takes its round's protobuf time), so they come after the loop.
  const times = assignTimes(claims, opts.intervalSeconds);
  const entries: SnapshotEntry[] = decoded.map((d, i) => ({ ...d, timeMs: times[i].timeMs, timeSource: times[i].source }));
  if (entries.length === 0) throw new UsageError(`no profile among the files given: ${namedFew(skipped)} (none is a form leakdiff reads)`);
  const built = buildSeries(entries, interner, taken);
  // What the entries still hold (dump facts, line tables) is in the series now: let it go before the fits.
  decoded.length = 0;
  entries.length = 0;
  const notes = [...(skipped.length === 0 ? [] : [skippedNote(skipped)]), ...(passedOver.length === 0 ? [] : [passedOverNote(passedOver)])];
  const series = notes.length === 0 ? built : { ...built, warnings: [...notes, ...built.warnings] };
  const fits = fitAll(series);
  const links = correlate(series, fits);
  const diagnosis = diagnose(series, fits, links);
  const explained = explain(series, diagnosis);
  return source === null
    ? { series, diagnosis, explained, fits }
    : { series, diagnosis, explained, fits, sources: sourceViews(series, diagnosis.findings, source) };
}

/**
 * A file found in a directory the user gave that is no profile form at all (a `check.txt`, a `Thumbs.db`, a
 * README without an extension) is passed over with a note; a file the user named, or one that is a profile
 * but broken, still stops the run with its one-line error.
 */
function decodeOrSkip(file: FoundFile, bytes: Uint8Array, limits: Limits, columns: Columns | null): ReturnType<typeof decode> | null {
  try {
    return decode(file.path, bytes, limits, columns);
  } catch (err) {
    if (file.inDirectory && err instanceof UnrecognizedFormatError) return null;
    throw err;
  }
}

/** The first three paths, quoted, and how many more. */
function namedFew(paths: readonly string[]): string {
  return `${paths
    .slice(0, 3)
    .map((p) => JSON.stringify(p))
    .join(', ')}${paths.length > 3 ? `, and ${paths.length - 3} more` : ''}`;
}

function skippedNote(paths: readonly string[]): string {
  const one = paths.length === 1;
  return `${paths.length} file${one ? '' : 's'} in the directories given ${one ? 'is' : 'are'} no profile and ${one ? 'was' : 'were'} skipped: ${namedFew(paths)}`;
}

function passedOverNote(entries: readonly string[]): string {
  const one = entries.length === 1;
  const shown = `${entries.slice(0, 3).join(', ')}${entries.length > 3 ? `, and ${entries.length - 3} more` : ''}`;
  return `${entries.length} ${one ? 'entry' : 'entries'} in the directories given ${one ? 'is' : 'are'} no file this run can read and ${one ? 'was' : 'were'} passed over: ${shown}`;
}

/**
 * A file of several profiles is a series only when they are one program's, and only with times: the lines
 * between them, or --interval. Profiles of different programs are never merged into one series.
 */
function checkConcatenation(path: string, parts: readonly Snapshot[], c: Concatenation, interval: number | null): void {
  if (!c.sameProgram) {
    const where = parts
      .map((p, i) => `profile ${i + 1} at line ${p.part?.line ?? 1}: ${c.programs[i]}`)
      .slice(0, 4)
      .join('; ');
    throw new UnsupportedError(
      path,
      'series',
      `the file holds ${c.parts} profiles of different programs (${where}); they are not one series: split the file and analyze each`,
    );
  }
  if (!c.timed && interval === null) {
    throw new UnsupportedError(
      path,
      'series',
      `the file holds ${c.parts} profiles of one program, one after another, with no capture time between them: give --interval (the spacing of the loop that wrote them, e.g. --interval 30s)`,
    );
  }
}
