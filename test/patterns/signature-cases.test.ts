// A signature's cases on real captures (fixtures/matrix): the same leaked object, two causes the stacks tell
// apart. An HTTP connection held by a response body nobody closed waits in readLoop's select on the body;
// one left idle in a Transport made per request (every body read and closed) waits in bufio.(*Reader).Peek.
import t from 'tap';
import type { Analysis } from '../../src/explain/index.js';
import { culpritName } from '../../src/diagnose/index.js';
import { runCapture } from '../helpers/matrix.js';

const run = (scenario: string, variant: string): Analysis => runCapture(scenario, variant);

t.test('connections left idle in a Transport per request: the idle case, its own title and fix', async (t) => {
  for (const variant of ['go1.26-mod', 'go1.27-trimpath']) {
    const a = run('http-transport-per-request', variant);
    const f = a.diagnosis.findings[0];
    t.equal(f.signature?.id, 'http-response-body-unclosed', `${variant}: the same leaked object`);
    t.equal(f.signature?.case, 'idle-connections', variant);
    t.equal(culpritName(a.series, f), 'example.com/rates/internal/quotes.(*Client).Fetch');
    const e = a.explained.findings[0];
    t.match(e.title, /idle in Transports/);
    t.notMatch(e.fix, /Body\.Close/, 'no body-closing fix for a service that closes every body');
  }
});

t.test('connections held by unclosed bodies keep the general text', async (t) => {
  for (const [scenario, variant] of [
    ['http-body-unclosed', 'go1.19-gopath'],
    ['http-body-unclosed-slow', 'go1.26-trimpath'],
  ]) {
    const a = run(scenario, variant);
    const f = a.diagnosis.findings[0];
    t.equal(f.signature?.id, 'http-response-body-unclosed', scenario);
    t.equal(f.signature?.case, undefined, `${scenario}: readLoop waits on the body`);
    t.match(a.explained.findings[0].fix, /resp\.Body\.Close/);
  }
});

t.test('a metric vector fed a value per request: the unbounded collection is client_golang’s, named by its case', async (t) => {
  // metrics-label-cardinality: a request id as a label value; every growing stack goes through
  // (*metricMap).getOrCreateMetricWithLabelValues under the service's (*Metrics).Observe (trimpath and vendor builds).
  for (const variant of ['go1.26-trimpath', 'go1.27-vendor']) {
    const a = run('metrics-label-cardinality', variant);
    const f = a.diagnosis.findings[0];
    t.equal(f.signature?.id, 'unbounded-collection-growth', variant);
    t.equal(f.signature?.case, 'metric-label-cardinality', variant);
    t.equal(culpritName(a.series, f), 'example.com/checkout/internal/telemetry.(*Metrics).Observe', `${variant}: the service's caller, not client_golang`);
    t.match(a.explained.findings[0].fix, /DeleteLabelValues/);
  }
});

t.test('a collection of the service’s own keeps the general text', async (t) => {
  const a = run('unbounded-map', 'go1.26-mod');
  const f = a.diagnosis.findings[0];
  t.equal(f.signature?.id, 'unbounded-collection-growth');
  t.equal(f.signature?.case, undefined);
});
