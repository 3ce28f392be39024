// Options of `leakdiff analyze` (and of `collect --analyze`, which reads the same table), as plain data: the
// flag table the CLI turns into yargs options, and one check() that turns raw values (flags, then the config
// file under them) into validated settings, or a UsageError that explains the problem in a sentence. Every
// value is checked here, before a file is read or a request sent. Nothing here touches process.

import { statSync } from 'node:fs';
import { COLLECT_FLAGS, collectOptions, type CollectArgs, type CollectOptions } from '../collect/options.js';
import { CONFIG_KEYS, type Config } from '../config.js';
import type { Confidence } from '../diagnose/index.js';
import type { IgnoreRule, RateLimit } from '../gates.js';
import { ConfigError, UsageError, quote } from '../errors.js';
import type { Limits } from '../limits.js';
import type { Granularity } from '../normalize/index.js';
import { LIMIT_OPTIONS, type Flag } from '../options.js';
import { STDIN } from '../read.js';
import { parseBytes, parseDuration, parseRate } from '../units.js';

const OUT = 'Output:';
const GATES = 'CI gates:';
const ANALYSIS = 'Analysis:';

/** The flags of `analyze`, in the order `--help` lists them. */
export const ANALYZE_FLAGS: readonly Flag[] = [
  {
    name: 'out',
    type: 'string',
    group: OUT,
    value: 'FILE',
    describe: 'the Markdown report (- for stdout only); default reports/<service>-<start>.md, its chart beside it',
  },
  { name: 'json', type: 'string', group: OUT, value: 'FILE', describe: 'also write the JSON result (- for stdout)' },
  { name: 'quiet', type: 'boolean', group: OUT, alias: 'q', describe: 'nothing on stderr but errors (the report still goes to stdout)' },
  { name: 'color', type: 'boolean', group: OUT, describe: 'colour the report (--no-color, NO_COLOR or TERM=dumb: none; FORCE_COLOR=1: also to a pipe)' },
  { name: 'redact', type: 'boolean', group: OUT, describe: 'strip home directories, build paths and host names from everything written' },
  {
    name: 'fail-on',
    type: 'string',
    group: GATES,
    value: 'LEVEL',
    choices: ['high', 'medium', 'low'],
    describe: 'exit 1 when a finding reaches this confidence (default medium)',
  },
  { name: 'max-heap-growth', type: 'string', group: GATES, value: 'RATE', describe: 'exit 1 when the heap in use grows faster (5MiB/h, 1GB/day)' },
  { name: 'max-goroutine-growth', type: 'string', group: GATES, value: 'RATE', describe: 'exit 1 when goroutines grow faster (100/h, 5/min)' },
  { name: 'fail-on-inconclusive', type: 'boolean', group: GATES, describe: 'exit 1 when the window could not show a leak (demand a verdict)' },
  { name: 'baseline', type: 'string', group: GATES, value: 'FILE', describe: 'JSON result of an earlier run: fail only on findings it did not have' },
  { name: 'require-resolved', type: 'boolean', group: GATES, describe: 'with --baseline: exit 1 while any baseline finding persists' },
  { name: 'config', type: 'string', group: GATES, value: 'FILE', describe: 'gates and accepted growth (ignore list); default .leakdiff.json here if present' },
  { name: 'module', type: 'string', group: ANALYSIS, value: 'PATH', describe: "the service's own module path, repeatable; inferred when absent" },
  { name: 'source', type: 'string', group: ANALYSIS, value: 'DIR', describe: "your checkout, repeatable: the culprit's source with per-line figures" },
  { name: 'limit', type: 'string', group: ANALYSIS, value: 'SIZE', describe: 'memory limit (512MiB, 2GB) for the time-to-limit projection' },
  { name: 'interval', type: 'string', group: ANALYSIS, value: 'DURATION', describe: 'spacing of snapshots that carry no time, in argument order (30s, 5m)' },
  {
    name: 'granularity',
    type: 'string',
    group: ANALYSIS,
    value: 'functions|lines',
    choices: ['functions', 'lines'],
    describe: 'call-site identity: function (default), or function and line',
  },
];

