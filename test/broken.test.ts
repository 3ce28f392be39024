// Broken and hostile input, through the real command: each must exit 2 with one line on stderr that names
// the file and what is wrong, print nothing on stdout, write no file, and finish quickly.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import t from 'tap';
import { leakdiff, scratch } from './helpers/cli.js';
import { CORPUS, HAS_CORPUS, NEEDS_CORPUS, fixture, inCorpus } from './helpers/paths.js';
import { encodeObject, heapProfile, profileObject } from './helpers/profiles.js';
import { rng } from './helpers/mutate.js';
import { inlinedProfile, labelledProfile } from './helpers/bombs.js';

interface Broken {
  readonly name: string;
  /** File content, or a path to an existing file. */
  readonly input: Uint8Array | string | { readonly path: string };
  readonly command?: 'analyze' | 'inspect';
  readonly extra?: readonly string[];
  readonly kind: RegExp;
  readonly message: RegExp;
}

const firstOf = (scenario: string, suffix: string): Buffer => {
  const f = readdirSync(fixture(scenario))
    .filter((n) => n.endsWith(suffix))
    .sort()[0];
  return readFileSync(fixture(scenario, f));
};
const goroutinePb = (): Record<string, unknown> =>
  profileObject({ sampleTypes: [['goroutine', 'count']], samples: [{ stack: ['main.a', 'main.b'], values: [1] }] });
const random = (n: number, first: number): Buffer => {
  const r = rng(42);
  const b = Buffer.from(Array.from({ length: n }, () => Math.floor(r() * 256)));
  b[0] = first;
  return b;
};
/** 64 MiB of zeros compress to 64 KiB; five members make a 320 MiB bomb from 320 KiB. */
const bomb = (): Buffer => {
  const member = gzipSync(Buffer.alloc(64 << 20));
  return Buffer.concat([member, member, member, member, member]);
};

