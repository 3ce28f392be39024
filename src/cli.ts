#!/usr/bin/env node
// The command line: argv into options, options into an exit code. The only file that touches `process`.
// Command handlers are synchronous and only record what to run: a rejected async yargs handler would print
// the help text as if the user had mistyped, so the work runs after parsing, outside yargs.

import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Argv } from 'yargs';
import { LeakdiffError, printable, reason, UsageError } from './errors.js';
import { LIMIT_OPTIONS, limitsFrom, type Flag } from './options.js';
import { ANALYZE_FLAGS, checkAnalyze, type AnalyzeArgs, type AnalyzeSettings } from './commands/analyze-options.js';
import { COLLECT_FLAGS, collectOptions, type CollectArgs, type CollectOptions } from './collect/options.js';
import { readConfig } from './config.js';
import { distance } from './commands/suggest.js';
import type { Io } from './commands/io.js';

// Each command's modules are loaded when it runs, not at start-up: `--help` and a small run stay fast, and
// an analysis never loads the HTTP client, nor a collection the statistics.
const loadAnalyze = (): Promise<typeof import('./commands/analyze-cli.js')> => import('./commands/analyze-cli.js');

/** Examples, each command on its own line and what it does below it: readable at 80 columns. */
const ANALYZE_EXAMPLES: readonly (readonly [string, string])[] = [
  ['leakdiff snapshots/', 'diagnose every heap and goroutine profile in a directory; report under reports/'],
  ['leakdiff http://127.0.0.1:6060 --every 30s --count 10', 'collect ten rounds from a live service, then diagnose them'],
  ['leakdiff snaps/ --json result.json --fail-on high --max-heap-growth 5MiB/h', 'CI gate: exit 1 on a high-confidence leak or faster heap growth'],
  ['leakdiff snaps/ --baseline main.json', 'fail only on findings the baseline run did not have'],
  ['leakdiff --interval 30s h1.txt h2.txt h3.txt', 'text files without times, taken 30 s apart'],
];
const COLLECT_EXAMPLES: readonly (readonly [string, string])[] = [
  ['leakdiff collect http://127.0.0.1:6060 --every 30s --count 10', 'ten rounds of heap and goroutine snapshots, 30 s apart'],
  [
    'leakdiff collect http://127.0.0.1:6060 --every 1m --duration 15m --analyze',
    'collect for a quarter of an hour, then diagnose (Ctrl-C: diagnose what is there)',
  ],
  ["leakdiff collect https://svc:8443 --header 'Authorization: Bearer $TOKEN' --path-prefix /admin/pprof", 'pprof behind auth, mounted elsewhere'],
];

const SHORT_HELP = `usage: leakdiff <snapshot...>          diagnose heap and goroutine snapshots
       leakdiff <http://host:port>       collect from a live service, then diagnose
       leakdiff collect <url>            capture a series from /debug/pprof
       leakdiff inspect <file...>        what each file is

Run leakdiff --help for every option.
`;

/** What the parse decided to run; executed, and awaited, after yargs returns. */
type Job = () => number | Promise<number>;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const LIMITS_GROUP = 'Resource limits (for hostile input; defaults far above real profiles):';

function withFlags<T>(y: Argv<T>, flags: readonly Flag[]): Argv<T> {
  let out = y;
  for (const f of flags) {
    // Choices are checked by the command's check(), for the same one-line error as every other value.
    out = out.option(f.name, {
      type: f.type,
      describe: f.choices === undefined ? f.describe : `${f.describe} [${f.choices.join(', ')}]`,
      group: f.group,
      ...(f.alias === undefined ? {} : { alias: f.alias }),
      // nargs: 1 keeps `-` (stdout) as the value; without it yargs reads `--json -` as '' (yargs#1312).
      ...(f.type === 'string' ? { nargs: 1, requiresArg: true } : {}),
    });
  }
  return out;
}

function withLimits<T>(y: Argv<T>): Argv<T> {
  let out = y;
  for (const o of LIMIT_OPTIONS) out = out.option(o.flag.slice(2), { type: 'string', nargs: 1, describe: o.describe, group: LIMITS_GROUP });
  return out;
}

/** Examples as an epilogue: yargs' two-column examples wrap long commands into the description column. */
function examples(list: readonly (readonly [string, string])[]): string {
  return ['Examples:', ...list.flatMap(([cmd, what]) => [`  ${cmd}`, `      ${what}`])].join('\n');
}

/** Raw values of the flags in a table, by name, as yargs parsed them (absent when not given). */
function pick(args: Readonly<Record<string, unknown>>, flags: readonly Flag[]): Record<string, unknown> {
  return Object.fromEntries(flags.filter((f) => args[f.name] !== undefined).map((f) => [f.name, args[f.name]]));
}

