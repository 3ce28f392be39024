// `leakdiff analyze SNAPSHOT...`: the whole pipeline. Each file is read, decoded and normalized in turn and
// then dropped, so memory holds one decoded snapshot plus the interned tables and per-site values.
import { createHash } from 'node:crypto';
import { correlate } from '../correlate.js';
import { decode } from '../decode/index.js';
import { diagnose } from '../diagnose/index.js';
import { UnsupportedError, UsageError } from '../errors.js';
import { fitAll } from '../fit/all.js';
import { captureTime } from '../inspect.js';
import { Interner, policyFor } from '../normalize/index.js';
import { findInputs, load } from '../read.js';
import { buildSeries } from '../series.js';
import { sourceViews } from '../source/index.js';
export function analyze(opts) {
    const files = findInputs(opts.files);
    if (files.length === 0)
        throw new UsageError('give at least one snapshot file or directory');
    const source = opts.source !== undefined && opts.source.dirs.length > 0 ? opts.source : null;
    const interner = new Interner(policyFor(opts.granularity), opts.modules, source !== null);
    const entries = [];
    const untimed = new Map();
    files.forEach((file, i) => {
        const input = load(file, opts.limits);
        const { parts, concatenation, compressed } = decode(file.path, input.bytes, opts.limits);
        if (concatenation !== null)
            checkConcatenation(file.path, parts, concatenation, opts.intervalSeconds);
        const hash = createHash('sha1').update(input.bytes).digest('hex');
        for (const snapshot of parts) {
            const kindKey = snapshot.kind === 'heap' ? 'heap' : 'goroutine';
            const time = timeOf(snapshot.timeMs, file, opts.intervalSeconds, kindKey, untimed, files);
            entries.push({
                // One of several profiles in one file is named by its place: `dump.txt#3`.
                path: snapshot.part === null ? file.path : `${file.path}#${snapshot.part.index}`,
                compressed,
                timeMs: time.timeMs,
                timeSource: time.source,
                normalized: interner.add(snapshot),
                contentHash: snapshot.part === null ? hash : `${hash}#${snapshot.part.index}`,
            });
        }
        opts.progress?.(i + 1, files.length, file.path);
    });
    const series = buildSeries(entries, interner);
    const fits = fitAll(series);
    const links = correlate(series, fits);
    const diagnosis = diagnose(series, fits, links);
    return source === null ? { series, diagnosis, fits } : { series, diagnosis, fits, sources: sourceViews(series, diagnosis.findings, source) };
}
/**
 * A file of several profiles is a series only when they are one program's, and only with times: the lines
 * between them, or --interval. Profiles of different programs are never merged into one series.
 */
function checkConcatenation(path, parts, c, interval) {
    if (!c.sameProgram) {
        const where = parts.map((p, i) => `profile ${i + 1} at line ${p.part?.line ?? 1}: ${c.programs[i]}`).slice(0, 4).join('; ');
        throw new UnsupportedError(path, 'series', `the file holds ${c.parts} profiles of different programs (${where}); they are not one series: split the file and analyze each`);
    }
    if (!c.timed && interval === null) {
        throw new UnsupportedError(path, 'series', `the file holds ${c.parts} profiles of one program, one after another, with no capture time between them: give --interval (the spacing of the loop that wrote them, e.g. --interval 30s)`);
    }
}
/**
 * Capture time: the profile's own; with --interval, files without one are spaced by it in argument order
 * (per kind), starting at the first file's modification time; else the file name's time, else the mtime.
 */
function timeOf(profileMs, file, interval, kind, untimed, files) {
    if (profileMs === null && interval !== null) {
        const k = untimed.get(kind) ?? 0;
        untimed.set(kind, k + 1);
        return { timeMs: Math.round(files[0].mtimeMs) + k * interval * 1000, source: 'interval' };
    }
    return captureTime(profileMs, file);
}
//# sourceMappingURL=analyze.js.map