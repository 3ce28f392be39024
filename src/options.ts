// Options shared by commands, as plain data: each with its flag, description and parser, and a check()
// that explains a bad value in a sentence. Only the CLI file turns argv into these.

import { UsageError } from './errors.js';
import { DEFAULT_LIMITS, LIMIT_FLAGS, type Limits } from './limits.js';
import { parseBytes } from './units.js';

export interface LimitOption {
  readonly key: keyof Limits;
  readonly flag: string;
  readonly describe: string;
  readonly size: boolean;
}

export const LIMIT_OPTIONS: readonly LimitOption[] = [
  { key: 'maxInflatedBytes', flag: LIMIT_FLAGS.maxInflatedBytes, describe: 'largest size one file may inflate to', size: true },
  { key: 'maxSamples', flag: LIMIT_FLAGS.maxSamples, describe: 'most samples (or goroutine groups) in one file', size: false },
  { key: 'maxLocations', flag: LIMIT_FLAGS.maxLocations, describe: 'most locations or distinct frames in one file', size: false },
  { key: 'maxStrings', flag: LIMIT_FLAGS.maxStrings, describe: 'most strings in one pprof string table', size: false },
  { key: 'maxStackDepth', flag: LIMIT_FLAGS.maxStackDepth, describe: 'most frames in one stack', size: false },
  { key: 'maxFrames', flag: LIMIT_FLAGS.maxFrames, describe: 'most frames over all the stacks of one file', size: false },
  { key: 'maxLabels', flag: LIMIT_FLAGS.maxLabels, describe: 'most labels in one file, counted once per distinct label set', size: false },
  { key: 'maxLineLength', flag: LIMIT_FLAGS.maxLineLength, describe: 'longest line of a text profile', size: true },
];

/** Limits from raw flag values (strings as typed, or undefined when not given). */
export function limitsFrom(values: Readonly<Record<string, unknown>>): Limits {
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const o of LIMIT_OPTIONS) {
    const raw = values[o.flag.slice(2)];
    if (raw === undefined) continue;
    const n = o.size ? parseBytes(String(raw)) : /^\d+$/.test(String(raw)) ? Number(raw) : null;
    if (n === null || n <= 0) {
      throw new UsageError(`${o.flag} takes ${o.size ? 'a size such as 2GiB or 500MB' : 'a positive whole number'}, not ${JSON.stringify(String(raw))}`);
    }
    out[o.key] = n;
  }
  return out as unknown as Limits;
}

/**
 * One command-line flag as plain data: the CLI file turns these into yargs options and the help groups, and
 * each command's check() turns the raw values into validated options. No flag is `array: true` (a greedy
 * array would swallow the positional arguments after it); repeating a flag makes the array.
 */
export interface Flag {
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly describe: string;
  /** The help group it is listed under. */
  readonly group: string;
  readonly default?: string | boolean;
  readonly alias?: string;
  readonly choices?: readonly string[];
  /** Placeholder for the value in the help text (FILE, RATE, ...). */
  readonly value?: string;
}
