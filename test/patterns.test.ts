// The signature table and its matcher, on stacks as Go prints them: the seed postmortem's gRPC stacks, and
// stacks captured from Go 1.19 programs (a leak of each kind, written and run for these tests; the names are
// copied from `go tool pprof -traces` of their goroutine and heap profiles) and from fixtures/.
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { stackOf } from '../src/decode/builder.js';
import { decode } from '../src/decode/index.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { normalizeFunction } from '../src/normalize/names.js';
import { type Evidence, type Match, SIGNATURES, entryPointCaller, inferWaitState, matchSignatures, signatureById } from '../src/patterns/index.js';
import { fixture } from './helpers/paths.js';

/** A stack as Go prints it, leaf first, normalized the way the normalize stage does. */
const stack = (...raw: string[]): string[] => raw.map(normalizeFunction);
const evidence = (e: Partial<Evidence>): Evidence => ({ goroutineStacks: [], waitStates: [], heapStacks: [], ...e });
const ids = (ms: Match[]): string[] => ms.map((m) => m.signature.id);

// ---- gRPC: the seed postmortem (grpc-go 1.42.0) ------------------------------------------------------------
const GRPC_WATCHER = stack('runtime.gopark', 'runtime.selectgo', 'google.golang.org/grpc.(*ccBalancerWrapper).watcher');
const GRPC_READER = stack(
  'runtime.gopark',
  'runtime.netpollblock',
  'internal/poll.runtime_pollWait',
  'internal/poll.(*pollDesc).wait',
  'internal/poll.(*pollDesc).waitRead',
  'internal/poll.(*FD).Read',
  'net.(*netFD).Read',
  'net.(*conn).Read',
  'bufio.(*Reader).Read',
  'io.ReadAtLeast',
  'io.ReadFull',
  'golang.org/x/net/http2.readFrameHeader',
  'golang.org/x/net/http2.(*Framer).ReadFrame',
  'google.golang.org/grpc/internal/transport.(*http2Client).reader',
);
const GRPC_LOOPY = stack(
  'runtime.gopark',
  'runtime.selectgo',
  'google.golang.org/grpc/internal/transport.(*controlBuffer).get',
  'google.golang.org/grpc/internal/transport.(*loopyWriter).run',
  'google.golang.org/grpc/internal/transport.newHTTP2Client.func3',
);
const GRPC_BUFFERS = [
  stack(
    'google.golang.org/grpc/internal/transport.newBufWriter',
    'google.golang.org/grpc/internal/transport.newFramer',
    'google.golang.org/grpc/internal/transport.newHTTP2Client',
    'google.golang.org/grpc/internal/transport.NewClientTransport',
    'google.golang.org/grpc.(*addrConn).createTransport',
    'google.golang.org/grpc.(*addrConn).tryAllAddrs',
    'google.golang.org/grpc.(*addrConn).resetTransport',
    'google.golang.org/grpc.(*addrConn).connect',
  ),
  stack(
    'bufio.NewReaderSize',
    'google.golang.org/grpc/internal/transport.newFramer',
    'google.golang.org/grpc/internal/transport.newHTTP2Client',
    'google.golang.org/grpc/internal/transport.NewClientTransport',
    'google.golang.org/grpc.(*addrConn).createTransport',
    'google.golang.org/grpc.(*addrConn).tryAllAddrs',
    'google.golang.org/grpc.(*addrConn).resetTransport',
    'google.golang.org/grpc.(*addrConn).connect',
  ),
];

