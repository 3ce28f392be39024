// leakdiff collect against a real HTTP server on loopback that serves the grpc-leak captures in sequence and
// misbehaves on demand: every fault is reported in one line naming the URL, nothing bad reaches the disk,
// good snapshots are byte-identical to what was served, and an interrupted run keeps only whole files.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { collectOptions, runCollect, systemClock, targetUrl, type Clock, type CollectArgs, type CollectIo, type CollectOptions } from '../src/collect/index.js';
import { decode } from '../src/decode/index.js';
import { UsageError } from '../src/errors.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { timeFromName } from '../src/read.js';
import { fixture } from './helpers/paths.js';
import { PprofServer, type Fault } from './helpers/pprof-server.js';

const HEAP = '/debug/pprof/heap';
const GOROUTINE = '/debug/pprof/goroutine';
const DEBUG2 = '/debug/pprof/goroutine?debug=2';
const LEAK = '/debug/pprof/goroutineleak';

const fixtures = (re: RegExp): Buffer[] =>
  readdirSync(fixture('grpc-leak'))
    .filter((f) => re.test(f))
    .sort()
    .map((f) => readFileSync(fixture('grpc-leak', f)));
const BODIES = new Map<string, Buffer[]>([
  [HEAP, fixtures(/^heap-\d+-\d{8}T\d{6}Z\.pb\.gz$/)],
  [GOROUTINE, fixtures(/^goroutine-\d+-\d{8}T\d{6}Z\.pb\.gz$/)],
  [DEBUG2, fixtures(/^goroutine-\d+-\d{8}T\d{6}Z\.debug2\.txt$/)],
]);

interface Captured {
  readonly io: CollectIo;
  stderr(): string;
  stdout(): string;
}
function capture(stderrIsTTY = false): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s), stderrIsTTY }, stderr: () => err.join(''), stdout: () => out.join('') };
}

const freshDir = (): string => join(mkdtempSync(join(tmpdir(), 'leakdiff-collect-')), 'out');

/** Validated options as the CLI would build them, then shortened so a series takes a fraction of a second. */
function fast(server: PprofServer, args: Partial<CollectArgs> = {}, over: Partial<CollectOptions> = {}): CollectOptions {
  return { ...collectOptions({ url: server.url, count: '1', out: freshDir(), ...args }), everyMs: 200, timeoutMs: 300, backoffMs: 20, ...over };
}

/** Whole, valid, never a temporary file; each route's files equal what the server served, in order. */
function checkSaved(t: Test, dir: string, server: PprofServer): void {
  const names = existsSync(dir) ? readdirSync(dir).sort() : [];
  t.same(
    names.filter((n) => n.endsWith('.tmp')),
    [],
    'no temporary files left',
  );
  const byRoute = new Map<string, Buffer[]>();
  for (const n of names) {
    const route = n.endsWith('.debug2.txt') ? DEBUG2 : `/debug/pprof/${n.split('-')[0]}`;
    const bytes = readFileSync(join(dir, n));
    // debug=2 dumps are checked below against the real captures served; protobufs must also decode.
    if (n.endsWith('.pb.gz')) t.doesNotThrow(() => decode(n, bytes, DEFAULT_LIMITS), `${n} is a real profile`);
    byRoute.set(route, [...(byRoute.get(route) ?? []), bytes]);
  }
  for (const [route, saved] of byRoute) {
    const served = server.served.get(route) ?? [];
    t.equal(saved.length, served.length, `${route}: every profile served was saved once`);
    saved.forEach((b, i) => t.ok(b.equals(served[i]), `${route} #${i + 1} byte-identical to what was served`));
  }
}

const oneLineEach = (stderr: string): boolean => stderr.split('\n').every((l) => !/\s+at /.test(l));

