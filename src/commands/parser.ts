// The command line's yargs table: argv into the command to run and its raw arguments, the help text, and every
// usage error in a sentence. Only cli.ts loads it, and only when the quick paths of quick.ts cannot answer:
// yargs and its help machinery are most of a small run's start-up. Handlers are synchronous and only record
// the command: a rejected async yargs handler would print the help text as if the user had mistyped, so the
// work runs after parsing, outside yargs.

import yargs, { type Argv } from 'yargs';
import { UsageError } from '../errors.js';
import { LIMIT_OPTIONS, type Flag } from '../options.js';
import { ANALYZE_FLAGS } from './analyze-options.js';
import { COLLECT_FLAGS } from '../collect/options.js';
import type { Io } from './io.js';
import { takesValue } from './analyze-options.js';
import { distance } from './suggest.js';

/** What the parse decided to run, with the arguments as yargs parsed them (kebab and camel case keys). */
export interface Parsed {
  readonly command: 'analyze' | 'collect' | 'inspect';
  readonly args: Readonly<Record<string, unknown>>;
}

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

function parser(argv: string[], io: Pick<Io, 'columns' | 'version'>, found: (p: Parsed) => void): Argv {
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
      (args) => found({ command: 'analyze', args }),
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
      (args) => found({ command: 'collect', args }),
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
      (args) => found({ command: 'inspect', args }),
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
      // yargs reports the argument parser's own complaints (a flag with no value after it) as a YError: the
      // user's mistake, not ours. Anything else thrown in yargs is a bug, reported as one.
      if (err !== undefined && err !== null && err.name !== 'YError') throw err;
      throw new UsageError(withSuggestion(msg ?? err?.message ?? 'the command line could not be read'));
    });
}

/**
 * The command argv asks for and its arguments; null when yargs answered on its own (`--help`, `--version`,
 * printed to stdout). A usage error throws a UsageError.
 */
export function parseArgs(argv: string[], io: Pick<Io, 'columns' | 'version'>): Parsed | null {
  let parsed: Parsed | null = null;
  parser(
    asDefaultCommand(argv).map((t, i, all) => (t === '-' && !takesValue(all[i - 1]) ? STDIN_ARG : t)),
    io,
    (p) => (parsed = p),
  ).parseSync();
  return parsed === null ? null : withStdin(parsed);
}

/**
 * yargs drops a lone `-` given as a command's positional argument (standard input, among the snapshots), so it
 * goes through yargs as this word and comes back as `-`; a `-` that is a flag's value (`--out -`) stays as is.
 */
const STDIN_ARG = '\u0000stdin';

function withStdin(p: Parsed): Parsed {
  const back = (v: unknown): unknown => (Array.isArray(v) ? v.map((x) => (x === STDIN_ARG ? '-' : x)) : v);
  return { ...p, args: Object.fromEntries(Object.entries(p.args).map(([k, v]) => [k, k === 'snapshots' || k === 'files' ? back(v) : v])) };
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
  const missing = /^Not enough arguments following: (.+)$/.exec(msg);
  if (missing !== null) return `--${missing[1]} needs a value after it`;
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
