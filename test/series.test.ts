// Series problems are explained, not guessed through: the same snapshot twice counts once, time going
// backwards is sorted and said, different binaries are noted, mismatched units and empty directories are
// refused with a sentence, and text files without times need names or --interval.
import { copyFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../src/commands/analyze.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { scratch } from './helpers/cli.js';
import { fixture } from './helpers/paths.js';
import { encodeProfile, HEAP_TYPES } from './helpers/profiles.js';

const START = 1_764_123_600_000_000_000n;
const run = (files: string[], intervalSeconds: number | null = null) =>
  analyze({ files, intervalSeconds, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });

function write(dir: string, name: string, i: number, opts: { binary?: string; types?: readonly (readonly [string, string])[]; time?: boolean } = {}): string {
  const p = join(dir, name);
  const types = opts.types ?? HEAP_TYPES;
  const values = types.map(() => 1024 * (i + 1));
  writeFileSync(
    p,
    encodeProfile({
      sampleTypes: types,
      samples: [{ stack: ['main.f', 'main.main'], values }],
      timeNanos: opts.time === false ? undefined : START + BigInt(i) * 60_000_000_000n,
      period: 1,
      periodType: ['space', 'bytes'],
      mainBinary: opts.binary,
    }),
  );
  return p;
}

t.test('the same snapshot twice counts once, with a warning', async (t) => {
  const dir = scratch(t);
  const a = write(dir, 'a.pb', 0);
  const b = write(dir, 'b.pb', 1);
  copyFileSync(a, join(dir, 'a-copy.pb'));
  const r = run([a, b, join(dir, 'a-copy.pb')]);
  t.equal(r.series.heap?.times.length, 2);
  t.match(r.series.warnings.join('\n'), /a-copy\.pb is the same snapshot as .*a\.pb; counted once/);
});

t.test('time going backwards: sorted, and said', async (t) => {
  const dir = scratch(t);
  const files = [2, 1, 0].map((i) => write(dir, `s${i}.pb`, i));
  const r = run(files);
  t.same(
    r.series.heap?.timesMs,
    [...(r.series.heap?.timesMs ?? [])].sort((x, y) => x - y),
  );
  t.match(r.series.warnings.join('\n'), /not given in time order/);
});

t.test('snapshots from different binaries are noted', async (t) => {
  const dir = scratch(t);
  const r = run([write(dir, 'a.pb', 0, { binary: '/srv/app-v1' }), write(dir, 'b.pb', 1, { binary: '/srv/app-v2' })]);
  t.match(r.series.warnings.join('\n'), /2 different binaries/);
});

t.test('heap profiles that measure different things are refused', async (t) => {
  const dir = scratch(t);
  const odd = write(dir, 'odd.pb', 1, {
    types: [
      ['alloc_objects', 'count'],
      ['alloc_space', 'bytes'],
    ],
  });
  t.throws(() => run([write(dir, 'a.pb', 0), odd]), {
    message: /odd\.pb: series: its sample types .* differ from .*; a series must measure the same things in the same units/,
  });
});

t.test('a directory with no profiles is refused', async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'empty', 'README.md'), '# notes\n');
  t.throws(() => run([join(dir, 'empty')]), { message: /empty: read: the directory holds no profile files/ });
});

t.test('files without a time of their own: names, then --interval', async (t) => {
  const dir = scratch(t);
  const text = (n: number): string =>
    `goroutine profile: total ${n}\n${n} @ 0x1 0x2\n#\t0x1\tmain.w+0x1\t/src/main.go:3\n#\t0x2\tmain.main+0x1\t/src/main.go:9\n\n`;
  const same = [0, 1, 2].map((i) => {
    const p = join(dir, `g${i}.txt`);
    writeFileSync(p, text(10 + i));
    // As a fresh checkout leaves them: one modification time for all.
    utimesSync(p, new Date('2026-11-26T10:00:00Z'), new Date('2026-11-26T10:00:00Z'));
    return p;
  });
  t.throws(
    () => run(same),
    { message: /modification times say when files were written or copied.*give --interval/ },
    'same mtime, no names: refused with advice',
  );
  const spaced = run(same, 30);
  t.same(spaced.series.goroutine?.times, [0, 30, 60]);
  t.ok(spaced.series.inputs.every((i) => i.timeSource === 'interval'));
  const named = ['20261126T100000Z', '20261126T100100Z', '20261126T100200Z'].map((stamp, i) => {
    const p = join(dir, `goroutine-${stamp}.txt`);
    writeFileSync(p, text(10 + i));
    return p;
  });
  const byName = run(named);
  t.same(byName.series.goroutine?.times, [0, 60, 120]);
  t.ok(byName.series.inputs.every((i) => i.timeSource === 'file-name'));
});

t.test('goroutineleak profiles are a series of their own, never goroutine counts', async (t) => {
  // Three rounds of a Go 1.26 program (GOEXPERIMENT=goroutineleakprofile) parking 3 more goroutines each.
  const r = run([fixture('ownership/go1.26-leakrounds')]);
  t.same(r.series.goroutine?.times.length, 3);
  t.same(Array.from(r.series.goroutine?.metric.goroutine.total.data ?? []), [13, 16, 19], 'goroutine counts alone');
  t.same(Array.from(r.series.goroutineleak?.metric.goroutineleak.total.data ?? []), [3, 6, 9], 'leaked goroutines alone');
  t.equal(r.series.goroutine?.metrics[0], r.series.goroutine?.metric.goroutine, 'the positional accessor is the named one');
  t.same(
    r.series.inputs.filter((i) => i.kind === 'goroutineleak').map((i) => i.setAside),
    [null, null, null],
    'none set aside as another form of a goroutine moment',
  );
});

t.test('heap series name every metric, allocation totals included', async (t) => {
  const r = run([fixture('map-leak')]);
  const heap = r.series.heap;
  t.same(Object.keys(heap?.metric ?? {}).sort(), ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
  t.same(
    heap?.metrics.map((m) => m.metric),
    ['inuse_space', 'inuse_objects'],
    'the fitted ones, in report order',
  );
  const alloc = heap?.metric.alloc_space.total.data ?? new Float64Array();
  t.ok(
    alloc.every((v, i) => i === 0 || v >= alloc[i - 1]),
    'allocation totals since start never shrink',
  );
  t.ok((heap?.metric.alloc_space.total.data[0] ?? 0) > (heap?.metric.inuse_space.total.data[0] ?? 0), 'more was allocated than is in use');
});
