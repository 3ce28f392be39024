// A goroutine leak's heap that no single call site shows (src/correlate.ts faintTies), on real captures: each
// leaked HTTP connection keeps a few KiB over several allocation sites (its bufio reader and writer under
// dialConn, the server end's reader under (*conn).serve), one or two samples each at Go's default rate.
import t from 'tap';
import type { Analysis } from '../../src/explain/index.js';
import { stackFunctions } from '../../src/diagnose/index.js';
import { runCapture } from '../helpers/matrix.js';

const run = (scenario: string, variant: string): Analysis => runCapture(scenario, variant);

const KiB = 1024;

t.test('sites of a few samples each, tied by structure and growing together, are the leak unit’s heap', async (t) => {
  // http-transport-per-request go1.27-trimpath: goroutines 83 -> 404, heap 0.5 -> 5.8 MB in use, no site over
  // two samples of growth but the Transport's own configureHTTP2 under the service's Fetch.
  const a = run('http-transport-per-request', 'go1.27-trimpath');
  const f = a.diagnosis.findings[0];
  t.equal(f.kind, 'goroutine-and-heap');
  const stacks = (f.heap?.stacks ?? []).map((id) => stackFunctions(a.series, id));
  t.ok(
    stacks.some((s) => s.includes('net/http.(*Transport).dialConn')),
    'the connection buffers dialConn allocated',
  );
  t.ok(
    stacks.some((s) => s.includes('net/http.(*conn).serve')),
    'the in-process server end of the same connections',
  );
  const perObject = f.unit?.bytesPerObject ?? 0;
  t.ok(perObject > 8 * KiB && perObject < 64 * KiB, `a few bufio buffers per connection: ${Math.round(perObject / KiB)} KiB`);
  const linked = f.steps.find((s) => s.kind === 'heap-linked');
  t.ok(linked !== undefined && linked.kind === 'heap-linked' && linked.reasons.length > 0, 'every tie has a structural reason');
});
