// One case per diagnosis rule, on series built from function names and run through the whole pipeline as a
// user would: leak units, two leaks kept apart, the staircase of retained samples, heap profiles without a
// GC between them, few snapshots, and culprit candidates from alloc_space.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import type { Analysis } from '../../src/explain/index.js';
import { beyondChurn, exits, isStaircase, lockstep } from '../../src/correlate.js';
import { culpritName } from '../../src/diagnose/index.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { scratch } from '../helpers/cli.js';
import { encodeProfile, HEAP_TYPES, type TestSample } from '../helpers/profiles.js';

const START = 1_764_123_600_000_000_000n;
const MINUTE = 60_000_000_000n;
const MiB = 1 << 20;
const SVC = 'example.com/svc';
const GRPC = 'google.golang.org/grpc.';
const TRANSPORT = 'google.golang.org/grpc/internal/transport.';

interface Round {
  readonly heap?: readonly TestSample[];
  readonly goroutines?: readonly TestSample[];
}

/** Heap samples: [alloc_objects, alloc_space, inuse_objects, inuse_space] of `bytes` in 4 KiB objects. */
function bytes(stack: readonly string[], inuse: number, alloc = inuse): TestSample {
  const o = (b: number): number => Math.round(b / 4096);
  return { stack, values: [o(alloc), o(alloc) * 4096, o(inuse), o(inuse) * 4096] };
}

const STEADY = bytes(['main.(*server).steady', 'main.main'], 8 * MiB);
const g = (stack: readonly string[], n: number): TestSample => ({ stack, values: [n] });

function run(t: Parameters<typeof scratch>[0], rounds: readonly Round[]): Analysis {
  const dir = scratch(t);
  const files: string[] = [];
  rounds.forEach((r, i) => {
    const timeNanos = START + BigInt(i) * MINUTE;
    if (r.heap !== undefined) {
      const p = join(dir, `heap-${i}.pb`);
      writeFileSync(p, encodeProfile({ sampleTypes: HEAP_TYPES, samples: [STEADY, ...r.heap], timeNanos, period: 1, periodType: ['space', 'bytes'] }));
      files.push(p);
    }
    if (r.goroutines !== undefined) {
      const p = join(dir, `goroutine-${i}.pb`);
      writeFileSync(
        p,
        encodeProfile({
          sampleTypes: [['goroutine', 'count']],
          samples: [g(['runtime.gopark', 'main.main'], 1), ...r.goroutines],
          timeNanos,
          period: 1,
          periodType: ['goroutine', 'count'],
        }),
      );
      files.push(p);
    }
  });
  return analyze({ files, intervalSeconds: null, modules: [SVC], granularity: 'functions', limits: DEFAULT_LIMITS });
}

const rounds = (n: number, make: (i: number) => Round): Round[] => Array.from({ length: n }, (_, i) => make(i));

// A leaked ClientConn on current gRPC-Go: three client goroutines, two on the in-process server.
const CLIENT = [
  ['runtime.gopark', 'runtime.selectgo', `${GRPC}(*ccBalancerWrapper).watcher`],
  ['runtime.gopark', 'runtime.netpollblock', `${TRANSPORT}(*http2Client).reader`],
  ['runtime.gopark', 'runtime.selectgo', `${TRANSPORT}(*controlBuffer).get`, `${TRANSPORT}(*loopyWriter).run`, `${TRANSPORT}newHTTP2Client.func3`],
];
const SERVER = [
  [
    'runtime.gopark',
    'runtime.netpollblock',
    `${TRANSPORT}(*http2Server).HandleStreams`,
    `${GRPC}(*Server).serveStreams`,
    `${GRPC}(*Server).handleRawConn.func1`,
  ],
  ['runtime.gopark', 'runtime.selectgo', `${TRANSPORT}(*controlBuffer).get`, `${TRANSPORT}(*loopyWriter).run`, `${TRANSPORT}newHTTP2Server.func2`],
];
const BUFFERS = [
  `${TRANSPORT}newBufWriter`,
  `${TRANSPORT}newFramer`,
  `${TRANSPORT}newHTTP2Client`,
  `${GRPC}(*addrConn).createTransport`,
  `${GRPC}(*addrConn).resetTransport`,
];
const DIAL = [
  `${GRPC}(*ClientConn).newAddrConn`,
  `${GRPC}DialContext`,
  `${SVC}/internal/upstream.(*Pool).conn`,
  `${SVC}/internal/upstream.(*Pool).Get`,
  'main.main',
];

