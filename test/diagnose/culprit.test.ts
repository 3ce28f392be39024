// The culprit strategies of CULPRIT_STRATEGIES, one case each on real captured series (fixtures/matrix,
// whose expected.json says where the service's function shows) and, where the point is a rule rather than a
// capture, on series built from function names.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import type { Analysis } from '../../src/explain/index.js';
import { culpritName } from '../../src/diagnose/index.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { scratch } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';
import { encodeProfile } from '../helpers/profiles.js';

/** One capture of the matrix, in the forms whose file names match `forms`, analyzed as the CLI would. */
function capture(scenario: string, variant: string, forms: readonly RegExp[]): Analysis {
  const dir = fixture('matrix', scenario, variant);
  const files = readdirSync(dir)
    .filter((f) => forms.some((re) => re.test(f)))
    .sort()
    .map((f) => join(dir, f));
  return analyze({ files, intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
}

const PB = [/^heap-\d+-.*\.pb\.gz$/, /^goroutine-\d+-.*\.pb\.gz$/];

t.test('spawner-caller: the accept loop that starts the held connections names the function running the server', async (t) => {
  // The held (*conn).serve goroutines carry no frame of the service; the one accept-loop goroutine does
  // (net/http.(*Server).Serve <- api.(*Server).Run). The pprof endpoint's own accept loop (net/http.Serve,
  // started by `go http.Serve(...)`) has no service frame under it and is no rival. Go 1.19: the dump's
  // `created by net/http.(*Server).Serve` names no goroutine, so this is the only link.
  for (const variant of ['go1.19-gopath', 'go1.26-cmd-trimpath']) {
    const a = capture('http-server-conns-held', variant, PB);
    const f = a.diagnosis.findings[0];
    t.equal(f.signature?.id, 'http-server-conns-held', `${variant}: the idle keep-alive wait is the server pattern`);
    t.equal(culpritName(a.series, f), 'example.com/gateway/internal/api.(*Server).Run', variant);
    t.equal(f.culprit?.strategy, 'spawner-caller', variant);
    t.equal(
      f.culprit?.entry === null || f.culprit?.entry === undefined ? null : a.series.frames[f.culprit.entry].function,
      'net/http.(*Server).Serve',
      variant,
    );
    t.match(a.explained.findings[0].evidence.join('\n'), /started by net\/http\.\(\*Server\)\.Serve/, `${variant}: said with the call it rests on`);
  }
});

t.test('spawner-caller never runs for a pattern without spawners (gRPC: keepalive options go to NewServer, not Serve)', async (t) => {
  // grpc-server-transports: grpc.(*Server).Serve runs under rpc.(*Server).Serve, but the function to change is
  // rpc.NewServer, in no profile: no culprit is the honest answer.
  const a = capture('grpc-server-transports', 'go1.26-trimpath', PB);
  const f = a.diagnosis.findings[0];
  t.equal(f.signature?.id, 'grpc-server-transports-held');
  t.equal(f.culprit, null);
});

/** A goroutine series built from function names: each round's groups and counts. */
function goroutineSeries(t: Parameters<typeof scratch>[0], rounds: readonly (readonly [readonly string[], number][])[]): Analysis {
  const dir = scratch(t);
  const files = rounds.map((groups, i) => {
    const p = join(dir, `goroutine-${i}.pb`);
    const samples = groups.map(([stack, n]) => ({ stack, values: [n] }));
    writeFileSync(
      p,
      encodeProfile({ sampleTypes: [['goroutine', 'count']], samples, timeNanos: START + BigInt(i) * MINUTE, period: 1, periodType: ['goroutine', 'count'] }),
    );
    return p;
  });
  return analyze({ files, intervalSeconds: null, modules: [SVC], granularity: 'functions', limits: DEFAULT_LIMITS });
}

const START = 1_764_123_600_000_000_000n;
const MINUTE = 60_000_000_000n;
const SVC = 'example.com/svc';
const HELD = [
  'runtime.gopark',
  'runtime.netpollblock',
  'internal/poll.runtime_pollWait',
  'net/http.(*connReader).Read',
  'bufio.(*Reader).Peek',
  'net/http.(*conn).serve',
];
const accept = (...callers: string[]): string[] => [
  'runtime.gopark',
  'runtime.netpollblock',
  'internal/poll.runtime_pollWait',
  'net.(*TCPListener).Accept',
  'net/http.(*Server).Serve',
  ...callers,
];

t.test('spawner-caller: two service functions running servers are not told apart by it', async (t) => {
  const one = goroutineSeries(
    t,
    Array.from({ length: 6 }, (_, i) => [
      [HELD, 5 + 20 * i],
      [accept(`${SVC}/api.(*Server).Run`, 'main.main.func1'), 1],
    ]),
  );
  t.equal(culpritName(one.series, one.diagnosis.findings[0]), `${SVC}/api.(*Server).Run`, 'one server: its runner');
  const two = goroutineSeries(
    t,
    Array.from({ length: 6 }, (_, i) => [
      [HELD, 5 + 20 * i],
      [accept(`${SVC}/api.(*Server).Run`, 'main.main.func1'), 1],
      [accept('net/http.(*Server).ListenAndServe', `${SVC}/metrics.Serve`, 'main.main.func2'), 1],
    ]),
  );
  const f = two.diagnosis.findings[0];
  t.equal(f.signature?.id, 'http-server-conns-held');
  t.equal(f.culprit, null, 'two servers, no dump to say which started the held connections: no culprit');
});

t.test('creator-goroutine: `created by ... in goroutine N` leads to goroutine N, alive and running the service', async (t) => {
  // grpc.NewClient starts three CallbackSerializer goroutines per ClientConn inside the call, so debug=2 says
  // `created by .../grpcsync.NewCallbackSerializer in goroutine 36`; goroutine 36 is the refresh loop, parked
  // in (*Directory).Run's select (9 more were created at start-up by goroutine 1, main.main: fewer). No heap
  // profile of this capture has a frame of the service.
  const dumps = capture('grpc-newclient-refresh', 'go1.26-cmd', [PB[0], /^goroutine-\d+-.*\.debug2\.txt\.gz$/]);
  const f = dumps.diagnosis.findings[0];
  t.equal(f.signature?.id, 'grpc-clientconn-unclosed');
  t.equal(culpritName(dumps.series, f), 'example.com/mesh/internal/discovery.(*Directory).Run');
  t.equal(f.culprit?.strategy, 'creator-goroutine');
  t.equal(
    f.culprit?.entry === null || f.culprit?.entry === undefined ? null : dumps.series.frames[f.culprit.entry].function,
    'google.golang.org/grpc/internal/grpcsync.NewCallbackSerializer',
  );
  // The same capture as protobuf only: no creator, no id, and nothing else ties the service to the leak.
  const pb = capture('grpc-newclient-refresh', 'go1.26-cmd', PB);
  t.equal(pb.diagnosis.findings[0].culprit, null, 'without the dump, no culprit: Run is in the profile but nothing links it');
});

t.test('creator-goroutine: the accept loop named by id, on Go 1.21+ dumps', async (t) => {
  const a = capture('http-server-conns-held', 'go1.26-mod', [PB[0], /^goroutine-\d+-.*\.debug2\.txt\.gz$/]);
  const f = a.diagnosis.findings[0];
  t.equal(culpritName(a.series, f), 'example.com/gateway/internal/api.(*Server).Run');
  t.equal(f.culprit?.strategy, 'creator-goroutine', 'the id link comes before the spawner rule');
});

t.test('creator-goroutine: goroutines started by a pool of workers do not name a worker', async (t) => {
  // sql-rows-unclosed: the awaitDone goroutines were created by (*Rows).initContextClose in each of four
  // workers in turn; a worker's stack now shows its loop, main.main.func1, not the query that leaked.
  const a = capture('sql-rows-unclosed', 'go1.26-mod', [PB[0], /^goroutine-\d+-.*\.debug2\.txt\.gz$/]);
  const f = a.diagnosis.findings[0];
  t.equal(f.signature?.id, 'sql-rows-unclosed');
  t.not(f.culprit?.strategy, 'creator-goroutine');
  t.not(culpritName(a.series, f), 'main.main.func1');
});

t.test('pool state: heap a pool made for whichever query needed a connection names no caller; the callers are candidates', async (t) => {
  // sql-rows-unclosed: 1.2% of queries (FirstOverdue) leak their Rows; each pinned connection's pgx state is
  // allocated under the next query to find the pool empty, nearly always a balance sheet (Balances). The
  // truth (expected.json) says the profiles cannot single FirstOverdue out, and that naming Balances is wrong.
  for (const variant of ['go1.26-mod', 'go1.26-trimpath', 'go1.27-vendor', 'go1.27-cmd-trimpath']) {
    const a = capture('sql-rows-unclosed', variant, PB);
    const f = a.diagnosis.findings.find((x) => x.signature?.id === 'sql-rows-unclosed');
    t.ok(f !== undefined, `${variant}: the Rows pattern`);
    if (f === undefined) continue;
    t.equal(f.culprit, null, `${variant}: no culprit named`);
    const names = f.candidates.map((c) => a.series.frames[c.frame].function);
    t.ok(names.includes('example.com/reports/internal/store.(*Store).Balances'), `${variant}: the busiest caller is a candidate, not the culprit`);
    t.ok(
      f.steps.some((s) => s.kind === 'pooled-heap'),
      `${variant}: the report says the heap is the pool's`,
    );
    t.notOk(
      a.diagnosis.findings.some((x) => x.confidence !== 'low' && x.culprit !== null && culpritName(a.series, x)?.includes('Balances')),
      `${variant}: Balances named nowhere`,
    );
  }
  // go1.26-mod's heap profiles hold one sample FirstOverdue allocated through (*Rows).Next: a call on the
  // Rows it got from the entry point, so it is a candidate too.
  const a = capture('sql-rows-unclosed', 'go1.26-mod', PB);
  const f = a.diagnosis.findings[0];
  t.same(
    f.candidates.map((c) => a.series.frames[c.frame].function),
    ['example.com/reports/internal/store.(*Store).Balances', 'example.com/reports/internal/store.(*Store).FirstOverdue'],
  );
  t.match(a.explained.findings[0].evidence.join('\n'), /allocated under database\/sql\.\(\*DB\)\.conn/);
  // lib/pq (Go 1.19): the sample that grew is the leaking query's own (its statement description, kept by
  // the Rows), not the pool's, and it names FirstOverdue.
  const old = capture('sql-rows-unclosed', 'go1.19-gopath', PB);
  t.equal(culpritName(old.series, old.diagnosis.findings[0]), 'example.com/reports/internal/store.(*Store).FirstOverdue');
});
