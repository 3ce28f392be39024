// net/http: client connections held by unclosed response bodies, client calls with no timeout, and server
// connections that are never closed.

import { type Signature, within } from './signature.js';

const HTTP = 'net/http.';
const HTTP_PACKAGES = ['net/http', 'golang.org/x/net/http2'];

/** What user code calls to make a request. */
const CLIENT_CALLS = within(
  HTTP,
  '(*Client).Do',
  '(*Client).do',
  '(*Client).Get',
  '(*Client).Post',
  '(*Client).PostForm',
  '(*Client).Head',
  'Get',
  'Post',
  'PostForm',
  'Head',
  '(*Transport).RoundTrip',
);

/**
 * What user code calls to build a request it then sends. A request allocates little (a few hundred bytes), so
 * at default sampling the service's function often shows in alloc_space only here, never above Client.Do;
 * the leaked connection keeps its request (persistConn's pending request), so it is the sender's.
 */
const REQUEST_BUILDERS = within(HTTP, 'NewRequest', 'NewRequestWithContext');

export const HTTP_RESPONSE_BODY_UNCLOSED: Signature = {
  id: 'http-response-body-unclosed',
  title: 'HTTP response body not closed',
  kind: 'both',
  goroutineFrames: [
    within(HTTP, '(*persistConn).readLoop'),
    within(HTTP, '(*persistConn).writeLoop'),
    within(HTTP, '(*http2ClientConn).readLoop', '(*http2clientConnReadLoop).run'),
    within('golang.org/x/net/http2.', '(*ClientConn).readLoop', '(*clientConnReadLoop).run'),
  ],
  waitStates: ['select', 'IO wait'],
  heapFrames: [within(HTTP, '(*Transport).dialConn', '(*Transport).dialConnFor'), within(HTTP, '(*persistConn).roundTrip')],
  generic: false,
  packages: HTTP_PACKAGES,
  heapOnly: false,
  strongAt: 3,
  ceiling: 1,
  entryPoints: [CLIENT_CALLS, REQUEST_BUILDERS],
  userFrameVisible: false,
  whereToLook:
    'callers of http.Client.Do / http.Get / http.Post whose resp.Body is not closed on every path (error statuses and early returns included), and code that builds a new http.Client or http.Transport per request',
  versions:
    "Go 1.19 net/http/transport.go: dialConn starts `go pconn.readLoop()` and `go pconn.writeLoop()` and allocates the connection's bufio reader and writer; dialConn itself runs in the dialConnFor goroutine started by queueForDial, so no user frame is on these stacks (checked with a Go 1.19 program: readLoop and writeLoop parked in select, buffers under dialConn ← dialConnFor). HTTP/2 connections run (*http2ClientConn).readLoop → (*http2clientConnReadLoop).run (net/http/h2_bundle.go), or the golang.org/x/net/http2 equivalents when that package is used directly. Unchanged in current Go.",
  capturedOn: [
    { go: '1.19.8', library: null },
    { go: '1.26.8', library: null },
    { go: '1.27.3', library: null },
  ],
  caveats: [],
  explanation:
    'An HTTP/1 connection goes back to the pool only when its response body has been read to EOF or closed. Until then its readLoop and writeLoop goroutines and its 4 KiB read and write buffers stay alive, and the next request opens a new connection. A forgotten resp.Body.Close leaks one connection per request. The same goroutines also pile up when a new Transport (or a Client with its own Transport) is created per request, since its idle connections are never reused or closed.',
  fix: 'defer resp.Body.Close() right after the error check of every request, and share one http.Client (and Transport) across requests.',
  example: [
    'resp, err := client.Do(req)',
    'if err != nil {',
    '\treturn err',
    '}',
    'defer resp.Body.Close()',
    'if resp.StatusCode != http.StatusOK {',
    '\treturn fmt.Errorf("status %s", resp.Status) // the body is still closed by the defer',
    '}',
  ].join('\n'),
  cases: [
    {
      // readLoop between responses: `pc.br.Peek(1)` on the connection (IO wait), where a body not yet read
      // or closed keeps it in a select on the body's EOF instead (http-body-unclosed in the matrix; every
      // readLoop of http-transport-per-request, go1.26 and go1.27, is in Peek).
      id: 'idle-connections',
      in: 'goroutine',
      on: within(HTTP, '(*persistConn).readLoop'),
      with: within('bufio.', '(*Reader).Peek'),
      title: 'HTTP connections left idle in Transports never reused',
      explanation:
        'Every leaking connection is idle: its readLoop waits for the next response on a connection whose last body was read and closed. A Transport keeps idle connections for reuse, a few per host, until IdleConnTimeout (none by default for a Transport literal) or CloseIdleConnections. A new http.Transport, or an http.Client with its own Transport, made per request keeps one more idle connection, with its readLoop and writeLoop goroutines and buffers, in a Transport nothing will use again.',
      fix: 'Create one http.Client (and its Transport) once and share it across requests; where a Transport must be short-lived, call its CloseIdleConnections when done with it.',
      example: [
        'var client = &http.Client{Timeout: 10 * time.Second} // once, shared; its Transport pools connections',
        '',
        'func fetch(ctx context.Context, url string) ([]byte, error) {',
        '\treq, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)',
        '\tif err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\tresp, err := client.Do(req)',
        '\tif err != nil {',
        '\t\treturn nil, err',
        '\t}',
        '\tdefer resp.Body.Close()',
        '\treturn io.ReadAll(resp.Body)',
        '}',
      ].join('\n'),
      whereToLook:
        'code that builds an http.Transport, or an http.Client with its own Transport, per request or per call, and never closes its idle connections',
    },
  ],
};

