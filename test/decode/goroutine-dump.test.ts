// goroutine?debug=2 and crash dumps: every branch of the parser, on real Go 1.19 captures
// (fixtures/text-forms/goroutine.debug2*.txt, crash.*.txt) and on lines of them changed one at a time.
// Rows marked "Go 1.21+" or "Go 1.23+" come from the format in the Go source (runtime/traceback.go), since
// Go 1.19 cannot write them.
import t, { type Test } from 'tap';
import { mayHoldSeveralDumps } from '../../src/decode/concat.js';
import { parseGoroutineDump, readGoroutineDump, sniffGoroutineDump } from '../../src/decode/goroutine-dump.js';
import { parseGoroutineText } from '../../src/decode/goroutine-text.js';
import { LimitError, MalformedError } from '../../src/errors.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import type { Snapshot } from '../../src/model.js';
import { capture, frameText, lineOf, sampleWithLeaf, stackText, thrown, total, withLine } from '../helpers/text-forms.js';

const DUMP = capture('goroutine.debug2.txt');
const parse = (text: string, limits = DEFAULT_LIMITS) => parseGoroutineDump('dump.txt', text, limits);

/** Group i's facts as a test reads them (creator as frameText). */
function info(s: Snapshot, i: number) {
  const g = s.goroutineInfo?.[i];
  if (g === undefined) throw new Error(`no goroutine info for sample ${i}`);
  return {
    ...g,
    creator: g.creator === null ? null : frameText(g.creator),
    creatorGoroutines: Object.fromEntries(g.creatorGoroutines),
    exampleIds: [...g.exampleIds],
  };
}

t.test('the real debug=2 dump: kind, form, sample type, groups', async (t) => {
  const s = parse(DUMP);
  t.equal(s.kind, 'goroutine');
  t.equal(s.form, 'goroutine-dump');
  t.same(s.sampleTypes, [{ type: 'goroutine', unit: 'count' }]);
  t.equal(total(s), 19, 'as many goroutines as the debug=1 capture counted');
  t.equal(s.sampleCount, 17);
  t.equal(s.truncation, null);
  t.equal(s.declaredTotal, null);
  t.same(s.warnings, []);
  const recv = sampleWithLeaf(s, 'main.recv');
  t.equal(s.values[recv], 3, 'three goroutines, one stack, one state, one creator: one sample');
  t.same(stackText(s, recv), ['main.recv main.go:53 inlined', 'main.blockRecv main.go:56'], '`(...)` is an inlined call');
  t.same(info(s, recv), {
    state: 'chan receive',
    waitMinutesMin: 0,
    waitMinutesMax: 0,
    lockedToThread: false,
    creator: 'main.spawnBlocked main.go:119',
    creatorGoroutine: -1,
    creatorGoroutines: {},
    exampleIds: [6, 7, 8],
  });
  const main = sampleWithLeaf(s, 'runtime/pprof.writeGoroutineStacks');
  t.same(info(s, main).creator, null, 'goroutine 1 has no creator');
  t.equal(info(s, main).state, 'running');
});

t.test('debug=1 and debug=2 of the same program name the same stacks, inlining included', async (t) => {
  const dump = parse(DUMP);
  const text = parseGoroutineText('goroutine.txt', capture('goroutine.debug1.txt'), DEFAULT_LIMITS);
  const stacks = (s: Snapshot) => new Set(Array.from({ length: s.sampleCount }, (_, i) => stackText(s, i).join(' < ')));
  const inText = stacks(text);
  const onlyInDump = [...stacks(dump)].filter((k) => !inText.has(k)).map((k) => k.split(' < ')[0]);
  // The goroutine writing the profile differs between the two captures, and debug=1 keeps 32 PCs of the recursion.
  t.same(onlyInDump, ['runtime/pprof.writeGoroutineStacks pprof.go:692', 'main.deep main.go:110']);
});

