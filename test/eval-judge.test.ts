// The evaluation's judge: what counts as right, independent of any diagnosis rule.

import t from 'tap';
import { baseFunction, judge, type Got } from './eval/judge.js';
import { FORMS, type Expected } from './eval/matrix.js';

const full = FORMS.find((f) => f.name === 'pb')!;
const cut3 = FORMS.find((f) => f.name === 'pb cut 3')!;
const cut2 = FORMS.find((f) => f.name === 'pb cut 2')!;

const leak: Expected = {
  verdict: 'leak',
  leaks: [
    {
      kind: 'goroutine-and-heap',
      signature: 'grpc-clientconn-unclosed',
      culprit: 'example.com/orders/internal/upstream.(*Pool).conn',
      also: ['example.com/orders/internal/upstream.(*Pool).Get'],
      fromProfiles: 'culprit',
    },
  ],
  bounded: [],
};
const two: Expected = {
  verdict: 'leak',
  leaks: [
    { kind: 'heap-growth', signature: null, culprit: 'main.(*index).add', also: [], fromProfiles: 'culprit' },
    { kind: 'goroutine-leak', signature: 'http-response-body-unclosed', culprit: 'main.fetch', also: [], fromProfiles: 'culprit' },
  ],
  bounded: [],
};
const control: Expected = { verdict: 'no-leak', leaks: [], bounded: [] };
const f = (culprit: string | null, signature: string | null, confidence = 'high') => ({ culprit, signature, confidence, kind: 'goroutine-and-heap' });
const got = (verdict: string, ...findings: ReturnType<typeof f>[]): Got => ({ verdict, findings });

t.test('closure suffixes carry no identity', async (t) => {
  t.equal(baseFunction('main.(*indexer).submit.func1'), 'main.(*indexer).submit');
  t.equal(baseFunction('main.run.func2.3'), 'main.run');
  t.equal(baseFunction('main.serve.gowrap1'), 'main.serve');
  t.equal(baseFunction('main.functional'), 'main.functional');
});

t.test('a leak is right only with its culprit and pattern, and nothing else serious', async (t) => {
  t.ok(judge(leak, full, got('leak', f('example.com/orders/internal/upstream.(*Pool).conn', 'grpc-clientconn-unclosed'))).ok);
  t.ok(judge(leak, full, got('leak', f('example.com/orders/internal/upstream.(*Pool).Get', 'grpc-clientconn-unclosed'))).ok, 'an accepted alternative');
  t.match(judge(leak, full, got('leak', f('google.golang.org/grpc.(*addrConn).resetTransport', 'grpc-clientconn-unclosed'))).why, /culprit .* not found/);
  t.match(
    judge(leak, full, got('leak', f('example.com/orders/internal/upstream.(*Pool).conn', null))).why,
    /signature none, expected grpc-clientconn-unclosed/,
  );
  t.match(
    judge(
      leak,
      full,
      got(
        'leak',
        f('example.com/orders/internal/upstream.(*Pool).conn', 'grpc-clientconn-unclosed'),
        f('google.golang.org/grpc.(*Server).Serve', null, 'medium'),
      ),
    ).why,
    /1 extra finding/,
  );
  t.ok(
    judge(leak, full, got('leak', f('example.com/orders/internal/upstream.(*Pool).conn', 'grpc-clientconn-unclosed'), f('x.y', null, 'low'))).ok,
    'a low-confidence extra is not a claim',
  );
  t.match(judge(leak, full, got('no-leak')).why, /a leak called no-leak/);
  t.match(judge(leak, full, { error: 'heap-1.pb.gz: truncated' }).why, /^error: /);
});

t.test('two leaks need two findings', async (t) => {
  t.ok(judge(two, full, got('leak', f('main.(*index).add', null), f('main.fetch', 'http-response-body-unclosed'))).ok);
  const merged = judge(two, full, got('leak', f('main.(*index).add', 'http-response-body-unclosed')));
  t.notOk(merged.ok);
  t.match(merged.why, /culprit main.fetch not found/);
});

t.test('controls, and few snapshots', async (t) => {
  t.ok(judge(control, full, got('no-leak')).ok);
  t.same(judge(control, full, got('inconclusive')), { ok: false, falseAlarm: false, why: 'control not cleared: inconclusive' });
  t.ok(judge(control, cut3, got('inconclusive')).ok, 'three snapshots of a control may be inconclusive');
  t.ok(judge(control, cut3, got('leak', f('main.x', null))).falseAlarm);
  t.ok(judge(leak, cut2, got('inconclusive')).ok, 'two snapshots of a leak: anything but no-leak');
  t.notOk(judge(leak, cut2, got('no-leak')).ok);
  t.notOk(judge(leak, cut3, got('inconclusive')).ok, 'three snapshots of a leak must find it');
});

t.test('a culprit no input file names cannot be asked for: the right answer names none', async (t) => {
  const absent = (name: string): boolean => !name.includes('upstream.(*Pool)');
  t.ok(judge(leak, full, got('leak', f(null, 'grpc-clientconn-unclosed')), absent).ok);
  t.match(
    judge(leak, full, got('leak', f('main.(*api).health', 'grpc-clientconn-unclosed')), absent).why,
    /with no culprit not found \(example.com\/orders\/internal\/upstream.\(\*Pool\).conn is in no input file\)/,
  );
  t.notOk(judge(leak, full, got('leak', f(null, null)), absent).ok, 'the pattern is still asked for');
  t.notOk(judge(leak, full, got('leak', f(null, 'grpc-clientconn-unclosed'))).ok, 'when the input names it, it must be found');
});

t.test('where the truth says the profiles cannot single the culprit out, no culprit is right, another is not', async (t) => {
  const pooled: Expected = {
    verdict: 'leak',
    leaks: [
      {
        kind: 'goroutine-and-heap',
        signature: 'sql-rows-unclosed',
        culprit: 'example.com/reports/internal/store.(*Store).FirstOverdue',
        also: [],
        fromProfiles: 'candidates',
      },
    ],
    bounded: [],
  };
  t.ok(judge(pooled, full, got('leak', f(null, 'sql-rows-unclosed'))).ok, 'the pattern, with candidates and no culprit');
  t.ok(judge(pooled, full, got('leak', f('example.com/reports/internal/store.(*Store).FirstOverdue', 'sql-rows-unclosed'))).ok, 'the culprit itself');
  t.match(
    judge(pooled, full, got('leak', f('example.com/reports/internal/store.(*Store).Balances', 'sql-rows-unclosed'))).why,
    /or sql-rows-unclosed with no culprit, not found/,
    'the busiest caller named is wrong',
  );
  t.notOk(judge(pooled, full, got('leak', f(null, 'goroutines-blocked-channel'))).ok, 'no culprit, but the wrong pattern');
});
