// Generic patterns: goroutines blocked on a channel or on the network in code no specific signature knows,
// and unbounded collections. They explain only stacks no specific signature explains, and rank last.
// Among them, a wait on a descriptor (IO wait) ranks above a wait on a channel: where one leaked object keeps
// both (fsnotify's reader of a Watcher in IO wait, the service's consumer of its events in select), the open
// descriptor is what is leaked and closing it ends both, while a way out of the select would end only the
// consumer and leave the descriptor and its reader behind.

import { fns, within, type Signature, type SignatureCase } from './signature.js';
import { HIDDEN_RUNTIME_WAIT } from './wait-state.js';

/**
 * Goroutines that run only a third-party library's code and wait in it (on a channel, a Cond) belong to an
 * object the library made for the service: a cache's item processors (ristretto), a client's dispatchers, a
 * pool's cleaner. Nothing in the wait can be changed by the service; closing the object ends them.
 */
export const LIBRARY_OBJECT: Omit<SignatureCase, 'in' | 'on' | 'with'> = {
  id: 'library-object-unclosed',
  title: 'Library objects never closed: their goroutines wait forever',
  explanation:
    "Each of these goroutines was started by a library for an object it made for the service (a cache, a client, a pool, a watcher) and waits in the library's own code for work or for the object's Close; none of the service's code is on their stacks. An object dropped without Close (or Stop) is not collected while its goroutines run: they, and everything the object holds, stay for the life of the process, one set per object made.",
  fix: 'Close (or Stop) each such object when it is done with: defer it right after creating it, close the one a new object replaces, or share one long-lived object instead of making one per call.',
  example: [
    'c, err := lib.New(cfg)',
    'if err != nil {',
    '\treturn err',
    '}',
    'defer c.Close()',
    '',
    '// or, where a new object replaces an old one:',
    'old := s.swap(c)',
    'old.Close()',
  ].join('\n'),
  whereToLook:
    "the service's calls that create the library's objects (a New, Open or Connect), on every path including errors, and where a new one replaces an old one",
};

export const CHANNEL_BLOCKED: Signature = {
  id: 'goroutines-blocked-channel',
  title: 'Goroutines blocked on a channel with no way out',
  kind: 'goroutine',
  goroutineFrames: [],
  waitStates: ['chan send', 'chan receive', 'select', 'select (no cases)', 'chan send (nil chan)', 'chan receive (nil chan)', HIDDEN_RUNTIME_WAIT],
  heapFrames: [],
  generic: true,
  packages: [],
  heapOnly: false,
  strongAt: 1,
  ceiling: 0.3,
  entryPoints: [],
  fixIn: 'waiter',
  inLibrary: LIBRARY_OBJECT,
  userFrameVisible: true,
  versions:
    'Wait reasons as Go 1.19 runtime2.go prints them (chan send, chan receive, select, select (no cases), and the nil chan forms), the same in current Go. Protobuf goroutine profiles carry no reason: it is inferred from runtime.chansend1, runtime.chanrecv1/chanrecv2, runtime.selectgo and runtime.block (inferWaitState). debug=1 text hides those runtime frames; there a goroutine parked right in the service’s own code can only be in a channel operation or a select (sync, time and netpoll waits keep a frame of their own), which is what HIDDEN_RUNTIME_WAIT says.',
  capturedOn: [
    { go: '1.19.8', library: null },
    { go: '1.26.8', library: null },
    { go: '1.27.3', library: null },
  ],
  caveats: [],
  explanation:
    'A goroutine that sends on a channel nobody reads any more, receives from one nobody will send on or close, or selects without a case that can fire (no ctx.Done, no timeout) never returns. The usual cause is a producer whose consumer returned early, on an error or a timeout, with an unbuffered result channel.',
  fix: 'Give every blocking send, receive and select a way out (a case <-ctx.Done()), close channels from the sending side, and buffer result channels whose reader may leave early.',
  example: [
    'results := make(chan result, 1) // the worker can always send once, even if nobody reads',
    'go func() { results <- work(ctx) }()',
    'select {',
    'case r := <-results:',
    '\treturn r, nil',
    'case <-ctx.Done():',
    '\treturn result{}, ctx.Err()',
    '}',
  ].join('\n'),
};