t.test('wait reasons as the runtime spells them', async (t) => {
  const s = parse(DUMP);
  const states = new Map<string, string>();
  for (let i = 0; i < s.sampleCount; i++) states.set(stackText(s, i).at(-1) ?? '', info(s, i).state);
  t.equal(states.get('main.blockSelect main.go:60'), 'select');
  t.equal(states.get('main.blockNilChan main.go:69'), 'chan receive (nil chan)');
  t.equal(states.get('main.blockNoCases main.go:73'), 'select (no cases)');
  t.equal(states.get('main.blockMutex main.go:76'), 'semacquire');
  t.equal(states.get('main.blockWaitGroup main.go:79'), 'semacquire');
  t.equal(states.get('main.blockCond main.go:84'), 'sync.Cond.Wait');
  t.equal(states.get('main.blockAccept main.go:94'), 'IO wait');
  t.equal(states.get('main.blockSyscall main.go:99'), 'syscall');
  const locked = sampleWithLeaf(s, 'main.blockLocked');
  t.same([info(s, locked).state, info(s, locked).lockedToThread], ['chan receive', true], 'locked to thread');
});

t.test('same stack, different creators: different groups (a group names one creator)', async (t) => {
  const s = parse(DUMP);
  const creators: string[] = [];
  for (let i = 0; i < s.sampleCount; i++) {
    if (stackText(s, i).join() === 'main.recv main.go:53 inlined,main.blockRecv main.go:56') creators.push(info(s, i).creator ?? '');
  }
  t.same(creators, [
    'main.spawnBlocked main.go:119',
    'main.spawnBlocked.func2 main.go:144',
    'main.spawnBlocked.func2 main.go:145',
    'main.spawnBlocked.func3 main.go:149',
  ]);
});

t.test('wait minutes (a capture 65 s after the goroutines blocked)', async (t) => {
  const s = parse(capture('goroutine.debug2.minutes.txt'));
  const recv = sampleWithLeaf(s, 'main.recv');
  t.same([info(s, recv).waitMinutesMin, info(s, recv).waitMinutesMax], [1, 1]);
  t.equal(info(s, sampleWithLeaf(s, 'runtime/pprof.writeGoroutineStacks')).waitMinutesMax, 0, 'a running goroutine has no wait time');
});

t.test('ancestors (GODEBUG=tracebackancestors) are kept out of the goroutine’s own stack', async (t) => {
  const plain = parse(DUMP);
  const s = parse(capture('goroutine.debug2.ancestors.txt'));
  t.equal(total(s), 19);
  t.equal(s.sampleCount, plain.sampleCount);
  const stacks = (x: Snapshot) => Array.from({ length: x.sampleCount }, (_, i) => [stackText(x, i), info(x, i).creator, info(x, i).state]);
  t.same(stacks(s), stacks(plain), 'the same groups, stacks and creators as without ancestors');
});

t.test('a panic: the prelude and `exit status 2` are skipped', async (t) => {
  const s = parse(capture('crash.panic.txt'));
  t.equal(s.sampleCount, 1);
  t.same(stackText(s, 0), ['main.main.func1 main.go:211']);
  t.same(info(s, 0), {
    state: 'running',
    waitMinutesMin: 0,
    waitMinutesMax: 0,
    lockedToThread: false,
    creator: 'main.main main.go:209',
    creatorGoroutine: -1,
    creatorGoroutines: {},
    exampleIds: [5],
  });
  t.equal(s.truncation, null);
});

t.test('a deadlock (fatal error prelude)', async (t) => {
  const s = parse(capture('crash.deadlock.txt'));
  t.same(
    Array.from({ length: s.sampleCount }, (_, i) => [info(s, i).state, stackText(s, i)]),
    [
      ['chan receive', ['main.recv main.go:53 inlined', 'main.main main.go:218']],
      ['chan receive (nil chan)', ['main.blockNilChan main.go:69']],
    ],
  );
});

t.test('SIGQUIT with GOTRACEBACK=crash: fp/sp/pc suffixes, goroutine 0, repeats and registers', async (t) => {
  const text = capture('crash.sigquit.txt');
  const s = parse(text);
  t.equal(total(s), 23, 'goroutine 0 (each thread’s system stack) is no goroutine; goroutine 29, printed twice, counts once');
  const syscall = sampleWithLeaf(s, 'syscall.Syscall');
  t.same(
    stackText(s, syscall).slice(0, 2),
    ['syscall.Syscall syscall_linux.go:68', 'syscall.read zsyscall_linux_amd64.go:696'],
    'file:line read past `+0x27 fp=.. sp=.. pc=..`',
  );
  t.equal(stackText(s, syscall).at(-1), 'runtime.goexit asm_amd64.s:1594', 'runtime frames are shown under GOTRACEBACK=crash');
  t.match(s.warnings.join('\n'), /goroutines whose stacks the runtime cut short \(frames elided.*\): 1/, '...additional frames elided...');
  t.ok(
    s.frames.every((f) => !/^r[a-z0-9]+$/.test(f.function)),
    'no register line became a frame',
  );
});

