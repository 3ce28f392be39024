// Options shared by commands, as plain data: each with its flag, description and parser, and a check()
// that explains a bad value in a sentence. Only the CLI file turns argv into these.
import { UsageError } from './errors.js';
import { DEFAULT_LIMITS, LIMIT_FLAGS } from './limits.js';
import { parseBytes } from './units.js';
export const LIMIT_OPTIONS = [
    { key: 'maxInflatedBytes', flag: LIMIT_FLAGS.maxInflatedBytes, describe: 'largest size one file may inflate to', size: true },
    { key: 'maxSamples', flag: LIMIT_FLAGS.maxSamples, describe: 'most samples (or goroutine groups) in one file', size: false },
    { key: 'maxLocations', flag: LIMIT_FLAGS.maxLocations, describe: 'most locations or distinct frames in one file', size: false },
    { key: 'maxStrings', flag: LIMIT_FLAGS.maxStrings, describe: 'most strings in one pprof string table', size: false },
    { key: 'maxStackDepth', flag: LIMIT_FLAGS.maxStackDepth, describe: 'most frames in one stack', size: false },
    { key: 'maxLineLength', flag: LIMIT_FLAGS.maxLineLength, describe: 'longest line of a text profile', size: true },
];
/** Limits from raw flag values (strings as typed, or undefined when not given). */
export function limitsFrom(values) {
    const out = { ...DEFAULT_LIMITS };
    for (const o of LIMIT_OPTIONS) {
        const raw = values[o.flag.slice(2)];
        if (raw === undefined)
            continue;
        const n = o.size ? parseBytes(String(raw)) : /^\d+$/.test(String(raw)) ? Number(raw) : null;
        if (n === null || n <= 0) {
            throw new UsageError(`${o.flag} takes ${o.size ? 'a size such as 2GiB or 500MB' : 'a positive whole number'}, not ${JSON.stringify(String(raw))}`);
        }
        out[o.key] = n;
    }
    return out;
}
//# sourceMappingURL=options.js.map