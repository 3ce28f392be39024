// A library object the service configures with callbacks: cron-scheduler-per-reload (a hold-out whose truth was
// written before this rule) makes a robfig/cron scheduler per config reload in (*Manager).Reload, adds jobs that
// are closures of Reload over the decoded config, and drops the old scheduler without Stop. The leaked
// goroutines run only cron's code; the heap they keep (the configs) is allocated under (*Manager).load, which
// Reload calls. cron running Reload's closures is what ties the two and names the function that made them.
import t from 'tap';
import { callbackOwners } from '../../src/correlate/objects.js';
import { runCapture } from '../helpers/matrix.js';

const HEAP = /^heap-\d+-.*\.pb\.gz$/;
const RELOAD = 'example.com/notifier/internal/schedule.(*Manager).Reload';

t.test("the library's goroutines and the heap under the function whose closures it runs are one leak, named there", async (t) => {
  const cases: [string, RegExp[]][] = [
    ['go1.26-trimpath', [HEAP, /^goroutine-\d+-.*\.pb\.gz$/]],
    ['go1.26-trimpath', [HEAP, /^goroutine-\d+-.*\.pb\.gz$/, /^goroutine-\d+-.*\.debug2\.txt\.gz$/]],
    ['go1.26-vendor', [HEAP, /^goroutine-\d+-.*\.pb\.gz$/]],
  ];
  for (const [variant, patterns] of cases) {
    const what = `${variant}${patterns.length > 2 ? ' with debug=2' : ''}`;
    const a = runCapture('cron-scheduler-per-reload', variant, { patterns });
    t.equal(a.diagnosis.findings.length, 1, `${what}: one finding, not the heap apart`);
    const f = a.diagnosis.findings[0];
    t.equal(f.kind, 'goroutine-and-heap', what);
    t.equal(f.signature?.id, 'goroutines-blocked-channel', what);
    t.equal(f.culprit?.strategy, 'callback-owner', what);
    t.equal(f.culprit === null ? null : a.series.frames[f.culprit.frame].function, RELOAD, `${what}: not load below it, nor the Watch loop above`);
    const linked = f.steps.find((s) => s.kind === 'heap-linked');
    t.ok(linked?.kind === 'heap-linked' && linked.reasons.includes('callback-owner'), `${what}: the heap tied through Reload`);
    t.match(a.explained.findings[0].evidence.join('\n'), /runs closures made in example\.com\/notifier\/internal\/schedule\.\(\*Manager\)\.Reload/);
  }
});

t.test("a goroutine's own start function is no callback owner (main.main's closures are everything it wires up)", async (t) => {
  const a = runCapture('cron-scheduler-per-reload', 'go1.26-trimpath', { patterns: [HEAP, /^goroutine-\d+-.*\.pb\.gz$/] });
  const owners = callbackOwners(a.series, new Set(['github.com/robfig/cron']));
  t.same([...owners], [RELOAD], "the housekeeping jobs are main.main's closures, cron runs both; only Reload counts");
  t.same([...callbackOwners(a.series, new Set(['github.com/other/lib']))], [], "another library's modules: none");
});

t.test('goroutine profiles alone tie nothing: no culprit is made up', async (t) => {
  const a = runCapture('cron-scheduler-per-reload', 'go1.26-trimpath', { patterns: [/^goroutine-\d+-.*\.pb\.gz$/] });
  t.equal(a.diagnosis.findings.length, 1);
  t.equal(a.diagnosis.findings[0].culprit, null);
});