// ---- Go 1.19 captures -------------------------------------------------------------------------------------
const SELECT_USER = stack('runtime.gopark', 'runtime.selectgo', 'main.(*worker).loop', 'main.main.func1');
const HTTP_READLOOP = stack('runtime.gopark', 'runtime.selectgo', 'net/http.(*persistConn).readLoop');
const HTTP_WRITELOOP = stack('runtime.gopark', 'runtime.selectgo', 'net/http.(*persistConn).writeLoop');
const HTTP_DIAL_HEAP = [
  stack('bufio.NewReaderSize', 'net/http.(*Transport).dialConn', 'net/http.(*Transport).dialConnFor'),
  stack('bufio.NewWriterSize', 'net/http.(*Transport).dialConn', 'net/http.(*Transport).dialConnFor'),
  // net/http dials with a deadline context: a context frame inside net/http, not a forgotten cancel.
  stack(
    'time.startTimer',
    'time.AfterFunc',
    'context.WithDeadline',
    'net.(*Dialer).DialContext',
    'net/http.(*Transport).dial',
    'net/http.(*Transport).dialConn',
    'net/http.(*Transport).dialConnFor',
  ),
];
const HTTP_ROUNDTRIP = stack(
  'runtime.gopark',
  'runtime.selectgo',
  'net/http.(*persistConn).roundTrip',
  'net/http.(*Transport).roundTrip',
  'net/http.(*Transport).RoundTrip',
  'net/http.send',
  'net/http.(*Client).send',
  'net/http.(*Client).do',
  'net/http.(*Client).Do',
  'net/http.(*Client).Get',
  'net/http.Get',
  'main.poll',
);
const HTTP_IDLE_CONN = stack(
  'runtime.gopark',
  'runtime.netpollblock',
  'internal/poll.runtime_pollWait',
  'internal/poll.(*pollDesc).wait',
  'internal/poll.(*pollDesc).waitRead',
  'internal/poll.(*FD).Read',
  'net.(*netFD).Read',
  'net.(*conn).Read',
  'net/http.(*connReader).Read',
  'bufio.(*Reader).fill',
  'bufio.(*Reader).ReadSlice',
  'bufio.(*Reader).ReadLine',
  'net/textproto.(*Reader).readLineSlice',
  'net/textproto.(*Reader).ReadLine',
  'net/http.readRequest',
  'net/http.(*conn).readRequest',
  'net/http.(*conn).serve',
);
const HTTP_BACKGROUND_READ = stack(
  'runtime.gopark',
  'runtime.netpollblock',
  'internal/poll.runtime_pollWait',
  'internal/poll.(*pollDesc).wait',
  'internal/poll.(*pollDesc).waitRead',
  'internal/poll.(*FD).Read',
  'net.(*netFD).Read',
  'net.(*conn).Read',
  'net/http.(*connReader).backgroundRead',
);
const HANDLER_BLOCKED = stack(
  'runtime.gopark',
  'runtime.chanrecv',
  'runtime.chanrecv1',
  'main.main.func1',
  'net/http.HandlerFunc.ServeHTTP',
  'net/http.serverHandler.ServeHTTP',
  'net/http.(*conn).serve',
);
const TICKER_HEAP = [
  stack('time.startTimer', 'time.NewTicker', 'main.leakTicker', 'main.main', 'runtime.main'),
  stack('time.NewTicker', 'main.leakTicker', 'main.main', 'runtime.main'),
];
const AFTER_HEAP = stack('time.startTimer', 'time.NewTimer', 'time.After', 'main.leakAfter');
const AFTER_GOROUTINE = stack('runtime.gopark', 'runtime.selectgo', 'main.leakAfter');
const PROPAGATE_119 = stack('runtime.gopark', 'runtime.selectgo', 'context.propagateCancel.func1');
const CONTEXT_HEAP = [
  stack('context.WithCancel', 'main.leakCancel', 'main.main', 'runtime.main'),
  stack('context.propagateCancel', 'context.WithDeadline', 'context.WithTimeout', 'main.leakTimeout', 'main.main', 'runtime.main'),
  stack('time.startTimer', 'time.AfterFunc', 'context.WithDeadline', 'context.WithTimeout', 'main.leakTimeout', 'main.main', 'runtime.main'),
];
const SQL_AWAIT = stack('runtime.gopark', 'runtime.selectgo', 'database/sql.(*Rows).awaitDone');
const SQL_HEAP = [
  stack(
    'context.WithCancel',
    'database/sql.(*Rows).initContextClose',
    'database/sql.(*DB).queryDC',
    'database/sql.(*DB).query',
    'database/sql.(*DB).QueryContext',
    'main.queryRowsCtx',
    'main.main',
  ),
  stack('database/sql.(*DB).queryDC', 'database/sql.(*DB).query', 'database/sql.(*DB).QueryContext', 'main.queryRows', 'main.main'),
];
const WG_WAIT = stack('runtime.gopark', 'runtime.goparkunlock', 'runtime.semacquire1', 'sync.runtime_Semacquire', 'sync.(*WaitGroup).Wait', 'main.blockWait');
const MUTEX_LOCK = stack(
  'runtime.gopark',
  'runtime.goparkunlock',
  'runtime.semacquire1',
  'sync.runtime_SemacquireMutex',
  'sync.(*Mutex).lockSlow',
  'sync.(*Mutex).Lock',
  'main.blockLock',
);
const RWMUTEX_RLOCK = stack(
  'runtime.gopark',
  'runtime.goparkunlock',
  'runtime.semacquire1',
  'sync.runtime_SemacquireMutex',
  'sync.(*RWMutex).RLock',
  'main.blockRLock',
);
const RWMUTEX_LOCK = stack(
  'runtime.gopark',
  'runtime.goparkunlock',
  'runtime.semacquire1',
  'sync.runtime_SemacquireMutex',
  'sync.(*RWMutex).Lock',
  'main.blockWLock',
);
const RWMUTEX_LOCK_W = stack(
  'runtime.gopark',
  'runtime.goparkunlock',
  'runtime.semacquire1',
  'sync.runtime_SemacquireMutex',
  'sync.(*Mutex).lockSlow',
  'sync.(*Mutex).Lock',
  'sync.(*RWMutex).Lock',
  'main.blockWLock',
);
const COND_WAIT = stack('runtime.gopark', 'runtime.goparkunlock', 'sync.runtime_notifyListWait', 'sync.(*Cond).Wait', 'main.blockCond');
const SLEEP = stack('runtime.gopark', 'time.Sleep', 'main.sleepLong');
const CHAN_SEND = stack('runtime.gopark', 'runtime.chansend', 'runtime.chansend1', 'main.blockSend');
const CHAN_RECV = stack('runtime.gopark', 'runtime.chanrecv', 'runtime.chanrecv1', 'main.blockRecv');
const SELECT_FOREVER = stack('runtime.gopark', 'runtime.block', 'main.blockForever');
const MAP_HEAP_119 = [
  // fixtures/map-leak: runtime.mapassign_faststr is hidden from Go heap profiles, leaving the user's frame.
  stack('example.com/sessions/store.(*Store).Remember', 'main.(*service).login', 'main.main.func2', 'main.main.func1'),
  stack('main.remember', 'main.main', 'runtime.main'),
];
const JSON_MAP_HEAP = stack(
  'reflect.mapassign_faststr',
  'reflect.Value.SetMapIndex',
  'encoding/json.(*decodeState).object',
  'encoding/json.(*decodeState).value',
  'encoding/json.(*decodeState).unmarshal',
  'encoding/json.Unmarshal',
  'main.decode',
  'main.main',
  'runtime.main',
);
const SYNC_MAP_HEAP = stack('sync.(*Map).Store', 'main.store', 'main.main', 'runtime.main');
// Go 1.24 Swiss tables: allocation under internal/runtime/maps, which Go does not hide.
const SWISS_MAP_HEAP = stack(
  'internal/runtime/maps.newarray',
  'internal/runtime/maps.newGroups',
  'internal/runtime/maps.newTable',
  'internal/runtime/maps.(*table).grow',
  'runtime.mapassign_faststr',
  'example.com/sessions/store.(*Store).Remember',
  'main.(*service).login',
);
const USER_TCP_READ = stack(
  'runtime.gopark',
  'runtime.netpollblock',
  'internal/poll.runtime_pollWait',
  'internal/poll.(*pollDesc).wait',
  'internal/poll.(*pollDesc).waitRead',
  'internal/poll.(*FD).Read',
  'net.(*netFD).Read',
  'net.(*conn).Read',
  'bufio.(*Reader).Read',
  'main.(*peer).readLoop',
);

