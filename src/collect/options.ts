// Options of `leakdiff collect`, as plain data: the flag table the CLI turns into yargs options, and a check
// that turns the raw flag values into validated options or a UsageError that explains the problem in a
// sentence. Nothing here touches process or the network.

import { UsageError, quote } from '../errors.js';
import { DEFAULT_LIMITS, type Limits } from '../limits.js';
import type { Flag } from '../options.js';
import { parseDuration } from '../units.js';

/** The profiles Go's net/http/pprof serves that leakdiff collects, each at `<prefix>/<kind>`. */
export type CollectKind = 'heap' | 'goroutine' | 'goroutineleak' | 'allocs';
export const COLLECT_KINDS: readonly CollectKind[] = ['heap', 'goroutine', 'goroutineleak', 'allocs'];

/** Flag values as yargs delivers them (kebab-case keys, strings as typed), before any check. */
export interface CollectArgs {
  readonly url: string;
  readonly every?: string;
  readonly count?: string | number;
  readonly duration?: string;
  /** The snapshot directory; `out` is its older name, still read when `dir` is absent. */
  readonly dir?: string;
  readonly out?: string;
  readonly kinds?: string | readonly string[];
  readonly debug2?: boolean;
  readonly gc?: boolean;
  readonly 'path-prefix'?: string;
  readonly header?: string | readonly string[];
  readonly insecure?: boolean;
  readonly timeout?: string;
}

export interface CollectOptions {
  /** The service's base URL as given (credentials in it are sent, never printed). */
  readonly url: URL;
  /** Where net/http/pprof is mounted: `/debug/pprof` unless the service moved it. */
  readonly pathPrefix: string;
  readonly kinds: readonly CollectKind[];
  /** Also save `goroutine?debug=2` dumps (wait states and creators; they stop the world while written). */
  readonly debug2: boolean;
  /** Ask for a GC before heap and allocs snapshots (`?gc=1`), so in-use figures are current. */
  readonly gc: boolean;
  /** Spacing of snapshot rounds, from the start of one to the start of the next. */
  readonly everyMs: number;
  /** How many rounds. */
  readonly count: number;
  /** Output directory; null for the default `reports/<host>-<UTC stamp>/`. */
  readonly out: string | null;
  readonly headers: readonly (readonly [string, string])[];
  /** Skip TLS certificate verification: an explicit choice, never a fallback. */
  readonly insecure: boolean;
  /** Per request, from sending it to the last byte of the answer. */
  readonly timeoutMs: number;
  /** Tries per answer (the first and the retries). */
  readonly tries: number;
  /** Wait before the first retry; each further retry waits twice as long. */
  readonly backoffMs: number;
  /** Answers larger than the decoder accepts are refused while downloading. */
  readonly limits: Limits;
}

const G = 'Collecting from a URL:';

/** The flag table, for the CLI to turn into yargs options; `url` is the command's positional. */
export const COLLECT_FLAGS: readonly Flag[] = [
  { name: 'every', type: 'string', group: G, value: 'DURATION', describe: 'time between snapshot rounds (at least 1s; default 30s)' },
  { name: 'count', type: 'string', group: G, value: 'N', describe: 'number of snapshot rounds (default 10; not with --duration)' },
  { name: 'duration', type: 'string', group: G, value: 'DURATION', describe: 'collect for this long instead of --count rounds: 10m, 2h' },
  { name: 'dir', type: 'string', group: G, value: 'DIR', describe: 'directory for the snapshots (default reports/<host>-<UTC time>/)' },
  { name: 'kinds', type: 'string', group: G, value: 'LIST', describe: 'profiles to fetch: heap, goroutine, goroutineleak, allocs (default heap,goroutine)' },
  { name: 'debug2', type: 'boolean', group: G, describe: 'also save goroutine?debug=2 dumps (they stop the world while written)' },
  { name: 'gc', type: 'boolean', group: G, describe: 'run a GC before each heap and allocs snapshot (?gc=1)' },
  { name: 'path-prefix', type: 'string', group: G, value: 'PATH', describe: 'where the service mounts net/http/pprof (default /debug/pprof)' },
  { name: 'header', type: 'string', group: G, value: "'NAME: VALUE'", describe: 'request header, repeatable (for auth)' },
  { name: 'insecure', type: 'boolean', group: G, describe: 'https: do not verify the TLS certificate' },
  { name: 'timeout', type: 'string', group: G, value: 'DURATION', describe: 'time limit per request (default 20s); 3 tries with backoff' },
];

