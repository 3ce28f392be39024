// gRPC-Go: a ClientConn that is never closed, and its mirror on the server side.

import { type Signature, within } from './signature.js';

const GRPC = 'google.golang.org/grpc.';
const TRANSPORT = 'google.golang.org/grpc/internal/transport.';

export const GRPC_CLIENTCONN_UNCLOSED: Signature = {
  id: 'grpc-clientconn-unclosed',
  title: 'gRPC ClientConn never closed',
  kind: 'both',
  goroutineFrames: [
    // The balancer goroutine: a watcher loop in older releases, a callback serializer in newer ones.
    within(GRPC, '(*ccBalancerWrapper).watcher', '(*ClientConn).scWatcher'),
    within('google.golang.org/grpc/internal/grpcsync.', '(*CallbackSerializer).run'),
    within(TRANSPORT, '(*http2Client).reader'),
    // The loopy writer goroutine: started by a closure in newHTTP2Client, parked in controlBuffer.get.
    within(TRANSPORT, '(*loopyWriter).run', '(*controlBuffer).get', 'newHTTP2Client.func'),
    within(GRPC, '(*addrConn).resetTransport', '(*addrConn).connect'),
    within(TRANSPORT, '(*http2Client).keepalive'),
  ],
  waitStates: ['select', 'IO wait', 'chan receive', 'sync.Cond.Wait'],
  heapFrames: [
    // 64 KiB write and 32 KiB read buffers per connection, allocated under newFramer.
    within(TRANSPORT, 'newBufWriter', 'newBufReader', 'newFramer'),
    within(TRANSPORT, 'newHTTP2Client', 'NewClientTransport'),
    within(GRPC, '(*addrConn).createTransport', '(*addrConn).tryAllAddrs', '(*addrConn).connect', '(*addrConn).resetTransport'),
    within(GRPC, 'DialContext', 'Dial', 'NewClient', '(*ClientConn).newAddrConn', '(*ClientConn).newAddrConnLocked'),
  ],
  generic: false,
  packages: ['google.golang.org/grpc'],
  heapOnly: false,
  strongAt: 4,
  ceiling: 1,
  entryPoints: [within(GRPC, 'DialContext', 'Dial', 'NewClient')],
  userFrameVisible: false,
  whereToLook:
    'callers of grpc.Dial / grpc.DialContext / grpc.NewClient that create a ClientConn per request, per cache refresh or per reconnect and drop it without Close: the transport goroutines and buffers are started by gRPC, so their stacks end inside gRPC (at addrConn.connect), not in your code',
  versions:
    'gRPC-Go 1.33.3 (Debian golang-google-grpc-dev, read in /usr/share/gocode/src/google.golang.org/grpc) and 1.42.0 (the seed postmortem): per ClientConn a goroutine in (*ccBalancerWrapper).watcher (balancer_conn_wrappers.go: go ccb.watcher()), one in (*addrConn).resetTransport (clientconn.go: go ac.resetTransport()), and per transport (*http2Client).reader and the loopy writer newHTTP2Client.func3 → (*loopyWriter).run → (*controlBuffer).get (internal/transport/http2_client.go); (*http2Client).keepalive only with keepalive parameters. Heap: newFramer allocates bufio.NewReaderSize (32 KiB) and newBufWriter (2 × 32 KiB) (http_util.go). Current grpc-go (balancer_wrapper.go, internal/grpcsync/callback_serializer.go) replaced the watcher by grpcsync.(*CallbackSerializer).run goroutines (balancer and resolver wrappers), runs `go acbw.ac.connect()` which returns once connected, and reads through newBufReader instead of bufio.NewReaderSize; reader and loopy writer are unchanged. grpc.NewClient exists in current releases and is the non-deprecated form of Dial.',
  capturedOn: [
    { go: '1.19.8', library: 'google.golang.org/grpc v1.33.3' },
    { go: '1.26.8', library: 'google.golang.org/grpc v1.85.0' },
    { go: '1.27.3', library: 'google.golang.org/grpc v1.85.0' },
  ],
  caveats: [],
  explanation:
    'Every grpc.ClientConn owns a balancer goroutine, and every connection it opens owns a reader goroutine, a writer goroutine and about 96 KiB of buffers. None of this is released when the *ClientConn becomes unreachable: only ClientConn.Close stops the goroutines, and the goroutines keep the buffers alive. Dialing per request, or re-dialing when a cache entry expires and overwriting the old connection, leaks one of each every time.',
  fix: 'Call Close on every ClientConn you create (defer conn.Close() for short-lived ones), or dial once and share the ClientConn.',
  example: [
    'conn, err := grpc.NewClient(target, grpc.WithTransportCredentials(creds))',
    'if err != nil {',
    '\treturn err',
    '}',
    'defer conn.Close() // or keep one conn per target and Close the old one when you replace it',
  ].join('\n'),
};

export const GRPC_SERVER_TRANSPORTS_HELD: Signature = {
  id: 'grpc-server-transports-held',
  title: 'gRPC server connections never closed by their clients',
  kind: 'both',
  goroutineFrames: [
    // Not the serveStreams or handleRawConn closures: per-stream goroutines run the service's handlers under
    // them, and a handler blocked in its own code is not a held connection.
    within(TRANSPORT, '(*http2Server).HandleStreams'),
    within(TRANSPORT, 'newHTTP2Server.func'),
    within(TRANSPORT, '(*http2Server).keepalive'),
  ],
  waitStates: ['IO wait', 'select'],
  heapFrames: [within(TRANSPORT, 'newHTTP2Server', 'NewServerTransport'), within(GRPC, '(*Server).newHTTP2Transport', '(*Server).handleRawConn')],
  generic: false,
  packages: ['google.golang.org/grpc'],
  heapOnly: false,
  strongAt: 3,
  ceiling: 0.9,
  entryPoints: [],
  userFrameVisible: false,
  whereToLook:
    "this server's clients (a client that never closes its ClientConn keeps its server-side transport open) and the server's keepalive.ServerParameters (MaxConnectionIdle, MaxConnectionAge)",
  versions:
    'gRPC-Go 1.33.3 (server.go: handleRawConn, serveStreams; internal/transport/http2_server.go: HandleStreams, keepalive, the loopy writer closure newHTTP2Server.func2), as captured in fixtures/grpc-leak; the same names in current grpc-go.',
  capturedOn: [
    { go: '1.19.8', library: 'google.golang.org/grpc v1.33.3' },
    { go: '1.26.8', library: 'google.golang.org/grpc v1.85.0' },
  ],
  caveats: [],
  explanation:
    'Each accepted connection keeps a reader (HandleStreams), a writer (loopy) and a keepalive goroutine plus the framer buffers until the client closes it or the server drops it. Growth means clients open connections and never close them, and the server has no idle or age limit to reclaim them.',
  fix: 'Close ClientConns in the clients; on the server set keepalive.ServerParameters{MaxConnectionIdle: ..., MaxConnectionAge: ...}.',
  example: [
    's := grpc.NewServer(grpc.KeepaliveParams(keepalive.ServerParameters{',
    '\tMaxConnectionIdle: 5 * time.Minute,',
    '\tMaxConnectionAge:  30 * time.Minute,',
    '}))',
  ].join('\n'),
};