// ---- names from newer library versions, checked in their sources ---------------------------------------------
const GRPC_SERIALIZER = stack(
  'runtime.gopark',
  'runtime.chanrecv',
  'runtime.chanrecv2',
  'google.golang.org/grpc/internal/grpcsync.(*CallbackSerializer).run',
  'google.golang.org/grpc/internal/grpcsync.NewCallbackSerializer.gowrap1',
);
const PROPAGATE_121 = stack('runtime.gopark', 'runtime.selectgo', 'context.(*cancelCtx).propagateCancel.func2');
// A gRPC client stream left open (fixtures/matrix/grpc-stream-uncancelled, gRPC-Go v1.85.0, go tool pprof -traces):
// gRPC's watcher of the stream's context, the in-process server's handler of the same stream, and the
// server-side stream state under the connection's reader.
const GRPC_STREAM_WATCHER = stack('runtime.gopark', 'runtime.selectgo', 'google.golang.org/grpc.newClientStreamWithParams.func4');
const GRPC_STREAM_HANDLER = stack(
  'runtime.gopark',
  'runtime.selectgo',
  'google.golang.org/grpc/health.(*Server).Watch',
  'google.golang.org/grpc/health/grpc_health_v1._Health_Watch_Handler',
  'google.golang.org/grpc.(*Server).processRPC',
  'google.golang.org/grpc.(*Server).handleStream',
  'google.golang.org/grpc.(*Server).serveStreams.func2.1',
);
const GRPC_STREAM_SERVER_HEAP = stack(
  'google.golang.org/grpc/internal/transport.(*http2Server).operateHeaders',
  'google.golang.org/grpc/internal/transport.(*http2Server).HandleStreams',
  'google.golang.org/grpc.(*Server).serveStreams',
  'google.golang.org/grpc.(*Server).handleRawConn.func1',
);
const K8S_REFLECTOR = stack(
  'runtime.gopark',
  'runtime.selectgo',
  'k8s.io/client-go/tools/cache.watchHandler',
  'k8s.io/client-go/tools/cache.(*Reflector).watch',
  'k8s.io/client-go/tools/cache.(*Reflector).ListAndWatch',
  'k8s.io/client-go/tools/cache.(*Reflector).Run.func1',
  'k8s.io/apimachinery/pkg/util/wait.BackoffUntil.func1',
  'k8s.io/apimachinery/pkg/util/wait.BackoffUntil',
  'k8s.io/apimachinery/pkg/util/wait.JitterUntil',
  'k8s.io/client-go/tools/cache.(*Reflector).Run',
  'k8s.io/apimachinery/pkg/util/wait.(*Group).StartWithChannel.func1',
  'k8s.io/apimachinery/pkg/util/wait.(*Group).Start.func1',
);
const K8S_LISTENER = stack(
  'runtime.gopark',
  'runtime.selectgo',
  'k8s.io/client-go/tools/cache.(*processorListener).pop',
  'k8s.io/apimachinery/pkg/util/wait.(*Group).Start.func1',
);
const K8S_FIFO = stack(
  'runtime.gopark',
  'runtime.goparkunlock',
  'sync.runtime_notifyListWait',
  'sync.(*Cond).Wait',
  'k8s.io/client-go/tools/cache.(*DeltaFIFO).Pop',
  'k8s.io/client-go/tools/cache.(*controller).processLoop',
  'k8s.io/apimachinery/pkg/util/wait.BackoffUntil.func1',
  'k8s.io/apimachinery/pkg/util/wait.BackoffUntil',
  'k8s.io/apimachinery/pkg/util/wait.JitterUntil',
  'k8s.io/apimachinery/pkg/util/wait.Until',
  'k8s.io/client-go/tools/cache.(*controller).Run',
  'k8s.io/client-go/tools/cache.(*sharedIndexInformer).Run',
);

