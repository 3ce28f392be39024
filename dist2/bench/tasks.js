// The work measured each round. A task runs once per round and yields one or more metrics (rows); rounds
// are interleaved (every task once, then every task again) so drift on a shared machine hits all rows alike.
import { measure } from './measure.js';
const MB = 1e6;
/** A whole process, measured for wall time and peak RSS; exit codes outside `ok` make the round fail. */
export function processTask(id, label, cmd, args, ok = [0], unavailable = null) {
    return {
        id,
        unavailable,
        metrics: [
            { id: `${id}.wall`, label: `${label}: wall`, unit: 's' },
            { id: `${id}.cpu`, label: `${label}: CPU`, unit: 's' },
            { id: `${id}.rss`, label: `${label}: peak RSS`, unit: 'MB' },
        ],
        async run() {
            const r = await measure(cmd, args);
            checkExit(id, r, ok);
            const values = { [`${id}.wall`]: r.wallSeconds };
            if (r.cpuSeconds !== null)
                values[`${id}.cpu`] = r.cpuSeconds;
            if (r.peakRssBytes !== null)
                values[`${id}.rss`] = r.peakRssBytes / MB;
            return { values };
        },
    };
}
/** A wall-time-only process (start-up rows). */
export function startupTask(id, label, cmd, args, ok = [0]) {
    return {
        id,
        unavailable: null,
        metrics: [
            { id: `${id}.wall`, label, unit: 's' },
            { id: `${id}.cpu`, label: `${label}: CPU`, unit: 's' },
        ],
        async run() {
            const r = await measure(cmd, args);
            checkExit(id, r, ok);
            return { values: r.cpuSeconds === null ? { [`${id}.wall`]: r.wallSeconds } : { [`${id}.wall`]: r.wallSeconds, [`${id}.cpu`]: r.cpuSeconds } };
        },
    };
}
/** A child that times itself and prints one JSON line; `read` turns it into metric values. */
export function jsonTask(id, metrics, cmd, args, read, unavailable = null) {
    return {
        id,
        metrics,
        unavailable,
        async run() {
            const r = await measure(cmd, args);
            checkExit(id, r, [0]);
            return read(JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}'));
        },
    };
}
function checkExit(id, r, ok) {
    if (r.exitCode === null || !ok.includes(r.exitCode)) {
        const why = r.stderr.trim().split('\n').slice(0, 3).join(' / ');
        throw new Error(`${id} exited with ${r.exitCode}: ${why}`);
    }
}
//# sourceMappingURL=tasks.js.map