function parser(yargs: (argv: string[]) => Argv, argv: string[], io: Io, setJob: (job: Job) => void): Argv {
  return yargs(argv)
    .scriptName('leakdiff')
    .usage('leakdiff: find what is leaking in a Go service from a series of pprof snapshots')
    .command(
      ['analyze <snapshots..>', '$0 <snapshots..>'],
      'diagnose a series of heap and goroutine snapshots (files, directories, globs), or collect from a URL first',
      (y) =>
        withLimits(withFlags(withFlags(y, ANALYZE_FLAGS), COLLECT_FLAGS))
          .positional('snapshots', {
            type: 'string',
            array: true,
            describe: 'snapshot files, directories or globs (heap and goroutine mixed, any form), or one http:// URL',
          })
          .epilogue(examples(ANALYZE_EXAMPLES)),
      (args) => setJob(() => analyzeJob(args, io)),
    )
    .command(
      'collect <url>',
      'capture a series of heap and goroutine snapshots from a live /debug/pprof endpoint',
      (y) =>
        withLimits(withFlags(withFlags(y, COLLECT_FLAGS), ANALYZE_FLAGS))
          .positional('url', { type: 'string', demandOption: true, describe: 'the service, e.g. http://127.0.0.1:6060' })
          .option('analyze', {
            type: 'boolean',
            group: 'Collecting from a URL:',
            describe: 'diagnose the series when collection ends (every analysis option applies; --out is then the report)',
          })
          .epilogue(examples(COLLECT_EXAMPLES)),
      (args) => setJob(() => collectJob(args, io)),
    )
    .command(
      'inspect <files..>',
      'describe each file: form, kind, sample types, time, totals',
      (y) =>
        withLimits(y)
          .positional('files', { type: 'string', array: true, describe: 'profile files, directories or globs' })
          .option('json', { type: 'boolean', default: false, describe: 'print a JSON array instead of text' })
          .epilogue(
            examples([
              ['leakdiff inspect heap.pb.gz goroutine.txt', 'what each file is'],
              ['leakdiff inspect --json snapshots/', 'every profile in a directory, as JSON'],
            ]),
          ),
      (args) =>
        setJob(async () => {
          const { runInspect } = await import('./commands/inspect.js');
          const { stdout } = runInspect({ files: args.files as string[], json: args.json, limits: limitsFrom(args) });
          io.stdout(stdout);
          return 0;
        }),
    )
    .option('debug', { type: 'boolean', default: false, describe: 'show stack traces for errors' })
    .demandCommand(1, 'give snapshots to analyze (leakdiff snap1 snap2 ...) or a command')
    .strict()
    .recommendCommands()
    .version(io.version)
    .alias('V', 'version')
    .help()
    .alias('h', 'help')
    .wrap(Math.min(100, io.columns))
    .showHelpOnFail(false)
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(withSuggestion(msg));
    });
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

/** Every option name of every command, for suggestions. */
const KNOWN_OPTIONS = [
  'no-color',
  'debug',
  'help',
  'version',
  'analyze',
  ...ANALYZE_FLAGS.map((f) => f.name),
  ...LIMIT_OPTIONS.map((o) => o.flag.slice(2)),
  ...COLLECT_FLAGS.map((f) => f.name),
];

/** yargs says "Unknown argument: fial-on"; a person wants to hear "did you mean --fail-on?". */
function withSuggestion(msg: string, known: readonly string[] = KNOWN_OPTIONS): string {
  if (/^Not enough non-option arguments/.test(msg))
    return `${msg.replace(/^Not enough non-option arguments: got 0, need at least 1/, 'nothing to work on')}: give the snapshot files, directories or URL`;
  const m = /^Unknown arguments?: (.+)$/.exec(msg);
  if (m === null) return msg;
  // yargs lists each unknown flag twice, kebab and camel case: keep what the user typed.
  const typed = m[1].split(', ').filter((arg) => !/[A-Z]/.test(arg));
  const hints = typed.map((arg) => {
    const near = known
      .filter((k) => k.length > 1)
      .map((k) => ({ k, d: distance(arg, k) }))
      .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))[0];
    return near !== undefined && near.d <= 2 ? `--${arg} (did you mean --${near.k}?)` : `--${arg}`;
  });
  return `unknown option${hints.length > 1 ? 's' : ''} ${hints.join(', ')}`;
}

/** Command names: a token equal to one is never dropped in front of it (asDefaultCommand). */
const COMMANDS: ReadonlySet<string> = new Set(['analyze', 'collect', 'inspect']);

/**
 * `leakdiff analyze X...` runs as `leakdiff X...`, the same command by its default name. After the handler of
 * a command called by name, yargs renders and caches that command's whole help text (yargs command.js,
 * `cacheHelpMessage`, for an async handler that fails later), string widths of ~60 options measured in: about
 * a tenth of a small run's start-up. Our handlers are synchronous and never need it. Kept as typed when help
 * is asked for (its usage line names the command) or when a command name follows (it would become the command).
 */
function asDefaultCommand(argv: string[]): string[] {
  if (argv[0] !== 'analyze' || argv.length < 2) return argv;
  const rest = argv.slice(1);
  return rest.some((a) => a === '--help' || a === '-h' || COMMANDS.has(a)) ? argv : rest;
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
  let job: Job | null = null;
  const debug = argv.includes('--debug');
  try {
    const { default: yargs } = await import('yargs');
    parser(yargs, asDefaultCommand(argv), io, (j) => (job = j)).parseSync();
    return job === null ? 0 : await (job as Job)();
  } catch (err) {
    return reportError(err, io, debug);
  }
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
