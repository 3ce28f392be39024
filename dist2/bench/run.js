// `npm run bench`: leakdiff on the production-scale series beside its baselines (go tool pprof, the decode
// floor), scaling in snapshots and stacks, text parse rates, zlib vs pako, start-up. Prints a table of
// medians with the min–max spread, evaluates the targets, and writes bench/results.json.
// Options: --rounds N (default 3), --quick (1 round, written to bench/results.local.json), --series DIR,
// --out FILE, --profile (also a CPU profile of one analyze run, summarized). See bench/README.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatCpu, summarizeCpu } from './cpu-profile.js';
import { goVersion, machine } from './machine.js';
import { rssMethod } from './measure.js';
import { plan } from './plan.js';
import { resultRows, rowsTable, targetsTable } from './report.js';
import { findSeries, firstN, gunzipTo, longSeries, makeWorkDir, reduce } from './setup.js';
import { summarize } from './stats.js';
import { evaluate } from './targets.js';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PATHS = { root: ROOT, cli: join(ROOT, 'dist/src/cli.js'), benchDist: join(ROOT, 'dist/bench') };
function options(argv) {
    const value = (name) => {
        const i = argv.indexOf(name);
        return i >= 0 ? argv[i + 1] : undefined;
    };
    const quick = argv.includes('--quick');
    const rounds = quick ? 1 : Number(value('--rounds') ?? '3');
    if (!Number.isInteger(rounds) || rounds < 1)
        throw new Error(`bench: --rounds takes a whole number ≥ 1, not ${value('--rounds')}`);
    return {
        rounds,
        quick,
        series: resolve(value('--series') ?? join(ROOT, '../shared/bench/L')),
        out: resolve(value('--out') ?? join(ROOT, quick ? 'bench/results.local.json' : 'bench/results.json')),
        profile: argv.includes('--profile'),
    };
}
const log = (line) => process.stderr.write(`${line}\n`);
async function rounds(tasks, n) {
    const values = new Map();
    const notes = new Map();
    const missing = new Map();
    for (let r = 1; r <= n; r++) {
        for (const task of tasks) {
            if (task.unavailable !== null || missing.has(task.id))
                continue;
            try {
                const res = await task.run();
                if ('unavailable' in res) {
                    missing.set(task.id, res.unavailable);
                    continue;
                }
                for (const [id, v] of Object.entries(res.values))
                    values.set(id, [...(values.get(id) ?? []), v]);
                if (res.note !== undefined)
                    notes.set(task.id, res.note);
                log(`round ${r}/${n}  ${task.id.padEnd(13)} ${Object.entries(res.values).map(([k, v]) => `${k.split('.')[1]} ${v.toFixed(2)}`).join('  ')}`);
            }
            catch (err) {
                missing.set(task.id, `failed: ${err.message}`);
                log(`round ${r}/${n}  ${task.id.padEnd(13)} failed: ${err.message}`);
            }
        }
    }
    return tasks.flatMap((t) => t.metrics.map((m) => ({ ...m, summary: summarize(values.get(m.id) ?? []), note: notes.get(t.id) ?? null, missing: t.unavailable ?? missing.get(t.id) ?? null })));
}
function profileOnce(series, workDir) {
    const dir = join(workDir, 'cpu-prof');
    mkdirSync(dir, { recursive: true });
    const files = firstN(series, series.heap.length);
    spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, PATHS.cli, 'analyze', '--out', '-', ...files], { stdio: 'ignore' });
    const prof = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (prof === undefined)
        throw new Error('bench: node --cpu-prof wrote no profile');
    return summarizeCpu(JSON.parse(readFileSync(join(dir, prof), 'utf8')), 15);
}
function gitFacts() {
    const git = (...args) => {
        const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
        return r.status === 0 ? r.stdout.trim() : null;
    };
    const status = git('status', '--porcelain', '--', 'src');
    return { commit: git('rev-parse', 'HEAD'), uncommittedSrc: status === null || status === '' ? [] : status.split('\n').map((l) => l.slice(3)) };
}
async function main(opts) {
    const started = Date.now();
    const series = findSeries(opts.series);
    const workDir = makeWorkDir();
    const go = goVersion();
    try {
        log(`bench: ${opts.rounds} round(s) on ${series.dir}; preparing inputs in ${workDir}`);
        const debug2 = await gunzipTo(series, 'goroutine_10.debug2.txt.gz', workDir);
        const heapDebug1 = await gunzipTo(series, 'heap_10.debug1.txt.gz', workDir);
        const reduced = [0.25, 0.5].map((f) => reduce(join(PATHS.benchDist, 'sample-series.js'), series, f, workDir));
        const long = opts.quick ? [] : longSeries(series, workDir, [50, 100]);
        if (long.length === 0)
            log('bench: no make_series.py beside the series (or --quick): the per-pair rows are not measured');
        const seen = { truncationReported: null };
        const tasks = plan({ paths: PATHS, series, reduced, long, debug2, heapDebug1, go }, seen);
        if (go === null)
            log('bench: go is not installed; the go tool pprof row and its target are not measured');
        const rows = await rounds(tasks, opts.rounds);
        const byId = new Map(rows.flatMap((r) => (r.summary === null ? [] : [[r.id, r.summary]])));
        const [p25, p50] = reduced;
        const targets = evaluate({ rows: byId, truncationReported: seen.truncationReported, samples: { p25: p25.samples, p50: p50.samples, full: p25.samplesOfFull } });
        const profile = opts.profile ? profileOnce(series, workDir) : null;
        const med = (id) => byId.get(id)?.median ?? null;
        const div = (a, b) => (a === null || b === null ? null : a / b);
        const results = {
            schemaVersion: 1,
            command: `node dist/bench/run.js ${process.argv.slice(2).join(' ')}`.trim(),
            machine: machine(rssMethod()),
            code: gitFacts(),
            inputs: { series: series.dir, heap: series.heap.length, goroutine: series.goroutine.length, reduced: reduced.map((r) => ({ fraction: r.fraction, samples: r.samples, samplesOfFull: r.samplesOfFull, stacks: r.stacks, stacksOfFull: r.stacksOfFull })) },
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
        process.stdout.write(`\n${rowsTable(rows)}\n\n${targetsTable(targets)}\n`);
        if (profile !== null)
            process.stdout.write(`\n${formatCpu(profile)}\n`);
        writeFileSync(opts.out, `${JSON.stringify(results, null, 2)}\n`);
        log(`\nbench: wrote ${opts.out} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    finally {
        rmSync(workDir, { recursive: true, force: true });
    }
}
await main(options(process.argv.slice(2)));
//# sourceMappingURL=run.js.map