const DEFAULT_COUNT = 10;
const TRIES = 3;
const BACKOFF_MS = 1000;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function collectOptions(args: CollectArgs, limits: Limits = DEFAULT_LIMITS): CollectOptions {
  const url = checkUrl(args.url);
  const insecure = args.insecure === true;
  if (insecure && url.protocol !== 'https:') throw new UsageError('--insecure only applies to https:// URLs; this one is plain http');
  const everyS = duration('--every', args.every ?? '30s');
  if (everyS < 1)
    throw new UsageError(`--every must be a duration of at least 1s (snapshots closer together show noise, not trends), not ${quote(String(args.every))}`);
  const timeoutS = duration('--timeout', args.timeout ?? '20s');
  if (timeoutS <= 0) throw new UsageError('--timeout must be longer than zero');
  return {
    url,
    pathPrefix: checkPrefix(args['path-prefix'] ?? '/debug/pprof'),
    kinds: checkKinds(args.kinds ?? 'heap,goroutine'),
    debug2: args.debug2 === true,
    gc: args.gc === true,
    everyMs: everyS * 1000,
    count: countOf(args, everyS),
    out: outDir(args),
    headers: list(args.header).map(checkHeader),
    insecure,
    timeoutMs: timeoutS * 1000,
    tries: TRIES,
    backoffMs: BACKOFF_MS,
    limits,
  };
}

function outDir(args: CollectArgs): string | null {
  if (args.dir !== undefined && args.out !== undefined) throw new UsageError('give the snapshot directory once, with --dir');
  const dir = args.dir ?? args.out;
  if (dir === '') throw new UsageError('--dir takes a directory for the snapshots');
  return dir ?? null;
}

function checkUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`the URL must be an http:// or https:// address such as http://127.0.0.1:6060, not ${quote(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`the URL must be http:// or https://, not ${url.protocol}// (${quote(text)})`);
  }
  return url;
}

function duration(flag: string, text: string): number {
  const s = parseDuration(text);
  if (s === null) throw new UsageError(`${flag} takes a duration such as 30s or 5m, not ${quote(text)}`);
  return s;
}

/** Rounds from --count, or from --duration: one at the start and one per --every that fits. */
function countOf(args: CollectArgs, everyS: number): number {
  const hasCount = args.count !== undefined && args.count !== '';
  if (hasCount && args.duration !== undefined) throw new UsageError('give --count or --duration, not both: --duration sets the number of rounds from --every');
  if (args.duration !== undefined) {
    const s = duration('--duration', args.duration);
    if (s < everyS) throw new UsageError(`--duration (${args.duration}) must be at least --every (${args.every ?? '30s'}) to cover two snapshots`);
    return Math.floor(s / everyS + 1e-9) + 1;
  }
  if (!hasCount) return DEFAULT_COUNT;
  const text = String(args.count).trim();
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--count must be a whole number of at least 1, not ${quote(text)}`);
  return Number(text);
}

function checkPrefix(text: string): string {
  if (/[?#\s]/.test(text)) throw new UsageError(`--path-prefix is a URL path such as /debug/pprof, not ${quote(text)}`);
  const trimmed = text.replace(/\/+$/, '');
  return trimmed === '' || trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

function checkKinds(raw: string | readonly string[]): CollectKind[] {
  const names = list(raw)
    .flatMap((k) => k.split(','))
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (names.length === 0) throw new UsageError(`--kinds needs at least one of ${COLLECT_KINDS.join(', ')}`);
  const out: CollectKind[] = [];
  for (const n of names) {
    const kind = COLLECT_KINDS.find((k) => k === n);
    if (kind === undefined) throw new UsageError(`--kinds takes ${COLLECT_KINDS.join(', ')}, not ${quote(n)}`);
    if (!out.includes(kind)) out.push(kind);
  }
  return out;
}

function checkHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon < 0 ? '' : text.slice(0, colon).trim();
  if (colon < 0 || !HEADER_NAME.test(name))
    throw new UsageError(`--header takes 'Name: value', such as 'Authorization: Bearer ...', not ${quote(text.slice(0, 20))}`);
  const value = text.slice(colon + 1).trim();
  if (/[\r\n\0]/.test(value)) throw new UsageError(`--header ${name}: the value must be one line`);
  return [name, value];
}

function list(raw: string | readonly string[] | undefined): readonly string[] {
  return raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
}
