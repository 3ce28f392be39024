import { gzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import t from 'tap';
import { decode } from '../../src/decode/index.js';
import { chunkSizeFor } from '../../src/decode/inflate.js';
import { stackOf } from '../../src/decode/builder.js';
import { LimitError, MalformedError, UnsupportedError } from '../../src/errors.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import type { Snapshot } from '../../src/model.js';
import { encodeObject, encodeProfile, goroutineProfile, heapProfile, profileObject, type FrameSpec } from '../helpers/profiles.js';

const L = DEFAULT_LIMITS;
const dec = (bytes: Uint8Array, limits = L): Snapshot => decode('p.pb', bytes, limits).snapshot;
const names = (s: Snapshot, i: number): string[] => Array.from(stackOf(s, i), (f) => s.frames[f].function);

const leak = {
  stack: ['main.(*cache).add@/src/app/cache.go:42', 'main.handle@/src/app/main.go:20', 'main.main@/src/app/main.go:9'],
  values: [3, 3072, 2, 2048],
};

t.test('a heap profile decodes to columns with resolved names', async (t) => {
  const s = dec(heapProfile([leak, { stack: ['bytes.makeSlice', 'main.main'], values: [1, 512, 0, 0] }]));
  t.equal(s.form, 'pprof');
  t.equal(s.kind, 'heap');
  t.same(
    s.sampleTypes.map((v) => v.type),
    ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'],
  );
  t.equal(s.sampleCount, 2);
  t.same(names(s, 0), ['main.(*cache).add', 'main.handle', 'main.main']);
  t.same(Array.from(s.values.subarray(0, 4)), [3, 3072, 2, 2048]);
  t.equal(s.frames[stackOf(s, 0)[0]].line, 42);
  t.equal(s.frames[stackOf(s, 0)[0]].file, '/src/app/cache.go');
  t.equal(s.period?.value, 524288);
  t.equal(s.binary, '/srv/app');
  // 1_764_123_631 s after the epoch: exact to the millisecond although the nanoseconds exceed 2^53.
  t.equal(s.timeMs, 1_764_123_631_000);
});

t.test('gzipped and raw protobuf decode the same', async (t) => {
  const raw = heapProfile([leak]);
  const a = decode('x', raw, L);
  const b = decode('x', gzipSync(raw), L);
  t.equal(a.compressed, false);
  t.equal(b.compressed, true);
  t.same(Array.from(b.snapshot.values), Array.from(a.snapshot.values));
});

t.test('kinds from sample types', async (t) => {
  t.equal(dec(goroutineProfile([{ stack: ['main.worker'], values: [7] }])).kind, 'goroutine');
  t.equal(dec(encodeProfile({ sampleTypes: [['goroutineleak', 'count']], samples: [{ stack: ['main.w'], values: [1] }] })).kind, 'goroutineleak');
  t.equal(
    dec(
      encodeProfile({
        sampleTypes: [
          ['samples', 'count'],
          ['cpu', 'nanoseconds'],
        ],
        samples: [{ stack: ['main.w'], values: [1, 10] }],
      }),
    ).kind,
    'other',
  );
});

t.test('an inlined location expands to one frame per line, innermost first', async (t) => {
  const s = dec(
    heapProfile([
      { stack: [['bufio.NewReaderSize@bufio.go:57', 'transport.newFramer@http_util.go:382'], 'transport.newHTTP2Client'], values: [1, 32768, 1, 32768] },
    ]),
  );
  t.same(names(s, 0), ['bufio.NewReaderSize', 'transport.newFramer', 'transport.newHTTP2Client']);
  const [inner, outer] = stackOf(s, 0);
  t.equal(s.frames[inner].inlined, true);
  t.equal(s.frames[outer].inlined, false);
});

t.test('string labels are kept, numeric ones (object sizes) are not', async (t) => {
  const s = dec(
    goroutineProfile([
      { stack: ['main.w'], values: [2], labels: { handler: '/api' } },
      { stack: ['main.v'], values: [1] },
    ]),
  );
  t.same(s.labels, [{ handler: '/api' }, null]);
});

/** Hand-written wire bytes for what protobufjs's encoder would never write. */
function wire(build: (w: protobuf.Writer) => void): Uint8Array {
  const w = protobuf.Writer.create();
  build(w);
  return w.finish();
}

t.test('repeated fields decode packed and unpacked alike (Go packs only lists longer than two)', async (t) => {
  const packed = dec(goroutineProfile([{ stack: ['main.a', 'main.b'], values: [5] }]));
  // The same profile with its sample written unpacked: one tag per location id and per value.
  const obj = profileObject({ sampleTypes: [['goroutine', 'count']], samples: [{ stack: ['main.a', 'main.b'], values: [5] }] });
  const withoutSamples = encodeObject({ ...obj, sample: [] });
  const sample = wire((w) =>
    w
      .uint32((1 << 3) | 0)
      .uint64(1)
      .uint32((1 << 3) | 0)
      .uint64(2)
      .uint32((2 << 3) | 0)
      .int64(5),
  );
  const unpacked = Buffer.concat([withoutSamples, wire((w) => w.uint32((2 << 3) | 2).bytes(sample))]);
  const s = dec(unpacked);
  t.same(names(s, 0), names(packed, 0));
  t.same(Array.from(s.values), [5]);
});

t.test('location ids of every varint length, inlined locations and sparse ids resolve to their frames', async (t) => {
  // 20,000 locations: ids of one, two and three varint bytes (past 127 and 16,383), some of them inlined
  // pairs, in lists that end on a one-byte or a two-byte id: every path of the packed-list reader.
  const fn = (i: number): string => `main.f${i}`;
  const spec = (i: number): FrameSpec => (i % 7 === 3 ? [`${fn(i)}.inl`, fn(i)] : fn(i));
  const flat = (stack: readonly FrameSpec[]): string[] => stack.flatMap((f) => (typeof f === 'string' ? [f] : [...f]));
  const samples = Array.from({ length: 20_000 }, (_, i) => ({ stack: [spec(i), spec((i * 31) % 20_000), spec(i % 100)], values: [1] }));
  const obj = profileObject({ sampleTypes: [['goroutine', 'count']], samples });
  const s = dec(encodeObject(obj));
  t.equal(s.sampleCount, samples.length);
  for (const i of [0, 3, 99, 127, 128, 129, 200, 16_383, 16_384, 16_385, 19_999]) t.same(names(s, i), flat(samples[i].stack), `sample ${i}`);
  // The same profile with sparse location ids (every id times 100,003): past any dense table.
  const sparse = (id: number): number => id * 100_003;
  const o = obj as { location: { id: number }[]; sample: { locationId: number[] }[] };
  const moved = {
    ...obj,
    location: o.location.map((l) => ({ ...l, id: sparse(l.id) })),
    sample: o.sample.map((x) => ({ ...x, locationId: x.locationId.map(sparse) })),
  };
  const m = dec(encodeObject(moved));
  for (const i of [0, 3, 128, 16_384, 19_999]) t.same(names(m, i), flat(samples[i].stack), `sparse, sample ${i}`);
});

t.test('a packed location list whose last id runs past its length is refused', async (t) => {
  const obj = profileObject({ sampleTypes: [['goroutine', 'count']], samples: [{ stack: ['main.a'], values: [5] }] });
  const withoutSamples = encodeObject({ ...obj, sample: [] });
  // Field 1 packed, one byte long, holding 0x81: a varint that goes on into the next field's tag.
  const sample = wire((w) =>
    w
      .uint32((1 << 3) | 2)
      .bytes(Uint8Array.of(0x81))
      .uint32((2 << 3) | 0)
      .int64(5),
  );
  const bad = Buffer.concat([withoutSamples, wire((w) => w.uint32((2 << 3) | 2).bytes(sample))]);
  t.throws(() => dec(bad), MalformedError);
});

t.test('invalid UTF-8 in a symbol name does not reject the profile', async (t) => {
  const obj = profileObject({ sampleTypes: [['goroutine', 'count']], samples: [{ stack: ['main.x'], values: [1] }] });
  const bytes = Buffer.from(encodeObject(obj));
  const at = bytes.indexOf('main.x');
  bytes[at + 5] = 0xff;
  const s = dec(bytes);
  t.equal(s.frames[0].function, 'main.\uFFFD');
  t.match(s.warnings.join(), /invalid UTF-8/);
});

t.test('a delta profile (negative values, or the pprof::base label of a diff base) is refused as what it is', async (t) => {
  // The negative int64 is read as -512, not 2^64 - 512: the message quotes it.
  const negative = heapProfile([leak, { stack: ['main.f'], values: [0, -512, 0, 0] }, { stack: ['main.g'], values: [-1, -512, 0, 0] }]);
  t.throws(() => dec(negative), {
    name: UnsupportedError.name,
    message:
      /^p\.pb: decode: this is a delta profile .*go tool pprof -diff_base.*: 2 of 3 samples have negative values \(sample 1: alloc_space -512\); give leakdiff the snapshots themselves/,
  });
  const based = heapProfile([{ ...leak, labels: { 'pprof::base': 'true' } }]);
  t.throws(() => dec(based), { name: UnsupportedError.name, message: /delta profile .*: its samples carry the pprof::base label/ });
  t.equal(dec(heapProfile([leak])).sampleCount, 1, 'a snapshot of positive values reads');
});

t.test('labels cost memory per distinct set: samples with the same labels share one object', async (t) => {
  const s = dec(heapProfile(Array.from({ length: 6 }, (_, i) => ({ ...leak, labels: { handler: i % 2 === 0 ? '/a' : '/b', tenant: 'acme' } }))));
  t.same(s.labels?.[0], { handler: '/a', tenant: 'acme' });
  t.same(s.labels?.[1], { handler: '/b', tenant: 'acme' });
  t.equal(s.labels?.[0], s.labels?.[4], 'one object for one set');
  t.equal(new Set(s.labels).size, 2, 'two sets, two objects');
  const distinct = heapProfile(Array.from({ length: 10 }, (_, i) => ({ ...leak, labels: { request: `r${i}` } })));
  t.throws(() => dec(distinct, { ...L, maxLabels: 15 }), {
    name: LimitError.name,
    message: /more than 15 labels over its 8 distinct label sets; raise --max-labels/,
  });
});

interface Broken {
  readonly name: string;
  readonly bytes: () => Uint8Array;
  readonly error: new (...a: never[]) => Error;
  readonly message: RegExp;
}

const base = (): Record<string, unknown> => profileObject({ sampleTypes: [['goroutine', 'count']], samples: [{ stack: ['main.a', 'main.b'], values: [1] }] });
const field = (n: number, wt: number, body: (w: protobuf.Writer) => void): Uint8Array => wire((w) => body(w.uint32((n << 3) | wt)));

const BROKEN: readonly Broken[] = [
  {
    name: 'two profiles concatenated',
    bytes: () => Buffer.concat([heapProfile([leak]), heapProfile([leak])]),
    error: MalformedError,
    message: /two profiles concatenated/,
  },
  {
    name: 'a value beyond 2^53',
    bytes: () => encodeObject({ ...base(), sample: [{ locationId: [1], value: ['9007199254740993'] }] }),
    error: MalformedError,
    message: /not a safe integer/,
  },
  {
    name: 'string_table[0] not empty',
    bytes: () => {
      const o = base();
      (o.stringTable as string[])[0] = 'x';
      return encodeObject(o);
    },
    error: MalformedError,
    message: /string_table\[0\] must be the empty string/,
  },
  {
    name: 'a function id of zero',
    bytes: () => {
      const o = base();
      (o.function as { id: number }[])[0].id = 0;
      return encodeObject(o);
    },
    error: MalformedError,
    message: /function has id 0/,
  },
  {
    name: 'two locations with one id',
    bytes: () => {
      const o = base();
      const l = o.location as { id: number }[];
      l[1].id = l[0].id;
      return encodeObject(o);
    },
    error: MalformedError,
    message: /two locations share id 1/,
  },
  {
    name: 'a sample referring to a missing location',
    bytes: () => encodeObject({ ...base(), sample: [{ locationId: [99], value: [1] }] }),
    error: MalformedError,
    message: /location 99, which does not exist/,
  },
  {
    name: 'a line referring to a missing function',
    bytes: () => {
      const o = base();
      (o.location as { line: { functionId: number }[] }[])[0].line[0].functionId = 42;
      return encodeObject(o);
    },
    error: MalformedError,
    message: /function 42, which does not exist/,
  },
  {
    name: 'a location referring to a missing mapping',
    bytes: () => {
      const o = base();
      (o.location as { mappingId: number }[])[0].mappingId = 7;
      return encodeObject(o);
    },
    error: MalformedError,
    message: /mapping 7, which does not exist/,
  },
  {
    name: 'a string index out of range',
    bytes: () => {
      const o = base();
      (o.function as { name: number }[])[0].name = 500;
      return encodeObject(o);
    },
    error: MalformedError,
    message: /string 500, but the string table has/,
  },
  {
    name: 'fewer values than sample types',
    bytes: () => encodeObject({ ...base(), sample: [{ locationId: [1], value: [] }] }),
    error: MalformedError,
    message: /sample 0 has 0 values but the profile declares 1/,
  },
  { name: 'no sample types', bytes: () => encodeObject({ ...base(), sampleType: [] }), error: MalformedError, message: /no sample types/ },
  {
    name: 'a known field with the wrong wire type',
    bytes: () => Buffer.concat([encodeObject(base()), field(9, 2, (w) => w.bytes(new Uint8Array(2)))]),
    error: MalformedError,
    message: /field 9 has wire type 2, expected 0/,
  },
  {
    name: 'a group wire type',
    bytes: () => Buffer.concat([encodeObject(base()), field(20, 3, () => undefined)]),
    error: MalformedError,
    message: /wire type 3/,
  },
  {
    name: 'a length past the end',
    bytes: () => Buffer.concat([encodeObject(base()), field(2, 2, (w) => w.uint32(1000))]),
    error: MalformedError,
    message: /claims 1000 bytes but only 0 remain/,
  },
  {
    name: 'an over-long varint',
    bytes: () => Buffer.concat([encodeObject(base()), Buffer.from([0x48, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])]),
    error: MalformedError,
    message: /longer than 10 bytes/,
  },
  { name: 'truncated in the middle', bytes: () => heapProfile([leak]).subarray(0, 60), error: MalformedError, message: /truncated/ },
  {
    name: 'addresses only, no symbols',
    bytes: () => {
      const o = base();
      for (const l of o.location as { line: unknown[] }[]) l.line = [];
      return encodeObject({ ...o, function: [] });
    },
    error: UnsupportedError,
    message: /not symbolized/,
  },
];

t.test('broken protobuf: a typed error naming the problem and where', async (t) => {
  for (const c of BROKEN) {
    t.throws(() => dec(c.bytes()), { name: c.error.name, message: c.message }, c.name);
    t.throws(() => dec(c.bytes()), { message: /^p\.pb: / }, `${c.name}: names the file`);
  }
});

t.test('limits stop hostile sizes with the flag that raises them', async (t) => {
  const many = heapProfile(Array.from({ length: 20 }, (_, i) => ({ stack: [`main.f${i}`], values: [1, 1, 1, 1] })));
  t.throws(() => dec(many, { ...L, maxSamples: 10 }), { name: LimitError.name, message: /--max-samples/ });
  t.throws(() => dec(many, { ...L, maxLocations: 5 }), { message: /--max-locations/ });
  const deep = heapProfile([{ stack: Array.from({ length: 50 }, (_, i) => `main.d${i}`), values: [1, 1, 1, 1] }]);
  t.throws(() => dec(deep, { ...L, maxStackDepth: 40 }), { message: /a stack of 50 frames/ });
  t.throws(
    () => dec(heapProfile(Array.from({ length: 10 }, () => ({ stack: ['main.a', 'main.b', 'main.c'], values: [1, 1, 1, 1] }))), { ...L, maxFrames: 20 }),
    { message: /more than 20 frames over all its stacks \(after 6 samples\); raise --max-frames/ },
  );
  t.throws(() => decode('bomb.gz', gzipSync(Buffer.alloc(4 << 20)), { ...L, maxInflatedBytes: 1 << 20 }), {
    message: /decompresses to more than 1 MiB; raise --max-inflated/,
  });
});

t.test('the gzip trailer sizes the output buffer only as a hint, within the cap', async (t) => {
  const profile = heapProfile(Array.from({ length: 30 }, (_, i) => ({ stack: [`main.f${i}`, 'main.main'], values: [i, i * 64, 1, 64] })));
  const honest = gzipSync(profile);
  const lying = (isize: number): Buffer => {
    const b = Buffer.from(honest);
    b.writeUInt32LE(isize >>> 0, b.length - 4);
    return b;
  };
  t.equal(chunkSizeFor(honest, 1 << 30), 64 << 10, 'small profiles keep the 64 KiB floor');
  t.equal(chunkSizeFor(lying(0xffffffff), 1 << 30), honest.length * 1032, 'a huge ISIZE is clamped to what deflate could reach');
  t.equal(chunkSizeFor(lying(8 << 20), 100 << 10), 100 << 10, 'never past the inflate cap');
  t.equal(decode('p.pb.gz', honest, L).snapshot.sampleCount, 30);
  for (const isize of [0, profile.length - 1, 0xffffffff]) {
    t.throws(() => decode('p.pb.gz', lying(isize), L), { message: /^p\.pb\.gz: .*incorrect length check/ }, `ISIZE ${isize}: zlib checks it, no wrong profile`);
  }
  t.throws(
    () => decode('bomb.gz', honest, { ...L, maxInflatedBytes: 100 }),
    { message: /decompresses to more than 100 bytes/ },
    'the cap holds under the 64 KiB floor',
  );
});