interface Row {
  readonly name: string;
  readonly e: Evidence;
  /** The ids expected first, in order (a prefix of the result). */
  readonly first: readonly string[];
  /** Ids that must not be in the result. */
  readonly absent?: readonly string[];
  readonly minScore?: number;
}

const ROWS: readonly Row[] = [
  {
    name: 'seed postmortem: gRPC watcher, reader, loopy writer and transport buffers',
    e: evidence({ goroutineStacks: [GRPC_WATCHER, GRPC_READER, GRPC_LOOPY], heapStacks: GRPC_BUFFERS }),
    first: ['grpc-clientconn-unclosed'],
    absent: ['goroutines-blocked-channel', 'goroutines-blocked-io', 'grpc-server-transports-held'],
    minScore: 1,
  },
  {
    name: 'gRPC from a debug=2 dump: no runtime frames, printed wait states',
    e: evidence({ goroutineStacks: [GRPC_WATCHER.slice(2), GRPC_READER.slice(2), GRPC_LOOPY.slice(2)], waitStates: ['select', 'IO wait'] }),
    first: ['grpc-clientconn-unclosed'],
    absent: ['goroutines-blocked-channel'],
    minScore: 1,
  },
  {
    name: 'newer gRPC: CallbackSerializer instead of the watcher',
    e: evidence({ goroutineStacks: [GRPC_SERIALIZER, GRPC_READER, GRPC_LOOPY] }),
    first: ['grpc-clientconn-unclosed'],
    absent: ['goroutines-blocked-channel'],
    minScore: 1,
  },
  {
    name: 'vendored gRPC (GOPATH-era vendor/ in function names)',
    e: evidence({ goroutineStacks: [GRPC_WATCHER.map((f) => f.replace('google.golang.org/', 'github.com/acme/svc/vendor/google.golang.org/'))] }),
    first: ['grpc-clientconn-unclosed'],
  },
  {
    name: 'HTTP body unclosed: readLoop, writeLoop, dialConn buffers (and a context inside net/http)',
    e: evidence({ goroutineStacks: [HTTP_READLOOP, HTTP_WRITELOOP], heapStacks: HTTP_DIAL_HEAP }),
    first: ['http-response-body-unclosed'],
    absent: ['context-cancel-uncalled', 'time-ticker-unstopped', 'goroutines-blocked-channel'],
    minScore: 1,
  },
  {
    name: 'HTTP client with no timeout',
    e: evidence({ goroutineStacks: [HTTP_ROUNDTRIP] }),
    first: ['http-client-no-timeout'],
    absent: ['goroutines-blocked-channel'],
  },
  {
    name: 'HTTP server connections: idle keep-alive readers and backgroundRead',
    e: evidence({ goroutineStacks: [HTTP_IDLE_CONN, HTTP_BACKGROUND_READ] }),
    first: ['http-server-conns-held'],
    absent: ['goroutines-blocked-io'],
  },
  {
    name: 'time.Ticker never stopped, read by a user goroutine in select',
    e: evidence({ goroutineStacks: [SELECT_USER], heapStacks: TICKER_HEAP }),
    first: ['time-ticker-unstopped', 'goroutines-blocked-channel'],
    minScore: 1,
  },
  {
    name: 'time.After in a loop',
    e: evidence({ goroutineStacks: [AFTER_GOROUTINE], heapStacks: [AFTER_HEAP] }),
    first: ['time-ticker-unstopped'],
    minScore: 1,
  },
  {
    name: 'context cancel never called (Go 1.19, custom parent)',
    e: evidence({ goroutineStacks: [PROPAGATE_119], heapStacks: CONTEXT_HEAP }),
    first: ['context-cancel-uncalled'],
    absent: ['time-ticker-unstopped', 'goroutines-blocked-channel'],
    minScore: 1,
  },
  {
    name: 'context propagateCancel goroutine, Go 1.21 names',
    e: evidence({ goroutineStacks: [PROPAGATE_121] }),
    first: ['context-cancel-uncalled'],
    absent: ['goroutines-blocked-channel'],
  },
  {
    name: "gRPC client stream never canceled: gRPC's stream-context watcher and the server's handler of the stream",
    e: evidence({ goroutineStacks: [GRPC_STREAM_WATCHER, GRPC_STREAM_HANDLER], heapStacks: [GRPC_STREAM_SERVER_HEAP] }),
    first: ['context-cancel-uncalled'],
    absent: ['grpc-clientconn-unclosed'],
  },
  {
    name: 'database/sql Rows not closed',
    e: evidence({ goroutineStacks: [SQL_AWAIT], heapStacks: SQL_HEAP }),
    first: ['sql-rows-unclosed'],
    absent: ['context-cancel-uncalled', 'goroutines-blocked-channel'],
    minScore: 1,
  },
  {
    name: 'client-go informer never stopped (its DeltaFIFO waits on a sync.Cond)',
    e: evidence({ goroutineStacks: [K8S_REFLECTOR, K8S_LISTENER, K8S_FIFO] }),
    first: ['k8s-informer-unstopped'],
    absent: ['goroutines-blocked-sync', 'goroutines-blocked-channel'],
    minScore: 1,
  },
  {
    name: 'sync waits from a protobuf profile',
    e: evidence({ goroutineStacks: [WG_WAIT, MUTEX_LOCK, RWMUTEX_RLOCK, COND_WAIT] }),
    first: ['goroutines-blocked-sync'],
    absent: ['goroutines-blocked-channel'],
  },
  {
    name: 'sync wait from a Go 1.19 debug=2 dump ([semacquire], no runtime frames)',
    e: evidence({ goroutineStacks: [WG_WAIT.slice(4)], waitStates: ['semacquire'] }),
    first: ['goroutines-blocked-sync'],
  },
  {
    name: 'channel sends, receives and an empty select in user code',
    e: evidence({ goroutineStacks: [CHAN_SEND, CHAN_RECV, SELECT_FOREVER] }),
    first: ['goroutines-blocked-channel'],
    absent: ['grpc-clientconn-unclosed', 'goroutines-blocked-sync'],
  },
  {
    name: "a user's own TCP read loop",
    e: evidence({ goroutineStacks: [USER_TCP_READ] }),
    first: ['goroutines-blocked-io'],
    absent: ['http-server-conns-held'],
  },
  { name: 'map filled by encoding/json (reflect.mapassign visible)', e: evidence({ heapStacks: [JSON_MAP_HEAP] }), first: ['unbounded-collection-growth'] },
  { name: 'sync.Map that only grows', e: evidence({ heapStacks: [SYNC_MAP_HEAP] }), first: ['unbounded-collection-growth'] },
  { name: 'Go 1.24 map growth', e: evidence({ heapStacks: [SWISS_MAP_HEAP] }), first: ['unbounded-collection-growth'], absent: ['time-ticker-unstopped'] },
];