// A small real dump: goroutines 1 and 6 of goroutine.debug2.txt.
const SMALL = DUMP.slice(0, DUMP.indexOf('goroutine 7 '));
const G6 = SMALL.slice(SMALL.indexOf('goroutine 6 '));

interface Row {
  readonly name: string;
  readonly text: string;
  readonly check: (t: Test, s: Snapshot) => void;
}

const ROWS: readonly Row[] = [
  {
    name: 'Go 1.21+: created by X in goroutine N',
    text: G6.replace('created by main.spawnBlocked\n', 'created by main.spawnBlocked in goroutine 1\n'),
    check: (t, s) => t.same([info(s, 0).creator, info(s, 0).creatorGoroutine], ['main.spawnBlocked main.go:119', 1]),
  },
  {
    name: 'Go 1.21+: a group whose goroutines name several creator goroutines gives the one most name',
    text: [
      G6.replace('created by main.spawnBlocked\n', 'created by main.spawnBlocked in goroutine 1\n'),
      G6.replace('goroutine 6 ', 'goroutine 7 ').replace('created by main.spawnBlocked\n', 'created by main.spawnBlocked in goroutine 9\n'),
      G6.replace('goroutine 6 ', 'goroutine 8 ').replace('created by main.spawnBlocked\n', 'created by main.spawnBlocked in goroutine 9\n'),
    ].join('\n'),
    check: (t, s) =>
      t.same(
        [s.sampleCount, s.values[0], info(s, 0).creatorGoroutine, info(s, 0).creatorGoroutines, info(s, 0).exampleIds],
        [1, 3, 9, { 1: 1, 9: 2 }, [6, 7, 8]],
        'one group; 9 started two of its three',
      ),
  },
  {
    name: 'Go 1.21+: ...N frames elided... between the inner and outer frames',
    text: G6.replace('main.blockRecv(0x0?)\n', '...12 frames elided...\nmain.blockRecv(0x0?)\n'),
    check: (t, s) => {
      t.same(stackText(s, 0), ['main.recv main.go:53 inlined', 'main.blockRecv main.go:56'], 'the frames on both sides of the elision');
      t.match(s.warnings.join(), /frames elided.*: 1/);
    },
  },
  {
    name: 'Go 1.23+: gp= m= mp= in the header (GOTRACEBACK=system)',
    text: G6.replace('goroutine 6 [chan receive]:', 'goroutine 6 gp=0xc000007880 m=3 mp=0xc000100008 [chan receive]:'),
    check: (t, s) => t.same([info(s, 0).state, info(s, 0).exampleIds], ['chan receive', [6]]),
  },
  {
    name: 'Go 1.23+: m=nil',
    text: G6.replace('goroutine 6 [chan receive]:', 'goroutine 6 gp=0xc000007880 m=nil [chan receive, 12 minutes, locked to thread]:'),
    check: (t, s) => t.same([info(s, 0).state, info(s, 0).waitMinutesMax, info(s, 0).lockedToThread], ['chan receive', 12, true]),
  },
  {
    name: 'a goroutine caught mid-scan: ` (scan)` is no part of the state',
    text: `${G6}\n${G6.replace('goroutine 6 [chan receive]:', 'goroutine 7 [chan receive (scan)]:')}`,
    check: (t, s) => t.same([s.sampleCount, s.values[0], info(s, 0).state], [1, 2, 'chan receive']),
  },
  {
    name: 'unknown header parts (newer runtimes) are ignored',
    text: G6.replace('[chan receive]:', '[chan receive, 3 minutes, synctest bubble 4]:'),
    check: (t, s) => t.same([info(s, 0).state, info(s, 0).waitMinutesMin], ['chan receive', 3]),
  },
  {
    name: 'crash output: a goroutine running on another thread has no stack',
    text: 'goroutine 7 [running]:\n\tgoroutine running on other thread; stack unavailable\ncreated by main.main\n\t/src/main.go:20 +0x45\n',
    check: (t, s) => {
      t.same([stackText(s, 0), info(s, 0).creator], [[], 'main.main main.go:20']);
      t.match(s.warnings.join(), /goroutines running on another thread, with no stack in the dump: 1/);
    },
  },
  {
    name: 'goroutines with different wait minutes and argument words group together',
    text: `${G6}\n${G6.replace('goroutine 6 [chan receive]:', 'goroutine 9 [chan receive, 4 minutes]:').replace('blockRecv(0x0?)', 'blockRecv(0xc000123456)').replace('+0x27', '+0x2b')}`,
    check: (t, s) => t.same([s.sampleCount, s.values[0], info(s, 0).waitMinutesMin, info(s, 0).waitMinutesMax, info(s, 0).exampleIds], [1, 2, 0, 4, [6, 9]]),
  },
  {
    name: 'a header straight after a goroutine, without the blank line',
    text: `${G6.trimEnd()}\n${G6.replace('goroutine 6 ', 'goroutine 9 ')}`,
    check: (t, s) => t.same([s.sampleCount, info(s, 0).exampleIds], [1, [6, 9]]),
  },
  {
    name: 'prose in a prelude that starts with "goroutine" is skipped',
    text: `goroutine dump requested by the on-call\n\n${G6}`,
    check: (t, s) => t.equal(total(s), 1),
  },
  {
    name: 'a trailer pasted without its final newline is no cut',
    text: `${G6.trimEnd()}\nexit status 2`,
    check: (t, s) => t.same([total(s), s.truncation], [1, null]),
  },
  {
    name: 'a dump ending at a goroutine boundary is complete',
    text: SMALL,
    check: (t, s) => t.same([total(s), s.truncation], [2, null]),
  },
  {
    name: 'CRLF line ends',
    text: G6.replace(/\n/g, '\r\n'),
    check: (t, s) =>
      t.same([stackText(s, 0), info(s, 0).creator], [['main.recv main.go:53 inlined', 'main.blockRecv main.go:56'], 'main.spawnBlocked main.go:119']),
  },
  {
    name: 'a Windows path',
    text: G6.replace(/\/work\/main\/fixtures\/gen\/text-forms\/main.go/g, 'C:/Users/Jane Doe/app/main.go'),
    check: (t, s) => t.equal(s.frames[0].file, 'C:/Users/Jane Doe/app/main.go'),
  },
  {
    name: 'UTF-8 in names and paths: a generic method, a non-ASCII identifier and directory',
    text: G6.replace('main.blockRecv(0x0?)', 'main.(*Käse[...]).blockRecv(0x0?)')
      .replace('created by main.spawnBlocked\n', 'created by main.spawnBlöcked in goroutine 1\n')
      .replace(/\/work\/main\/fixtures\/gen\/text-forms\/main.go/g, '/home/jürgen/app/käse.go'),
    check: (t, s) => {
      t.same(stackText(s, 0), ['main.recv käse.go:53 inlined', 'main.(*Käse[...]).blockRecv käse.go:56']);
      t.equal(s.frames[0].file, '/home/jürgen/app/käse.go');
      t.same([info(s, 0).creator, info(s, 0).creatorGoroutine], ['main.spawnBlöcked käse.go:119', 1], 'a created-by line the byte reader leaves to the regex');
    },
  },
  {
    name: 'a header with a part outside ASCII (read by the regex, as every header once was)',
    text: G6.replace('[chan receive]:', '[chan receive, 2 minutes, bubble ∞]:'),
    check: (t, s) => t.same([info(s, 0).state, info(s, 0).waitMinutesMax, info(s, 0).exampleIds], ['chan receive', 2, [6]]),
  },
];