t.test('a series: names carry kind, sequence and time; bytes as served; headers, gc and debug2 asked', async (t) => {
  const server = await PprofServer.start(BODIES);
  t.teardown(() => server.close());
  const c = capture();
  const opts = fast(server, { count: '3', debug2: true, gc: true, header: ['Authorization: Bearer s3cret'] });
  const before = Date.now();
  const r = await runCollect(opts, c.io, new AbortController().signal);
  const after = Date.now();
  t.equal(r.exitCode, 0, c.stderr());
  t.equal(r.dir, opts.out);
  t.equal(r.files.length, 9);
  for (const f of r.files) {
    const name = f.slice(r.dir.length + 1);
    t.match(name, /^(heap|goroutine)-0[1-3]-\d{8}T\d{6}Z\.(pb\.gz|debug2\.txt)$/);
    const time = timeFromName(name) ?? 0;
    t.ok(time >= Math.floor(before / 1000) * 1000 && time <= after, `${name}: capture time read back from the name`);
  }
  t.same(
    r.files.map((f) => /(heap|goroutine)-(\d+)-.*?(\.debug2)?\./.exec(f)?.slice(1, 4).join('')),
    ['heap01', 'goroutine01', 'goroutine01.debug2', 'heap02', 'goroutine02', 'goroutine02.debug2', 'heap03', 'goroutine03', 'goroutine03.debug2'],
  );
  checkSaved(t, r.dir, server);
  const heapAsk = server.seen.find((s) => s.route === HEAP);
  t.equal(heapAsk?.query.get('gc'), '1', '--gc asks for a GC before heap snapshots');
  t.equal(server.seen.find((s) => s.route === GOROUTINE)?.query.get('gc'), null, 'no GC for goroutine profiles');
  t.ok(
    server.seen.every((s) => s.headers.authorization === 'Bearer s3cret'),
    '--header sent on every request',
  );
  t.match(c.stderr(), /warning: --debug2: .*stops the world.*grows with the number of goroutines/);
  t.notMatch(c.stderr(), /\r/, 'no progress line outside a terminal');
  t.notMatch(c.stderr(), /s3cret/, 'header values never printed');
  t.match(c.stderr(), /saved 9 files, 3 of 3 rounds complete/);
  t.equal(c.stdout(), '', 'stdout left for the report');
});

interface FaultCase {
  readonly name: string;
  readonly faults: readonly Fault[];
  readonly message: RegExp;
  /** Requests the heap route should see (tries). */
  readonly requests: number;
  readonly saved: boolean;
}

const gateway = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>';
const FAULTS: readonly FaultCase[] = [
  {
    name: '500, then success on retry',
    faults: [{ kind: 'status', status: 500, body: 'internal error: boom\n' }],
    message: /heap: collect: HTTP 500 Internal Server Error: "internal error: boom"; retrying in 20 ms \(try 2 of 3\)/,
    requests: 2,
    saved: true,
  },
  {
    name: '500 on every try',
    faults: Array(3).fill({ kind: 'status', status: 500, body: 'boom' }),
    message: /heap: collect: HTTP 500 Internal Server Error: "boom"; heap snapshot 1 of 1 not saved after 3 tries/,
    requests: 3,
    saved: false,
  },
  {
    name: 'a proxy error page',
    faults: Array(3).fill({ kind: 'status', status: 502, body: gateway, type: 'text/html' }),
    message: /heap: collect: HTTP 502 Bad Gateway: "502 Bad Gateway"; .*not saved after 3 tries/,
    requests: 3,
    saved: false,
  },
  {
    name: 'a login page with status 200',
    faults: [{ kind: 'login' }],
    message: /heap: collect: decode: an HTML page, not a profile titled "Sign in".*; heap snapshot 1 of 1 not saved$/m,
    requests: 1,
    saved: false,
  },
  {
    name: 'a redirect to a login page',
    faults: [{ kind: 'status', status: 302, body: '', location: '/login?next=/debug/pprof/heap' }],
    message: /heap: collect: HTTP 302 Found, redirected to "\/login\?next=\/debug\/pprof\/heap" \(a login page\? pass credentials with --header\)/,
    requests: 1,
    saved: false,
  },
  {
    name: 'a 404',
    faults: [{ kind: 'status', status: 404, body: '404 page not found\n' }],
    message: /heap: collect: HTTP 404 Not Found \(is --path-prefix right, and net\/http\/pprof imported\?\): "404 page not found"/,
    requests: 1,
    saved: false,
  },
  {
    name: 'a slow answer',
    faults: [{ kind: 'slow', ms: 1500 }],
    message: /heap: collect: no complete answer within 0\.3 s \(--timeout\); retrying/,
    requests: 2,
    saved: true,
  },
  {
    name: 'a body shorter than its Content-Length',
    faults: [{ kind: 'short-body' }],
    message: /heap: collect: the answer was cut short after \d+ bytes of the \d+ bytes its Content-Length announced/,
    requests: 2,
    saved: true,
  },
  { name: 'a cut gzip stream', faults: [{ kind: 'cut-gzip' }], message: /heap: collect: inflate: the gzip stream is truncated/, requests: 2, saved: true },
  {
    name: 'a reset connection',
    faults: [{ kind: 'reset' }],
    message: /heap: collect: the connection was reset before an answer came; retrying/,
    requests: 2,
    saved: true,
  },
];