t.test('each signature is recognized from realistic evidence', async (t) => {
  for (const row of ROWS) {
    const ms = matchSignatures(row.e);
    t.same(ids(ms).slice(0, row.first.length), row.first, row.name);
    for (const id of row.absent ?? []) t.notOk(ids(ms).includes(id), `${row.name}: not ${id}`);
    if (row.minScore !== undefined) t.ok(ms[0].score >= row.minScore, `${row.name}: score ${ms[0].score} >= ${row.minScore}`);
  }
  const covered = new Set(ROWS.flatMap((r) => r.first));
  t.same(
    SIGNATURES.map((s) => s.id).filter((id) => !covered.has(id)),
    ['grpc-server-transports-held'],
    'every signature but one has a row here (that one: the fixture test)',
  );
});

t.test('negative controls', async (t) => {
  t.same(ids(matchSignatures(evidence({ goroutineStacks: [SELECT_USER] }))), ['goroutines-blocked-channel'], 'a plain user goroutine in select is not gRPC');
  t.same(matchSignatures(evidence({ heapStacks: MAP_HEAP_119 })), [], 'Go 1.19 map growth shows no frame to recognize: nothing, and no time.Ticker');
  t.same(
    ids(matchSignatures(evidence({ goroutineStacks: [SELECT_USER], heapStacks: [SWISS_MAP_HEAP] }))),
    ['goroutines-blocked-channel'],
    'collection growth is a heap-only pattern: growing goroutines rule it out',
  );
  t.same(
    ids(matchSignatures(evidence({ goroutineStacks: [HANDLER_BLOCKED] }))),
    ['goroutines-blocked-channel'],
    'an HTTP handler blocked on its own channel is the handler’s problem, not a held connection',
  );
  t.same(ids(matchSignatures(evidence({ goroutineStacks: [SLEEP] }))), [], 'a sleeping goroutine matches nothing');
  t.same(matchSignatures(evidence({})), [], 'no evidence, no match');
  const streamContext = stack(
    'context.WithCancel',
    'google.golang.org/grpc.newClientStream',
    'google.golang.org/grpc.invoke',
    'google.golang.org/grpc.(*ClientConn).Invoke',
    'google.golang.org/grpc/health/grpc_health_v1.(*healthClient).Check',
    'main.(*server).handleClusterHealth',
  );
  t.same(matchSignatures(evidence({ heapStacks: [streamContext] })), [], 'a context gRPC makes for a stream is not a forgotten cancel (fixtures/grpc-leak)');
  const handlerContext = stack(
    'context.WithTimeout',
    'main.handler',
    'net/http.HandlerFunc.ServeHTTP',
    'net/http.serverHandler.ServeHTTP',
    'net/http.(*conn).serve',
  );
  t.same(ids(matchSignatures(evidence({ heapStacks: [handlerContext] }))), ['context-cancel-uncalled'], 'but one a handler makes under net/http is');
  t.same(
    ids(matchSignatures(evidence({ heapStacks: [stack('main.(*cache).add', 'main.handle', 'main.main')] }))),
    [],
    'a heap site in user code only matches nothing',
  );
});

