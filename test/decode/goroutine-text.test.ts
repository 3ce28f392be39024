// goroutine?debug=1 and the other debug=1 count profiles: every branch of the parser, on real Go 1.19 captures
// (fixtures/text-forms/goroutine.debug1.txt, threadcreate.debug1.txt) and on lines of them changed one at a time.
import t from 'tap';
import { parseGoroutineText, sniffGoroutineText } from '../../src/decode/goroutine-text.js';
import { LimitError, MalformedError, UnsupportedError } from '../../src/errors.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { capture, lineOf, sampleWithLeaf, stackText, thrown, total, withLine } from '../helpers/text-forms.js';

const GOROUTINES = capture('goroutine.debug1.txt');
const parse = (text: string, limits = DEFAULT_LIMITS) => parseGoroutineText('goroutine.txt', text, limits);

t.test('the real capture: kind, form, sample type, declared total', async (t) => {
  const s = parse(GOROUTINES);
  t.equal(s.kind, 'goroutine');
  t.equal(s.form, 'goroutine-text');
  t.same(s.sampleTypes, [{ type: 'goroutine', unit: 'count' }]);
  t.same(s.period, { type: { type: 'goroutine', unit: 'count' }, value: 1 });
  t.equal(s.declaredTotal, 19);
  t.equal(total(s), 19, 'the records add up to the header’s total');
  t.equal(s.sampleCount, 15);
  t.same(s.warnings, []);
  t.equal(s.goroutineInfo, null);
});

t.test('records: counts, labels, stacks leaf first', async (t) => {
  const s = parse(GOROUTINES);
  const plain = sampleWithLeaf(s, 'main.recv');
  const labelled = sampleWithLeaf(s, 'main.recv', plain + 1);
  t.equal(s.values[plain], 4);
  t.equal(s.values[labelled], 2);
  t.same(s.labels?.[labelled], { handler: 'checkout', tenant: 'acme "eu"' }, 'Go-quoted values unquoted');
  t.equal(s.labels?.[plain], null);
  t.same(stackText(s, labelled), ['main.recv main.go:53 inlined', 'main.blockRecv main.go:56'], 'main.recv is inlined (same entry)');
  t.same(
    stackText(s, sampleWithLeaf(s, 'main.(*pool[...]).wait')),
    ['main.(*pool[...]).wait main.go:105', 'main.spawnBlocked.func1 main.go:140'],
    'generic method and closure',
  );
  const deep = stackText(s, sampleWithLeaf(s, 'main.deep'));
  t.equal(deep.length, 29, 'the recursion as printed: 32 PCs per record, the 3 leading runtime frames hidden');
  t.same(deep.slice(0, 2), ['main.deep main.go:110', 'main.deep main.go:113'], 'recursion is not inlining');
  t.same(stackText(s, sampleWithLeaf(s, 'sync.runtime_SemacquireMutex')), [
    'sync.runtime_SemacquireMutex sema.go:77',
    'sync.(*Mutex).lockSlow mutex.go:171',
    'sync.(*Mutex).Lock mutex.go:90 inlined',
    'main.blockMutex main.go:76',
  ]);
});

t.test('threadcreate: kind other, an empty stack (#\\t0x0) is a sample without frames', async (t) => {
  const s = parseGoroutineText('threadcreate.txt', capture('threadcreate.debug1.txt'), DEFAULT_LIMITS);
  t.equal(s.kind, 'other');
  t.same(s.sampleTypes, [{ type: 'threadcreate', unit: 'count' }]);
  t.equal(s.declaredTotal, 8);
  t.same(Array.from(s.values), [7, 1]);
  t.same(stackText(s, 0), []);
  t.same(stackText(s, 1), ['main.blockLocked main.go:89']);
  t.equal(s.labels, null, 'no record has labels');
});

const RECORD = '1 @ 0x4389f6 0x4ea047';
const SYMBOL = '#\t0x4ea046\tmain.recv+0x26\t\t/src/main.go:53';

interface Row {
  readonly name: string;
  readonly text: string;
  readonly kind?: string;
  readonly labels?: readonly (Readonly<Record<string, string>> | null)[] | null;
  readonly warnings?: RegExp;
}

// Header and label forms as runtime/pprof writes them; "Go 1.26" rows come from the Go source (the
// goroutineleak profile goes through the same printCountProfile), since Go 1.19 cannot write them.
const ROWS: readonly Row[] = [
  { name: 'Go 1.26 goroutineleak profile', text: `goroutineleak profile: total 1\n${RECORD}\n${SYMBOL}\n\n`, kind: 'goroutineleak' },
  { name: 'a custom pprof.NewProfile profile', text: `example.com/app.conns profile: total 1\n${RECORD}\n${SYMBOL}\n\n`, kind: 'other' },
  {
    name: 'labels with Go escapes (\\x01, \\a, \\u00e9, an invalid byte \\xff, octal)',
    text: `goroutine profile: total 1\n${RECORD}\n# labels: {"a":"\\x01\\a", "b":"caf\\u00e9", "c":"\\xff", "d":"\\101"}\n${SYMBOL}\n\n`,
    labels: [{ a: '\x01\x07', b: 'café', c: '\ufffd', d: 'A' }],
  },
  { name: 'empty labels', text: `goroutine profile: total 1\n${RECORD}\n# labels: {}\n${SYMBOL}\n\n`, labels: [{}] },
  { name: 'no labels anywhere: labels is null', text: `goroutine profile: total 1\n${RECORD}\n${SYMBOL}\n\n`, labels: null },
  {
    name: 'records that do not add up to the total: a warning (the runtime counts while goroutines come and go)',
    text: `goroutine profile: total 5\n${RECORD}\n${SYMBOL}\n\n`,
    warnings: /add up to 1, the header says total 5/,
  },
  { name: 'CRLF line ends', text: `goroutine profile: total 1\r\n${RECORD}\r\n${SYMBOL}\r\n\r\n` },
];