t.test('every fault: the right one-line message naming the URL, and no bad file on disk', async (t) => {
  for (const f of FAULTS) {
    await t.test(f.name, async (t) => {
      const server = await PprofServer.start(BODIES);
      t.teardown(() => server.close());
      const c = capture();
      const before = server.requests(HEAP);
      server.inject(HEAP, ...f.faults);
      const opts = fast(server, { kinds: 'heap' });
      const r = await runCollect(opts, c.io, new AbortController().signal);
      const url = `${server.url}${HEAP}`;
      t.match(c.stderr(), f.message);
      t.ok(
        c
          .stderr()
          .split('\n')
          .filter((l) => /collect: /.test(l) && !/rounds? (complete|completed)/.test(l))
          .every((l) => l.startsWith(`leakdiff: ${url}: collect: `)),
        'each failure names the URL first',
      );
      t.ok(oneLineEach(c.stderr()), 'no stack traces');
      t.equal(server.requests(HEAP) - before, f.requests, 'tries');
      t.equal(r.exitCode, f.saved ? 0 : 2);
      t.equal(r.files.length, f.saved ? 1 : 0);
      t.equal(existsSync(r.dir), f.saved, f.saved ? 'saved' : 'nothing written, not even the directory');
      if (!f.saved) t.match(c.stderr(), /none of the 1 rounds completed; nothing saved/);
      checkSaved(t, r.dir, server);
    });
  }
});

t.test('a failed round is reported and skipped; the series goes on', async (t) => {
  const server = await PprofServer.start(BODIES);
  t.teardown(() => server.close());
  server.onRequest = (route, n) => {
    if (route === HEAP && n === 2) server.inject(HEAP, { kind: 'login' });
  };
  const c = capture();
  const r = await runCollect(fast(server, { count: '3' }), c.io, new AbortController().signal);
  t.equal(r.exitCode, 0, c.stderr());
  t.same(
    r.files.map((f) => /(heap|goroutine)-(\d+)/.exec(f)?.[0]),
    ['heap-01', 'goroutine-01', 'goroutine-02', 'heap-03', 'goroutine-03'],
  );
  t.match(c.stderr(), /heap snapshot 2 of 3 not saved/);
  t.match(c.stderr(), /saved 5 files, 2 of 3 rounds complete/);
  checkSaved(t, r.dir, server);
});

