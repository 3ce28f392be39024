// How the series stores per-site values must never change what it says: whole numbers below 2^32 are kept in
// 32 bits and everything else in 64, and a goroutine series keeps rows for its own call sites only; every value
// read back is the one the profiles gave.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { metricOf, row } from '../../src/series/index.js';
import { scratch } from '../helpers/cli.js';
import { encodeProfile, HEAP_TYPES } from '../helpers/profiles.js';

const START = 1_764_123_600_000_000_000n;
const run = (files: string[]) => analyze({ files, intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });

/** Heap snapshot i: main.small holds whole numbers under 2^32, main.big allocated past 2^32 bytes since start. */
function heap(dir: string, i: number): string {
  const p = join(dir, `heap-${i}.pb`);
  const small = [3 + i, 3000 + i, 1 + i, 1024 * (i + 1)];
  const big = [7, 2 ** 33 + 12_345 + i, 2, 4096];
  writeFileSync(
    p,
    encodeProfile({
      sampleTypes: HEAP_TYPES,
      samples: [
        { stack: ['main.small', 'main.main'], values: small },
        { stack: ['main.big', 'main.main'], values: big },
      ],
      timeNanos: START + BigInt(i) * 60_000_000_000n,
      period: 1,
      periodType: ['space', 'bytes'],
    }),
  );
  return p;
}

function goroutines(dir: string, i: number): string {
  const p = join(dir, `goroutine-${i}.pb`);
  writeFileSync(
    p,
    encodeProfile({
      sampleTypes: [['goroutine', 'count']],
      samples: [{ stack: ['main.wait', 'main.main'], values: [10 * (i + 1)] }],
      timeNanos: START + BigInt(i) * 60_000_000_000n,
    }),
  );
  return p;
}

t.test('values past 2^32 and values under it read back exactly, each in its own metric', async (t) => {
  const dir = scratch(t);
  const r = run([0, 1, 2].flatMap((i) => [heap(dir, i), goroutines(dir, i)]));
  const heapSeries = r.series.heap;
  t.ok(heapSeries !== null, 'a heap series');
  const id = (fn: string): number => r.series.stacks.findIndex((s) => r.series.frames[s.frames[0]].function === fn);
  const space = metricOf(heapSeries, 'alloc_space');
  const inuse = metricOf(heapSeries, 'inuse_space');
  if (space === null || inuse === null) return t.fail('heap metrics');
  // Allocation totals keep the first and the last snapshot.
  t.same(Array.from(row(space.byStack, id('main.big'))), [2 ** 33 + 12_345, 2 ** 33 + 12_347], 'alloc_space past 2^32, exact');
  t.same(Array.from(row(space.byStack, id('main.small'))), [3000, 3002], 'alloc_space under 2^32, exact');
  t.same(Array.from(row(inuse.byStack, id('main.small'))), [1024, 2048, 3072], 'inuse_space, exact');
  t.same(Array.from(space.total.data), [2 ** 33 + 15_345, 2 ** 33 + 15_347, 2 ** 33 + 15_349], 'the total of each snapshot');
  const g = metricOf(r.series.goroutine, 'goroutine');
  if (g === null) return t.fail('goroutine metric');
  t.same(Array.from(row(g.byStack, id('main.wait'))), [10, 20, 30], 'goroutine counts');
  t.same(Array.from(row(g.byStack, id('main.big'))), [0, 0, 0], 'a heap site reads as zeros in the goroutine series');
  t.equal(g.byStack.rows, r.series.stacks.length, 'the goroutine matrix answers for every call site id');
  t.ok(
    g.byStack.columns.every((c) => c.length < r.series.stacks.length),
    'but stores rows only for its own sites',
  );
});

t.test('allocation totals are the first and the last snapshot by time, in whatever order the files come', async (t) => {
  const dir = scratch(t);
  // Ten snapshots given latest first, then shuffled, and the first and the last each given three times more.
  const order = [9, 0, 5, 2, 7, 1, 8, 3, 6, 4];
  const files = order.map((i) => heap(dir, i));
  const copies = [0, 9].flatMap((i) =>
    [1, 2, 3].map((k) => {
      const p = join(dir, `copy-${k}-of-${i}.pb`);
      copyFileSync(files[order.indexOf(i)], p);
      return p;
    }),
  );
  const r = run([...files, ...copies]);
  const heapSeries = r.series.heap;
  const id = (fn: string): number => r.series.stacks.findIndex((s) => r.series.frames[s.frames[0]].function === fn);
  const space = metricOf(heapSeries, 'alloc_space');
  const objects = metricOf(heapSeries, 'alloc_objects');
  const inuse = metricOf(heapSeries, 'inuse_space');
  if (space === null || objects === null || inuse === null) return t.fail('heap metrics');
  t.equal(heapSeries?.times.length, 10, 'the copies counted once');
  t.same(Array.from(row(space.byStack, id('main.small'))), [3000, 3009], 'alloc_space: the first and the last snapshot');
  t.same(Array.from(row(objects.byStack, id('main.small'))), [3, 12], 'alloc_objects: the first and the last snapshot');
  t.same(Array.from(row(space.byStack, id('main.big'))), [2 ** 33 + 12_345, 2 ** 33 + 12_354], 'past 2^32 too');
  t.same(
    Array.from(space.total.data),
    Array.from({ length: 10 }, (_, i) => 2 ** 33 + 15_345 + 2 * i),
    'the total of every snapshot, in time order',
  );
  t.same(
    Array.from(row(inuse.byStack, id('main.small'))),
    Array.from({ length: 10 }, (_, i) => 1024 * (i + 1)),
    'in use: every snapshot, in time order',
  );
});
