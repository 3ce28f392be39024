// heap?debug=1: every branch of the parser, on a real Go 1.19 capture (fixtures/text-forms/heap.debug1.txt)
// and on lines of it changed one at a time. The capture's protobuf twin, written at the same moment
// (heap.pb.gz), is the oracle for the unsampled values: `go tool pprof -raw heap.pb.gz` printed them.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import t from 'tap';
import { parseHeapText, scaleHeapSample, sniffHeapText } from '../../src/decode/heap-text.js';
import { decodePprof } from '../../src/decode/pprof.js';
import { LimitError, MalformedError, UnsupportedError } from '../../src/errors.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { CORPUS, NEEDS_CORPUS, fixture } from '../helpers/paths.js';
import { capture, lineOf, sampleWithLeaf, stackText, thrown, valuesOf, withLine } from '../helpers/text-forms.js';

const HEAP = capture('heap.debug1.txt');
const parse = (text: string, limits = DEFAULT_LIMITS) => parseHeapText('heap.txt', text, limits);

t.test('the real capture: kind, form, sample types and period as in Go’s protobuf heap profile', async (t) => {
  const s = parse(HEAP);
  t.equal(s.kind, 'heap');
  t.equal(s.form, 'heap-text');
  t.same(s.sampleTypes, [
    { type: 'alloc_objects', unit: 'count' },
    { type: 'alloc_space', unit: 'bytes' },
    { type: 'inuse_objects', unit: 'count' },
    { type: 'inuse_space', unit: 'bytes' },
  ]);
  t.same(s.period, { type: { type: 'space', unit: 'bytes' }, value: 65536 }, 'heap/131072 is 2*MemProfileRate');
  t.equal(s.defaultSampleType, -1);
  t.equal(s.declaredTotal, null);
  t.equal(s.timeMs, null);
  t.equal(s.sampleCount, 7);
  t.same(s.warnings, [], 'the MemStats trailer is read without complaint');
  t.equal(s.labels, null);
  t.equal(s.goroutineInfo, null);
});

// alloc_objects alloc_space inuse_objects inuse_space, as `go tool pprof -raw heap.pb.gz` printed them for
// the protobuf profile written at the same moment as heap.debug1.txt.
const PPROF_RAW: readonly (readonly [string, readonly number[]])[] = [
  ['main.churn', [63, 8337289, 0, 0]],
  ['main.(*store).put', [10, 1012308, 10, 1012308]],
  ['main.small', [1, 214211, 1, 214211]],
  ['main.allocSmall', [49, 202815, 49, 202815]],
  ['main.allocBig', [1, 1048576, 1, 1048576]],
  ['runtime.(*scavengerState).init', [819, 65576, 819, 65576]],
  ['runtime.malg', [158, 65744, 158, 65744]],
];

t.test('unsampled values equal the protobuf profile of the same moment', async (t) => {
  const s = parse(HEAP);
  for (const [leaf, values] of PPROF_RAW) t.same(valuesOf(s, sampleWithLeaf(s, leaf)), values, leaf);
});

t.test('the text and the protobuf decoder agree sample for sample (same stacks, frames, inlining, values)', async (t) => {
  const text = parse(HEAP);
  const pb = decodePprof('heap.pb.gz', gunzipSync(readFileSync(fixture('text-forms', 'heap.pb.gz'))), DEFAULT_LIMITS);
  t.same(pb.sampleTypes, text.sampleTypes);
  t.same(pb.period, text.period);
  const bySamples = (s: typeof text) => Object.fromEntries(Array.from({ length: s.sampleCount }, (_, i) => [stackText(s, i).join(' < '), valuesOf(s, i)]));
  t.same(bySamples(text), bySamples(pb));
});

t.test('unsampling is scaleHeapSample, computed here independently', async (t) => {
  // The record `8: 786432 [8: 786432] @ ...` (main.(*store).put) at MemProfileRate 65536.
  const rate = 65536;
  const scale = 1 / (1 - Math.exp(-(786432 / 8) / rate));
  const expected = [Math.trunc(8 * scale), Math.trunc(786432 * scale)];
  const s = parse(HEAP);
  const i = sampleWithLeaf(s, 'main.(*store).put');
  t.same(valuesOf(s, i), [...expected, ...expected]);
  t.same(scaleHeapSample(0, 0, rate), [0, 0], 'zero stays zero');
  t.same(scaleHeapSample(3, 0, rate), [0, 0], 'no bytes: zero');
  t.same(scaleHeapSample(3, 12288, 1), [3, 12288], 'rate 1: every allocation was recorded');
  t.same(scaleHeapSample(3, 12288, 0), [3, 12288], 'rate below 1: unknown, left alone');
});

