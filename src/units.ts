// Units and scaling in one place (as pprof's internal/measurement): bytes in binary units, counts, rates
// and durations in the words a person reads in a postmortem.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → "1.5 KiB"; negative values keep their sign. */
export function formatBytes(n: number): string {
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
export function formatValue(n: number, unit: string): string {
  if (unit === 'bytes') return formatBytes(n);
  if (unit === 'nanoseconds') return formatDuration(n / 1e9);
  return formatCount(n);
}

/**
 * 1234567 → "1,234,567"; fractions kept to what matters. By hand rather than toLocaleString: the same on
 * every machine whatever its locale data, and without Intl's start-up cost in a short run.
 */
export function formatCount(n: number): string {
  const abs = Math.abs(n);
  const digits = abs >= 100 || Number.isInteger(n) ? 0 : abs >= 10 ? 1 : 2;
  const [whole, frac] = abs.toFixed(digits).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = frac === undefined ? '' : frac.replace(/0+$/, '');
  return `${n < 0 && Number(abs.toFixed(digits)) !== 0 ? '-' : ''}${grouped}${fraction === '' ? '' : `.${fraction}`}`;
}

const SMALL = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** A count in running text: whole numbers under ten in words ("two standard errors"), others as formatCount. */
export function spelled(n: number): string {
  return Number.isInteger(n) && n >= 0 && n < SMALL.length ? SMALL[n] : formatCount(n);
}

const PARTS: readonly (readonly [number, string, string])[] = [
  [2, 'half', 'halves'],
  [3, 'third', 'thirds'],
  [4, 'quarter', 'quarters'],
];

/** A share in running text: 0.75 → "three quarters", 1/3 → "one third"; other shares as a percentage. */
export function spelledShare(x: number): string {
  for (const [d, one, many] of PARTS) {
    const k = Math.round(x * d);
    if (k > 0 && k < d && Math.abs(x * d - k) < 1e-9) return `${spelled(k)} ${k === 1 ? one : many}`;
  }
  return `${formatCount(x * 100)}%`;
}

/** Seconds → "45 s", "12 min", "3.5 h", "2.1 days". */
export function formatDuration(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 1) return `${(seconds * 1000).toFixed(0)} ms`;
  if (s < 120) return `${seconds.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 7200) return `${(seconds / 60).toFixed(0)} min`;
  if (s < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

/** Units per second to units per hour, the rate reports and gates speak in. */
export function perHour(slopePerSecond: number): number {
  return slopePerSecond * 3600;
}

/** An ISO 8601 UTC time without milliseconds, the same on every machine. */
export function formatTime(ms: number): string {
  return new Date(Math.round(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

const SIZE = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?$/i;
const SIZE_FACTORS: Readonly<Record<string, number>> = {
  b: 1,
  k: 1024,
  kb: 1e3,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1e9,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1e12,
  tib: 1024 ** 4,
};

/** "512MiB", "2GB", "1048576" → bytes; null when the text is no size. */
export function parseBytes(text: string): number | null {
  const m = SIZE.exec(text.trim());
  if (m === null) return null;
  return Math.round(Number(m[1]) * SIZE_FACTORS[(m[2] ?? 'b').toLowerCase()]);
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|hr|d|day)?s?$/i;
const DURATION_SECONDS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, sec: 1, m: 60, min: 60, h: 3600, hr: 3600, d: 86400, day: 86400 };

/** "30s", "5m", "1.5h", "2d", "90" (seconds) → seconds; null when the text is no duration. */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (m === null) return null;
  return Number(m[1]) * DURATION_SECONDS[(m[2] ?? 's').toLowerCase()];
}

const PER: Readonly<Record<string, number>> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hr: 3600, hour: 3600, d: 86400, day: 86400 };

/** "5MiB/h", "100/h", "2 GB/day", "10/min" → units per second; null when the text is no rate. */
export function parseRate(text: string, unit: 'bytes' | 'count'): number | null {
  const m = /^\s*([^/]+?)\s*\/\s*([a-z]+)\s*$/i.exec(text);
  if (m === null) return null;
  const per = PER[m[2].toLowerCase()];
  const amount = unit === 'bytes' ? parseBytes(m[1]) : /^\d+(\.\d+)?$/.test(m[1]) ? Number(m[1]) : null;
  return per === undefined || amount === null ? null : amount / per;
}

/** A span a rate is stated per: the largest that a window covers, so a rate never claims more than was seen. */
export interface RatePer {
  readonly name: 's' | 'min' | 'h' | 'day';
  readonly seconds: number;
}

export const RATE_PER: readonly RatePer[] = [
  { name: 'day', seconds: 86400 },
  { name: 'h', seconds: 3600 },
  { name: 'min', seconds: 60 },
  { name: 's', seconds: 1 },
];

/**
 * The largest span the window (nearly) covers: per day only from 18 hours or more, per hour from 45 minutes,
 * per minute from 45 s, else per second. 100 goroutines over 81 s reads "+74/min", not "+4,444/h"; a 55 s
 * window still reads per minute, stretched by a tenth rather than stated per second.
 */
export function ratePerFor(windowSeconds: number): RatePer {
  return RATE_PER.find((p) => windowSeconds >= RATE_MIN_COVER * p.seconds) ?? RATE_PER[RATE_PER.length - 1];
}

/** How much of a span a window must cover for a rate to be stated per that span. */
export const RATE_MIN_COVER = 0.75;

/** The shortest window whose rates are stated per `name` (per minute from 45 s). */
export function rateFrom(name: RatePer['name']): number {
  return RATE_MIN_COVER * (RATE_PER.find((p) => p.name === name) as RatePer).seconds;
}

/** "+677/min", "+24.6 MiB/min", "-3/h": a rate per second stated per the span the window supports. */
export function formatRate(perSecond: number, unit: 'bytes' | 'count', windowSeconds: number): string {
  const per = ratePerFor(windowSeconds);
  const v = perSecond * per.seconds;
  const text = unit === 'bytes' ? formatBytes(v) : formatCount(Math.abs(v) >= 10 ? Math.round(v) : v);
  return `${v > 0 ? '+' : ''}${text}/${per.name}`;
}

/** Seconds as a person says them: "81 s", "1 min 21 s", "12 min", "3 h 10 min", "2.5 days". */
export function formatSpan(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  if (s < 60) return `${s} s`;
  if (s < 600) return s % 60 === 0 ? `${s / 60} min` : `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 36000) {
    const m = Math.round(s / 60);
    return m % 60 === 0 ? `${m / 60} h` : `${Math.floor(m / 60)} h ${m % 60} min`;
  }
  if (s < 172800) return `${Math.round(s / 3600)} h`;
  return `${(s / 86400).toFixed(1)} days`;
}
