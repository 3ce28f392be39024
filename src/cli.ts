#!/usr/bin/env node
// The command line: argv into options, options into an exit code. The only file that touches `process`.
// argv is parsed by yargs (commands/parser.ts), loaded only when the quick paths (commands/quick.ts: the
// help text, a plain analysis) cannot answer alone; the work runs after parsing, outside yargs.

import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { LeakdiffError, printable, reason, UsageError } from './errors.js';
import { limitsFrom, type Flag } from './options.js';
import { ANALYZE_FLAGS, checkAnalyze, type AnalyzeArgs, type AnalyzeSettings } from './commands/analyze-options.js';
import { COLLECT_FLAGS, collectOptions, type CollectArgs, type CollectOptions } from './collect/options.js';
import { readConfig } from './config.js';
import type { Io } from './commands/io.js';
import type { Parsed } from './commands/parser.js';
import { quickAnalyze, quickHelp } from './commands/quick.js';

// Each command's modules are loaded when it runs, not at start-up: `--help` and a small run stay fast, and
// an analysis never loads the HTTP client, nor a collection the statistics.
const loadAnalyze = (): Promise<typeof import('./commands/analyze-cli.js')> => import('./commands/analyze-cli.js');

const SHORT_HELP = `usage: leakdiff <snapshot...>          diagnose heap and goroutine snapshots
       leakdiff <http://host:port>       collect from a live service, then diagnose
       leakdiff collect <url>            capture a series from /debug/pprof
       leakdiff inspect <file...>        what each file is

Run leakdiff --help for every option.
`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Raw values of the flags in a table, by name, as yargs parsed them (absent when not given). */
function pick(args: Readonly<Record<string, unknown>>, flags: readonly Flag[]): Record<string, unknown> {
  return Object.fromEntries(flags.filter((f) => args[f.name] !== undefined).map((f) => [f.name, args[f.name]]));
}

/** Limits, the config file and every analysis option, checked before any file is read or request sent. */
function settingsOf(args: Readonly<Record<string, unknown>>, url?: string): AnalyzeSettings {
  const limits = limitsFrom(args);
  const config = readConfig(args.config as string | undefined, existsSync);
  return checkAnalyze(
    { ...pick(args, ANALYZE_FLAGS), snapshots: args.snapshots } as AnalyzeArgs,
    pick(args, COLLECT_FLAGS) as Omit<CollectArgs, 'url'>,
    config,
    limits,
    url,
  );
}

async function analyzeJob(args: Readonly<Record<string, unknown>>, io: Io): Promise<number> {
  const settings = settingsOf(args);
  if (settings.collect !== null) return collectThen(settings.collect, settings, io);
  return (await loadAnalyze()).analyzeCommand(settings, io);
}

async function collectJob(args: Readonly<Record<string, unknown>>, io: Io): Promise<number> {
  const url = args.url as string;
  if (args.analyze === true) {
    const settings = settingsOf(args, url);
    return collectThen(settings.collect as CollectOptions, settings, io);
  }
  // Without --analyze, --out is the snapshot directory (its older name; --dir now), and analysis flags mean nothing.
  const analysisOnly = ANALYZE_FLAGS.filter((f) => f.name !== 'out' && f.name !== 'quiet' && args[f.name] !== undefined).map((f) => `--${f.name}`);
  if (analysisOnly.length > 0)
    throw new UsageError(`${analysisOnly.join(', ')} ${analysisOnly.length > 1 ? 'apply' : 'applies'} to the analysis: add --analyze`);
  const collect = collectOptions({ ...(pick(args, COLLECT_FLAGS) as Omit<CollectArgs, 'url'>), out: args.out as string | undefined, url }, limitsFrom(args));
  return collectThen(collect, null, io, args.quiet === true);
}

/**
 * Collection runs until done or Ctrl-C. The first SIGINT stops it between writes (every saved snapshot is
 * whole): without analysis the run then exits 130; with it, what is complete is analyzed and the report says
 * the collection was interrupted. A second SIGINT exits 130 at once, also during the analysis (it reads a file
 * per turn of the event loop, so the handler runs between files); saved snapshots are whole, and the report
 * and JSON are written only at the end, so nothing half-written is left.
 */