export const HTTP_CLIENT_NO_TIMEOUT: Signature = {
  id: 'http-client-no-timeout',
  title: 'HTTP client calls waiting forever (no timeout)',
  kind: 'goroutine',
  goroutineFrames: [
    within(HTTP, '(*persistConn).roundTrip'),
    within(HTTP, '(*Transport).roundTrip', '(*Transport).getConn'),
    within(HTTP, '(*http2ClientConn).RoundTrip'),
    within('golang.org/x/net/http2.', '(*ClientConn).RoundTrip'),
  ],
  waitStates: ['select'],
  heapFrames: [],
  generic: false,
  packages: HTTP_PACKAGES,
  heapOnly: false,
  strongAt: 3,
  ceiling: 0.9,
  entryPoints: [CLIENT_CALLS],
  userFrameVisible: true,
  versions:
    'Go 1.19 net/http/transport.go: a request waits in (*persistConn).roundTrip (select on the response, the request context and the connection) or in (*Transport).getConn for a connection; checked with a Go 1.19 program whose server never answers. The zero http.Client (and http.DefaultClient) has no Timeout.',
  capturedOn: [
    { go: '1.19.8', library: null },
    { go: '1.26.8', library: null },
    { go: '1.27.3', library: null },
  ],
  caveats: [],
  explanation:
    'http.Client waits for a response as long as its Timeout and the request context allow, and the zero value allows forever. When a server or a proxy stops answering, every call blocks in roundTrip and the goroutines that made them pile up.',
  fix: 'Set http.Client.Timeout, or build requests with http.NewRequestWithContext and a context that has a deadline.',
  example: [
    'client := &http.Client{Timeout: 10 * time.Second}',
    'ctx, cancel := context.WithTimeout(ctx, 5*time.Second)',
    'defer cancel()',
    'req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)',
  ].join('\n'),
};

export const HTTP_SERVER_CONNS_HELD: Signature = {
  id: 'http-server-conns-held',
  title: 'HTTP server connections held open',
  kind: 'both',
  // Not (*conn).serve itself: every handler runs under it, and a handler blocked in its own code is the
  // handler's problem (a channel or lock), not the connection's.
  goroutineFrames: [
    within(HTTP, '(*conn).readRequest', 'readRequest'),
    // Current Go waits for the next request of an idle keep-alive connection in (*conn).serve's own
    // c.bufr.Peek(4), which reads the client connection through (*connReader).Read (no readRequest frame).
    within(HTTP, '(*connReader).Read'),
    within(HTTP, '(*connReader).backgroundRead'),
    within(HTTP, 'checkConnErrorWriter.Write', '(*chunkWriter).Write', '(*response).finishRequest'),
  ],
  waitStates: ['IO wait'],
  heapFrames: [within(HTTP, '(*Server).newConn', 'newBufioReader', 'newBufioWriterSize'), within(HTTP, '(*conn).readRequest', 'readRequest')],
  generic: false,
  packages: HTTP_PACKAGES,
  heapOnly: false,
  strongAt: 3,
  ceiling: 0.9,
  entryPoints: [],
  // Serve's accept loop starts `go c.serve(ctx)` per connection and runs as long as the server does; the
  // function running it builds or holds the http.Server whose timeouts are the fix (unlike gRPC, whose
  // keepalive options go to grpc.NewServer, usually called elsewhere than Serve: no spawner there).
  spawners: [
    within(
      HTTP,
      '(*Server).Serve',
      '(*Server).ServeTLS',
      '(*Server).ListenAndServe',
      '(*Server).ListenAndServeTLS',
      'Serve',
      'ServeTLS',
      'ListenAndServe',
      'ListenAndServeTLS',
    ),
  ],
  peerOutside: true,
  userFrameVisible: false,
  whereToLook:
    'the http.Server configuration (ReadHeaderTimeout, ReadTimeout, IdleTimeout, WriteTimeout) and handlers that do not return when r.Context() is done: each connection goroutine is started by Server.Serve, so no frame of yours starts it',
  versions:
    "Go 1.19 net/http/server.go: Serve starts `go c.serve(ctx)` per connection; an idle keep-alive connection waits in (*conn).readRequest → readRequest reading the next request, and while a handler runs a (*connReader).backgroundRead goroutine watches the connection (both checked with a Go 1.19 program); a handler writing to a slow client blocks under (*chunkWriter).Write → checkConnErrorWriter.Write. Buffers come from newBufioReader and newBufioWriterSize. Go 1.26 and 1.27 (checked on captured servers): an idle keep-alive connection waits in (*conn).serve → bufio.(*Reader).Peek → (*connReader).Read, with no readRequest frame; the accept loop (*Server).Serve stays on the stack of the goroutine that called it, under the service's function that runs the server.",
  capturedOn: [
    { go: '1.19.8', library: null },
    { go: '1.26.8', library: null },
    { go: '1.27.3', library: null },
  ],
  caveats: [],
  explanation:
    "Every open connection keeps a goroutine and its read and write buffers. With no ReadHeaderTimeout or IdleTimeout a server keeps idle keep-alive connections, slow clients and half-open connections forever; a backgroundRead goroutine per connection means handlers are still running on them. Either way the count grows with every client that doesn't close its side.",
  fix: 'Set ReadHeaderTimeout and IdleTimeout (and ReadTimeout/WriteTimeout where requests are bounded) on http.Server, and make handlers return when r.Context() is done.',
  example: [
    'srv := &http.Server{',
    '\tAddr:              addr,',
    '\tHandler:           mux,',
    '\tReadHeaderTimeout: 10 * time.Second,',
    '\tIdleTimeout:       2 * time.Minute,',
    '}',
  ].join('\n'),
};