t.test('specific signatures rank before generic ones, and score by distinct evidence', async (t) => {
  const mixed = matchSignatures(evidence({ goroutineStacks: [SELECT_USER, GRPC_READER] }));
  t.same(ids(mixed), ['grpc-clientconn-unclosed', 'goroutines-blocked-channel']);
  t.ok(mixed[0].score <= 0.5, 'a weak gRPC match (one frame and its state) still ranks first');
  t.same(mixed[1].matchedFrames, ['main.(*worker).loop'], 'the generic match blames the blocked user function');

  const one = matchSignatures(evidence({ goroutineStacks: [GRPC_READER.slice(-1)] }))[0];
  const stateToo = matchSignatures(evidence({ goroutineStacks: [GRPC_READER] }))[0];
  const three = matchSignatures(evidence({ goroutineStacks: [GRPC_WATCHER, GRPC_READER, GRPC_LOOPY] }))[0];
  t.equal(one.score, 0.25, 'one gRPC frame, no wait state: weak');
  t.equal(stateToo.score, 0.5, 'the IO wait state inferred from runtime frames adds one piece');
  t.equal(three.score, 1, 'watcher + reader + loopy + state: strong');
  t.same(three.matchedWaitStates.slice().sort(), ['IO wait', 'select']);
  t.same(three.matchedFrames, [
    'google.golang.org/grpc.(*ccBalancerWrapper).watcher',
    'google.golang.org/grpc/internal/transport.(*http2Client).reader',
    'google.golang.org/grpc/internal/transport.(*controlBuffer).get',
  ]);
  const generic = SIGNATURES.filter((s) => s.generic);
  const specific = SIGNATURES.filter((s) => !s.generic);
  t.ok(Math.max(...generic.map((s) => s.ceiling)) < Math.min(...specific.map((s) => s.ceiling)), 'generic ceilings sit below specific ones');
});