for (const row of ROWS) t.test(row.name, async (t) => row.check(t, parse(row.text)));

t.test('bytes that are not UTF-8 read as U+FFFD, as in the text decoded whole', async (t) => {
  const bytes = Buffer.from(G6.replace('blockRecv', 'blockR#cv').replaceAll('/text-forms/', '/text-f#rms/'));
  for (let i = bytes.indexOf('#'); i >= 0; i = bytes.indexOf('#', i + 1)) bytes[i] = 0xff;
  const s = parseGoroutineDump('dump.txt', bytes, DEFAULT_LIMITS);
  t.same(stackText(s, 0), ['main.recv main.go:53 inlined', 'main.blockR\uFFFDcv main.go:56']);
  t.equal(s.frames[1].file, '/work/main/fixtures/gen/text-f\uFFFDrms/main.go');
  t.same(s, parse(bytes.toString('utf8')), 'the same snapshot as from the text');
});

const TRUNCATED: readonly { name: string; text: string; read: number; reason: RegExp }[] = [
  { name: 'cut mid-line', text: DUMP.slice(0, DUMP.indexOf('main.go:56', DUMP.indexOf('goroutine 7 ')) + 4), read: 2, reason: /ends mid-line/ },
  {
    name: 'cut after a function line',
    text: DUMP.slice(0, DUMP.indexOf('\n', DUMP.indexOf('main.blockRecv', DUMP.indexOf('goroutine 7 '))) + 1),
    read: 2,
    reason: /ends in the middle of a goroutine/,
  },
  { name: 'cut after a header', text: `${SMALL}goroutine 7 [chan receive]:\n`, read: 2, reason: /ends in the middle of a goroutine/ },
  { name: 'cut inside a header', text: `${SMALL}goroutine 7 [chan rec`, read: 2, reason: /ends mid-line/ },
  {
    name: 'cut after a created-by line',
    text: DUMP.slice(0, DUMP.indexOf('\n', DUMP.indexOf('created by', DUMP.indexOf('goroutine 7 '))) + 1),
    read: 2,
    reason: /ends in the middle of a goroutine/,
  },
];

