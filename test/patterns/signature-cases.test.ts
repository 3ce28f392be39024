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
