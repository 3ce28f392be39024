// Units and scaling (src/units.ts), one case per branch: how numbers read in a report, and how a user's sizes,
// durations and rates are understood. Rates per hour are what reports, gates and the JSON speak in.
import t from 'tap';
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatSpan,
  formatTime,
  formatValue,
  parseBytes,
  parseDuration,
  perHour,
  rateFrom,
  spelled,
  spelledShare,
} from '../src/units.js';

t.test('formatBytes: binary units, three significant digits, the sign kept', async (t) => {
  const cases: readonly (readonly [number, string])[] = [
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.50 KiB'],
    [150 * 1024, '150 KiB'],
    [81 * 1024 ** 2, '81.0 MiB'],
    [3 * 1024 ** 3, '3.00 GiB'],
    [2 * 1024 ** 5, '2048 TiB'],
    [-2048, '-2.00 KiB'],
  ];
  for (const [n, text] of cases) t.equal(formatBytes(n), text, String(n));
});

t.test('formatCount: thousands grouped, fractions only where they matter, no minus zero', async (t) => {
  const cases: readonly (readonly [number, string])[] = [
    [1234567, '1,234,567'],
    [0, '0'],
    [12.345, '12.3'],
    [0.5, '0.5'],
    [2.25, '2.25'],
    [-1500, '-1,500'],
    [-0.001, '0'],
  ];
  for (const [n, text] of cases) t.equal(formatCount(n), text, String(n));
});

t.test('formatValue: a value in the unit the profile states', async (t) => {
  t.equal(formatValue(1536, 'bytes'), '1.50 KiB');
  t.equal(formatValue(2e9, 'nanoseconds'), '2.0 s');
  t.equal(formatValue(1370, 'count'), '1,370');
});

t.test('formatDuration and formatSpan: a span as a person reads it, short and in words', async (t) => {
  const short: readonly (readonly [number, string])[] = [
    [0.25, '250 ms'],
    [5, '5.0 s'],
    [45, '45 s'],
    [720, '12 min'],
    [12600, '3.5 h'],
    [181440, '2.1 days'],
  ];
  for (const [s, text] of short) t.equal(formatDuration(s), text, `${s} s`);
  const words: readonly (readonly [number, string])[] = [
    [1800, '30 min'],
    [12600, '3 h 30 min'],
    [200000, '2.3 days'],
  ];
  for (const [s, text] of words) t.equal(formatSpan(s), text, `${s} s`);
});

t.test('formatTime: ISO 8601 UTC to the second', async (t) => {
  t.equal(formatTime(Date.UTC(2026, 10, 26, 2, 20, 31, 400)), '2026-11-26T02:20:31Z');
  t.equal(formatTime(Date.UTC(2026, 10, 26, 2, 20, 31, 600)), '2026-11-26T02:20:32Z');
});

t.test('spelled: small whole numbers in words, others as figures', async (t) => {
  t.same([0, 2, 9, 10, 2.5].map(spelled), ['zero', 'two', 'nine', '10', '2.5']);
  t.same([0.75, 0.5, 1 / 3, 2 / 3, 0.25, 0.8, 0.035].map(spelledShare), [
    'three quarters',
    'one half',
    'one third',
    'two thirds',
    'one quarter',
    '80%',
    '3.5%',
  ]);
});

t.test('perHour and formatRate: the rate reports and gates speak in', async (t) => {
  t.equal(perHour(0.5), 1800);
  // Stated per the largest span the window covers three quarters of: per minute from 45 s, per hour from 45 min.
  t.same([rateFrom('s'), rateFrom('min'), rateFrom('h'), rateFrom('day')], [0.75, 45, 2700, 64800]);
});

t.test('parseBytes and parseDuration: what a user writes, and what is neither', async (t) => {
  const sizes: readonly (readonly [string, number | null])[] = [
    ['512MiB', 512 * 1024 ** 2],
    ['2GB', 2e9],
    ['1048576', 1048576],
    ['1.5k', 1536],
    [' 64 kib ', 65536],
    ['lots', null],
    ['-1MiB', null],
  ];
  for (const [text, n] of sizes) t.equal(parseBytes(text), n, JSON.stringify(text));
  const durations: readonly (readonly [string, number | null])[] = [
    ['30s', 30],
    ['5m', 300],
    ['5mins', 300],
    ['1.5h', 5400],
    ['2d', 172800],
    ['90', 90],
    ['250ms', 0.25],
    ['soon', null],
  ];
  for (const [text, n] of durations) t.equal(parseDuration(text), n, JSON.stringify(text));
});