export const IO_BLOCKED: Signature = {
  id: 'goroutines-blocked-io',
  title: 'Goroutines waiting on connections or descriptors that are never closed',
  kind: 'goroutine',
  goroutineFrames: [],
  waitStates: ['IO wait'],
  heapFrames: [],
  generic: true,
  packages: [],
  heapOnly: false,
  strongAt: 1,
  ceiling: 0.35,
  entryPoints: [],
  userFrameVisible: true,
  versions:
    'Go 1.19 netpoll: the reason IO wait, with stacks through internal/poll.runtime_pollWait (runtime.netpollblock in protobuf profiles; internal/poll.runtime_pollWait is visible in every form). Unchanged in current Go.',
  capturedOn: [
    { go: '1.19.8', library: null },
    { go: '1.26.8', library: null },
    { go: '1.27.3', library: null },
  ],
  caveats: [],
  explanation:
    'Each goroutine reads (or writes) a descriptor the network poller waits on (a connection, a pipe, an inotify watch) whose other end never sends and that nobody closes, and no deadline is set, so it waits forever and keeps the descriptor and its buffers. Goroutines of the same leaked object that wait on a channel (a consumer of what the reader delivers) end with it once the descriptor is closed.',
  fix: 'Close what you open when done with it (defer conn.Close(), watcher.Close()) and set read/write deadlines or use a context-aware API.',
  example: [
    'conn, err := net.DialTimeout("tcp", addr, 5*time.Second)',
    'if err != nil {',
    '\treturn err',
    '}',
    'defer conn.Close()',
    'conn.SetDeadline(time.Now().Add(30 * time.Second))',
  ].join('\n'),
};

/** Map growth frames: classic runtime maps (hidden when leading) and Go 1.24+ Swiss tables (visible). */
const MAP_GROWTH =
  /^(?:runtime\.(?:mapassign(?:_fast32|_fast64|_faststr|_fast64ptr|_fast32ptr)?|hashGrow|makeBucketArray|growWork)|internal\/runtime\/maps\..+)$/;

/**
 * Prometheus client_golang's metric vectors keep one child metric per distinct label set, made in
 * (*metricMap).getOrCreateMetricWithLabelValues / WithLabels (client_golang v1.25.0 prometheus/vec.go, the
 * same in earlier releases): a map of the library's that only grows when label values are unbounded.
 */
const METRIC_CHILDREN = within(
  'github.com/prometheus/client_golang/prometheus.',
  '(*metricMap).getOrCreateMetricWithLabelValues',
  '(*metricMap).getOrCreateMetricWithLabels',
);