t.test('frames: symbol lines leaf first, with function, file, line and inlining', async (t) => {
  const s = parse(HEAP);
  t.same(stackText(s, sampleWithLeaf(s, 'main.allocBig')), ['main.allocBig main.go:30', 'main.main main.go:171', 'runtime.main proc.go:250']);
  // Go 1.19 gives inlined frames their own PC; the same entry (pc - off) gives them away.
  t.same(stackText(s, sampleWithLeaf(s, 'main.(*store).put')), ['main.(*store).put main.go:27 inlined', 'main.main main.go:176', 'runtime.main proc.go:250']);
  t.same(stackText(s, sampleWithLeaf(s, 'main.small')), [
    'main.small main.go:40 inlined',
    'main.allocInlined main.go:43',
    'main.main main.go:173',
    'runtime.main proc.go:250',
  ]);
  const frame = s.frames.find((f) => f.function === 'main.allocBig');
  t.equal(frame?.file, '/work/main/fixtures/gen/text-forms/main.go', 'the file as recorded at build time');
  t.same(stackText(s, sampleWithLeaf(s, 'runtime.malg')).length, 4, 'a stack of runtime frames only is printed whole');
});

const RECORD = '1: 1048576 [1: 1048576] @ 0x4e9ccc 0x4eb217';
const HEADER = 'heap profile: 1: 1048576 [1: 1048576] @ heap/1048576';

interface Row {
  readonly name: string;
  readonly text: string;
  readonly stacks?: readonly (readonly string[])[];
  readonly values?: readonly (readonly number[])[];
  readonly warnings?: RegExp;
}

