// The other end of a loopback connection as the only goroutines of a leak: a client library that keeps no
// goroutine per connection (go-redis v9) leaks connections to an in-process server (miniredis), whose two
// goroutines per connection are all that grows; the client's side is heap only, dialled in the client's code.
// On the real capture (redis-client-per-request, a hold-out whose truth was written before this rule).
import t from 'tap';
import { runCapture } from '../helpers/matrix.js';

const HEAP_AND_GOROUTINES = [/^heap-\d+-.*\.pb\.gz$/, /^goroutine-\d+-.*\.pb\.gz$/];

t.test("the server's per-connection goroutines and the client's dialled buffers are one leak, named at the service's call", async (t) => {
  for (const variant of ['go1.26-trimpath', 'go1.27-cmd', 'go1.26-mod']) {
    const a = runCapture('redis-client-per-request', variant, { patterns: HEAP_AND_GOROUTINES });
    t.equal(a.diagnosis.findings.length, 1, `${variant}: one finding, not the heap apart`);
    const f = a.diagnosis.findings[0];
    t.equal(f.signature?.id, 'goroutines-blocked-io', variant);
    t.equal(f.culprit?.strategy, 'library-caller', variant);
    t.equal(f.culprit === null ? null : a.series.frames[f.culprit.frame].function, 'example.com/sessions/internal/sessions.(*Store).Lookup', variant);
    t.same(
      [f.unit?.serverOnly, f.unit?.goroutinesPerObject, f.unit?.peerGoroutinesPerObject],
      [true, 0, 2],
      `${variant}: no goroutine of the client's, two on the server per connection`,
    );
    const linked = f.steps.find((s) => s.kind === 'heap-linked');
    t.ok(linked?.kind === 'heap-linked' && linked.reasons.includes('other-end'), `${variant}: the client's heap tied as the other end`);
    t.match(a.explained.findings[0].evidence.join('\n'), /in-process server's end of connections github\.com\/redis's client opened/);
  }
});

t.test('a client whose goroutines are in the unit keeps its own reading (nats: client and server both have goroutines)', async (t) => {
  const a = runCapture('nats-conn-unclosed', 'go1.26-trimpath', { patterns: HEAP_AND_GOROUTINES });
  const f = a.diagnosis.findings[0];
  t.equal(f.unit?.serverOnly, false);
  t.equal(f.unit?.goroutinesPerObject, 3);
});

t.test('without heap profiles nothing ties the server goroutines to a client: no culprit is made up', async (t) => {
  const a = runCapture('redis-client-per-request', 'go1.26-trimpath', { patterns: [/^goroutine-\d+-.*\.pb\.gz$/] });
  const f = a.diagnosis.findings[0];
  t.equal(f.signature?.id, 'goroutines-blocked-io');
  t.equal(f.culprit, null);
  t.equal(f.unit?.serverOnly, false);
});

t.test('heap profiles only (as with a remote Redis: no server goroutines here): no caller is named from the heap alone', async (t) => {
  // Following the service's calls into the library whose kept heap grows named main.main on k8s-informer's heap
  // profiles (a fake clientset holding what the informers made per request): so heap alone names none.
  for (const variant of ['go1.26-trimpath', 'go1.26-mod']) {
    const a = runCapture('redis-client-per-request', variant, { patterns: [/^heap-\d+-.*\.pb\.gz$/] });
    t.equal(a.diagnosis.verdict, 'leak', variant);
    t.equal(a.diagnosis.findings[0].kind, 'heap-growth', variant);
    t.equal(a.diagnosis.findings[0].culprit, null, variant);
  }
  const k8s = runCapture('k8s-informer', 'go1.27-trimpath', { patterns: [/^heap-\d+-.*\.pb\.gz$/] });
  t.notOk(
    k8s.diagnosis.findings.some((f) => f.culprit !== null && k8s.series.frames[f.culprit.frame].function === 'main.main'),
    'not the long-lived caller that holds them',
  );
});

