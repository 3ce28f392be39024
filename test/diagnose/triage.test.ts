// Triage from one snapshot, on the last capture of each fixture scenario: one goroutine profile, one heap
// profile, and both. Leaks with a known pattern conclude `suspect`, read as objects; the controls do not.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import type { Analysis } from '../../src/explain/index.js';
import type { Triage } from '../../src/diagnose/triage.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { toJson } from '../../src/render/json.js';
import { leakdiff } from '../helpers/cli.js';
import { CORPUS, NEEDS_CORPUS, fixture } from '../helpers/paths.js';

const last = (scenario: string, kind: 'goroutine' | 'heap', suffix = '.pb.gz'): string => {
  const f = readdirSync(fixture(scenario))
    .filter((n) => n.startsWith(`${kind}-`) && n.endsWith(suffix))
    .sort()
    .at(-1)!;
  return fixture(scenario, f);
};
const run = (files: string[]): Analysis => analyze({ files, intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
const tri = (a: Analysis): Triage => {
  if (a.diagnosis.triage === null) throw new Error('no triage for one snapshot');
  return a.diagnosis.triage;
};
const fnOf = (a: Analysis, f: number): string => (f < 0 ? '' : a.series.frames[f].function);
const md = (a: Analysis): string => renderMarkdown(a, { version: 'test', limitBytes: null, chart: null, gates: [] });

t.test('grpc-leak, one goroutine profile: suspect, about 146 ClientConns, the server end as evidence', async (t) => {
  const a = run([last('grpc-leak', 'goroutine')]);
  t.equal(a.diagnosis.verdict, 'suspect');
  const s = tri(a).suspects[0];
  t.equal(s.signature.id, 'grpc-clientconn-unclosed');
  t.equal(s.objects, 146);
  t.equal(s.lockstep, true);
  t.same(s.counts, [146, 146, 146, 146], 'each ClientConn keeps four goroutines');
  t.equal(s.peerGroups.length, 3, 'the in-process server side is evidence, not a second suspect');
  t.notOk(tri(a).suspects.some((x) => x.signature.id === 'grpc-server-transports-held'));
  const report = md(a);
  t.match(report.split('\n')[0], /^# Suspect: gRPC ClientConn never closed, about 146 ClientConns open \(one snapshot\)$/);
  t.match(report, /146 goroutines in each of the 4 groups a gRPC ClientConn keeps: about 146 ClientConns are open;\*\* look for `grpc.Dial`/);
  t.match(report, /## Capture next[\s\S]*leakdiff collect http:\/\/HOST:6060 --every 60s --count 6 --kinds heap,goroutine --debug2 --analyze/);
  t.notMatch(report, /Checked and found bounded|Heap values are exact|Suspects/, 'no section that means nothing for one snapshot');
  const j = toJson(a, { limitBytes: null }) as { verdict: string; triage: { suspects: { signature: string; objects: number }[] } };
  t.equal(j.verdict, 'suspect');
  t.same(
    j.triage.suspects.map((x) => [x.signature, x.objects]),
    [['grpc-clientconn-unclosed', 146]],
  );
});

t.test('grpc-leak, one debug=2 dump: creators and wait times in the evidence', async (t) => {
  const a = run([last('grpc-leak', 'goroutine', '.debug2.txt.gz')]);
  t.equal(a.diagnosis.verdict, 'suspect');
  const s = tri(a).suspects[0];
  t.equal(s.objects, 146);
  t.equal(fnOf(a, s.creator), 'google.golang.org/grpc.newCCBalancerWrapper');
  t.equal(s.waitMinutes, 1);
  t.ok(
    tri(a).groups.every((g) => g.creator >= 0),
    'every gRPC group names its creator',
  );
});

t.test('grpc-leak, one heap profile: what holds the memory, no verdict a heap profile alone cannot give', async (t) => {
  const a = run([last('grpc-leak', 'heap')]);
  t.equal(a.diagnosis.verdict, 'inconclusive');
  const h = tri(a).heap;
  t.ok(h.length > 0);
  t.equal(fnOf(a, h[0].frame), 'google.golang.org/grpc/internal/transport.newBufWriter');
  t.equal(h[0].how, 'allocation-site', 'gRPC 1.33 allocates the buffers on its own goroutines: no service frame to name');
  t.ok(h[0].share > 0.4 && h[0].share <= 1);
  t.match(md(a).split('\n')[0], /^# Inconclusive: one heap profile, 36\.0 MiB in use, most under/);
});

t.test('grpc-leak, one of each: joined, with the buffers per ClientConn', async (t) => {
  const a = run([last('grpc-leak', 'goroutine'), last('grpc-leak', 'heap')]);
  t.equal(a.diagnosis.verdict, 'suspect');
  const s = tri(a).suspects[0];
  t.ok(s.heapBytes !== null && s.heapBytes > 20 << 20, `heap under gRPC's transport allocations: ${s.heapBytes}`);
  t.match(md(a), /about \d+ KiB per gRPC ClientConn/);
});

t.test('http-body-leak: one goroutine profile concludes; its heap names the allocation', async (t) => {
  const a = run([last('http-body-leak', 'goroutine')]);
  t.equal(a.diagnosis.verdict, 'suspect');
  t.equal(tri(a).suspects[0].signature.id, 'http-response-body-unclosed');
  t.equal(tri(a).suspects[0].objects, 301);
  t.match(md(a), /look for `resp.Body.Close\(\)` missing/);
});

t.test('worker-leak: a big blocked group is flagged, but no known pattern makes it a suspect', async (t) => {
  const a = run([last('worker-leak', 'goroutine')]);
  t.equal(a.diagnosis.verdict, 'inconclusive');
  const g = tri(a).groups[0];
  t.ok(g.reasons.includes('many'));
  t.equal(fnOf(a, g.userFrame), 'main.(*indexer).submit.func');
});

t.test("map-leak heap: the service's own frame holds the most", async (t) => {
  const a = run([last('map-leak', 'heap')]);
  t.equal(a.diagnosis.verdict, 'inconclusive');
  t.equal(fnOf(a, tri(a).heap[0].frame), 'example.com/sessions/store.(*Store).Remember');
  t.equal(tri(a).heap[0].how, 'user-frame');
});

t.test('controls: a closed ClientConn and a warming cache are no suspects', async (t) => {
  for (const scenario of ['grpc-close', 'cache-warm']) {
    for (const files of [[last(scenario, 'goroutine')], [last(scenario, 'heap')], [last(scenario, 'goroutine'), last(scenario, 'heap')]]) {
      const a = run(files);
      t.equal(a.diagnosis.verdict, 'inconclusive', `${scenario} ${files.length}: inconclusive`);
      t.notOk(
        tri(a).suspects.some((s) => s.strong),
        `${scenario}: no strong suspect`,
      );
    }
  }
});

t.test('a pasted single representative stack still gives a report', async (t) => {
  // One goroutine of the real dump, as people paste "142 of 152 look like this".
  const dump = readFileSync(
    fixture(
      'grpc-leak',
      readdirSync(fixture('grpc-leak'))
        .filter((n) => n.endsWith('.debug2.txt'))
        .sort()[0],
    ),
    'utf8',
  );
  const blocks = dump.split('\n\n');
  const one = blocks.find((b) => b.includes('(*ccBalancerWrapper).watcher'))!;
  const dir = mkdtempSync(join(tmpdir(), 'leakdiff-triage-'));
  const path = join(dir, 'pasted.txt');
  writeFileSync(path, `> ${one.split('\n').join('\n> ').replace(/\t/g, '        ')}\n`);
  const a = run([path]);
  t.equal(tri(a).groups.length, 1, 'the one group is listed, not dropped for being small');
  t.equal(tri(a).groups[0].signature, 'grpc-clientconn-unclosed');
  t.equal(a.diagnosis.verdict, 'inconclusive', 'one goroutine is no evidence of many');
  const report = md(a);
  t.match(report, /## Largest goroutine groups/);
  t.match(report, /quote markers/);
  t.match(report, /tabs restored/);
});

t.test('exit code: suspect exits 1 at the default --fail-on, 0 at --fail-on high', async (t) => {
  const f = last('grpc-leak', 'goroutine');
  const r = leakdiff(['analyze', f, '--out', '-', '--quiet']);
  t.equal(r.code, 1);
  t.match(r.stdout, /^# Suspect/);
  t.equal(leakdiff(['analyze', f, '--out', '-', '--quiet', '--fail-on', 'high']).code, 0);
});

t.test('one dump whose flagged group only a generic pattern fits says so, not that no pattern does', async (t) => {
  const dir = fixture('matrix', 'pubsub-unsubscribe', 'go1.26-trimpath');
  const dump = readdirSync(dir)
    .filter((f) => f.endsWith('.debug2.txt.gz'))
    .sort()
    .at(-1)!;
  const a = run([join(dir, dump)]);
  t.equal(a.diagnosis.verdict, 'inconclusive', 'a generic pattern in one snapshot is no suspect');
  const text = md(a);
  t.match(text, /but only a generic pattern fits \(Goroutines blocked on a channel with no way out\)/);
  t.notMatch(text, /no known pattern explains/);
});

t.test('one pasted debug=2 dump: the live goroutine that started library-only groups, and its own code', async (t) => {
  const lastOf = (scenario: string, variant: string): string => {
    const dir = fixture('matrix', scenario, variant);
    const f = readdirSync(dir)
      .filter((n) => n.startsWith('goroutine-') && n.endsWith('.debug2.txt.gz'))
      .sort()
      .at(-1)!;
    return join(dir, f);
  };
  // grpc-newclient-refresh: (*Directory).Run, goroutine 34, calls refresh every 3 s, which calls grpc.NewClient;
  // NewClient's CallbackSerializer goroutines are `created by ... in goroutine 34`, and Run is parked in its select.
  const refresh = run([lastOf('grpc-newclient-refresh', 'go1.26-trimpath')]);
  const s = tri(refresh).suspects[0];
  t.equal(s.signature.id, 'grpc-clientconn-unclosed');
  t.same(s.userFrames, [], 'no frame of the service on the leaked goroutines');
  t.same(
    s.startedOn.map((x) => fnOf(refresh, x.frame)),
    ['example.com/mesh/internal/discovery.(*Directory).Run'],
  );
  t.match(md(refresh), /goroutine \d+, running `example\.com\/mesh\/internal\/discovery\.\(\*Directory\)\.Run`, started 1 of the 4/);
  // nats-conn-unclosed: nats.go's three client goroutines per connection are created in goroutine 1 (main.main's
  // loop, which calls Send); nats-server's two by its accept loop, which runs none of the service's code.
  const nats = run([lastOf('nats-conn-unclosed', 'go1.26-trimpath')]);
  const started = tri(nats).groups.filter((g) => g.startedOn !== null);
  t.equal(started.length, 3, "nats.go's readLoop, flusher and callback dispatcher");
  t.ok(
    started.every((g) => g.startedOn?.goroutine === 1 && fnOf(nats, g.startedOn.frame) === 'main.main'),
    'started on goroutine 1, running main.main',
  );
  t.match(md(nats), /goroutine 1, running `main\.main`, started 3 of the 5/);
  t.match(
    md(nats),
    /^# Inconclusive: 68 goroutines at `github\.com\/nats-io\/nats%2ego\.\(\*asyncCallbacksHandler\)\.asyncCBDispatcher`/,
    'named by the library frame, not the Cond it parks in',
  );
  // grpc-clientconn-leak dials per request in handler goroutines that have returned: nothing to name.
  const perRequest = run([lastOf('grpc-clientconn-leak', 'go1.26-vendor')]);
  t.ok(
    tri(perRequest).groups.every((g) => g.startedOn === null),
    'the creating goroutines are gone',
  );
});

t.test(
  'a dump from a service we never built (a Raft key-value store, Windows checkout, dotless module): its packages are its own',
  { skip: NEEDS_CORPUS },
  async (t) => {
    const a = run([join(CORPUS, 'external', 'kvstore-raft-goroutines-debug2.txt')]);
    t.same(
      a.series.ownership.modules.map((m) => [m.path, m.how, m.root]),
      [['distributed-kv', 'shared-root', 'C:/Users/moham/Desktop/projects/KVStore-raft-consensus']],
      'main in app/node/, distributed-kv/rpc in rpc/: one module root holds both',
    );
    t.same(a.series.ownership.unknownPackages, []);
    const vote = tri(a).groups.find((g) => fnOf(a, g.userFrame) === 'distributed-kv/rpc.SendRequestVote');
    t.ok(vote, "the goroutines blocked in SendRequestVote name it as the service's frame");
  },
);