t.test('goroutineleak: a 404 is a warning, asked once, not a failure', async (t) => {
  const server = await PprofServer.start(BODIES);
  t.teardown(() => server.close());
  const c = capture();
  const r = await runCollect(fast(server, { count: '2', kinds: 'heap,goroutineleak' }), c.io, new AbortController().signal);
  t.equal(r.exitCode, 0, c.stderr());
  t.equal(r.files.length, 2);
  t.equal(server.requests(LEAK), 1);
  t.match(c.stderr(), new RegExp(`warning: ${server.url}${LEAK}: the service offers no goroutineleak profile \\(HTTP 404`));
  checkSaved(t, r.dir, server);
});

t.test('a wrong profile at the URL is refused', async (t) => {
  const server = await PprofServer.start(new Map([[HEAP, BODIES.get(GOROUTINE) as Buffer[]]]));
  t.teardown(() => server.close());
  const c = capture();
  const r = await runCollect(fast(server, { kinds: 'heap' }), c.io, new AbortController().signal);
  t.equal(r.exitCode, 2);
  t.match(c.stderr(), /heap: collect: expected a heap profile, got a goroutine profile/);
});

t.test('interrupted mid-request: complete files kept, no temporary file, prompt return', async (t) => {
  const server = await PprofServer.start(BODIES);
  t.teardown(() => server.close());
  const ac = new AbortController();
  server.onRequest = (route, n) => {
    if (route !== GOROUTINE || n !== 2) return;
    server.inject(GOROUTINE, { kind: 'slow', ms: 5000 });
    setTimeout(() => ac.abort(), 50);
  };
  const c = capture();
  const start = Date.now();
  const r = await runCollect(fast(server, { count: '10' }, { timeoutMs: 10_000 }), c.io, ac.signal);
  t.ok(Date.now() - start < 2000, 'stops at once, without waiting for the answer');
  t.equal(r.exitCode, 0);
  t.same(
    r.files.map((f) => /(heap|goroutine)-(\d+)/.exec(f)?.[0]),
    ['heap-01', 'goroutine-01', 'heap-02'],
  );
  t.match(c.stderr(), /interrupted; saved 3 files, 1 of 10 rounds complete/);
  t.notMatch(c.stderr(), /goroutine: collect:/, 'an interrupt is not reported as a failure of the service');
  checkSaved(t, r.dir, server);
});

t.test('interrupted while waiting for the next round; before any round: exit 2, nothing written', async (t) => {
  const server = await PprofServer.start(BODIES);
  t.teardown(() => server.close());
  const ac = new AbortController();
  const c = capture();
  // Ctrl-C as soon as the run starts waiting for round 2: the wait ends at once.
  const clock: Clock = { now: systemClock.now, sleep: (ms, signal) => (ac.abort(), systemClock.sleep(ms, signal)) };
  const start = Date.now();
  const r = await runCollect(fast(server, { count: '5' }, { everyMs: 60_000 }), c.io, ac.signal, clock);
  t.ok(Date.now() - start < 2000, 'no waiting out the interval');
  t.equal(r.exitCode, 0);
  t.equal(r.files.length, 2);
  checkSaved(t, r.dir, server);
  const early = new AbortController();
  early.abort();
  const c2 = capture();
  const r2 = await runCollect(fast(server, { count: '5' }), c2.io, early.signal);
  t.equal(r2.exitCode, 2);
  t.equal(existsSync(r2.dir), false);
  t.match(c2.stderr(), /interrupted before a round completed; nothing saved/);
});

