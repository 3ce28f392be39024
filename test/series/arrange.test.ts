// Series arrangement (src/series/arrange.ts) on a real capture: fixtures/grpc-leak holds, for each of 9
// rounds, a heap protobuf and heap?debug=1 text, and a goroutine protobuf, ?debug=1 text and ?debug=2 dump
// (fixtures/README.md: fetched one right after the other). Entries are made as the analyze loop makes them
// (read, decode, normalize), with the capture time the profile or the file name gives.
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import t from 'tap';
import { decode } from '../../src/decode/index.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { SiteColumns } from '../../src/series/columns.js';
import { Interner } from '../../src/normalize/index.js';
import { timeFromName } from '../../src/read.js';
import type { SnapshotEntry } from '../../src/series/index.js';
import { arrange } from '../../src/series/arrange.js';
import { leakdiff, scratch } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { profileType } from '../helpers/profiles.js';

const DIR = fixture('grpc-leak');
const ROUNDS = 9;
const PROFILES = readdirSync(DIR)
  .filter((f) => /^(heap|goroutine)-\d\d-.*\.(pb\.gz|txt|txt\.gz)$/.test(f))
  .sort();

function entries(names: readonly string[], interner = new Interner(), at?: (name: string) => number): SnapshotEntry[] {
  const taken = new SiteColumns();
  return names.map((name) => {
    const bytes = readFileSync(fixture('grpc-leak', name));
    const { snapshot, compressed } = decode(name, bytes, DEFAULT_LIMITS);
    const own = snapshot.timeMs;
    const timeMs = at?.(name) ?? own ?? timeFromName(name);
    if (timeMs === null) throw new Error(`${name}: no time`);
    return {
      path: name,
      compressed,
      timeMs,
      timeSource: at !== undefined ? 'mtime' : own !== null ? 'profile' : 'file-name',
      ...taken.take(interner.add(snapshot), own),
      contentHash: createHash('sha1').update(bytes).digest('hex'),
    };
  });
}

const formsOf = (list: readonly SnapshotEntry[]): string[] => [...new Set(list.map((e) => e.normalized.meta.form))];

t.test('one form per moment: heap protobuf over heap text; the goroutine dump over protobuf and debug=1', async (t) => {
  t.equal(PROFILES.length, ROUNDS * 5, 'five forms a round');
  const a = arrange(entries(PROFILES));
  t.equal(a.heap.length, ROUNDS, 'one heap snapshot a round');
  t.equal(a.goroutine.length, ROUNDS, 'one goroutine snapshot a round');
  t.same(formsOf(a.heap), ['pprof'], 'heap: the exact protobuf, not the text rounded to whole records');
  t.same(formsOf(a.goroutine), ['goroutine-dump'], 'goroutines: the dump, which carries wait states and creators');
  for (const list of [a.heap, a.goroutine])
    t.ok(
      list.every((e, i) => i === 0 || e.timeMs > list[i - 1].timeMs),
      'in time order',
    );
  const aside = a.inputs.filter((i) => i.setAside !== null);
  t.equal(aside.length, ROUNDS * 3, 'the other forms are set aside, each with a reason');
  for (const i of aside) {
    t.match(i.setAside, /^the same moment as /, `${i.path}: why`);
    t.equal(/-(\d\d)-/.exec(i.sameMomentAs ?? '')?.[1], /-(\d\d)-/.exec(i.path)?.[1], `${i.path}: stands in for its own round`);
  }
  // Each set-aside input says so itself (the report's Inputs, the JSON's inputs); the warnings do not count them.
  t.notMatch(a.warnings.join('\n'), /another form of a moment already captured/);
});

