// The leak unit is the leaked object, on real captures of the fixture matrix: an informer's six goroutine
// groups (three of them in no library's package) are one finding; a warming pool's workers and server
// connections that changed state are no leak; a feeder's requests kept by its workers' contexts are the
// contexts' finding; two independent leaks growing at the same time stay two findings.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import type { Analysis } from '../../src/explain/index.js';
import { fixedRatio } from '../../src/correlate/objects.js';
import { libraryEntries } from '../../src/diagnose/culprit.js';
import { culpritName } from '../../src/diagnose/index.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';

const MATRIX = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/matrix');

/** A capture's heap protobufs and one goroutine form (`pb.gz` or `debug2.txt.gz`). */
function capture(scenario: string, variant: string, goroutines: 'pb.gz' | 'debug2.txt.gz'): Analysis {
  const dir = join(MATRIX, scenario, variant);
  const files = readdirSync(dir)
    .filter((f) => /^heap-\d+-.*\.pb\.gz$/.test(f) || (f.startsWith('goroutine-') && f.endsWith(`.${goroutines}`)))
    .map((f) => join(dir, f));
  return analyze({ files, intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
}

t.test('fixedRatio: counts one object keeps, against independent leaks', async (t) => {
  const a = [19, 25, 32, 37, 43, 50, 55, 61, 68, 74];
  t.equal(fixedRatio(a, a), 1, 'six groups of one informer: the same count at every snapshot');
  t.equal(
    fixedRatio(
      a,
      a.map((v) => 3 * v + 4),
    ),
    3,
    'three goroutines per object, from another baseline',
  );
  t.equal(
    fixedRatio(
      a.map((v) => 3 * v),
      a,
    ),
    1 / 3,
  );
  t.equal(
    fixedRatio(
      a,
      a.map((v, i) => v + (i % 2 === 0 ? 1 : -1)),
    ),
    1,
    'one object caught starting is within the slack',
  );
  // Two leaks of the same average rate, each with its own arrivals, drift apart by far more than the slack.
  t.equal(fixedRatio(a, [19, 31, 34, 45, 47, 58, 60, 69, 70, 83]), null);
  t.equal(
    fixedRatio(
      a,
      a.map((v) => 2.4 * v),
    ),
    null,
    'no small ratio',
  );
  t.equal(fixedRatio([3, 4, 5, 6], [3, 4, 5, 6]), null, 'counts that barely moved fit any ratio');
  t.equal(fixedRatio([1, 2], [1, 2]), null, 'two snapshots cannot show a ratio held');
});

t.test('an informer never stopped: six goroutine groups in three packages are one leaked object', async (t) => {
  for (const [variant, form] of [
    ['go1.26-mod', 'pb.gz'],
    ['go1.27-trimpath', 'debug2.txt.gz'],
  ] as const) {
    const a = capture('k8s-informer', variant, form);
    t.equal(a.diagnosis.verdict, 'leak', variant);
    t.equal(a.diagnosis.findings.length, 1, `${variant}: one finding, not one per package`);
    const f = a.diagnosis.findings[0];
    t.equal(f.signature?.id, 'k8s-informer-unstopped');
    t.equal(culpritName(a.series, f), 'acme.dev/fleet/internal/cluster.(*Inspector).PodSummary', 'the caller of the typed informer accessor');
    t.equal(f.unit?.goroutinesPerObject, 6, 'each informer keeps 6 goroutines');
    t.ok(f.unit?.groups.every((g) => g.perObject === 1));
  }
});

t.test('a warming pool: goroutines that moved between stacks of bounded workers and connections are no leak', async (t) => {
  for (const variant of ['go1.19-gopath', 'go1.26-trimpath']) {
    const a = capture('conn-pool-warmup', variant, 'debug2.txt.gz');
    t.equal(a.diagnosis.verdict, 'no-leak', `${variant}: in-flight requests of 24 workers on 25 connections`);
    t.same(a.diagnosis.findings, []);
  }
});

t.test("a feeder's requests kept by its workers' uncanceled contexts are the contexts' finding", async (t) => {
  const a = capture('context-cancel-uncalled', 'go1.26-cmd', 'pb.gz');
  t.equal(a.diagnosis.findings.length, 1, 'main.main allocates the requests; it is no leak site of its own');
  const f = a.diagnosis.findings[0];
  t.equal(f.signature?.id, 'context-cancel-uncalled');
  t.equal(culpritName(a.series, f), 'example.com/search/internal/query.(*Engine).Search');
  const step = f.steps.find((s) => s.kind === 'creator-heap');
  t.ok(step !== undefined && step.kind === 'creator-heap' && a.series.frames[step.frame].function === 'main.main', 'the step names where that heap was made');
});

t.test("a gRPC stream left open is its context's finding, not the server's: the handler is the stream's other end", async (t) => {
  // grpc-stream-uncancelled: (*Poller).probe opens a health Watch per request with a context it never cancels.
  // Per stream gRPC keeps a watcher goroutine and the in-process server its Watch handler; the server's stream
  // state (under handleRawConn) grows with them, but no server transport does.
  const a = capture('grpc-stream-uncancelled', 'go1.26-trimpath', 'pb.gz');
  const serious = a.diagnosis.findings.filter((f) => f.confidence !== 'low');
  t.equal(serious.length, 1, 'one leak, one finding');
  const f = serious[0];
  t.equal(f.signature?.id, 'context-cancel-uncalled');
  t.equal(culpritName(a.series, f), 'example.com/feeds/internal/status.(*Poller).probe');
  t.equal(f.unit?.goroutinesPerObject, 2, "gRPC's watcher and the server's handler");
});

t.test('two leaks at once: a map and unclosed response bodies stay two findings', async (t) => {
  const a = capture('two-leaks', 'go1.26-mod', 'pb.gz');
  const serious = a.diagnosis.findings.filter((f) => f.confidence !== 'low');
  t.same(serious.map((f) => f.signature?.id).sort(), ['http-response-body-unclosed', 'unbounded-collection-growth']);
  const map = serious.find((f) => f.signature?.id === 'unbounded-collection-growth');
  t.equal(map === undefined ? null : culpritName(a.series, map), 'example.com/ingest/internal/dedup.(*Index).Accept');
  t.notOk(
    serious.some((f) => f.steps.some((s) => s.kind === 'creator-heap')),
    'no heap joined across the two',
  );
});

t.test('without a dump, heap made in the package whose goroutines leak, and following their count, is theirs', async (t) => {
  // session-flush: (*Store).Login makes a session with a 16 KiB page cache and starts `go sess.flushOnClose()`,
  // which waits forever and keeps it. Protobuf goroutine profiles do not say who started flushOnClose; it is
  // of Login's package and runs nothing else, and Login's heap follows its count.
  for (const variant of ['go1.26-mod', 'go1.27-trimpath']) {
    const a = capture('session-flush', variant, 'pb.gz');
    const serious = a.diagnosis.findings.filter((f) => f.confidence !== 'low');
    t.equal(serious.length, 1, `${variant}: one leak, one finding`);
    const f = serious[0];
    t.equal(f.signature?.id, 'goroutines-blocked-channel', variant);
    t.equal(f.kind, 'goroutine-and-heap', variant);
    const step = f.steps.find((s) => s.kind === 'creator-heap');
    t.ok(
      step?.kind === 'creator-heap' && step.tie === 'package' && a.series.frames[step.frame].function === 'acme.dev/portal/internal/session.(*Store).Login',
      `${variant}: tied by package, and said so`,
    );
    t.ok(
      f.bytesPerGoroutine !== null && f.bytesPerGoroutine > 8 * 1024 && f.bytesPerGoroutine < 32 * 1024,
      `${variant}: about one 16 KiB page cache per goroutine (${f.bytesPerGoroutine})`,
    );
  }
  // With the dump, the tie is the creator itself.
  const d = capture('session-flush', 'go1.26-mod', 'debug2.txt.gz');
  const step = d.diagnosis.findings[0].steps.find((s) => s.kind === 'creator-heap');
  t.ok(step === undefined || (step.kind === 'creator-heap' && step.tie === 'started'), 'debug=2: never the package guess');
});

t.test("of a creator's callers, the one that keeps what it made is said, and its own heap handed on joins", async (t) => {
  // pubsub-unsubscribe: Subscribe starts `go forward(ch, out)`; Poll unsubscribes, Watch never does. Poll
  // allocates about 20 times more through Subscribe and keeps none; Watch's channels, and the buffer its
  // closure captures, stay with the forwarders. One leak, one finding.
  const a = capture('pubsub-unsubscribe', 'go1.26-trimpath', 'pb.gz');
  const serious = a.diagnosis.findings.filter((f) => f.confidence !== 'low');
  t.equal(serious.length, 1, 'one leak, one finding');
  const f = serious[0];
  t.equal(f.signature?.id, 'goroutines-blocked-channel');
  const kept = f.steps.find((s) => s.kind === 'kept-through');
  t.ok(kept?.kind === 'kept-through' && a.series.frames[kept.caller].function === 'example.com/hub/internal/api.(*Server).Watch', 'Watch keeps, Poll does not');
  t.ok(kept?.kind === 'kept-through' && kept.otherCallers === 1 && kept.otherAllocBytes > kept.keptBytes, 'the other caller allocated more and kept none');
  const ties = f.steps.flatMap((s) => (s.kind === 'creator-heap' ? [`${s.tie}:${a.series.frames[s.frame].function}`] : []));
  t.same(ties, ['package:example.com/hub/internal/broker.(*Broker).Subscribe', 'caller:example.com/hub/internal/api.(*Server).Watch']);
  t.equal(culpritName(a.series, f), 'example.com/hub/internal/api.(*Server).Watch', 'the fix is where the release is missing, not where they wait');
  t.equal(f.culprit?.strategy, 'kept-through');
});

t.test("a Watcher never closed: fsnotify's reader and the service's consumer are one object, in IO wait", async (t) => {
  // fixtures/matrix/fsnotify-watcher-unclosed: (*Loader).reload makes an fsnotify Watcher and a consumer
  // goroutine per reload and drops the old Watcher without Close; 2 goroutines per Watcher, 1:1 at every snapshot.
  const pb = capture('fsnotify-watcher-unclosed', 'go1.26-trimpath', 'pb.gz');
  const serious = pb.diagnosis.findings.filter((f) => f.confidence !== 'low');
  t.equal(serious.length, 1, 'one leaked object, one finding');
  const f = serious[0];
  t.equal(f?.signature?.id, 'goroutines-blocked-io', 'the open descriptor, not the consumer’s select, is the leak');
  t.equal(f?.unit?.goroutinesPerObject, 2);
  t.equal(f === undefined ? null : culpritName(pb.series, f), 'example.com/configd/internal/reload.(*Loader).consume');
  t.equal(f?.culprit?.strategy, 'object-goroutine', 'the IO waiters run only fsnotify: the consumer is the object’s other goroutine');
  const dump = capture('fsnotify-watcher-unclosed', 'go1.26-trimpath', 'debug2.txt.gz');
  const d = dump.diagnosis.findings.filter((x) => x.confidence !== 'low');
  t.equal(d.length, 1);
  t.equal(d[0] === undefined ? null : culpritName(dump.series, d[0]), 'example.com/configd/internal/reload.(*Loader).reload');
  t.equal(d[0]?.culprit?.strategy, 'creator', "the dump's created-by names who makes the object");
});

t.test("a NATS connection never closed: the client's three goroutines and the embedded server's two are one object", async (t) => {
  // fixtures/matrix/nats-conn-unclosed: (*Publisher).Send calls nats.Connect per batch and returns early without
  // Close on most; each connection keeps nats.go's readLoop (IO wait), flusher and asyncCBDispatcher (a Cond),
  // and nats-server's readLoop and writeLoop on the other end of the loopback socket. No service frame on any.
  const pb = capture('nats-conn-unclosed', 'go1.26-trimpath', 'pb.gz');
  const serious = pb.diagnosis.findings.filter((f) => f.confidence !== 'low');
  t.equal(serious.length, 1, 'nats.go and nats-server are two modules of one project: one leaked connection, one finding');
  const f = serious[0];
  t.equal(f?.signature?.id, 'goroutines-blocked-io', "a Cond waiter inside nats.go is the library's logic, not a missing Unlock");
  // nats-server's module runs an accept loop (acceptConnections, in net.(*TCPListener).Accept) and nats.go's
  // does not: nats-server's 2 groups are the in-process end of each connection.
  t.equal(f?.unit?.goroutinesPerObject, 3, "nats.go's readLoop, flusher and callback dispatcher");
  t.equal(f?.unit?.peerGoroutinesPerObject, 2, "nats-server's readLoop and writeLoop, on the in-process server");
  t.equal(f === undefined ? null : culpritName(pb.series, f), 'example.com/notify/internal/bus.(*Publisher).Send');
  // debug=2: created by nats.go in goroutine 1, which now runs main.main's loop (Send has returned); the heap
  // under main.main passes through Send, the function it called to dial.
  const dump = capture('nats-conn-unclosed', 'go1.26-trimpath', 'debug2.txt.gz');
  const d = dump.diagnosis.findings.filter((x) => x.confidence !== 'low');
  t.equal(d.length, 1);
  t.equal(d[0] === undefined ? null : culpritName(dump.series, d[0]), 'example.com/notify/internal/bus.(*Publisher).Send');
  t.equal(d[0]?.culprit?.strategy, 'creator-goroutine');
  const on = d[0]?.culprit?.creatorFrame;
  t.equal(on === undefined ? null : dump.series.frames[on].function, 'main.main', 'the creator goroutine runs main.main, said as such');
});

t.test('a NATS connection never closed, Go 1.27: too little kept is sampled to link any heap, the call into nats.go names Send', async (t) => {
  // go1.27-cmd: in-use heap identical in rounds 2-5 and 6-7 (no GC published a new profile), and one 512 KiB
  // sample under newReaderWriter <- Options.Connect <- nats.Connect <- Send only from round 6: no heap site is
  // linked to the unit, and the IO pattern names no entry point. The goroutines run github.com/nats-io's code
  // only (nats.go and nats-server), and the heap that grew through the service's call into it is under Send.
  const pb = capture('nats-conn-unclosed', 'go1.27-cmd', 'pb.gz');
  const serious = pb.diagnosis.findings.filter((f) => f.confidence !== 'low');
  t.equal(serious.length, 1);
  const f = serious[0];
  t.equal(f?.signature?.id, 'goroutines-blocked-io');
  t.equal(f?.heap, null, 'no heap site linked: the test is about the culprit without one');
  t.equal(f === undefined ? null : culpritName(pb.series, f), 'example.com/notify/internal/bus.(*Publisher).Send');
  t.equal(f?.culprit?.strategy, 'library-caller');
  const entry = f?.culprit?.entry;
  t.equal(entry === null || entry === undefined ? null : pb.series.frames[entry].function, 'github.com/nats-io/nats%2ego.Connect');
  const [re] = f === undefined ? [] : libraryEntries(pb.series, f.goroutines?.groups ?? []);
  t.ok(re?.test('github.com/nats-io/nats-server/v2/server.(*client).readLoop'), 'both modules of the project are its code');
  t.notOk(re?.test('github.com/nats-iox/other.Connect'), 'not another owner whose name starts the same');
  // debug=2: goroutine 1 runs main.main, where Connect has returned; the heap that grew through main.main and
  // into nats.go passes through Send.
  const dump = capture('nats-conn-unclosed', 'go1.27-cmd', 'debug2.txt.gz');
  const d = dump.diagnosis.findings.filter((x) => x.confidence !== 'low');
  t.equal(d.length, 1);
  t.equal(d[0] === undefined ? null : culpritName(dump.series, d[0]), 'example.com/notify/internal/bus.(*Publisher).Send');
  t.equal(d[0]?.culprit?.strategy, 'creator-goroutine');
  const on = d[0]?.culprit?.creatorFrame;
  t.equal(on === undefined ? null : dump.series.frames[on].function, 'main.main');
});

t.test("libraryEntries: none when the leaking goroutines run the service's own code", async (t) => {
  const a = capture('chan-send-blocked', 'go1.26-mod', 'pb.gz');
  const f = a.diagnosis.findings[0];
  t.ok(f?.goroutines !== null && f?.goroutines !== undefined, 'a goroutine finding');
  t.same(libraryEntries(a.series, f?.goroutines?.groups ?? []), [], 'the blocked senders run main.* code');
});