t.test('a terminal gets a progress line: snapshot n of N, next in ...', async (t) => {
  const server = await PprofServer.start(BODIES);
  t.teardown(() => server.close());
  const c = capture(true);
  // A virtual clock: the 30 s wait passes in no time, one status refresh per second.
  let elapsed = 0;
  const clock: Clock = { now: () => 1_790_000_000_000 + elapsed, sleep: async (ms) => void (elapsed += ms) };
  const r = await runCollect(fast(server, { count: '2' }, { everyMs: 30_000 }), c.io, new AbortController().signal, clock);
  t.equal(r.exitCode, 0);
  t.match(c.stderr(), /\r\x1b\[Ksnapshot 1 of 2: fetching heap/);
  t.match(c.stderr(), /\r\x1b\[Ksnapshot 1 of 2 taken; next in 30 s\r\x1b\[Ksnapshot 1 of 2 taken; next in 29 s/);
  t.equal(c.stderr().match(/next in/g)?.length, 30, 'refreshed once a second, bounded');
  t.same(
    r.files.map((f) => /-\d{8}T\d{6}Z/.exec(f)?.[0]),
    ['-20260921T141320Z', '-20260921T141320Z', '-20260921T141350Z', '-20260921T141350Z'],
    "names carry the clock's time",
  );
  t.match(c.stderr(), /\r\x1b\[Kleakdiff: saved 4 files/, 'the status line is cleared before a whole line');
});

t.test('the service unreachable: each try reported, exit 2, nothing written', async (t) => {
  const server = await PprofServer.start(BODIES);
  const url = server.url;
  const opts = fast(server, { kinds: 'heap' });
  await server.close();
  const c = capture();
  const r = await runCollect(opts, c.io, new AbortController().signal);
  t.equal(r.exitCode, 2);
  t.match(c.stderr(), new RegExp(`leakdiff: ${url}${HEAP}: collect: connection refused .*; retrying in 20 ms \\(try 2 of 3\\)`));
  t.match(c.stderr(), /not saved after 3 tries/);
  t.equal(existsSync(r.dir), false);
});

t.test('URLs: prefix, a URL that already names it, credentials kept out of messages', async (t) => {
  const o = (url: string, prefix?: string): CollectOptions => collectOptions({ url, ...(prefix === undefined ? {} : { 'path-prefix': prefix }), gc: true });
  t.equal(targetUrl(o('http://h:6060'), { kind: 'heap', debug2: false }).href, 'http://h:6060/debug/pprof/heap?gc=1');
  t.equal(targetUrl(o('http://h:6060/debug/pprof/'), { kind: 'goroutine', debug2: true }).href, 'http://h:6060/debug/pprof/goroutine?debug=2');
  t.equal(targetUrl(o('https://h/svc?token=x', 'admin/pprof/'), { kind: 'goroutine', debug2: false }).href, 'https://h/svc/admin/pprof/goroutine?token=x');
  t.equal(targetUrl(o('http://h', ''), { kind: 'allocs', debug2: false }).href, 'http://h/allocs?gc=1');
  const opts = collectOptions({ url: 'http://127.0.0.1:6060' });
  t.match(opts, {
    everyMs: 30_000,
    count: 10,
    timeoutMs: 20_000,
    kinds: ['heap', 'goroutine'],
    pathPrefix: '/debug/pprof',
    out: null,
    tries: 3,
    debug2: false,
    gc: false,
    insecure: false,
  });
  t.equal(collectOptions({ url: 'http://h', duration: '5m', every: '30s' }).count, 11, '--duration: one at the start and one per interval');
  t.same(collectOptions({ url: 'http://h', kinds: ['heap,allocs', 'heap'] }).kinds, ['heap', 'allocs']);
  t.same(collectOptions({ url: 'http://h', header: ['X-A:  b c '] }).headers, [['X-A', 'b c']]);
});

t.test('the service offers credentials in the URL: sent, but never printed', async (t) => {
  const server = await PprofServer.start(BODIES);
  t.teardown(() => server.close());
  server.inject(HEAP, { kind: 'login' });
  const c = capture();
  const withCreds = new URL(server.url);
  withCreds.username = 'ops';
  withCreds.password = 'hunter2';
  await runCollect({ ...fast(server, { kinds: 'heap' }), url: withCreds }, c.io, new AbortController().signal);
  t.equal(server.seen[0].headers.authorization, `Basic ${Buffer.from('ops:hunter2').toString('base64')}`);
  t.notMatch(c.stderr(), /hunter2/);
  t.match(c.stderr(), new RegExp(`leakdiff: ${server.url}${HEAP}: collect: decode: an HTML page`));
});

t.test('https: the certificate is verified unless --insecure is given', async (t) => {
  const server = await PprofServer.start(BODIES, true);
  t.teardown(() => server.close());
  const c = capture();
  const r = await runCollect(fast(server, { kinds: 'heap' }), c.io, new AbortController().signal);
  t.equal(r.exitCode, 2);
  t.match(
    c.stderr(),
    new RegExp(
      `leakdiff: ${server.url}${HEAP}: collect: the TLS certificate is not trusted \\(DEPTH_ZERO_SELF_SIGNED_CERT\\); pass --insecure to skip verification deliberately; heap snapshot 1 of 1 not saved\n`,
    ),
  );
  t.equal(server.requests(HEAP), 0, 'nothing asked of an unverified server');
  const c2 = capture();
  const r2 = await runCollect(fast(server, { kinds: 'heap', insecure: true }), c2.io, new AbortController().signal);
  t.equal(r2.exitCode, 0, c2.stderr());
  checkSaved(t, r2.dir, server);
});

t.test('--out naming a file: exit 2 before any request', async (t) => {
  const server = await PprofServer.start(BODIES);
  t.teardown(() => server.close());
  const file = join(mkdtempSync(join(tmpdir(), 'leakdiff-collect-')), 'taken');
  writeFileSync(file, 'not a directory');
  const c = capture();
  const r = await runCollect(fast(server, {}, { out: file }), c.io, new AbortController().signal);
  t.equal(r.exitCode, 2);
  t.equal(server.seen.length, 0);
  t.match(c.stderr(), /taken: write: exists and is not a directory; give --dir a directory; stopped, nothing saved\n$/);
});

const BAD_ARGS: readonly (readonly [string, CollectArgs, RegExp])[] = [
  ['every under a second', { url: 'http://h', every: '500ms' }, /--every must be a duration of at least 1s/],
  ['every not a duration', { url: 'http://h', every: 'often' }, /--every takes a duration such as 30s or 5m, not "often"/],
  ['count zero', { url: 'http://h', count: '0' }, /--count must be a whole number of at least 1, not "0"/],
  ['count not a number', { url: 'http://h', count: 'ten' }, /--count must be a whole number of at least 1, not "ten"/],
  ['count and duration', { url: 'http://h', count: '3', duration: '5m' }, /give --count or --duration, not both/],
  ['duration under every', { url: 'http://h', duration: '10s', every: '30s' }, /--duration \(10s\) must be at least --every \(30s\)/],
  ['not a URL', { url: '127.0.0.1:6060' }, /the URL must be/],
  ['an ftp URL', { url: 'ftp://h/' }, /the URL must be http:\/\/ or https:\/\/, not ftp:\/\//],
  ['no URL at all', { url: 'localhost' }, /the URL must be an http:\/\/ or https:\/\/ address/],
  ['an unknown kind', { url: 'http://h', kinds: 'heap,cpu' }, /--kinds takes heap, goroutine, goroutineleak, allocs, not "cpu"/],
  ['a header without a colon', { url: 'http://h', header: ['Authorization Bearer'] }, /--header takes 'Name: value'/],
  ['--insecure on http', { url: 'http://h', insecure: true }, /--insecure only applies to https:\/\/ URLs/],
  ['a zero timeout', { url: 'http://h', timeout: '0s' }, /--timeout must be longer than zero/],
];

t.test('bad options are explained in a sentence', async (t) => {
  for (const [name, args, message] of BAD_ARGS) {
    t.throws(() => collectOptions(args), UsageError, name);
    try {
      collectOptions(args);
    } catch (err) {
      t.match((err as Error).message, message, name);
    }
  }
});