/** Flag values as yargs delivers them (kebab-case keys, strings as typed), before any check. */
export interface AnalyzeArgs {
  readonly snapshots?: readonly string[];
  readonly out?: string;
  readonly json?: string;
  readonly interval?: string;
  readonly module?: string | readonly string[];
  readonly source?: string | readonly string[];
  readonly limit?: string;
  readonly 'fail-on'?: string;
  readonly 'fail-on-inconclusive'?: boolean;
  readonly 'max-heap-growth'?: string;
  readonly 'max-goroutine-growth'?: string;
  readonly baseline?: string;
  readonly 'require-resolved'?: boolean;
  readonly granularity?: string;
  readonly redact?: boolean;
  readonly color?: boolean;
  readonly quiet?: boolean;
  readonly config?: string;
}

export interface AnalyzeSettings {
  /** Snapshot files, directories or globs; empty when `collect` comes first. */
  readonly snapshots: readonly string[];
  /** Collect from a live service first (`analyze URL`, `collect --analyze`); null for files. */
  readonly collect: CollectOptions | null;
  /** The report: a file, '-' for stdout only, or null for the default under reports/. */
  readonly out: string | null;
  readonly json: string | null;
  readonly intervalSeconds: number | null;
  readonly modules: readonly string[];
  readonly source: readonly string[];
  readonly limitBytes: number | null;
  readonly failOn: Confidence;
  readonly failOnInconclusive: boolean;
  readonly maxHeapGrowth: RateLimit | null;
  readonly maxGoroutineGrowth: RateLimit | null;
  readonly baseline: string | null;
  readonly requireResolved: boolean;
  readonly granularity: Granularity;
  readonly redact: boolean;
  /** --color / --no-color as given; null to decide from the terminal and the environment. */
  readonly color: boolean | null;
  readonly quiet: boolean;
  /** Accepted growth from the config file. */
  readonly ignore: readonly IgnoreRule[];
  /** The config file read, or null. */
  readonly configPath: string | null;
  readonly limits: Limits;
}

/** Makes the error for a bad value: it names the flag, or the config file and its key. */
type Fault = (what: string) => UsageError | ConfigError;

const list = (v: string | readonly string[] | undefined): readonly string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);
const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/**
 * The one check of `analyze`: flags over the config file over defaults. `collectArgs` holds the collection
 * flags given (from `collect --analyze`, or with a URL to `analyze`); a URL among the snapshots means
 * "collect, then analyze".
 */
export function checkAnalyze(args: AnalyzeArgs, collectArgs: Omit<CollectArgs, 'url'>, config: Config | null, limits: Limits, url?: string): AnalyzeSettings {
  const given = args.snapshots ?? [];
  const urls = given.filter(isUrl);
  if (urls.length > 0 && (urls.length > 1 || given.length > 1)) throw new UsageError('give one URL to collect from, or snapshot files, not both');
  const from = url ?? urls[0];
  const collectGiven = COLLECT_FLAGS.filter((f) => (collectArgs as Record<string, unknown>)[f.name] !== undefined).map((f) => `--${f.name}`);
  if (from === undefined && collectGiven.length > 0)
    throw new UsageError(
      `${collectGiven.join(', ')} ${collectGiven.length > 1 ? 'apply' : 'applies'} when collecting: give a URL (leakdiff analyze http://host:6060 ...)`,
    );
  const collect = from === undefined ? null : collectOptions({ ...collectArgs, url: from }, limits);
  const v = merged(args, config);
  const fault =
    (key: string): Fault =>
    (what) =>
      v.fromConfig.has(key) && config !== null ? new ConfigError(config.path, 'config', `"${key}" ${what}`) : new UsageError(`--${key} ${what}`);
  const settings: AnalyzeSettings = {
    snapshots: from === undefined ? given : [],
    collect,
    out: outPath('out', args.out),
    json: outPath('json', args.json),
    intervalSeconds: interval(args.interval),
    modules: list(v.values.module as string | string[] | undefined),
    source: sourceDirs(list(args.source)),
    limitBytes: size(fault('limit'), v.values.limit),
    failOn: choice(fault('fail-on'), v.values['fail-on'], ['high', 'medium', 'low'], 'medium') as Confidence,
    failOnInconclusive: bool(fault('fail-on-inconclusive'), v.values['fail-on-inconclusive']),
    maxHeapGrowth: rate(fault('max-heap-growth'), v.values['max-heap-growth'], 'bytes'),
    maxGoroutineGrowth: rate(fault('max-goroutine-growth'), v.values['max-goroutine-growth'], 'count'),
    baseline: args.baseline ?? null,
    requireResolved: args['require-resolved'] === true,
    granularity: choice(fault('granularity'), v.values.granularity, ['functions', 'lines'], 'functions') as Granularity,
    redact: args.redact === true,
    color: args.color ?? null,
    quiet: args.quiet === true,
    ignore: config?.ignore ?? [],
    configPath: config?.path ?? null,
    limits,
  };
  if (settings.out === '-' && settings.json === '-') throw new UsageError('--out and --json cannot both write to stdout; send one of them to a file');
  if (settings.requireResolved && settings.baseline === null)
    throw new UsageError('--require-resolved needs --baseline BEFORE.json: the findings that must be resolved');
  if (settings.baseline === '') throw new UsageError('--baseline takes the JSON result of an earlier run');
  if (settings.snapshots.length === 0 && collect === null) throw new UsageError('nothing to work on: give the snapshot files, directories or URL');
  // Standard input has no time of its own: beside files it would be placed at the moment it was read.
  if (settings.snapshots.includes(STDIN) && settings.snapshots.some((f) => f !== STDIN))
    throw new UsageError(
      '- (standard input) is read alone, since it carries no capture time of its own; save it to a file named by its round (goroutine-03.txt) to analyze it with others',
    );
  return settings;
}

