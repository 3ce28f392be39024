// Retained samples (src/fit/retained.ts) and the plateau's tail rule, on series read from real captures of
// the fixture matrix (KiB per snapshot as `go tool pprof -raw` reads them, variance from the same profiles).
import t from 'tap';
import { fitSeries } from '../../src/fit/index.js';
import { poissonAtMost, retention, RETAINED_MIN_NEW_SAMPLES, RETAINED_STALL_P, type Allocated } from '../../src/fit/retained.js';
import { samplingVariance } from '../../src/series/index.js';

const KiB = 1024;
const kib = (xs: readonly number[]): number[] => xs.map((x) => x * KiB);
/** A variance per point from sd in KiB (what the series stage computes from each profile). */
const vari = (sd: readonly number[]): number[] => sd.map((x) => (x * KiB) ** 2);
/** Snapshots 15 s apart (what these captures were taken at, near enough for the rule). */
const even = (n: number): number[] => Array.from({ length: n }, (_, i) => 15 * i);
/** Bytes allocated in the window, from the site's alloc_space in KiB per snapshot. */
const allocated = (xs: readonly number[]): Allocated => ({ all: ((xs.at(-1) ?? 0) - xs[0]) * KiB, held: null });

t.test('a site that keeps what it allocates is retention, even on three or four snapshots', async (t) => {
  // ticker-unstopped go1.19-gopath cut to 4: time.NewTicker under (*Waiter).WaitDone, Tickers never stopped.
  const ticker = retention(even(4), kib([0, 2048, 2048, 4096]), vari([0, 1024, 1024, 1448]), allocated([0, 2048, 2048, 4096]));
  t.ok(ticker !== null);
  t.equal(ticker?.retainedShare, 1, 'every sampled Ticker is still in use');
  t.equal(Math.round(ticker?.newSamples ?? 0), 8);
  // unbounded-map go1.26-mod cut to 4: a map's tables, the old one freed at each growth (61% kept).
  const map = retention(even(4), kib([2195, 3293, 9330, 13172]), vari([1100, 1345, 2264, 2689]), allocated([3293, 6586, 15916, 21405]));
  t.ok(map !== null && map.retainedShare > 0.5 && map.retainedShare < 0.7);
});

t.test('churn keeps a small share of what it allocates, however the few snapshots line up', async (t) => {
  // batch-sawtooth go1.26-mod cut to 4: main.renderEvent rises at every step by chance of phase (a control).
  t.equal(retention(even(4), kib([5126, 7688, 8201, 14352]), vari([1621, 1985, 2050, 2712]), allocated([5126, 24601, 56893, 80983])), null);
  // slow-leak-churn go1.26-mod: strings.(*Builder).Write under main.(*store).render, 0.2% kept.
  t.equal(retention(even(3), kib([4190, 4705, 8892]), vari([1481, 1568, 2156]), allocated([105656, 208185, 282460])), null);
});

t.test('a staircase may fall by one sample (a freed backing array), not by more', async (t) => {
  // slow-leak-churn go1.19-gopath: audit.(*Trail).Add, the slice's old array freed when append grew it.
  const add = retention(
    even(9),
    kib([514, 0, 512, 512, 1024, 1024, 1537, 2049, 2561]),
    vari([512, 0, 512, 512, 724, 724, 887, 1024, 1145]),
    allocated([514, 514, 1026, 1026, 1538, 1538, 2051, 2563, 3075]),
  );
  t.equal(add?.falls, 1);
  t.equal(
    retention(even(5), kib([2048, 0, 2048, 3072, 4096]), vari([1024, 0, 1024, 1254, 1448]), allocated([2048, 2048, 4096, 5120, 6144])),
    null,
    'four samples lost at once is not a staircase',
  );
});

t.test('one or two kept samples, or no way to tell kept from churned, are no evidence', async (t) => {
  // conn-pool-warmup go1.27-mod: one sample at main.(*pricer).quote, kept for good (a pool filled once).
  t.equal(
    retention(even(4), kib([0, 525, 525, 525]), vari([0, 526, 526, 526]), allocated([0, 525, 525, 525])),
    null,
    `fewer than ${RETAINED_MIN_NEW_SAMPLES} samples`,
  );
  t.equal(retention(even(3), kib([0, 2048, 4096]), vari([0, 1024, 1448]), null), null, 'no alloc_space');
  t.equal(retention(even(3), kib([0, 2048, 4096]), null, allocated([0, 2048, 4096])), null, 'no sampling variance (exact counts)');
});

