// Evidence strength on real captures (fixtures/matrix): what three or four snapshots can show, what a full
// series shows, and when the window can honestly say "no leak". Each case is a leak or a control of the
// matrix, cut the way `npm run eval` cuts it (rounds spread over the capture).
import t from 'tap';
import type { Analysis } from '../../src/explain/index.js';
import { culpritName } from '../../src/diagnose/index.js';
import { heapGrowthFloor, MIN_HEAP_GROWTH_BYTES, MIN_HEAP_GROWTH_SAMPLES, MIN_HEAP_SHARE } from '../../src/diagnose/confidence.js';
import { metricOf } from '../../src/series/index.js';
import { poissonMeanFor } from '../../src/diagnose/reach.js';
import { runCapture } from '../helpers/matrix.js';

const run = (scenario: string, variant: string, cut: number | null = null): Analysis => runCapture(scenario, variant, { cut });

const culprits = (a: Analysis): (string | null)[] => a.diagnosis.findings.map((f) => culpritName(a.series, f));

const lastInUse = (a: Analysis): number => {
  const total = metricOf(a.series.heap, 'inuse_space')?.total;
  return total === undefined ? 0 : total.data[total.n - 1];
};

t.test('three snapshots of unstopped Tickers: the kept samples are the evidence', async (t) => {
  const a = run('ticker-unstopped', 'go1.19-gopath', 3);
  t.equal(a.diagnosis.verdict, 'leak');
  const f = a.diagnosis.findings[0];
  t.equal(f.confidence, 'medium', 'no trend test on three points: medium, not high');
  t.equal(culpritName(a.series, f), 'acme.dev/jobs/internal/status.(*Waiter).WaitDone');
  t.ok(
    f.steps.some((s) => s.kind === 'staircase'),
    'the staircase of kept samples is a step of the evidence',
  );
  t.match(a.explained.findings[0].evidence.join('\n'), /new samples?, \d+% of what the site allocated/);
});

t.test('four snapshots of goroutines that rise at every step beyond churn are a leak', async (t) => {
  // waitgroup-blocked: 16, 42, 73, 99 goroutines parked in (*WaitGroup).Wait; the last step is under 2√n.
  const a = run('waitgroup-blocked', 'go1.27-trimpath', 4);
  t.equal(a.diagnosis.verdict, 'leak');
  t.same(culprits(a), ['acme.dev/reports/internal/export.(*Exporter).Export']);
});

t.test('a goroutine group that never falls is not churn, though √(first + last) would call it so', async (t) => {
  // sql-rows-unclosed go1.26-trimpath: 5, 7, 8, 12, 13, 15, 18 awaitDone goroutines (13 < 3·√23).
  const a = run('sql-rows-unclosed', 'go1.26-trimpath');
  t.equal(a.diagnosis.verdict, 'leak');
  t.equal(a.diagnosis.findings[0].signature?.id, 'sql-rows-unclosed');
});

t.test('a slow leak under churn whose last samples paused is not a plateau', async (t) => {
  const a = run('slow-leak-churn', 'go1.19-gopath');
  t.equal(a.diagnosis.verdict, 'leak');
  t.same(culprits(a), ['example.com/storefront/internal/audit.(*Trail).Add']);
  t.notOk(
    a.diagnosis.bounded.some((b) => b.site.includes('audit')),
    'and is not listed as bounded',
  );
});

t.test('controls cut to three or four snapshots are never a leak; full, they are no leak with the size that would have shown', async (t) => {
  for (const [scenario, variant] of [
    ['batch-sawtooth', 'go1.26-mod'],
    ['cache-warm', 'go1.26-mod'],
    ['conn-pool-warmup', 'go1.27-mod'],
  ]) {
    for (const cut of [4, 3]) t.not(run(scenario, variant, cut).diagnosis.verdict, 'leak', `${scenario} cut to ${cut}`);
  }
  const full = run('batch-sawtooth', 'go1.26-mod');
  t.equal(full.diagnosis.verdict, 'no-leak');
  t.equal(full.diagnosis.reach.kind, 'could-see');
  t.match(full.explained.reach, /a heap leak over [\d.]+ MiB\/(?:s|min|h) .*would have shown/);
});

