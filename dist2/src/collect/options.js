// Options of `leakdiff collect`, as plain data: the flag table the CLI turns into yargs options, and a check
// that turns the raw flag values into validated options or a UsageError that explains the problem in a
// sentence. Nothing here touches process or the network.
import { UsageError, quote } from '../errors.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { parseDuration } from '../units.js';
export const COLLECT_KINDS = ['heap', 'goroutine', 'goroutineleak', 'allocs'];
/** The flag table, for the CLI to turn into yargs options; `url` is the command's positional. */
export const COLLECT_FLAGS = [
    { name: 'every', type: 'string', default: '30s', describe: 'time between snapshot rounds (at least 1s): 30s, 5m' },
    { name: 'count', type: 'string', describe: 'number of snapshot rounds (default 10; not with --duration)' },
    { name: 'duration', type: 'string', describe: 'collect for this long instead of --count rounds: 10m, 2h' },
    { name: 'out', type: 'string', describe: 'directory for the snapshots (default reports/<host>-<UTC time>/)' },
    { name: 'kinds', type: 'string', default: 'heap,goroutine', describe: 'profiles to fetch: heap, goroutine, goroutineleak, allocs (comma-separated)' },
    { name: 'debug2', type: 'boolean', default: false, describe: 'also save goroutine?debug=2 dumps (they stop the world while written)' },
    { name: 'gc', type: 'boolean', default: false, describe: 'run a GC before each heap and allocs snapshot (?gc=1)' },
    { name: 'path-prefix', type: 'string', default: '/debug/pprof', describe: 'where the service mounts net/http/pprof' },
    { name: 'header', type: 'string', describe: "request header 'Name: value', repeatable (for auth)" },
    { name: 'insecure', type: 'boolean', default: false, describe: 'https: do not verify the TLS certificate' },
    { name: 'timeout', type: 'string', default: '20s', describe: 'time limit per request; 3 tries with backoff' },
];
const DEFAULT_COUNT = 10;
const TRIES = 3;
const BACKOFF_MS = 1000;
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export function collectOptions(args, limits = DEFAULT_LIMITS) {
    const url = checkUrl(args.url);
    const insecure = args.insecure === true;
    if (insecure && url.protocol !== 'https:')
        throw new UsageError('--insecure only applies to https:// URLs; this one is plain http');
    const everyS = duration('--every', args.every ?? '30s');
    if (everyS < 1)
        throw new UsageError(`--every must be a duration of at least 1s (snapshots closer together show noise, not trends), not ${quote(String(args.every))}`);
    const timeoutS = duration('--timeout', args.timeout ?? '20s');
    if (timeoutS <= 0)
        throw new UsageError('--timeout must be longer than zero');
    return {
        url,
        pathPrefix: checkPrefix(args['path-prefix'] ?? '/debug/pprof'),
        kinds: checkKinds(args.kinds ?? 'heap,goroutine'),
        debug2: args.debug2 === true,
        gc: args.gc === true,
        everyMs: everyS * 1000,
        count: countOf(args, everyS),
        out: args.out === undefined || args.out === '' ? null : args.out,
        headers: list(args.header).map(checkHeader),
        insecure,
        timeoutMs: timeoutS * 1000,
        tries: TRIES,
        backoffMs: BACKOFF_MS,
        limits,
    };
}
function checkUrl(text) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new UsageError(`the URL must be an http:// or https:// address such as http://127.0.0.1:6060, not ${quote(text)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new UsageError(`the URL must be http:// or https://, not ${url.protocol}// (${quote(text)})`);
    }
    return url;
}
function duration(flag, text) {
    const s = parseDuration(text);
    if (s === null)
        throw new UsageError(`${flag} takes a duration such as 30s or 5m, not ${quote(text)}`);
    return s;
}
/** Rounds from --count, or from --duration: one at the start and one per --every that fits. */
function countOf(args, everyS) {
    const hasCount = args.count !== undefined && args.count !== '';
    if (hasCount && args.duration !== undefined)
        throw new UsageError('give --count or --duration, not both: --duration sets the number of rounds from --every');
    if (args.duration !== undefined) {
        const s = duration('--duration', args.duration);
        if (s < everyS)
            throw new UsageError(`--duration (${args.duration}) must be at least --every (${args.every ?? '30s'}) to cover two snapshots`);
        return Math.floor(s / everyS + 1e-9) + 1;
    }
    if (!hasCount)
        return DEFAULT_COUNT;
    const text = String(args.count).trim();
    if (!/^\d+$/.test(text) || Number(text) < 1)
        throw new UsageError(`--count must be a whole number of at least 1, not ${quote(text)}`);
    return Number(text);
}
function checkPrefix(text) {
    if (/[?#\s]/.test(text))
        throw new UsageError(`--path-prefix is a URL path such as /debug/pprof, not ${quote(text)}`);
    const trimmed = text.replace(/\/+$/, '');
    return trimmed === '' || trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}
function checkKinds(raw) {
    const names = list(raw).flatMap((k) => k.split(',')).map((k) => k.trim()).filter((k) => k !== '');
    if (names.length === 0)
        throw new UsageError(`--kinds needs at least one of ${COLLECT_KINDS.join(', ')}`);
    const out = [];
    for (const n of names) {
        const kind = COLLECT_KINDS.find((k) => k === n);
        if (kind === undefined)
            throw new UsageError(`--kinds takes ${COLLECT_KINDS.join(', ')}, not ${quote(n)}`);
        if (!out.includes(kind))
            out.push(kind);
    }
    return out;
}
function checkHeader(text) {
    const colon = text.indexOf(':');
    const name = colon < 0 ? '' : text.slice(0, colon).trim();
    if (colon < 0 || !HEADER_NAME.test(name))
        throw new UsageError(`--header takes 'Name: value', such as 'Authorization: Bearer ...', not ${quote(text.slice(0, 20))}`);
    const value = text.slice(colon + 1).trim();
    if (/[\r\n\0]/.test(value))
        throw new UsageError(`--header ${name}: the value must be one line`);
    return [name, value];
}
function list(raw) {
    return raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
}
//# sourceMappingURL=options.js.map