for (const row of TRUNCATED) {
  t.test(`truncated: ${row.name}; the cut goroutine is dropped`, async (t) => {
    const s = parse(row.text);
    t.equal(s.truncation?.goroutinesRead, row.read);
    t.match(s.truncation?.reason, row.reason);
    t.equal(total(s), row.read);
  });
}

t.test('truncated: exactly 64 MiB is where the runtime stops, even on a line end', async (t) => {
  const CAP = 64 << 20;
  const block = (id: number) =>
    `goroutine ${id} [chan receive]:\nmain.recv(...)\n\t/src/app/main.go:53\nmain.blockRecv(0x0?)\n\t/src/app/main.go:56 +0x27\ncreated by main.spawnBlocked\n\t/src/app/main.go:119 +0x48\n\n`;
  const blocks: string[] = [];
  let length = 0;
  for (let id = 1; length < CAP + 1000; id++) {
    blocks.push(block(id));
    length += blocks[blocks.length - 1].length;
  }
  const whole = blocks.join('');
  // The last line end before the cap that closes a frame's file line, so the cut falls inside a goroutine.
  let end = whole.lastIndexOf('\n', CAP - 1);
  while (whole[whole.lastIndexOf('\n', end - 1) + 1] !== '\t' || whole.startsWith('\n', end + 1)) end = whole.lastIndexOf('\n', end - 1);
  const cut = whole.slice(0, end + 1);
  const complete = cut.split('\n\n').length - 1;
  // A prelude line brings the file to exactly 64 MiB (crash output has one; the parser skips it).
  const pad = CAP - cut.length;
  const text = pad === 0 ? cut : `${'#'.repeat(pad - 1)}\n${cut}`;
  t.equal(Buffer.byteLength(text), CAP);
  const s = parse(text);
  t.equal(s.truncation?.goroutinesRead, complete);
  t.match(s.truncation?.reason, /exactly 64 MiB/);
  t.equal(total(s), complete);
  t.equal(s.sampleCount, 1);
});

