// Units and scaling in one place (as pprof's internal/measurement): bytes in binary units, counts, rates
// and durations in the words a person reads in a postmortem.
const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
/** 1536 → "1.5 KiB"; negative values keep their sign. */
export function formatBytes(n) {
    const sign = n < 0 ? '-' : '';
    let v = Math.abs(n);
    let u = 0;
    while (v >= 1024 && u < BYTE_UNITS.length - 1) {
        v /= 1024;
        u++;
    }
    return `${sign}${u === 0 ? Math.round(v) : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)} ${BYTE_UNITS[u]}`;
}
/** A value in the unit a profile states: bytes in binary units, anything else as a plain number. */
export function formatValue(n, unit) {
    if (unit === 'bytes')
        return formatBytes(n);
    if (unit === 'nanoseconds')
        return formatDuration(n / 1e9);
    return formatCount(n);
}
/**
 * 1234567 → "1,234,567"; fractions kept to what matters. By hand rather than toLocaleString: the same on
 * every machine whatever its locale data, and without Intl's start-up cost in a short run.
 */
export function formatCount(n) {
    const abs = Math.abs(n);
    const digits = abs >= 100 || Number.isInteger(n) ? 0 : abs >= 10 ? 1 : 2;
    const [whole, frac] = abs.toFixed(digits).split('.');
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    const fraction = frac === undefined ? '' : frac.replace(/0+$/, '');
    return `${n < 0 && Number(abs.toFixed(digits)) !== 0 ? '-' : ''}${grouped}${fraction === '' ? '' : `.${fraction}`}`;
}
/** Seconds → "45 s", "12 min", "3.5 h", "2.1 days". */
export function formatDuration(seconds) {
    const s = Math.abs(seconds);
    if (s < 1)
        return `${(seconds * 1000).toFixed(0)} ms`;
    if (s < 120)
        return `${seconds.toFixed(s < 10 ? 1 : 0)} s`;
    if (s < 7200)
        return `${(seconds / 60).toFixed(0)} min`;
    if (s < 172800)
        return `${(seconds / 3600).toFixed(1)} h`;
    return `${(seconds / 86400).toFixed(1)} days`;
}
/** An ISO 8601 UTC time without milliseconds, the same on every machine. */
export function formatTime(ms) {
    return new Date(Math.round(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
const SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?$/i;
const SIZE_FACTORS = { b: 1, k: 1024, kb: 1e3, kib: 1024, m: 1024 ** 2, mb: 1e6, mib: 1024 ** 2, g: 1024 ** 3, gb: 1e9, gib: 1024 ** 3, t: 1024 ** 4, tb: 1e12, tib: 1024 ** 4 };
/** "512MiB", "2GB", "1048576" → bytes; null when the text is no size. */
export function parseBytes(text) {
    const m = SIZE.exec(text.trim());
    if (m === null)
        return null;
    return Math.round(Number(m[1]) * SIZE_FACTORS[(m[2] ?? 'b').toLowerCase()]);
}
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|hr|d|day)?s?$/i;
const DURATION_SECONDS = { ms: 0.001, s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600, d: 86400, day: 86400 };
/** "30s", "5m", "1.5h", "2d", "90" (seconds) → seconds; null when the text is no duration. */
export function parseDuration(text) {
    const m = DURATION.exec(text.trim());
    if (m === null)
        return null;
    return Number(m[1]) * DURATION_SECONDS[(m[2] ?? 's').toLowerCase()];
}
//# sourceMappingURL=units.js.map