t.test('"no leak" states the size that would have shown 95 times in 100', async (t) => {
  t.ok(Math.abs(poissonMeanFor(3, 0.95) - 6.296) < 0.001, 'P(at least 3 samples) = 95% at a mean of 6.3');
  t.ok(Math.abs(poissonMeanFor(1, 0.95) - Math.log(20)) < 1e-6, 'at least one: −ln 5%');
  const a = run('grpc-close', 'go1.27-mod');
  t.equal(a.diagnosis.verdict, 'no-leak');
  const reach = a.diagnosis.reach;
  if (reach.kind !== 'could-see' || reach.heapBytesPerHour === null) throw new Error(`no heap reach: ${reach.kind}`);
  const seconds = a.series.heap?.times.at(-1) ?? 0;
  const expected = Math.max(MIN_HEAP_GROWTH_BYTES, poissonMeanFor(3, 0.95) * (a.series.heap?.samplingRate ?? 0));
  t.ok(Math.abs(reach.heapBytesPerHour - (expected / seconds) * 3600) < 1, 'the leak that would have kept 3 samples at 95%, over the heap window');
});

t.test('few snapshots of goroutines that rose beyond churn but not at every step: inconclusive, with what to capture', async (t) => {
  // conn-pool-warmup go1.27-mod cut to 4: 7, 20, 21, 23 client connections, a pool filling (a control).
  const a = run('conn-pool-warmup', 'go1.27-mod', 4);
  t.equal(a.diagnosis.verdict, 'inconclusive');
  t.equal(a.diagnosis.reach.kind, 'undecided');
  t.match(a.explained.reach, /capture \d+ or more snapshots/);
  t.equal(run('conn-pool-warmup', 'go1.27-mod').diagnosis.reach.kind, 'could-see', 'the full series has a trend test to speak');
});

t.test('few heap snapshots that rose at every step beyond sampling error, but not enough per step: inconclusive, not no-leak', async (t) => {
  // cache-warm go1.27-cmd-trimpath cut to 3 and 4 (a control: an LRU that fills in the first 25 s): its load site
  // rose at every step, 6.0 -> 22.2 MiB, keeping half of what it allocated; cut to 3 the last step took one new
  // sample where the pace before it gave 23. Neither a leak nor "no leak".
  for (const cut of [3, 4]) {
    const a = run('cache-warm', 'go1.27-cmd-trimpath', cut);
    t.equal(a.diagnosis.verdict, 'inconclusive', `cut to ${cut}`);
    const reach = a.diagnosis.reach;
    t.equal(reach.kind, 'undecided-heap', `cut to ${cut}`);
    t.ok(reach.kind === 'undecided-heap' && reach.sites === 1 && reach.last > 20 * 1024 * 1024, 'the load site, over 20 MiB at the end');
    t.match(a.explained.reach, /capture \d+ or more snapshots/);
  }
  t.equal(run('cache-warm', 'go1.27-cmd-trimpath').diagnosis.verdict, 'no-leak', 'the full series shows the plateau');
  // A control cut the same way still clears when nothing rose at every step (steady-churn: allocation churn).
  t.not(run('steady-churn', 'go1.26-mod', 4).diagnosis.reach.kind, 'undecided-heap');
});

