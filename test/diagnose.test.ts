// Synthetic series through the whole pipeline (profiles encoded from function names, written to files,
// analyzed as a user would): the statistical edges must give the right verdict, not just the right fit.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../src/commands/analyze.js';
import type { Analysis } from '../src/explain/index.js';
import { culpritName } from '../src/diagnose/index.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { scratch } from './helpers/cli.js';
import { rng } from './helpers/mutate.js';
import { encodeProfile, HEAP_TYPES, type TestSample } from './helpers/profiles.js';

const START = 1_764_123_600_000_000_000n;
const MINUTE = 60_000_000_000n;
const N = 9;

/**
 * A heap site of `bytes` in 4 KiB objects, plus a steady 8 MiB elsewhere so the heap is never empty, whose
 * allocations since start keep growing as in any live program (a profile identical to the one before it
 * means no GC ran in between).
 */
function heap(site: readonly string[], bytes: number, round = 0): TestSample[] {
  const objects = Math.max(0, Math.round(bytes / 4096));
  const churn = 2048 * (round + 1);
  return [
    { stack: site, values: [objects, objects * 4096, objects, objects * 4096] },
    { stack: ['main.(*server).steady', 'main.main'], values: [churn, churn * 4096, 2048, 8 << 20] },
  ];
}

/** Heap profiles with every allocation sampled (period 1), so values are exact and noise is what we add. */
function series(
  t: Parameters<typeof scratch>[0],
  bytesAt: (i: number) => number,
  site = ['main.(*cache).put', 'main.(*server).handle', 'main.main'],
  goroutinesAt?: (i: number) => number,
): Analysis {
  const dir = scratch(t);
  const files: string[] = [];
  for (let i = 0; i < N; i++) {
    const time = START + BigInt(i) * MINUTE;
    const h = join(dir, `heap-${i}.pb`);
    writeFileSync(
      h,
      encodeProfile({ sampleTypes: HEAP_TYPES, samples: heap(site, bytesAt(i), i), timeNanos: time, period: 1, periodType: ['space', 'bytes'] }),
    );
    files.push(h);
    if (goroutinesAt !== undefined) {
      const g = join(dir, `goroutine-${i}.pb`);
      const samples = [
        { stack: ['runtime.gopark', 'runtime.chanrecv1', 'main.(*poller).wait', 'main.(*poller).start.func1'], values: [goroutinesAt(i)] },
        { stack: ['runtime.gopark', 'main.main'], values: [1] },
      ];
      writeFileSync(g, encodeProfile({ sampleTypes: [['goroutine', 'count']], samples, timeNanos: time, period: 1, periodType: ['goroutine', 'count'] }));
      files.push(g);
    }
  }
  return analyze({ files, intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
}

const MiB = 1 << 20;

t.test('steady linear growth is a leak, in the function that holds it', async (t) => {
  const a = series(t, (i) => 2 * MiB + i * 3 * MiB);
  t.equal(a.diagnosis.verdict, 'leak');
  t.equal(a.diagnosis.findings[0].kind, 'heap-growth');
  t.equal(culpritName(a.series, a.diagnosis.findings[0]), 'main.(*cache).put');
  t.equal(a.diagnosis.findings[0].confidence, 'high');
});

t.test('slow growth under noise is still a leak', async (t) => {
  const r = rng(7);
  const a = series(t, (i) => 40 * MiB + i * 2 * MiB + (r() - 0.5) * 3 * MiB);
  t.equal(a.diagnosis.verdict, 'leak');
  t.equal(culpritName(a.series, a.diagnosis.findings[0]), 'main.(*cache).put');
});

t.test('pure noise is no leak', async (t) => {
  const r = rng(11);
  const a = series(t, () => 40 * MiB + (r() - 0.5) * 8 * MiB);
  t.equal(a.diagnosis.verdict, 'no-leak');
  t.same(a.diagnosis.findings, []);
});

t.test('one spike is no leak', async (t) => {
  const a = series(t, (i) => (i === 4 ? 90 * MiB : 40 * MiB));
  t.not(a.diagnosis.verdict, 'leak');
});

t.test('a GC sawtooth around a level is no leak', async (t) => {
  const a = series(t, (i) => 40 * MiB + (i % 3) * 10 * MiB);
  t.equal(a.diagnosis.verdict, 'no-leak');
});

t.test('a step (one jump, then flat) is bounded, not a leak', async (t) => {
  const a = series(t, (i) => (i < 3 ? 10 * MiB : 60 * MiB));
  t.equal(a.diagnosis.verdict, 'no-leak');
  t.ok(
    a.diagnosis.bounded.some((b) => b.site === 'main.(*cache).put'),
    'listed as bounded',
  );
});

t.test('a warming cache (rise, then plateau) is bounded, not a leak', async (t) => {
  const a = series(t, (i) => Math.min(i, 4) * 12 * MiB + 1 * MiB);
  t.equal(a.diagnosis.verdict, 'no-leak');
  t.ok(a.diagnosis.bounded.some((b) => b.site === 'main.(*cache).put'));
});

t.test("goroutines that pile up in the service's own code: a goroutine leak with its culprit", async (t) => {
  const a = series(
    t,
    () => 30 * MiB,
    undefined,
    (i) => 10 + 40 * i,
  );
  const f = a.diagnosis.findings[0];
  t.equal(a.diagnosis.verdict, 'leak');
  t.equal(f.kind, 'goroutine-leak');
  t.equal(culpritName(a.series, f), 'main.(*poller).wait');
  t.equal(f.signature?.id, 'goroutines-blocked-channel');
});

t.test('two snapshots: a difference, never a trend', async (t) => {
  const dir = scratch(t);
  const files = [0, 1].map((i) => {
    const p = join(dir, `h${i}.pb`);
    writeFileSync(
      p,
      encodeProfile({
        sampleTypes: HEAP_TYPES,
        samples: heap(['main.(*cache).put', 'main.main'], (1 + 50 * i) * MiB),
        timeNanos: START + BigInt(i) * MINUTE,
        period: 1,
        periodType: ['space', 'bytes'],
      }),
    );
    return p;
  });
  const a = analyze({ files, intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
  t.equal(a.diagnosis.verdict, 'inconclusive');
  for (const f of a.diagnosis.findings) {
    t.equal(f.confidence, 'low');
    t.equal(f.heap?.fit.trend ?? null, null, 'no trend test on two points');
  }
});