const CASES: readonly Broken[] = [
  { name: 'empty file', input: '', kind: /decode/, message: /the file is empty/ },
  { name: 'truncated gzip', input: firstOf('map-leak', 'pb.gz').subarray(0, 500), kind: /inflate/, message: /gzip stream is truncated/ },
  { name: 'gzip of garbage', input: gzipSync(random(4096, 0xfe)), kind: /decode/, message: /not a profile leakdiff reads/ },
  { name: 'random bytes', input: random(4096, 0xfe), kind: /decode/, message: /not a profile leakdiff reads/ },
  { name: 'JSON', input: '{"schemaVersion":1,"verdict":"leak"}\n', kind: /decode/, message: /JSON, not a profile/ },
  {
    name: 'HTML error page',
    input: '<html><head><title>401 Unauthorized</title></head><body>login</body></html>',
    kind: /decode/,
    message: /an HTML page, not a profile titled "401 Unauthorized"/,
  },
  {
    name: 'PNG image',
    input: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), random(200, 0)]),
    kind: /decode/,
    message: /an image, PDF or archive/,
  },
  { name: 'gzip bomb', input: bomb(), kind: /inflate/, message: /decompresses to more than 256 MiB; raise --max-inflated/ },
  { name: 'gzipped twice', input: gzipSync(firstOf('map-leak', 'pb.gz')), kind: /decode/, message: /gzipped twice/ },
  {
    name: 'two profiles concatenated',
    input: Buffer.concat([heapProfile([{ stack: ['main.f'], values: [1, 1, 1, 1] }]), heapProfile([{ stack: ['main.f'], values: [1, 1, 1, 1] }])]),
    kind: /decode/,
    message: /two profiles concatenated/,
  },
  {
    name: 'string_table[0] not empty',
    input: (() => {
      const o = goroutinePb();
      (o.stringTable as string[])[0] = 'x';
      return encodeObject(o);
    })(),
    kind: /validate/,
    message: /string_table\[0\] must be the empty string/,
  },
  {
    name: 'duplicate location id',
    input: (() => {
      const o = goroutinePb();
      const l = o.location as { id: number }[];
      l[1].id = l[0].id;
      return encodeObject(o);
    })(),
    kind: /validate/,
    message: /two locations share id/,
  },
  {
    name: 'dangling location reference',
    input: encodeObject({ ...goroutinePb(), sample: [{ locationId: [77], value: [1] }] }),
    kind: /validate/,
    message: /location 77, which does not exist/,
  },
  {
    name: 'string index out of range',
    input: (() => {
      const o = goroutinePb();
      (o.function as { name: number }[])[0].name = 999;
      return encodeObject(o);
    })(),
    kind: /validate/,
    message: /string 999/,
  },
  {
    name: 'values do not match sample types',
    input: encodeObject({ ...goroutinePb(), sample: [{ locationId: [1], value: [1, 2] }] }),
    kind: /validate/,
    message: /2 values but the profile declares 1/,
  },
  {
    name: 'wrong wire type',
    input: Buffer.concat([encodeObject(goroutinePb()), Buffer.from([(9 << 3) | 2, 1, 0])]),
    kind: /decode/,
    message: /wire type 2, expected 0/,
  },
  {
    name: 'group wire type',
    input: Buffer.concat([encodeObject(goroutinePb()), Buffer.from([0xa3, 0x01])]),
    kind: /decode/,
    message: /field 20 has wire type 3/,
  },
  {
    name: 'length past the end',
    input: Buffer.concat([encodeObject(goroutinePb()), Buffer.from([(2 << 3) | 2, 0xe8, 0x07])]),
    kind: /decode/,
    message: /claims 1000 bytes/,
  },
  {
    name: 'over-long varint',
    input: Buffer.concat([encodeObject(goroutinePb()), Buffer.from([0x48, ...new Array<number>(10).fill(0xff), 0x01])]),
    kind: /decode/,
    message: /longer than 10 bytes/,
  },
  {
    name: 'legacy binary CPU profile',
    input: { path: join(CORPUS, 'google-pprof-testdata/go.crc32.cpu') },
    kind: /decode/,
    message: /unsupported profile form/,
  },
  { name: 'unsymbolized legacy heap profile', input: { path: join(CORPUS, 'google-pprof-testdata/gobench.heap') }, kind: /decode/, message: /not symbolized/ },
  {
    name: 'legacy C++ heap profile',
    input: { path: join(CORPUS, 'google-pprof-testdata/cppbench.heap') },
    kind: /decode/,
    message: /unsupported profile form/,
  },
  { name: 'legacy Java heap profile', input: { path: join(CORPUS, 'google-pprof-testdata/java.heap') }, kind: /decode/, message: /unsupported profile form/ },
  {
    name: 'CPU profile given to analyze',
    input: { path: join(CORPUS, 'google-pprof-testdata/large.cpu') },
    command: 'analyze',
    kind: /series/,
    message: /this is a CPU profile; leakdiff needs heap or goroutine profiles/,
  },
  { name: 'mutex contention text', input: '--- contention:\ncycles/second=1000000000\n', kind: /decode/, message: /mutex or block contention profile/ },
  {
    name: 'NUL bytes in text',
    input: Buffer.concat([Buffer.from('heap profile: 1: 2 [3: 4] @ heap/1048576\n'), Buffer.alloc(64)]),
    kind: /decode/,
    message: /.+/,
  },
  // A bad record followed by good ones is damage; a bad last record is what a paste cut (test/decode/paste.test.ts).
  {
    name: 'heap text broken mid-record',
    input:
      'heap profile: 2: 2048 [2: 2048] @ heap/1048576\n1: 1024 [1: 1024] @ 0x4a\n#\t0x4a\tmain.f+0x1\t/src/main.go:3\n\n1: oops [1: 1024] @ 0x4b\n#\t0x4b\tmain.g+0x1\t/src/main.go:4\n\n1: 1024 [1: 1024] @ 0x4c\n#\t0x4c\tmain.h+0x1\t/src/main.go:5\n',
    kind: /decode/,
    message: /line 5/,
  },
  {
    name: 'goroutine text broken mid-record',
    input:
      'goroutine profile: total 4\n2 @ 0x1 0x2\n#\t0x1\tmain.f+0x1\t/src/main.go:3\n\nx @ 0x3\n#\t0x3\tmain.g+0x1\t/src/main.go:4\n\n1 @ 0x4\n#\t0x4\tmain.h+0x1\t/src/main.go:5\n',
    kind: /decode/,
    message: /line 5/,
  },
  {
    name: 'goroutine dump broken mid-record',
    input:
      'goroutine 1 [running]:\nmain.main()\n\t/src/main.go:3 +0x1d\n\ngoroutine 7 [chan receive]:\n\tthis is not a frame\n\ngoroutine 8 [select]:\nmain.g()\n\t/src/main.go:4 +0x1d\n',
    kind: /decode/,
    message: /line 6/,
  },
  {
    name: 'delta heap profile (go tool pprof -diff_base)',
    input: { path: fixture('hostile', 'delta-heap.pb.gz') },
    kind: /decode/,
    message: /this is a delta profile .* not a snapshot: 9 of 35 samples have negative values .*give leakdiff the snapshots themselves/,
  },
  // Memory is bounded by what it costs, not by file size: each of these is under 2 MB and once took GBs.
  {
    name: '20k samples with 64 labels, each set distinct',
    input: labelledProfile(20_000, 64, true),
    kind: /decode/,
    message: /more than 1000000 labels over its \d+ distinct label sets; raise --max-labels/,
  },
  {
    name: 'a 1000-line inlined location named 10 times by 5000 samples',
    input: inlinedProfile(5000, 1000, 10),
    kind: /decode/,
    message: /more than 25000000 frames over all its stacks \(after \d+ samples\); raise --max-frames/,
  },
  {
    name: 'a 200,000-frame stack',
    input: `goroutine 1 [running]:\n${'main.f(...)\n\t/src/main.go:3 +0x1d\n'.repeat(200_000)}`,
    kind: /decode/,
    message: /exceeds 10000 frames; raise --max-stack-depth/,
  },
];