// Lines in the form printStackRecord writes them. Rows marked "newer Go" come from the format in the Go
// source, since Go 1.19 cannot write them.
const ROWS: readonly Row[] = [
  {
    name: 'MemProfileRate 1 (heap/2, as in the bench series): values as written',
    text: `heap profile: 3: 12288 [3: 12288] @ heap/2\n3: 12288 [3: 12288] @ 0x4e9df1\n#\t0x4e9df0\tmain.allocSmall+0x50\t/src/main.go:35\n\n# runtime.MemStats\n# Alloc = 1\n`,
    values: [[3, 12288, 3, 12288]],
  },
  {
    name: 'an empty stack prints as #\\t0x0 and has no frame',
    text: `heap profile: 1: 288 [2: 296] @ heap/2\n1: 288 [2: 296] @\n#\t0x0\n\n# runtime.MemStats\n`,
    stacks: [[]],
    values: [[2, 296, 1, 288]],
  },
  {
    name: 'a PC without a symbol (#\\t0x4b2e) is a frame named by its address',
    text: `${HEADER}\n${RECORD}\n#\t0x4b2e\n#\t0x4eb216\tmain.main+0x116\t\t/src/main.go:171\n\n# runtime.MemStats\n`,
    stacks: [['0x4b2e :0', 'main.main main.go:171']],
  },
  {
    name: 'newer Go: inlined frames repeat the PC',
    text: `${HEADER}\n${RECORD}\n#\t0x4e9eeb\tmain.small+0x2b\t\t/src/main.go:40\n#\t0x4e9eeb\tmain.allocInlined+0x2b\t/src/main.go:43\n\n# runtime.MemStats\n`,
    stacks: [['main.small main.go:40 inlined', 'main.allocInlined main.go:43']],
  },
  {
    name: 'recursion is not inlining (same entry, same function)',
    text: `${HEADER}\n${RECORD}\n#\t0x4ea3a4\tmain.deep+0x24\t/src/main.go:110\n#\t0x4ea3b6\tmain.deep+0x36\t/src/main.go:113\n\n# runtime.MemStats\n`,
    stacks: [['main.deep main.go:110', 'main.deep main.go:113']],
  },
  {
    name: 'a Windows path and a path with spaces',
    text: `${HEADER}\n${RECORD}\n#\t0x4e9ccb\tmain.allocBig+0x2b\tC:/Users/Jane Doe/app/main.go:30\n\n# runtime.MemStats\n`,
    stacks: [['main.allocBig main.go:30']],
  },
  {
    name: 'CRLF line ends (a file that passed through Windows tools)',
    text: `${HEADER}\r\n${RECORD}\r\n#\t0x4e9ccb\tmain.allocBig+0x2b\t/src/main.go:30\r\n\r\n# runtime.MemStats\r\n`,
    stacks: [['main.allocBig main.go:30']],
  },
  {
    name: 'invalid UTF-8 arrives replaced and is kept',
    text: `${HEADER}\n${RECORD}\n#\t0x4e9ccb\tmain.allocBig+0x2b\t/src/caf\ufffd/main.go:30\n\n# runtime.MemStats\n`,
    stacks: [['main.allocBig main.go:30']],
  },
  {
    name: 'a record line without a blank line before the next record',
    text: `heap profile: 2: 2 [2: 2] @ heap/2\n1: 1 [1: 1] @ 0x1\n#\t0x1\tmain.a+0x1\t/src/a.go:1\n1: 1 [1: 1] @ 0x2\n#\t0x2\tmain.b+0x1\t/src/b.go:2\n\n# runtime.MemStats\n`,
    stacks: [['main.a a.go:1'], ['main.b b.go:2']],
  },
  {
    name: 'no MemStats trailer: warned, since Go always writes one',
    text: `${HEADER}\n${RECORD}\n#\t0x4e9ccb\tmain.allocBig+0x2b\t/src/main.go:30\n\n`,
    warnings: /no `# runtime.MemStats` trailer/,
  },
  {
    name: 'header totals that disagree with the records: warned',
    text: `heap profile: 9: 9 [9: 9] @ heap/2\n1: 1 [1: 1] @ 0x1\n#\t0x1\tmain.a+0x1\t/src/a.go:1\n\n# runtime.MemStats\n`,
    warnings: /header's totals \(9, 9, 9, 9\) differ from the sum of the records \(1, 1, 1, 1\)/,
  },
];

for (const row of ROWS) {
  t.test(row.name, async (t) => {
    const s = parse(row.text);
    if (row.stacks)
      t.same(
        Array.from({ length: s.sampleCount }, (_, i) => stackText(s, i)),
        row.stacks,
      );
    if (row.values)
      t.same(
        Array.from({ length: s.sampleCount }, (_, i) => valuesOf(s, i)),
        row.values,
      );
    if (row.warnings) t.match(s.warnings.join('\n'), row.warnings);
    else t.same(s.warnings, []);
  });
}

interface BrokenRow {
  readonly name: string;
  readonly text: string;
  readonly error: typeof MalformedError | typeof UnsupportedError;
  readonly line: number;
  readonly message: RegExp;
}