t.test("one dump: an in-process server's per-connection goroutines are not read as a library object left open", async (t) => {
  const a = runCapture('redis-client-per-request', 'go1.26-trimpath', { patterns: [/^goroutine-10-.*\.debug2\.txt\.gz$/] });
  const groups = a.diagnosis.triage?.groups ?? [];
  const peer = groups.find(
    (g) => a.series.frames[a.series.stacks[g.stack].frames[0]]?.function === 'github.com/alicebob/miniredis/v2/server.(*Server).servePeer',
  );
  t.ok(peer !== undefined, "miniredis's servePeer group is listed");
  t.equal(peer?.signatureCase, null, 'a server waiting for its client holds no object the service made');
});

// websocket-client-unclosed (a hold-out whose truth was written before this rule): the service serves websockets
// on its own net/http server and, in another package, dials that endpoint over loopback per push without Close.
// What grows is the server's handler goroutines reading each connection (the service's own frames); the client
// keeps no goroutine, only the connection gorilla's DialContext made under push.
t.test("the service's own server handlers reading connections its own client dialled are the other end, named at the client", async (t) => {
  const a = runCapture('websocket-client-unclosed', 'go1.26-trimpath', { patterns: HEAP_AND_GOROUTINES });
  t.equal(a.diagnosis.findings.length, 1, 'one finding');
  const f = a.diagnosis.findings[0];
  t.equal(
    f.culprit === null ? null : a.series.frames[f.culprit.frame].function,
    'example.com/feeds/internal/relay.(*Relay).push',
    'not serveWS, the other end',
  );
  t.equal(f.culprit?.strategy, 'heap-frame', "the client's connection is allocated under push");
  t.equal(f.unit?.serverOnly, true);
  const linked = f.steps.find((s) => s.kind === 'heap-linked');
  t.ok(linked?.kind === 'heap-linked' && linked.reasons.includes('other-end'), "gorilla's dial tied as the client end, not as the handler's library frames");
});

// The same leak where nothing under push is sampled in use (go1.27-cmd: one flat sample; go1.26-vendor: none):
// alloc_space still shows gorilla's Dial under push, growing over the window, and the handlers read their
// connections through gorilla too. push is named as the leading candidate, not as a certainty, and the
// server-timeouts pattern (http-server-conns-held, for clients outside the process) is not pinned on them.
t.test("with nothing of the client sampled in use, the caller of the same library's dial that grew in alloc_space is the candidate", async (t) => {
  for (const variant of ['go1.27-cmd', 'go1.26-vendor']) {
    const a = runCapture('websocket-client-unclosed', variant, { patterns: HEAP_AND_GOROUTINES });
    t.equal(a.diagnosis.findings.length, 1, `${variant}: one finding`);
    const f = a.diagnosis.findings[0];
    t.equal(f.signature?.id, 'goroutines-blocked-io', `${variant}: not http-server-conns-held`);
    t.equal(f.culprit?.strategy, 'client-dial', variant);
    t.equal(f.culprit === null ? null : a.series.frames[f.culprit.frame].function, 'example.com/feeds/internal/relay.(*Relay).push', `${variant}: not serveWS`);
    t.equal(f.culprit?.entry == null ? null : a.series.frames[f.culprit.entry].function, 'github.com/gorilla/websocket.(*Dialer).Dial', variant);
    t.equal(f.candidates.length, 1, variant);
    t.equal(a.explained.findings[0].culpritIsCandidate, true, `${variant}: said to be a candidate`);
    t.equal(f.unit?.serverOnly, true, variant);
  }
});

t.test('server handlers whose clients are another process keep the server as the culprit (http-server-conns-held)', async (t) => {
  const a = runCapture('http-server-conns-held', 'go1.26-mod', { patterns: HEAP_AND_GOROUTINES });
  const f = a.diagnosis.findings[0];
  t.equal(f.unit?.serverOnly ?? false, false);
  t.equal(f.culprit === null ? null : a.series.frames[f.culprit.frame].function, 'example.com/gateway/internal/api.(*Server).Run');
});