t.test('argument order does not matter; time going backwards is sorted and said', async (t) => {
  const heap = PROFILES.filter((f) => f.startsWith('heap') && f.endsWith('.pb.gz'));
  const forward = arrange(entries(heap));
  const backward = arrange(entries([...heap].reverse()));
  t.same(
    backward.heap.map((e) => e.path),
    forward.heap.map((e) => e.path),
    'the same series',
  );
  t.same(forward.warnings, [], 'in order: nothing to say');
  t.match(backward.warnings.join('\n'), /heap snapshots were not given in time order \(heap-08-.* is older than heap-09-/);
});

t.test('the same file twice is counted once, and said', async (t) => {
  const heap = PROFILES.filter((f) => f.startsWith('heap') && f.endsWith('.pb.gz')).slice(0, 3);
  const a = arrange(entries([...heap, heap[1]]));
  t.equal(a.heap.length, 3);
  t.equal(a.inputs.filter((i) => i.setAside !== null).length, 1);
  t.match(a.warnings.join('\n'), new RegExp(`${heap[1].replace(/\./g, '\\.')} is the same snapshot as ${heap[1].replace(/\./g, '\\.')}; counted once`));
});

t.test('identical debug=1 text at different times is no duplicate (a steady service writes the same text)', async (t) => {
  const text = PROFILES.filter((f) => f.startsWith('heap') && f.endsWith('.debug1.txt')).slice(0, 2);
  const [first] = text;
  // The same bytes given as two captures a minute apart: each is a moment of its own.
  const base = timeFromName(first)!;
  const a = arrange(
    entries(
      [first, first],
      new Interner(),
      (() => {
        let k = 0;
        return () => base + 60_000 * k++;
      })(),
    ),
  );
  t.equal(a.heap.length, 2);
  t.same(a.warnings, []);
});

t.test('two snapshots of one kind at the same time cannot be fitted: refused, with what to do', async (t) => {
  const text = PROFILES.filter((f) => f.startsWith('goroutine') && f.includes('.debug1.')).slice(0, 2);
  const sameTime = timeFromName(text[0])!;
  t.throws(() => arrange(entries(text, new Interner(), () => sameTime)), {
    message: /goroutine-02-.*: series: it has the same capture time as goroutine-01-.*; name the files with their capture times or give --interval/,
  });
});

/** A real heap profile with its time_nanos replaced (everything else as captured), gzipped at `level`. */
function retimed(name: string, timeNanos: bigint, level = 6): Buffer {
  const type = profileType();
  const obj = type.toObject(type.decode(gunzipSync(readFileSync(fixture('map-leak', name)))), { longs: String }) as Record<string, unknown>;
  return gzipSync(type.encode(type.fromObject({ ...obj, timeNanos: timeNanos.toString() })).finish(), { level });
}

t.test('through the command: different profiles with one time_nanos are refused; the same profile recompressed is counted once', async (t) => {
  const dir = scratch(t);
  const heaps = readdirSync(fixture('map-leak'))
    .filter((f) => f.startsWith('heap') && f.endsWith('.pb.gz'))
    .sort();
  t.ok(heaps.length >= 5, 'a real series');
  const one = 1_764_123_631_000_000_000n;
  const same = join(dir, 'same');
  mkdirSync(same);
  // Twenty snapshots, all claiming one moment: real profiles, cycled through, each a different one.
  for (let i = 0; i < 20; i++)
    writeFileSync(join(same, `heap-${String(i).padStart(2, '0')}.pb.gz`), retimed(heaps[i % heaps.length], one + BigInt(i < heaps.length ? 0 : i)));
  const before = readdirSync(same).map((f) => readFileSync(join(same, f)));
  const r = leakdiff([same, '--out', join(dir, 'r.md')]);
  t.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n');
  t.equal(lines.length, 1, 'one line');
  t.match(
    lines[0],
    /^leakdiff: .*same\/heap-0[1-4]\.pb\.gz: series: it is a different profile from .*heap-0[0-3]\.pb\.gz with the same time_nanos \(2025-11-26T02:20:31Z\); .* the profiles' own times are wrong/,
  );
  t.same(readdirSync(dir).sort(), ['same'], 'nothing written');
  t.ok(
    readdirSync(same).every((f, i) => readFileSync(join(same, f)).equals(before[i])),
    'every input byte-identical',
  );

  // One profile at two gzip levels (other bytes, same content) and the same time: one snapshot, said.
  const twice = join(dir, 'twice');
  mkdirSync(twice);
  heaps.slice(0, 3).forEach((h, i) => writeFileSync(join(twice, `heap-${i}.pb.gz`), retimed(h, one + BigInt(i) * 10_000_000_000n)));
  writeFileSync(join(twice, 'heap-1-again.pb.gz'), retimed(heaps[1], one + 10_000_000_000n, 9));
  t.notOk(readFileSync(join(twice, 'heap-1.pb.gz')).equals(readFileSync(join(twice, 'heap-1-again.pb.gz'))), 'the files differ');
  const d = leakdiff([twice, '--out', '-', '--json', join(dir, 'r.json'), '--quiet']);
  t.ok(d.code === 0 || d.code === 1, `analyzed (${d.stderr.trim()})`);
  const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { window: { heapSnapshots: number }; warnings: string[] };
  t.equal(json.window.heapSnapshots, 3);
  t.match(
    json.warnings.join('\n'),
    /heap-1\.pb\.gz is the same snapshot as .*heap-1-again\.pb\.gz; counted once|heap-1-again\.pb\.gz is the same snapshot as .*heap-1\.pb\.gz; counted once/,
  );
});