t.test('goroutine groups of one leaked object are one finding, with what each object keeps', async (t) => {
  const a = run(
    t,
    rounds(8, (i) => ({
      goroutines: [...CLIENT.map((s) => g(s, 10 + 20 * i)), ...SERVER.map((s) => g(s, 10 + 20 * i))],
      heap: [bytes(BUFFERS, (1 + 2 * i) * MiB), bytes(DIAL, 0.1 * MiB * (1 + i))],
    })),
  );
  t.equal(a.diagnosis.verdict, 'leak');
  t.equal(a.diagnosis.findings.length, 1, 'one leak, one finding: client and server sides together');
  const f = a.diagnosis.findings[0];
  t.equal(f.signature?.id, 'grpc-clientconn-unclosed');
  t.equal(culpritName(a.series, f), `${SVC}/internal/upstream.(*Pool).conn`);
  t.equal(f.culprit?.strategy, 'entry-point-caller');
  t.equal(f.unit?.goroutinesPerObject, 3);
  t.equal(f.unit?.peerGoroutinesPerObject, 2, 'the server side of the loopback connection is evidence, not a second leak');
  t.equal(f.unit?.objectsOpen, 150);
  t.match(a.explained.findings[0].unit, /each leaked ClientConn keeps 3 goroutines \(and 2 on the in-process server\)/);
});

t.test('groups of one library that do not move in lockstep are two units', async (t) => {
  t.same(
    lockstep([1, 2, 3], (id) => Float64Array.from(id === 3 ? [50, 10, 60, 5] : [1, 2, 3, 4].map((x) => x * id))),
    [[1, 2], [3]],
  );
});

t.test('two leaks in one service are two findings, each with its own culprit and pattern', async (t) => {
  // A slow goroutine leak (a sender nobody reads) and a fast map, both in package main, both linear: timing
  // alone would link them (r ≈ 1); structure keeps them apart.
  const WORKER = ['runtime.gopark', 'runtime.chansend1', 'main.(*worker).run.func1'];
  const MAP = ['main.(*store).remember', 'main.(*server).handle', 'net/http.HandlerFunc.ServeHTTP', 'net/http.(*conn).serve'];
  const a = run(
    t,
    rounds(9, (i) => ({ goroutines: [g(WORKER, 5 + 6 * i)], heap: [bytes(MAP, (2 + 4 * i) * MiB)] })),
  );
  t.equal(a.diagnosis.verdict, 'leak');
  const by = new Map(a.diagnosis.findings.map((f) => [culpritName(a.series, f), f]));
  t.same([...by.keys()].sort(), ['main.(*store).remember', 'main.(*worker).run.func1']);
  t.equal(by.get('main.(*worker).run.func1')?.signature?.id, 'goroutines-blocked-channel');
  t.equal(by.get('main.(*worker).run.func1')?.heap, null, "the map's heap is not the worker's");
  t.equal(by.get('main.(*store).remember')?.kind, 'heap-growth');
  t.not(by.get('main.(*store).remember')?.signature?.id, 'goroutines-blocked-channel', 'no goroutine pattern on a function whose stacks do not show it');
});

t.test("two leaks in one package stay two when the goroutine's closure names another maker", async (t) => {
  // The package tie (no dump) reads a goroutine started as `go x.method()` as the package's; a closure at the
  // root names its maker, here (*worker).run, not the map's function, so the two stay apart.
  const P = `${SVC}/internal/store.`;
  const WORKER = ['runtime.gopark', 'runtime.chansend1', `${P}(*worker).run.func1`];
  const MAP = [`${P}(*Store).remember`, `${P}(*Store).Handle`, 'net/http.HandlerFunc.ServeHTTP', 'net/http.(*conn).serve'];
  const a = run(
    t,
    rounds(9, (i) => ({ goroutines: [g(WORKER, 5 + 6 * i)], heap: [bytes(MAP, (2 + 4 * i) * MiB)] })),
  );
  const by = new Map(a.diagnosis.findings.map((f) => [culpritName(a.series, f), f]));
  t.same([...by.keys()].sort(), [`${P}(*Store).remember`, `${P}(*worker).run.func1`]);
  t.equal(by.get(`${P}(*worker).run.func1`)?.heap, null, "the map's heap is not the worker's");
});

t.test('a never-falling staircase of samples is retention; churn goes up and down', async (t) => {
  t.ok(isStaircase([0, 0, 520, 520, 1040, 1040, 1040, 1560]));
  t.ok(isStaircase([0, 520, 1040]), 'few snapshots: a rise at every step');
  t.notOk(isStaircase([0, 520, 0, 520, 1040, 1560]), 'fell once: churn');
  t.notOk(isStaircase([0, 0, 0, 520, 520]), 'one rise is not a staircase');
});

t.test('identical consecutive heap snapshots mean no GC ran, not that growth stopped', async (t) => {
  const site = ['main.(*cache).put', 'main.main'];
  const a = run(
    t,
    rounds(5, (i) => ({ heap: [bytes(site, (i === 0 ? 2 : 6) * MiB, 50 * MiB)] })),
  );
  t.equal(a.diagnosis.reach.kind, 'no-gc');
  t.equal(a.diagnosis.verdict, 'inconclusive');
  t.match(a.explained.reach, /no GC ran between them/);
});