const fromCorpus = (c: (typeof CASES)[number]): boolean => typeof c.input === 'object' && 'path' in c.input && inCorpus(c.input.path);
const RUN = CASES.filter((c) => HAS_CORPUS || !fromCorpus(c));

t.test('broken inputs from the external corpus', { skip: NEEDS_CORPUS }, async (t) => {
  t.ok(CASES.filter(fromCorpus).length > 0, 'they are in the table below');
});

t.test(`${RUN.length} broken inputs: exit 2, one line naming the file, nothing written`, async (t) => {
  t.ok(CASES.length >= 25);
  const dir = scratch(t);
  for (const c of RUN) {
    const path = typeof c.input === 'object' && 'path' in c.input ? c.input.path : join(dir, `input-${c.name.replace(/\W+/g, '-')}`);
    if (!(typeof c.input === 'object' && 'path' in c.input)) writeFileSync(path, c.input);
    const before = readFileSync(path);
    const start = performance.now();
    const r = leakdiff([c.command ?? 'inspect', path, ...(c.extra ?? [])], {}, true);
    const seconds = (performance.now() - start) / 1000;
    t.equal(r.code, 2, `${c.name}: exit 2 (${r.stderr.trim()})`);
    const lines = r.stderr.trim().split('\n');
    t.equal(lines.length, 1, `${c.name}: one line`);
    t.ok(lines[0].startsWith(`leakdiff: ${path}: `), `${c.name}: names the file`);
    t.match(lines[0], c.kind, `${c.name}: stage`);
    t.match(lines[0], c.message, `${c.name}: message`);
    t.equal(r.stdout, '', `${c.name}: nothing on stdout`);
    t.same(readdirSync(r.cwd), [], `${c.name}: no file written`);
    t.ok(readFileSync(path).equals(before), `${c.name}: the input is byte-identical`);
    t.ok(seconds < 20, `${c.name}: done in ${seconds.toFixed(1)} s`);
    rmSync(r.cwd, { recursive: true, force: true });
  }
});
