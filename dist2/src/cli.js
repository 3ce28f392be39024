#!/usr/bin/env node
// The command line: argv into options, options into an exit code. The only file that touches `process`.
// Command handlers are synchronous and only record what to run: a rejected async yargs handler would print
// the help text as if the user had mistyped, so the work runs after parsing, outside yargs.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { LeakdiffError, UsageError } from './errors.js';
import { LIMIT_OPTIONS, limitsFrom } from './options.js';
import { COLLECT_FLAGS } from './collect/options.js';
import { distance } from './commands/suggest.js';
// Each command's modules are loaded when it runs, not at start-up: `--help` and a small run stay fast, and
// an analysis never loads the HTTP client, nor a collection the statistics.
const loadAnalyze = () => import('./commands/analyze-cli.js');
const ANALYZE_EXAMPLES = [
    ['leakdiff snapshots/', 'diagnose every heap and goroutine profile in a directory; the report goes to reports/'],
    ['leakdiff heap-*.pb.gz goroutine-*.txt --json result.json', 'also write the JSON result'],
    ['leakdiff --fail-on high --max-heap-growth 5MiB/h --json - snaps/', 'CI gate: exit 1 on a high-confidence leak or faster heap growth'],
    ['leakdiff --baseline main.json snaps/', 'fail only on findings the baseline run did not have'],
    ['leakdiff --interval 30s h1.txt h2.txt h3.txt', 'text files without times, taken 30 s apart'],
];
function version() {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    return pkg.version;
}
function withLimits(y) {
    let out = y;
    for (const o of LIMIT_OPTIONS) {
        out = out.option(o.flag.slice(2), { type: 'string', describe: `${o.describe} (resource limit)`, group: 'Limits:' });
    }
    return out;
}
function parser(argv, io, setJob) {
    return yargs(argv)
        .scriptName('leakdiff')
        .usage('leakdiff: find what is leaking in a Go service from a series of pprof snapshots')
        .command('inspect <files..>', 'describe each file: form, kind, sample types, time, totals', (y) => withLimits(y)
        .positional('files', { type: 'string', array: true, describe: 'profile files, directories or globs' })
        .option('json', { type: 'boolean', default: false, describe: 'print a JSON array instead of text' })
        .example('leakdiff inspect heap.pb.gz goroutine.txt', 'what each file is')
        .example('leakdiff inspect --json snapshots/', 'every profile in a directory, as JSON'), (args) => setJob(async () => {
        const { runInspect } = await import('./commands/inspect.js');
        const { stdout } = runInspect({ files: args.files, json: args.json, limits: limitsFrom(args) });
        io.stdout(stdout);
        return 0;
    }))
        .command(['analyze <snapshots..>', '$0 <snapshots..>'], 'analyze a series of heap and goroutine snapshots (files, directories, globs) and diagnose leaks', (y) => {
        let out = withLimits(y)
            .positional('snapshots', { type: 'string', array: true, describe: 'snapshot files, directories or globs; heap and goroutine mixed, any form' })
            // nargs: 1 keeps `-` (stdout) as the value; without it yargs reads `--json -` as '' (yargs#1312).
            .option('out', { type: 'string', nargs: 1, describe: 'write the Markdown diagnosis to FILE (- for stdout only); default reports/<service>-<start>.md with its chart beside it' })
            .option('json', { type: 'string', nargs: 1, describe: 'write the JSON result to FILE (- for stdout)' })
            .option('interval', { type: 'string', describe: 'spacing of snapshots that carry no time, in argument order (30s, 5m)' })
            .option('module', { type: 'string', array: true, describe: "the service's own module path(s); inferred when absent" })
            // No `array: true` on --source: yargs would swallow the snapshots after it; a repeated flag is an array anyway.
            .option('source', { type: 'string', nargs: 1, describe: "your checkout of the service (repeatable): the culprit's source is shown with per-line figures; library files also from the Go module cache" })
            .option('limit', { type: 'string', describe: 'memory limit (512MiB, 2GB) for the time-to-limit projection' })
            .option('fail-on', { choices: ['high', 'medium', 'low'], default: 'medium', describe: 'exit 1 when a finding reaches this confidence' })
            .option('max-heap-growth', { type: 'string', describe: 'gate: exit 1 when the heap in use grows faster (5MiB/h, 1GB/day)' })
            .option('max-goroutine-growth', { type: 'string', describe: 'gate: exit 1 when goroutines grow faster (100/h, 5/min)' })
            .option('baseline', { type: 'string', describe: 'JSON result of an earlier run (e.g. before a fix): compare, and fail only on findings it did not have' })
            .option('require-resolved', { type: 'boolean', default: false, describe: 'with --baseline: exit 1 while any baseline finding persists' })
            .option('redact', { type: 'boolean', default: false, describe: 'strip home directories, build paths and host names from everything written' })
            .option('color', { type: 'boolean', default: true, describe: 'colour in a terminal (--no-color, or NO_COLOR, turns it off)' })
            .option('granularity', { choices: ['functions', 'lines'], default: 'functions', describe: 'call-site identity: function, or function and line' })
            .option('quiet', { type: 'boolean', default: false, describe: 'no progress or warnings on stderr' });
        for (const [cmd, what] of ANALYZE_EXAMPLES)
            out = out.example(cmd, what);
        return out;
    }, (args) => setJob(async () => (await loadAnalyze()).analyzeCommand(args, limitsFrom(args), io)))
        .command('collect <url>', 'capture a series of heap and goroutine snapshots from a live /debug/pprof endpoint', (y) => {
        let out = withLimits(y).positional('url', { type: 'string', demandOption: true, describe: 'the service, e.g. http://127.0.0.1:6060' });
        // No `array: true` on --header: yargs would swallow the URL after it; a repeated flag is an array anyway.
        for (const f of COLLECT_FLAGS)
            out = out.option(f.name, { type: f.type, default: f.default, describe: f.describe });
        return out
            .option('analyze', { type: 'boolean', default: false, describe: 'analyze the saved series when collection ends' })
            .example('leakdiff collect http://127.0.0.1:6060 --every 30s --count 10', 'ten rounds of heap and goroutine snapshots, 30 s apart')
            .example('leakdiff collect http://127.0.0.1:6060 --every 1m --duration 15m --analyze', 'collect for a quarter of an hour, then diagnose')
            .example("leakdiff collect https://svc:8443 --header 'Authorization: Bearer $TOKEN' --path-prefix /admin/pprof", 'pprof behind auth, mounted elsewhere');
    }, (args) => setJob(() => collectCommand(args, limitsFrom(args), io)))
        .option('debug', { type: 'boolean', default: false, describe: 'show stack traces for errors' })
        .demandCommand(1, 'give snapshots to analyze (leakdiff snap1 snap2 ...) or a command')
        .strict()
        .recommendCommands()
        .version(io.version)
        .help()
        .alias('h', 'help')
        .wrap(Math.min(110, process.stdout.columns ?? 100))
        .showHelpOnFail(false)
        .exitProcess(false)
        .fail((msg, err) => {
        throw err ?? new UsageError(withSuggestion(msg));
    });
}
/** Collection runs until done or Ctrl-C; the first SIGINT stops it cleanly, a second gets Node's default. */
async function collectCommand(args, limits, io) {
    const { collectOptions, runCollect } = await import('./collect/index.js');
    const opts = collectOptions(args, limits);
    const ac = new AbortController();
    const onInt = () => ac.abort();
    process.once('SIGINT', onInt);
    try {
        const r = await runCollect(opts, io, ac.signal);
        if (r.exitCode !== 0 || !args.analyze)
            return r.exitCode;
        const analyzeArgs = { snapshots: r.files, 'fail-on': 'medium', granularity: 'functions', redact: false, color: true, quiet: false, 'require-resolved': false };
        return await (await loadAnalyze()).analyzeCommand(analyzeArgs, limits, io);
    }
    finally {
        process.off('SIGINT', onInt);
    }
}
/** Every option name of every command, for suggestions. */
const KNOWN_OPTIONS = [
    'out', 'json', 'interval', 'module', 'source', 'limit', 'fail-on', 'max-heap-growth', 'max-goroutine-growth', 'baseline', 'require-resolved',
    'granularity', 'redact', 'color', 'no-color', 'quiet', 'debug', 'help', 'version', 'analyze',
    ...LIMIT_OPTIONS.map((o) => o.flag.slice(2)),
    ...COLLECT_FLAGS.map((f) => f.name),
];
/** yargs says "Unknown argument: fial-on"; a person wants to hear "did you mean --fail-on?". */
function withSuggestion(msg, known = KNOWN_OPTIONS) {
    if (/^Not enough non-option arguments/.test(msg))
        return `${msg.replace(/^Not enough non-option arguments: got 0, need at least 1/, 'nothing to work on')}: give the snapshot files, directories or URL`;
    const m = /^Unknown arguments?: (.+)$/.exec(msg);
    if (m === null)
        return msg;
    // yargs lists each unknown flag twice, kebab and camel case: keep what the user typed.
    const typed = m[1].split(', ').filter((arg) => !/[A-Z]/.test(arg));
    const hints = typed.map((arg) => {
        const near = known.filter((k) => k.length > 1).map((k) => ({ k, d: distance(arg, k) })).sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))[0];
        return near !== undefined && near.d <= 2 ? `--${arg} (did you mean --${near.k}?)` : `--${arg}`;
    });
    return `unknown option${hints.length > 1 ? 's' : ''} ${hints.join(', ')}`;
}
export async function main(argv, io) {
    let job = null;
    const debug = argv.includes('--debug');
    try {
        parser(argv, io, (j) => (job = j)).parseSync();
        return job === null ? 0 : await job();
    }
    catch (err) {
        return reportError(err, io, debug);
    }
}
/** Typed errors become one line and exit 2; anything else is a bug, reported as one, also exit 2. */
function reportError(err, io, debug) {
    if (err instanceof LeakdiffError) {
        io.stderr(`leakdiff: ${err.message}${err instanceof UsageError ? ' (see leakdiff --help)' : ''}\n`);
    }
    else {
        const e = err instanceof Error ? err : new Error(String(err));
        io.stderr(`leakdiff: internal error: ${e.message} (this is a bug in leakdiff; rerun with --debug and report it)\n`);
    }
    if (debug && err instanceof Error && err.stack !== undefined)
        io.stderr(`${err.stack}\n`);
    return 2;
}
const io = {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stderrIsTTY: process.stderr.isTTY === true,
    stdoutIsTTY: process.stdout.isTTY === true,
    columns: process.stdout.columns ?? 100,
    env: process.env,
    hostnames: [hostname()],
    version: version(),
};
process.exitCode = await main(hideBin(process.argv), io);
//# sourceMappingURL=cli.js.map