t.test('the fit calls kept samples growth, with the evidence in its reason', async (t) => {
  const f = fitSeries({
    times: [0, 18, 35, 53],
    values: kib([512, 2089, 4238, 4189]).map((x, i) => (i === 3 ? kib([4238])[0] : x)),
    sigma: kib([512, 1019, 1456, 1456]),
    allocated: allocated([512, 2089, 5357, 6474]),
  });
  t.equal(f.shape, 'growing');
  t.ok(f.retained !== null);
  t.match(f.reason, /Kept about \d+ new samples/);
  const churn = fitSeries({
    times: [0, 19, 37, 54],
    values: kib([5126, 7688, 8201, 14352]),
    sigma: kib([1621, 1985, 2050, 2712]),
    allocated: allocated([5126, 24601, 56893, 80983]),
  });
  t.not(churn.shape, 'growing', 'the sawtooth control is not');
  t.equal(churn.retained, null);
});

t.test('a flat tail is a plateau only when the rise would have shown in it', async (t) => {
  // slow-leak-churn go1.19-gopath, 12 rounds 15 s apart: four kept samples in 121 s, then none for 45 s, where
  // the same pace expects 1.5 (none with 22% chance): not a plateau.
  const times = [0, 16, 31, 45, 60, 75, 90, 106, 121, 135, 150, 165];
  const slow = fitSeries({
    times,
    values: kib([514, 0, 512, 512, 1024, 1024, 1537, 2049, 2561, 2561, 2561, 2561]),
    sigma: kib([512, 0, 512, 512, 724, 724, 887, 1024, 1145, 1145, 1145, 1145]),
  });
  t.not(slow.shape, 'plateau');
  t.equal(slow.shape, 'growing');
  // A warming cache of 8 -> 23 MiB in hundreds of samples, then flat: the same pace would have added dozens.
  const warm = fitSeries({
    times,
    values: kib([8256, 15000, 21000, 23220, 23736, 23100, 23500, 23300, 23600, 23400, 23700, 23500]),
    sigma: kib([2064, 2800, 3300, 3462, 3500, 3450, 3480, 3470, 3490, 3475, 3495, 3480]),
  });
  t.equal(warm.shape, 'plateau');
});

t.test('sampling variance: an object larger than the rate is always sampled, so its bytes are exact', async (t) => {
  const rate = 512 * KiB;
  const small = samplingVariance(512 * KiB, 2048, 512 * KiB, rate);
  t.ok(Math.abs(Math.sqrt(small) - 512 * KiB) / (512 * KiB) < 0.01, 'one sample of small objects: ± its whole value');
  const table = samplingVariance(8976 * KiB, 1, 8976 * KiB, rate);
  t.ok(Math.sqrt(table) < 0.001 * 8976 * KiB, "unbounded-map go1.19's 8.8 MiB map table: exact to 0.1%");
});

t.test('kept by the statements that hold memory: the ones whose objects all died are left out', async (t) => {
  // subslice-retained go1.26-mod cut to 4: io.ReadAll, in use 4.72 -> 29.45 MB; 61.9 MB allocated in the window,
  // 27.4 MB of it by the statement that returns the kept buffer (the read chunks die at once).
  const times = [0, 18, 37, 54];
  const inuse = [4.72, 11.0, 21.0, 29.45].map((x) => x * 1e6);
  const variance = inuse.map((x) => x * 537e3);
  const siteOnly = retention(times, inuse, variance, { all: 61.9e6, held: null });
  t.equal(siteOnly, null, '40% of all it allocated');
  const held = retention(times, inuse, variance, { all: 61.9e6, held: 27.4e6 });
  t.equal(held?.of, 'held');
  t.ok(held !== null && held.retainedShare > 0.85);
  t.equal(retention(times, inuse, variance, { all: 61.9e6, held: 40e6 }), null, 'a statement keeping 62% is not enough');
});

t.test('a rise that stopped in the last step is no retention evidence', async (t) => {
  // cache-warm go1.27-cmd-trimpath cut to 3: (*Store).load 6.05, 21.67, 22.17 MB; one new sample in the last 18 s
  // where the pace before gave 23.
  const times = [0, 24, 42];
  const inuse = [6.05, 21.67, 22.17].map((x) => x * 1e6);
  const variance = inuse.map((x) => x * 512e3);
  t.equal(retention(times, inuse, variance, { all: 16.1e6, held: 16.1e6 }), null);
  t.ok(poissonAtMost(1, 23) < RETAINED_STALL_P);
  // The same rise going on at its pace is kept.
  t.ok(
    retention(
      times,
      [6.05, 21.67, 33.4].map((x) => x * 1e6),
      variance,
      { all: 27.4e6, held: 27.4e6 },
    ) !== null,
  );
  // A slow site's empty last step is chance (1.5 samples expected: none 22% of the time).
  t.ok(poissonAtMost(0, 1.5) > RETAINED_STALL_P);
});