async function collectThen(collect: CollectOptions, settings: AnalyzeSettings | null, io: Io, quiet = settings?.quiet ?? false): Promise<number> {
  const { runCollect } = await import('./collect/index.js');
  if (settings !== null) (await loadAnalyze()).checkPlannedOutputs(settings, io.env);
  const ac = new AbortController();
  let collecting = true;
  // SIGTERM (a supervisor, `timeout`, `kill`) stops like a first Ctrl-C, between writes, but asks for an
  // end, not an analysis: the run says what it kept and exits 143 (128 + 15), as a shell reports it.
  let terminated = false;
  const onInt = (): void => {
    if (collecting && !ac.signal.aborted) return ac.abort();
    io.stderr('leakdiff: interrupted again; stopped at once, the complete snapshots are kept\n');
    process.exit(130);
  };
  const onTerm = (): void => {
    terminated = true;
    if (collecting && !ac.signal.aborted) return ac.abort();
    io.stderr('leakdiff: terminated (SIGTERM); stopped at once, the complete snapshots are kept\n');
    process.exit(143);
  };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    const r = await runCollect(collect, { ...io, quiet }, ac.signal);
    collecting = false;
    if (terminated) {
      io.stderr(`leakdiff: terminated (SIGTERM) after ${r.rounds} of ${r.of} rounds; ${r.files.length} complete snapshot files kept in ${printable(r.dir)}\n`);
      return 143;
    }
    if (settings === null) return r.exitCode === 0 && r.interrupted ? 130 : r.exitCode;
    if (r.exitCode !== 0) return r.exitCode;
    if (r.interrupted && !quiet) io.stderr(`leakdiff: interrupted after ${r.rounds} of ${r.of} rounds; analyzing those (Ctrl-C again stops at once)\n`);
    const collection = { dir: r.dir, rounds: r.rounds, of: r.of, interrupted: r.interrupted };
    return await (await loadAnalyze()).analyzeCommand({ ...settings, snapshots: r.files }, io, collection);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

export async function main(argv: string[], io: Io): Promise<number> {
  // A bare `leakdiff` gets the short help, on stderr with exit 2 as a usage error: a CI line whose snapshot
  // variable came out empty must not pass as if it had checked something.
  if (argv.length === 0) {
    io.stderr(SHORT_HELP);
    return 2;
  }
  // The version alone needs no parser: yargs and its help machinery are most of `leakdiff -V`'s start-up.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.stdout(`${io.version}\n`);
    return 0;
  }
  const debug = argv.includes('--debug');
  try {
    // `--help` at full width in English, and an analysis of files with plain flags, need no yargs.
    const help = await quickHelp(argv, io.env, io.columns);
    if (help !== null) {
      io.stdout(help);
      return 0;
    }
    const parsed = quickAnalyze(argv) ?? (await import('./commands/parser.js')).parseArgs(argv, io);
    return parsed === null ? 0 : await run(parsed, io);
  } catch (err) {
    return reportError(err, io, debug);
  }
}

/** The command the parse chose, run. */
async function run({ command, args }: Parsed, io: Io): Promise<number> {
  if (command === 'analyze') return analyzeJob(args, io);
  if (command === 'collect') return collectJob(args, io);
  const { runInspect } = await import('./commands/inspect.js');
  const { stdout } = runInspect({ files: args.files as string[], json: args.json as boolean, limits: limitsFrom(args) });
  io.stdout(stdout);
  return 0;
}

/** Typed errors become one line and exit 2; anything else is a bug, reported as one, also exit 2. */
function reportError(err: unknown, io: Io, debug: boolean): number {
  if (err instanceof LeakdiffError) {
    io.stderr(`leakdiff: ${err.message}${err instanceof UsageError ? ' (see leakdiff --help)' : ''}\n`);
  } else {
    const e = err instanceof Error ? err : new Error(String(err));
    io.stderr(`leakdiff: internal error: ${e.message} (this is a bug in leakdiff; rerun with --debug and report it)\n`);
  }
  if (debug && err instanceof Error && err.stack !== undefined) io.stderr(`${err.stack}\n`);
  return 2;
}

/**
 * V8 compiles a function with TurboFan, on helper threads, once it has run about `--interrupt-budget` bytes of
 * bytecode (66 KiB by default). A short run (the demo's 18 small files, a CI gate on a few snapshots) spent a
 * quarter of its CPU compiling some 50 functions it then ran for milliseconds; with eight times the budget it
 * compiles a few, and a long analysis (the bench series, seconds in the same loops) loses nothing measurable.
 * Set before the analysis modules load. Measured on V8 11.3 (Node 20) only: other versions tier differently
 * (Maglev) and keep their defaults, as does a run given the flag itself.
 */
if (process.versions.v8.startsWith('11.3.') && !process.execArgv.some((a) => /^--interrupt[-_]budget/.test(a))) setFlagsFromString('--interrupt-budget=540672');

/**
 * A failed write to stdout arrives as an 'error' event, after the write returned. A reader that went away
 * (`| head`: EPIPE) ends the output quietly, as it ends `cat`; anything else (a full device) is one line and
 * exit 2. Unhandled, either would be a Node stack trace.
 */
const stdoutState: { failure: NodeJS.ErrnoException | null } = { failure: null };
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  stdoutState.failure ??= err;
});

const io: Io = {
  stdout: (t) => stdoutState.failure === null && process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTTY: process.stderr.isTTY === true,
  stdoutIsTTY: process.stdout.isTTY === true,
  columns: process.stdout.columns ?? (Number(process.env.COLUMNS) || 100),
  env: process.env,
  hostnames: [hostname()],
  version: version(),
};
// yargs' hideBin for node (not a bundled Electron app): the arguments after node and the script.
const code = await main(process.argv.slice(2), io);
// Let a pending stdout error surface before deciding the exit code.
await new Promise((done) => setImmediate(done));
const failure = stdoutState.failure;
if (failure !== null && failure.code !== 'EPIPE') {
  process.stderr.write(`leakdiff: stdout: write: cannot be written: ${reason(failure)}\n`);
  process.exitCode = 2;
} else process.exitCode = code;
