// The config file: gates and accepted growth kept with the code, as `.size-limit.json` and `lighthouserc.json`
// are. `--config FILE`, or `.leakdiff.json` in the working directory when it exists. Its keys are the flags'
// own names (one vocabulary; a flag given on the command line wins) plus `ignore`: growth the team has
// accepted, by the culprit function or the matched pattern, each with its reason (goleak's
// IgnoreTopFunction, for a series). The file is validated as a whole before any work, one line per error.

import { readFileSync } from 'node:fs';
import { ConfigError, quote } from './errors.js';
import { distance } from './commands/suggest.js';
import type { IgnoreRule } from './gates.js';

/** Flags a config file may set; everything else about a run belongs on its command line. */
export const CONFIG_KEYS = ['fail-on', 'fail-on-inconclusive', 'max-heap-growth', 'max-goroutine-growth', 'limit', 'module', 'granularity'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];

export interface Config {
  readonly path: string;
  /** Raw values by flag name, checked by the same check() as the flags. */
  readonly values: Readonly<Partial<Record<ConfigKey, unknown>>>;
  readonly ignore: readonly IgnoreRule[];
}

export const DEFAULT_CONFIG = '.leakdiff.json';
const MAX_BYTES = 1024 * 1024;

/** The file named by --config (it must exist), else `.leakdiff.json` if there is one, else null. */
export function readConfig(explicit: string | undefined, exists: (path: string) => boolean): Config | null {
  if (explicit === '') throw new ConfigError(null, 'config', '--config takes a file name');
  const path = explicit ?? DEFAULT_CONFIG;
  if (explicit === undefined && !exists(path)) return null;
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_BYTES) throw new ConfigError(path, 'config', `is ${bytes.length} bytes; a config file is a few lines of JSON`);
    text = bytes.toString('utf8');
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(
      path,
      'config',
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a JSON file' : `cannot be read (${code ?? 'error'})`,
    );
  }
  return parseConfig(path, text);
}

export function parseConfig(path: string, text: string): Config {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(path, 'config', `not valid JSON (${(err as Error).message})`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    throw new ConfigError(path, 'config', 'must be a JSON object such as {"max-heap-growth": "5MiB/h", "ignore": []}');
  const values: Partial<Record<ConfigKey, unknown>> = {};
  let ignore: IgnoreRule[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (key.startsWith('$')) continue; // "$schema", "$comment": for editors and people
    if (key === 'ignore') ignore = ignoreList(path, value);
    else if ((CONFIG_KEYS as readonly string[]).includes(key)) values[key as ConfigKey] = key === 'module' ? modules(path, value) : value;
    else throw new ConfigError(path, 'config', `unknown key ${quote(key)}${suggest(key)}; a config file takes ${[...CONFIG_KEYS, 'ignore'].join(', ')}`);
  }
  return { path, values, ignore };
}

function suggest(key: string): string {
  const near = [...CONFIG_KEYS, 'ignore'].map((k) => ({ k, d: distance(key, k) })).sort((a, b) => a.d - b.d)[0];
  return near.d <= 2 ? ` (did you mean "${near.k}"?)` : '';
}

function modules(path: string, v: unknown): string[] {
  const all = typeof v === 'string' ? [v] : Array.isArray(v) ? v : null;
  if (all === null || all.some((m) => typeof m !== 'string' || m === ''))
    throw new ConfigError(path, 'config', '"module" is a module path or a list of them, such as "example.com/svc"');
  return all as string[];
}

function ignoreList(path: string, v: unknown): IgnoreRule[] {
  if (!Array.isArray(v)) throw new ConfigError(path, 'config', '"ignore" is a list such as [{"function": "main.(*cache).fill", "reason": "bounded warm-up"}]');
  return v.map((item, i) => ignoreRule(path, `ignore[${i}]`, item));
}

function ignoreRule(path: string, at: string, item: unknown): IgnoreRule {
  const bad = (what: string): ConfigError => new ConfigError(path, 'config', `${at}: ${what}`);
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw bad('each entry is an object with "function" or "signature", and "reason"');
  const o = item as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!['function', 'signature', 'reason'].includes(k)) throw bad(`unknown key ${quote(k)}; an entry takes "function" or "signature", and "reason"`);
  const text = (k: string): string | null => {
    if (o[k] === undefined) return null;
    if (typeof o[k] !== 'string' || (o[k] as string).trim() === '') throw bad(`"${k}" must be a non-empty string`);
    return (o[k] as string).trim();
  };
  const fn = text('function');
  const signature = text('signature');
  const reason = text('reason');
  if ((fn === null) === (signature === null))
    throw bad('give one of "function" (the culprit, as the report names it) or "signature" (the pattern id, as the JSON names it)');
  if (reason === null) throw bad('"reason" is missing: say why this growth is accepted (it is printed with every finding it hides)');
  return { function: fn, signature, reason };
}