/** Flags over the config file: the config's value is used only where no flag was given. */
function merged(args: AnalyzeArgs, config: Config | null): { values: Record<string, unknown>; fromConfig: Set<string> } {
  const values: Record<string, unknown> = { ...args };
  const fromConfig = new Set<string>();
  for (const key of CONFIG_KEYS) {
    const c = config?.values[key];
    if (c === undefined || values[key] !== undefined) continue;
    values[key] = c;
    fromConfig.add(key);
  }
  return { values, fromConfig };
}

function outPath(key: string, v: string | undefined): string | null {
  if (v === undefined) return null;
  if (v === '') throw new UsageError(`--${key} takes a file name, or - for stdout`);
  return v;
}

const MAX_INTERVAL_SECONDS = 30 * 86400;

function interval(text: string | undefined): number | null {
  if (text === undefined) return null;
  const s = parseDuration(text);
  if (s === null) throw new UsageError(`--interval takes a duration such as 30s or 5m, not ${quote(text)}`);
  if (s <= 0) throw new UsageError('--interval must be longer than zero');
  // Snapshots spaced further apart than this would put their times past what a date can hold.
  if (s > MAX_INTERVAL_SECONDS) throw new UsageError(`--interval must be at most 30d (snapshots minutes to hours apart), not ${quote(text)}`);
  return s;
}

function size(fault: Fault, v: unknown): number | null {
  if (v === undefined) return null;
  const n = typeof v === 'string' ? parseBytes(v) : typeof v === 'number' && v > 0 ? v : null;
  if (n === null || n <= 0) throw fault(`takes a size such as 512MiB or 2GB, not ${quote(String(v))}`);
  return n;
}

function rate(fault: Fault, v: unknown, unit: 'bytes' | 'count'): RateLimit | null {
  if (v === undefined) return null;
  const perSecond = typeof v === 'string' ? parseRate(v, unit) : null;
  const example = unit === 'bytes' ? '5MiB/h or 100MB/day' : '100/h or 10/min';
  if (perSecond === null || typeof v !== 'string') throw fault(`takes a rate such as ${example}, not ${quote(String(v))}`);
  return { text: v, perSecond };
}

function choice(fault: Fault, v: unknown, choices: readonly string[], dflt: string): string {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !choices.includes(v)) throw fault(`takes ${choices.join(', ')}, not ${quote(String(v))}`);
  return v;
}

function bool(fault: Fault, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw fault(`is true or false, not ${quote(String(v))}`);
  return v;
}

function sourceDirs(dirs: readonly string[]): readonly string[] {
  for (const d of dirs) {
    if (d === '') throw new UsageError('--source takes a directory: your checkout of the profiled service');
    if (statSync(d, { throwIfNoEntry: false })?.isDirectory() !== true) throw new UsageError(`--source ${d}: no such directory`);
  }
  return dirs;
}

/** Every flag `analyze` takes by its long name, and whether it takes a value. */
export const ANALYZE_TAKES: ReadonlyMap<string, 'string' | 'boolean'> = new Map([
  ...[...ANALYZE_FLAGS, ...COLLECT_FLAGS].map((f) => [f.name, f.type] as const),
  ...LIMIT_OPTIONS.map((o) => [o.flag.slice(2), 'string'] as const),
]);

/** True when `token` is an analyze or collect flag that takes the next argument as its value (`--out`, `--json`). */
export const takesValue = (token: string | undefined): boolean =>
  token !== undefined && token.startsWith('--') && ANALYZE_TAKES.get(token.slice(2)) === 'string';