t.test('inferWaitState reads the runtime frames of Go 1.19 goroutine stacks', async (t) => {
  const rows: [string[], string | null][] = [
    [GRPC_WATCHER, 'select'],
    [GRPC_READER, 'IO wait'],
    [CHAN_SEND, 'chan send'],
    [CHAN_RECV, 'chan receive'],
    [stack('runtime.gopark', 'runtime.chanrecv', 'runtime.chanrecv2', 'main.f'), 'chan receive'],
    [SELECT_FOREVER, 'select (no cases)'],
    [WG_WAIT, 'sync.WaitGroup.Wait'],
    [MUTEX_LOCK, 'sync.Mutex.Lock'],
    [RWMUTEX_RLOCK, 'sync.RWMutex.RLock'],
    [RWMUTEX_LOCK, 'sync.RWMutex.Lock'],
    [RWMUTEX_LOCK_W, 'sync.Mutex.Lock'],
    [COND_WAIT, 'sync.Cond.Wait'],
    [SLEEP, 'sleep'],
    // Go 1.20+ and 1.25 linknames.
    [
      stack('runtime.gopark', 'runtime.goparkunlock', 'runtime.semacquire1', 'sync.runtime_SemacquireWaitGroup', 'sync.(*WaitGroup).Wait'),
      'sync.WaitGroup.Wait',
    ],
    [stack('runtime.gopark', 'runtime.goparkunlock', 'runtime.semacquire1', 'sync.runtime_SemacquireRWMutexR', 'sync.(*RWMutex).RLock'), 'sync.RWMutex.RLock'],
    [
      stack('runtime.gopark', 'runtime.goparkunlock', 'runtime.semacquire1', 'internal/sync.runtime_SemacquireMutex', 'internal/sync.(*Mutex).lockSlow'),
      'sync.Mutex.Lock',
    ],
    // Only the runtime frames (what a caller passing SiteStack.runtimeTop has).
    [stack('runtime.gopark', 'runtime.goparkunlock', 'runtime.semacquire1'), 'semacquire'],
    [stack('runtime.gopark', 'runtime.netpollblock'), 'IO wait'],
    // debug=1 text hides runtime frames, but the linknamed ones stay.
    [stack('internal/poll.runtime_pollWait', 'internal/poll.(*pollDesc).wait', 'net.(*conn).Read'), 'IO wait'],
    [stack('sync.runtime_Semacquire', 'main.waitAll'), 'semacquire'],
    [stack('runtime.gopark'), null],
    [stack('main.blockSend', 'main.main'), null],
    [[], null],
  ];
  for (const [frames, want] of rows) t.equal(inferWaitState(frames), want, frames.slice(0, 5).join(' < ') || '(empty)');
});

t.test('entryPointCaller finds the frame that called into the library', async (t) => {
  const sig = (id: string) => {
    const s = signatureById(id);
    if (s === undefined) throw new Error(`no signature ${id}`);
    return s;
  };
  const dial = stack(
    'google.golang.org/grpc.newFuncDialOption',
    'google.golang.org/grpc.WithBlock',
    'main.(*clusterClient).getConn',
    'main.(*server).handleClusterHealth',
  );
  const dialCtx = stack('context.WithCancel', 'google.golang.org/grpc.DialContext', 'google.golang.org/grpc.Dial', 'main.connect', 'main.main');
  t.equal(entryPointCaller(sig('grpc-clientconn-unclosed'), dialCtx), 3, 'the caller of the outermost entry point (Dial, not DialContext)');
  t.equal(entryPointCaller(sig('grpc-clientconn-unclosed'), dial), -1, 'no entry point on the stack');
  t.equal(entryPointCaller(sig('grpc-clientconn-unclosed'), GRPC_BUFFERS[0]), -1, 'the seed’s traces stop at addrConn.connect');
  t.equal(entryPointCaller(sig('time-ticker-unstopped'), AFTER_HEAP), 3);
  t.equal(entryPointCaller(sig('context-cancel-uncalled'), CONTEXT_HEAP[1]), 3, 'WithTimeout is outside WithDeadline');
  t.equal(entryPointCaller(sig('sql-rows-unclosed'), SQL_HEAP[0]), 5);
  t.equal(entryPointCaller(sig('http-client-no-timeout'), HTTP_ROUNDTRIP), 11);
  t.equal(entryPointCaller(sig('goroutines-blocked-sync'), RWMUTEX_LOCK_W), 7, 'RWMutex.Lock, not the Mutex inside it');
  t.equal(entryPointCaller(sig('unbounded-collection-growth'), SWISS_MAP_HEAP), 5);
  t.equal(entryPointCaller(sig('time-ticker-unstopped'), stack('main.f', 'time.NewTicker')), -1, 'an entry point at the root has no caller');
});