for (const row of ROWS) {
  t.test(row.name, async (t) => {
    const s = parse(row.text);
    t.equal(s.kind, row.kind ?? 'goroutine');
    t.equal(s.sampleCount, 1);
    t.same(stackText(s, 0), ['main.recv main.go:53']);
    if (row.labels !== undefined) t.same(s.labels, row.labels);
    if (row.warnings) t.match(s.warnings.join('\n'), row.warnings);
    else t.same(s.warnings, []);
  });
}

t.test('a goroutine created but not yet run: one address (runtime.goexit, which Go hides), no symbol line', async (t) => {
  const s = parse(`goroutine profile: total 2\n${RECORD}\n${SYMBOL}\n\n1 @ 0x46c3e1\n\n`);
  t.equal(s.sampleCount, 2);
  t.same(stackText(s, 1), [], 'kept with an empty stack, as the protobuf form keeps it');
  t.same(s.warnings, []);
});

const labelsLine = lineOf(GOROUTINES, '# labels:');
const deepLine = lineOf(GOROUTINES, '#\t0x4ea3a4');
const BROKEN: readonly { name: string; text: string; error: typeof MalformedError | typeof UnsupportedError; line: number; message: RegExp }[] = [
  {
    name: 'a broken record mid-way',
    text: withLine(GOROUTINES, labelsLine - 1, '2 @ 0x4389f6 zz'),
    error: MalformedError,
    line: labelsLine - 1,
    message: /not a record.*"2 @ 0x4389f6 zz"/,
  },
  {
    name: 'labels not as Go writes them',
    text: withLine(GOROUTINES, labelsLine, '# labels: {"handler":checkout}'),
    error: MalformedError,
    line: labelsLine,
    message: /labels not written as Go writes them/,
  },
  {
    name: 'an unterminated label string',
    text: withLine(GOROUTINES, labelsLine, '# labels: {"handler":"checkout}'),
    error: MalformedError,
    line: labelsLine,
    message: /labels not written/,
  },
  {
    name: 'a labels line after the symbol lines',
    text: withLine(GOROUTINES, labelsLine + 2, '# labels: {"a":"b"}'),
    error: MalformedError,
    line: labelsLine + 2,
    message: /must directly follow its record line/,
  },
  {
    name: 'a broken symbol line',
    text: withLine(GOROUTINES, deepLine, '#\t0x4ea3a4\tmain.deep+0x24'),
    error: MalformedError,
    line: deepLine,
    message: /not a symbol line/,
  },
  {
    name: 'a broken header',
    text: withLine(GOROUTINES, 1, 'goroutine profile: total many'),
    error: MalformedError,
    line: 1,
    message: /not a count profile header/,
  },
  { name: 'a symbol line before any record', text: `goroutine profile: total 1\n${SYMBOL}\n`, error: MalformedError, line: 2, message: /outside a record/ },
  {
    name: 'addresses only: not symbolized',
    text: 'goroutine profile: total 3\n3 @ 0x4389f6 0x4ea047\n\n',
    error: UnsupportedError,
    line: 2,
    message: /not symbolized/,
  },
];

for (const row of BROKEN) {
  t.test(`broken: ${row.name}`, async (t) => {
    const e = thrown(() => parse(row.text));
    t.type(e, row.error);
    t.match(e.message, row.message);
    t.same((e as MalformedError).where, { line: row.line });
  });
}

t.test('limits: line length and samples', async (t) => {
  const long = thrown(() => parse(GOROUTINES, { ...DEFAULT_LIMITS, maxLineLength: 120 }));
  t.type(long, LimitError);
  t.same((long as LimitError).where, { line: lineOf(GOROUTINES, '1 @ 0x4389f6 0x40629b 0x405dd8 0x4ea3a5') }, 'the deep recursion’s record line');
  const many = thrown(() => parse(GOROUTINES, { ...DEFAULT_LIMITS, maxSamples: 2 }));
  t.type(many, LimitError);
});

t.test('sniff: my format or not my format', async (t) => {
  t.equal(sniffGoroutineText(GOROUTINES.slice(0, 4096)), 'my format');
  t.equal(sniffGoroutineText(capture('threadcreate.debug1.txt')), 'my format');
  t.equal(sniffGoroutineText('goroutineleak profile: total 0\n'), 'my format');
  t.equal(sniffGoroutineText(capture('heap.debug1.txt')), 'not my format');
  t.equal(sniffGoroutineText(capture('goroutine.debug2.txt')), 'not my format');
  t.equal(sniffGoroutineText('--- mutex:\ncycles/second=1\n'), 'not my format');
  t.equal(sniffGoroutineText(''), 'not my format');
});