export const UNBOUNDED_COLLECTION: Signature = {
  id: 'unbounded-collection-growth',
  title: 'Map, slice or buffer that only grows',
  kind: 'heap',
  goroutineFrames: [],
  waitStates: [],
  heapFrames: [
    MAP_GROWTH,
    fns('reflect.mapassign', 'reflect.mapassign_faststr', 'reflect.mapassign0', 'reflect.Value.SetMapIndex'),
    /^(?:sync\.(?:\(\*Map\)\.(?:Store|LoadOrStore|Swap|dirtyLocked)|newEntry)|internal\/sync\.(?:\(\*HashTrieMap\[\.\.\.\]\)\.\w+|newEntryNode\[\.\.\.\]|newIndirectNode\[\.\.\.\]))$/,
    fns('runtime.growslice', 'bytes.growSlice', 'bytes.(*Buffer).grow', 'strings.(*Builder).grow', 'slices.Grow[...]'),
    METRIC_CHILDREN,
  ],
  generic: true,
  packages: [],
  heapOnly: true,
  strongAt: 1,
  ceiling: 0.5,
  entryPoints: [
    /^runtime\.mapassign(?:_\w+)?$/,
    fns('reflect.Value.SetMapIndex', 'sync.(*Map).Store', 'sync.(*Map).LoadOrStore', 'sync.(*Map).Swap', 'runtime.growslice', 'slices.Grow[...]'),
    /^(?:bytes\.\(\*Buffer\)|strings\.\(\*Builder\))\.Write\w*$/,
  ],
  userFrameVisible: true,
  versions:
    'Go heap profiles drop the leading frames whose names start with runtime. (runtime/pprof protomem.go hideRuntime, and printStackRecord for debug=1), so with Go ≤ 1.23 maps a store into a growing map, an append and a make all end in your own function, with runtime.mapassign*, runtime.growslice and runtime.makeslice hidden: checked with a Go 1.19 program whose heap stacks read main.remember (map) and main.keep (append) only, with no runtime frame. Visible: reflect.mapassign_faststr ← reflect.Value.SetMapIndex (JSON and other reflection into maps) and sync.(*Map).Store (same program). Go 1.24 Swiss-table maps allocate under internal/runtime/maps.newarray (runtime/malloc.go links runtime.newarray there), which is not runtime.-prefixed, so map growth shows as internal/runtime/maps.* ← runtime.mapassign* ← your function; sync.Map became internal/sync.HashTrieMap.',
  capturedOn: [
    { go: '1.19.8', library: null },
    { go: '1.26.8', library: null },
    { go: '1.27.3', library: null },
  ],
  caveats: [],
  explanation:
    'A map, slice or buffer that gains entries on every request and loses none (a cache without eviction or TTL, a registry nobody deregisters from, a log kept in memory) grows the live heap steadily while the goroutine count stays flat. Go maps also never shrink their bucket arrays after deletes.',
  fix: 'Bound the collection: evict by size or age (an LRU or TTL cache), delete entries when their owner goes away, and rebuild maps that had many deletes.',
  example: [
    'type store struct {',
    '\tmu       sync.Mutex',
    '\tsessions map[string]*Session',
    '}',
    '',
    'func (s *store) sweep(now time.Time) { // run from a ticker',
    '\ts.mu.Lock()',
    '\tdefer s.mu.Unlock()',
    '\tfor id, sess := range s.sessions {',
    '\t\tif now.After(sess.Expires) {',
    '\t\t\tdelete(s.sessions, id)',
    '\t\t}',
    '\t}',
    '}',
  ].join('\n'),
  cases: [
    {
      // metrics-label-cardinality (go1.26 trimpath, go1.27 vendor; client_golang v1.25.0): a request id as a
      // label value, every growing stack through the vectors' child creation.
      id: 'metric-label-cardinality',
      in: 'heap',
      on: METRIC_CHILDREN,
      title: 'Metric label values without bound',
      explanation:
        "A Prometheus metric vector (CounterVec, HistogramVec, GaugeVec, SummaryVec) keeps one child metric for every distinct set of label values it was given, for the life of the process, and exports each as a series. A label taking a value per request (a request or user id, a raw URL with its query, an error string) makes the vector's map of children grow with every request, and every scrape bigger.",
      fix: 'Give labels values from a small fixed set (the route template, a status class, a method), never ids or raw URLs; record per-request detail in logs or traces instead, and remove series that are done with DeleteLabelValues or DeletePartialMatch.',
      example: [
        '// not: m.requests.WithLabelValues(route, code, r.Header.Get("X-Request-ID")).Inc()',
        'm.requests.WithLabelValues(routeTemplate, strconv.Itoa(code/100)+"xx").Inc()',
      ].join('\n'),
      whereToLook: 'callers of WithLabelValues / With / GetMetricWith* on client_golang metric vectors that pass a value unique per request',
    },
  ],
};