t.test('three or four snapshots conclude; two never say no leak', async (t) => {
  const WORKER = ['runtime.gopark', 'runtime.chansend1', 'main.(*worker).run.func1'];
  const three = run(
    t,
    [149, 350, 585].map((n) => ({ goroutines: [g(WORKER, n)], heap: [] })),
  );
  t.equal(three.diagnosis.verdict, 'leak');
  t.equal(three.diagnosis.findings[0].confidence, 'medium', 'the confidence three snapshots support');
  const churn = (i: number): TestSample[] => [bytes(['main.(*server).render', 'main.main'], (1 + (i % 2)) * MiB, (10 + i) * MiB)];
  const flat = run(
    t,
    [20, 21, 20].map((n, i) => ({ goroutines: [g(WORKER, n)], heap: churn(i) })),
  );
  t.equal(flat.diagnosis.verdict, 'no-leak');
  t.match(flat.explained.reach, /a goroutine leak over [\d.]+\/min would have shown over these 3 snapshots \(2 min\)/, 'and says what size would have shown');
  const two = run(
    t,
    [149, 350].map((n) => ({ goroutines: [g(WORKER, n)], heap: [] })),
  );
  t.equal(two.diagnosis.verdict, 'inconclusive');
});

t.test('when nothing kept is sampled, the callers of the entry point are ranked candidates', async (t) => {
  const READ = ['runtime.gopark', 'runtime.selectgo', 'net/http.(*persistConn).readLoop'];
  const WRITE = ['runtime.gopark', 'runtime.selectgo', 'net/http.(*persistConn).writeLoop'];
  const call = ['net/http.(*Client).do', 'net/http.(*Client).Do', `${SVC}/api.(*Client).call`, 'main.main'];
  const ping = ['net/http.(*Client).do', 'net/http.(*Client).Do', `${SVC}/api.(*Client).ping`, 'main.main'];
  const a = run(
    t,
    rounds(8, (i) => ({
      goroutines: [g(READ, 4 + 3 * i), g(WRITE, 4 + 3 * i)],
      heap: [bytes(call, 0, (10 + i) * MiB), bytes(ping, 0, 1 * MiB)],
    })),
  );
  const f = a.diagnosis.findings[0];
  t.equal(f.signature?.id, 'http-response-body-unclosed');
  t.equal(f.culprit, null, 'two callers: the busier is not named for it');
  t.same(
    f.candidates.map((c) => a.series.frames[c.frame].function),
    [`${SVC}/api.(*Client).call`, `${SVC}/api.(*Client).ping`],
  );
  const x = a.explained.findings[0];
  t.equal(x.culprit, null);
  t.match(x.candidateNote, /debug=2/, 'says what would settle it');
  t.match(x.evidence.join('\n'), /2 candidates, and none is named/);
  // One caller seen: the leading candidate, said to be one.
  const one = run(
    t,
    rounds(8, (i) => ({ goroutines: [g(READ, 4 + 3 * i), g(WRITE, 4 + 3 * i)], heap: [bytes(call, 0, (10 + i) * MiB)] })),
  );
  const o = one.diagnosis.findings[0];
  t.equal(o.culprit?.strategy, 'alloc-candidate');
  t.equal(culpritName(one.series, o), `${SVC}/api.(*Client).call`);
  t.ok(one.explained.findings[0].culpritIsCandidate);
  t.match(one.explained.findings[0].evidence.join('\n'), /one caller is seen, the leading candidate, not a certainty/);
});

t.test('goroutine counts: churn and groups whose goroutines exit are not leaks', async (t) => {
  const fit = (values: number[]) =>
    ({ absoluteGrowth: values[values.length - 1] - values[0], first: values[0], last: values[values.length - 1] }) as Parameters<typeof beyondChurn>[0];
  t.notOk(beyondChurn(fit([0, 0, 0, 1, 0, 2, 5])), 'a client loop 0 → 5: traffic');
  t.notOk(beyondChurn(fit([0, 1, 1, 1, 3, 3, 3, 2, 2, 4, 3, 4])), "a pool's handlers 0 → 4");
  t.ok(beyondChurn(fit([3, 10, 19, 28, 37, 46, 59])), '3 → 59');
  t.ok(exits([6, 10, 14, 16, 19, 21, 19, 6, 18, 23, 22, 20]), 'in-flight handlers fell from 19 to 6: they exit');
  t.notOk(exits([10, 30, 29, 50, 70, 69, 90]), 'a leak with a goroutine or two of jitter');
});