t.test('a statement that keeps every buffer it allocates is retention, whatever the same function allocates and drops', async (t) => {
  // subslice-retained cut to 4: io.ReadAll's buffers kept through a 16-byte subslice, 4.7 -> 29.5 MiB in use;
  // the last step is 1.7 standard errors of sampling. Go 1.26's io.ReadAll reads into chunks that die at once
  // (io.go:746) and returns an exact-sized copy (io.go:734): 40% of the function's allocations are kept, 90% of
  // the returning statement's.
  for (const variant of ['go1.26-mod', 'go1.27-trimpath']) {
    const a = run('subslice-retained', variant, 4);
    t.equal(a.diagnosis.verdict, 'leak', variant);
    const f = a.diagnosis.findings[0];
    t.equal(f.kind, 'heap-growth');
    t.equal(culpritName(a.series, f), 'main.(*server).ingest', `${variant}: the service's function above io.ReadAll`);
    const kept = f.steps.find((s) => s.kind === 'staircase');
    t.ok(kept !== undefined && kept.kind === 'staircase' && kept.of === 'held' && kept.retainedShare > 0.8, `${variant}: kept by its statement`);
    t.not(f.confidence, 'high', 'four snapshots support medium at most');
  }
  t.equal(run('subslice-retained', 'go1.26-mod').diagnosis.verdict, 'leak', 'the full series concludes');
});

t.test('the heap growth floor is counted in sampling periods: a service that samples finer shows a smaller leak', async (t) => {
  // sql-conn-unreleased go1.26-mod samples every 64 KiB: the leaked connections' lib/pq state grows 0 -> 719 KiB
  // in use over 55 s, 11 samples, under the 1 MiB that is two samples at Go's default rate.
  const fine = run('sql-conn-unreleased', 'go1.26-mod');
  t.equal(fine.series.heap?.samplingRate, 64 * 1024);
  t.equal(heapGrowthFloor(fine.series), Math.max(MIN_HEAP_GROWTH_SAMPLES * 64 * 1024, MIN_HEAP_SHARE * lastInUse(fine)));
  t.equal(fine.diagnosis.verdict, 'leak');
  // At the default rate the floor is what it was: 1 MiB (or the share of the heap).
  const dflt = run('batch-sawtooth', 'go1.26-mod');
  t.equal(dflt.series.heap?.samplingRate, 512 * 1024);
  t.equal(heapGrowthFloor(dflt.series), Math.max(MIN_HEAP_GROWTH_BYTES, MIN_HEAP_SHARE * lastInUse(dflt)));
  t.equal(MIN_HEAP_GROWTH_BYTES, 1024 * 1024);
});

t.test('connections a pool dialed are one heap finding, whichever callers found the pool empty, and match no query pattern', async (t) => {
  // sql-conn-unreleased: (*Repo).Balance leaks *sql.Conn; the replacements are dialed under database/sql.(*DB).conn
  // by Balance (via (*DB).Conn) and by Statement (via (*DB).QueryContext, rows closed): 261 and 650 kB on go1.26-mod.
  for (const variant of ['go1.26-mod', 'go1.27-trimpath']) {
    const a = run('sql-conn-unreleased', variant);
    t.equal(a.diagnosis.verdict, 'leak', variant);
    t.equal(a.diagnosis.findings.length, 1, `${variant}: one finding, not one per caller`);
    const f = a.diagnosis.findings[0];
    t.equal(f.kind, 'heap-growth');
    t.equal(f.signature, null, `${variant}: not sql-rows-unclosed (the query frames are above the dial, no Rows frame)`);
    t.not(culpritName(a.series, f), 'example.com/ledger/store.(*Repo).Statement', `${variant}: the caller that dialed is not named`);
    t.ok(
      f.steps.some((s) => s.kind === 'pooled-heap'),
      `${variant}: the evidence says the pool made it`,
    );
    t.equal(f.culprit, null, `${variant}: no culprit named`);
    t.same(
      f.candidates.map((c) => a.series.frames[c.frame].function).sort(),
      ['example.com/ledger/store.(*Repo).Balance', 'example.com/ledger/store.(*Repo).Statement'],
      `${variant}: the pool's callers are the candidates`,
    );
  }
});