t.test('the table is well formed', async (t) => {
  const idsSeen = new Set<string>();
  for (const s of SIGNATURES) {
    t.match(s.id, /^[a-z0-9]+(-[a-z0-9]+)+$/, `${s.id}: kebab-case`);
    t.notOk(idsSeen.has(s.id), `${s.id}: unique`);
    idsSeen.add(s.id);
    t.ok(s.title.length > 0 && s.explanation.length > 80 && s.versions.length > 40 && s.example.length > 0, `${s.id}: documented`);
    t.notOk(s.fix.includes('\n'), `${s.id}: fix is one line`);
    t.ok(s.userFrameVisible || (s.whereToLook ?? '').length > 0, `${s.id}: says where to look when the user frame is not visible`);
    t.ok(s.strongAt >= 1 && s.ceiling > 0 && s.ceiling <= 1, `${s.id}: scoring parameters in range`);
    t.ok(s.generic || s.goroutineFrames.length + s.heapFrames.length > 0, `${s.id}: a specific signature has frames`);
    for (const re of [...s.goroutineFrames, ...s.heapFrames, ...s.entryPoints]) {
      t.notOk(re.test('main.main') || re.test('main.(*server).handle'), `${s.id}: ${re.source.slice(0, 60)} does not match user code`);
    }
  }
});

interface Sample {
  readonly names: string[];
  /** The first sample type: goroutines, or allocated objects. */
  readonly value: number;
}

/** The last snapshot of a kind in a fixture scenario, as evidence stacks (runtime.goexit dropped, as normalize does). */
function fixtureSamples(scenario: string, kind: 'goroutine' | 'heap'): Sample[] {
  const files = readdirSync(fixture(scenario))
    .filter((f) => f.startsWith(`${kind}-`) && f.endsWith('.pb.gz'))
    .sort();
  const file = fixture(scenario, files[files.length - 1]);
  const s = decode(file, readFileSync(file), DEFAULT_LIMITS).snapshot;
  const out: Sample[] = [];
  for (let i = 0; i < s.sampleCount; i++) {
    const names = Array.from(stackOf(s, i), (f) => normalizeFunction(s.frames[f].function)).filter((fn) => fn !== 'runtime.goexit');
    out.push({ names, value: s.values[i * s.sampleTypes.length] });
  }
  return out;
}

const mentions = (part: string) => (st: readonly string[]) => st.some((fn) => fn.includes(part));

t.test('real captures in fixtures/', async (t) => {
  // What diagnose would hand over: the goroutine groups that leaked (one per dropped ClientConn), and the
  // heap sites under gRPC.
  const goroutines = fixtureSamples('grpc-leak', 'goroutine')
    .filter((s) => s.value >= 10)
    .map((s) => s.names);
  const heap = fixtureSamples('grpc-leak', 'heap')
    .map((s) => s.names)
    .filter(mentions('google.golang.org/grpc'));
  t.ok(goroutines.length >= 5 && heap.length > 0, 'the grpc-leak capture has gRPC stacks');
  const ms = matchSignatures(evidence({ goroutineStacks: goroutines, heapStacks: heap }));
  // The backend runs in the same process, so its server-side transports leak too.
  t.same(ids(ms), ['grpc-clientconn-unclosed', 'grpc-server-transports-held']);
  t.equal(ms[0].score, 1);

  const serverOnly = goroutines.filter((st) => st.some((fn) => fn.includes('http2Server') || fn.includes('newHTTP2Server')));
  t.same(
    ids(matchSignatures(evidence({ goroutineStacks: serverOnly }))),
    ['grpc-server-transports-held'],
    'server transports alone are not an unclosed client',
  );

  const remember = fixtureSamples('map-leak', 'heap')
    .map((s) => s.names)
    .filter(mentions('example.com/sessions/store.(*Store).Remember'));
  t.ok(remember.length > 0, 'the map-leak capture has the Remember site');
  t.same(matchSignatures(evidence({ heapStacks: remember })), [], 'Go 1.19 hides mapassign: the leak is left to the generic report');
});