const g7 = lineOf(DUMP, 'goroutine 7 ');
const BROKEN: readonly { name: string; text: string; line: number; message: RegExp }[] = [
  {
    name: 'a function line without its file line',
    text: withLine(DUMP, g7 + 2, 'main.blockRecv(0x0?)'),
    line: g7 + 2,
    message: /not a file line.*"main.blockRecv\(0x0\?\)"/,
  },
  {
    name: 'a file line with a broken line number',
    text: withLine(DUMP, g7 + 4, '\t/work/main/fixtures/gen/text-forms/main.go:5x6 +0x27'),
    line: g7 + 4,
    message: /not a file line/,
  },
  {
    name: 'a file line without the function line before it',
    text: withLine(DUMP, g7 + 1, '\t/work/main/fixtures/gen/text-forms/main.go:53'),
    line: g7 + 1,
    message: /without the function line before it/,
  },
  { name: 'a broken header', text: withLine(DUMP, g7, 'goroutine 7 [chan receive'), line: g7, message: /not a goroutine header/ },
  { name: 'a header without an id', text: withLine(DUMP, g7, 'goroutine x7 [chan receive]:'), line: g7, message: /not a goroutine header/ },
  { name: 'a broken created-by line', text: withLine(DUMP, g7 + 5, 'created by'), line: g7 + 5, message: /not a created-by line/ },
  {
    name: 'no goroutine at all (only system stacks)',
    text: 'goroutine 0 [idle]:\nruntime.futex()\n\t/go/src/runtime/sys_linux_amd64.s:560 +0x23\n',
    line: 3,
    message: /no complete goroutine/,
  },
];

for (const row of BROKEN) {
  t.test(`broken: ${row.name}`, async (t) => {
    const e = thrown(() => parse(row.text));
    t.type(e, MalformedError);
    t.match(e.message, row.message);
    t.same((e as MalformedError).where, { line: row.line });
    t.match(e.message, /^dump\.txt: decode: /);
  });
}

t.test('limits: line length, goroutines, stack depth', async (t) => {
  const long = thrown(() => parse(DUMP, { ...DEFAULT_LIMITS, maxLineLength: 80 }));
  t.type(long, LimitError);
  t.same((long as LimitError).where, { line: lineOf(DUMP, 'runtime/pprof.(*Profile).WriteTo(') }, 'the first line over 80 characters');
  const many = thrown(() => parse(DUMP, { ...DEFAULT_LIMITS, maxSamples: 5 }));
  t.type(many, LimitError);
  t.match(many.message, /more than 5 goroutines.*--max-samples/);
  const deep = thrown(() => parse(DUMP, { ...DEFAULT_LIMITS, maxStackDepth: 50 }));
  t.type(deep, LimitError);
  t.match(deep.message, /exceeds 50 frames.*--max-stack-depth/);
});

t.test('several dumps: the byte reader answers as mayHoldSeveralDumps does on the text', async (t) => {
  const G1 = SMALL.slice(0, SMALL.indexOf('goroutine 6 '));
  const texts: [string, string, boolean][] = [
    ['one dump', DUMP, false],
    ['two dumps one after another', `${SMALL}${SMALL}`, true],
    ['goroutine 1 only on the first line', `${G1}${G6}`, false],
    ['goroutine 1 first mentioned inside a line, then as a header', `prelude: goroutine 1 [x]\n${G1}`, true],
    ['after a byte order mark', `\uFEFF${SMALL}${SMALL}`, true],
    ['goroutine 1 as a header after the first line only', `${G6}\n${G1}`, false],
  ];
  for (const [name, text, several] of texts) {
    t.equal(mayHoldSeveralDumps(text), several, `${name}: the text`);
    t.equal(readGoroutineDump('dump.txt', Buffer.from(text), DEFAULT_LIMITS).severalDumps, several, `${name}: the bytes`);
  }
});

t.test('sniff: my format or not my format', async (t) => {
  t.equal(sniffGoroutineDump(DUMP.slice(0, 4096)), 'my format');
  t.equal(sniffGoroutineDump(capture('crash.panic.txt')), 'my format', 'after a panic prelude');
  t.equal(sniffGoroutineDump(capture('crash.sigquit.txt').slice(0, 4096)), 'my format');
  t.equal(sniffGoroutineDump('goroutine 1 gp=0xc000002380 m=0 mp=0x5a1b40 [running]:\nmain.main()\n'), 'my format', 'Go 1.23+ header');
  t.equal(sniffGoroutineDump(capture('goroutine.debug1.txt')), 'not my format');
  t.equal(sniffGoroutineDump(capture('heap.debug1.txt')), 'not my format');
  t.equal(sniffGoroutineDump('2024/01/01 the goroutine pool [started]\n'), 'not my format');
  t.equal(sniffGoroutineDump(''), 'not my format');
});