const putLine = lineOf(HEAP, '8: 786432');
const putSymbol = lineOf(HEAP, '#\t0x4eb590');
const BROKEN: readonly BrokenRow[] = [
  {
    name: 'a broken record mid-way',
    text: withLine(HEAP, putLine, '8: 786432 [8: x] @ 0x4eb591'),
    error: MalformedError,
    line: putLine,
    message: /not a heap record.*"8: 786432 \[8: x\]/,
  },
  {
    name: 'a symbol line without +offset',
    text: withLine(HEAP, putSymbol, '#\t0x4eb590\tmain.(*store).put\t/src/main.go:27'),
    error: MalformedError,
    line: putSymbol,
    message: /not a symbol line/,
  },
  {
    name: 'a symbol line without a line number',
    text: withLine(HEAP, putSymbol, '#\t0x4eb590\tmain.(*store).put+0x490\t/src/main.go'),
    error: MalformedError,
    line: putSymbol,
    message: /not a symbol line/,
  },
  {
    name: 'a symbol line with a bad PC',
    text: withLine(HEAP, putSymbol, '#\tzz\tmain.f+0x1\t/src/main.go:1'),
    error: MalformedError,
    line: putSymbol,
    message: /not a symbol line/,
  },
  {
    name: 'a symbol line before any record',
    text: `${HEADER}\n#\t0x1\tmain.a+0x1\t/a.go:1\n`,
    error: MalformedError,
    line: 2,
    message: /symbol line outside a record/,
  },
  {
    name: 'a broken header',
    text: withLine(HEAP, 1, 'heap profile: 15: 2052592 [70 9261552] @ heap/131072'),
    error: MalformedError,
    line: 1,
    message: /not a heap profile header/,
  },
  {
    name: 'a value beyond 2^53',
    text: withLine(HEAP, putLine, '8: 99999999999999999999 [8: 786432] @ 0x4eb591'),
    error: MalformedError,
    line: putLine,
    message: /not a count leakdiff can hold exactly/,
  },
  {
    name: 'a second profile after the MemStats trailer',
    text: `${HEAP}${HEAP}`,
    error: MalformedError,
    line: lineOf(HEAP, '# MaxRSS') + 1,
    message: /only `# Name = value` lines/,
  },
  {
    name: 'one record without symbol lines among symbolized ones',
    text: withLine(HEAP, putSymbol, ''),
    error: MalformedError,
    line: putLine,
    message: /addresses but no `#` symbol lines/,
  },
  {
    name: 'cut mid-line: the message says so',
    text: HEAP.slice(0, HEAP.indexOf('main.(*store).put+0x4') + 14),
    error: MalformedError,
    line: putSymbol,
    message: /ends mid-line/,
  },
  {
    name: 'gperftools heapz_v2 header: not a Go form',
    text: 'heap profile:    144:  8498176 [   144:  8498176] @ heapz_v2/524288\n',
    error: UnsupportedError,
    line: 1,
    message: /legacy.*not symbolized/,
  },
  { name: 'Java heapz', text: '--- heapz 1 ---\nformat = java\n', error: UnsupportedError, line: 1, message: /legacy Java heap profile/ },
];

for (const row of BROKEN) {
  t.test(`broken: ${row.name}`, async (t) => {
    const e = thrown(() => parse(row.text));
    t.type(e, row.error);
    t.match(e.message, row.message);
    t.same((e as MalformedError).where, { line: row.line });
    t.equal((e as MalformedError).file, 'heap.txt');
  });
}

t.test('pprof’s legacy heap test files get a clear error naming the file', { skip: NEEDS_CORPUS }, async (t) => {
  const cases = [
    ['gobench.heap', /not symbolized/],
    ['cppbench.heap', /not symbolized/],
    ['java.heap', /legacy Java heap profile.*unsupported profile form/],
  ] as const;
  for (const [name, message] of cases) {
    const text = readFileSync(`${CORPUS}/google-pprof-testdata/${name}`, 'latin1');
    t.equal(sniffHeapText(text.slice(0, 4096)), 'my format', `${name} is recognised, so the user hears what it is`);
    const e = thrown(() => parseHeapText(name, text, DEFAULT_LIMITS));
    t.type(e, UnsupportedError, name);
    t.match(e.message, message, name);
    t.match(e.message, new RegExp(`^${name}: decode: `), `${name} is named`);
  }
});

t.test('limits: line length and samples', async (t) => {
  const long = thrown(() => parse(HEAP, { ...DEFAULT_LIMITS, maxLineLength: 60 }));
  t.type(long, LimitError);
  t.same((long as LimitError).where, { line: 2 });
  t.match(long.message, /line longer than 60 characters.*--max-line-length/);
  const many = thrown(() => parse(HEAP, { ...DEFAULT_LIMITS, maxSamples: 3 }));
  t.type(many, LimitError);
  t.match(many.message, /more than 3 samples/);
});

t.test('sniff: my format or not my format', async (t) => {
  t.equal(sniffHeapText(HEAP.slice(0, 4096)), 'my format');
  t.equal(sniffHeapText(`\ufeff\n\n${HEAP.slice(0, 200)}`), 'my format', 'after a BOM and blank lines');
  t.equal(sniffHeapText(capture('goroutine.debug1.txt')), 'not my format');
  t.equal(sniffHeapText(capture('goroutine.debug2.txt')), 'not my format');
  t.equal(sniffHeapText('<!DOCTYPE html>'), 'not my format');
  t.equal(sniffHeapText(''), 'not my format');
});
