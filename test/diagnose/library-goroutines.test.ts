// Goroutines a library starts for something the service made, with none of the service's code on their stacks
// (sql-tx-unfinished: database/sql's (*Tx).awaitDone for every transaction never committed or rolled back),
// on the real capture: no generic pattern pinned on them, and the advice points at the service's calls.
import t from 'tap';
import type { Analysis } from '../../src/explain/index.js';
import { runCapture } from '../helpers/matrix.js';

const run = (variant: string, goroutines: RegExp): Analysis => runCapture('sql-tx-unfinished', variant, { patterns: [/^heap-\d+-.*\.pb\.gz$/, goroutines] });

t.test('a library goroutine waiting on its own context is not "blocked on a channel with no way out"', async (t) => {
  for (const variant of ['go1.26-mod', 'go1.27-trimpath']) {
    const a = run(variant, /^goroutine-\d+-.*\.pb\.gz$/);
    t.equal(a.diagnosis.verdict, 'leak', variant);
    const f = a.diagnosis.findings[0];
    t.equal(f.signature, null, `${variant}: the generic channel pattern's advice fixes nothing in database/sql`);
    t.equal(f.culprit, null, `${variant}: no frame of the service's code on the leaked goroutines`);
    t.match(a.explained.findings[0].fix, /database\/sql's own \(database\/sql\.\(\*Tx\)\.awaitDone\)/);
  }
});

t.test('with a debug=2 dump the advice names the creator', async (t) => {
  const a = run('go1.26-mod', /^goroutine-\d+-.*\.debug2\.txt\.gz$/);
  t.match(a.explained.findings[0].fix, /created by database\/sql\.\(\*DB\)\.beginDC/);
  t.match(a.explained.findings[0].fix, /close, stop, cancel or finish/);
});

t.test('one pasted dump: the library goroutines are a triage group with no generic pattern', async (t) => {
  const a = runCapture('sql-tx-unfinished', 'go1.26-mod', { patterns: [/^goroutine-10-.*\.debug2\.txt\.gz$/] });
  const groups = a.diagnosis.triage?.groups ?? [];
  const tx = groups.find((g) => a.series.frames[a.series.stacks[g.stack].frames[0]]?.function === 'database/sql.(*Tx).awaitDone');
  t.ok(tx !== undefined, 'the awaitDone group is listed');
  t.equal(tx?.signature, null, 'not "blocked on a channel with no way out"');
});

// ristretto-cache-unclosed (a hold-out, captured before this rule): a third-party library's goroutines, parked in
// its own select for a cache the service made per refresh and dropped without Close.
const ristretto = (variant: string, patterns: RegExp[]): Analysis => runCapture('ristretto-cache-unclosed', variant, { patterns });

t.test("a third-party library's goroutines blocked in its own select: the object is what was left open", async (t) => {
  const forms: [string, RegExp[]][] = [
    ['go1.26-trimpath', [/^heap-\d+-.*\.pb\.gz$/, /^goroutine-\d+-.*\.pb\.gz$/]],
    ['go1.26-trimpath', [/^heap-\d+-.*\.debug1\.txt\.gz$/, /^goroutine-\d+-.*\.debug1\.txt\.gz$/]],
    ['go1.27-cmd', [/^heap-\d+-.*\.pb\.gz$/, /^goroutine-\d+-.*\.pb\.gz$/]],
  ];
  for (const [variant, patterns] of forms) {
    const what = `${variant} ${patterns[1].source.includes('debug1') ? 'debug=1' : 'pb'}`;
    const a = ristretto(variant, patterns);
    const f = a.diagnosis.findings[0];
    t.equal(a.diagnosis.findings.length, 1, `${what}: one finding`);
    t.equal(f.signature?.id, 'goroutines-blocked-channel', `${what}: blocked on a channel`);
    t.equal(f.signature?.case, 'library-object-unclosed', `${what}: with the library object's text, not "add a ctx.Done case"`);
    t.match(a.explained.findings[0].fix, /Close \(or Stop\) each such object/);
    t.equal(
      f.culprit === null ? null : a.series.frames[f.culprit.frame].function,
      'example.com/pricing/internal/pricing.(*Service).reload',
      `${what}: the caller that makes the caches`,
    );
  }
});

t.test('the same pattern is not pinned on the standard library (database/sql) nor where the service waits', async (t) => {
  const a = run('go1.26-mod', /^goroutine-\d+-.*\.pb\.gz$/);
  t.equal(a.diagnosis.findings[0].signature, null);
  const closed = runCapture('ristretto-cache-closed', 'go1.26-trimpath', { patterns: [/^heap-\d+-.*\.pb\.gz$/, /^goroutine-\d+-.*\.pb\.gz$/] });
  t.equal(closed.diagnosis.verdict, 'no-leak', 'the control, whose caches are closed, is no leak');
});

// lumberjack-logger-per-job (a hold-out): a Logger per job, each starting a mill goroutine that nothing ends,
// made by whichever of three workers ran the job; no profile has the job's function on a stack tied to them.
t.test('a library object made by a pool of workers: the pattern, the workers named from the dumps, no culprit made up', async (t) => {
  const pb = runCapture('lumberjack-logger-per-job', 'go1.26-trimpath', { patterns: [/^heap-\d+-.*\.pb\.gz$/, /^goroutine-\d+-.*\.pb\.gz$/] });
  const f = pb.diagnosis.findings[0];
  t.equal(f.signature?.case, 'library-object-unclosed');
  t.equal(f.goroutines?.unitKey, 'goroutines of gopkg.in/natefinch/lumberjack.v2', "the module read from the escaped symbol, gopkg.in's user form");
  t.equal(f.culprit, null);
  t.same(pb.explained.findings[0].longLived, ['main.worker'], 'where a loop that makes them may run');
  const dumps = runCapture('lumberjack-logger-per-job', 'go1.26-trimpath', { patterns: [/^heap-\d+-.*\.pb\.gz$/, /^goroutine-\d+-.*\.debug2\.txt\.gz$/] });
  const step = dumps.diagnosis.findings[0].steps.find((s) => s.kind === 'no-user-frame');
  t.ok(step?.kind === 'no-user-frame' && step.startedBy !== undefined && step.startedBy.goroutines === 3, 'three worker goroutines started them');
  t.match(dumps.explained.findings[0].evidence.join('\n'), /3 goroutines running main\.worker started them, in a call main\.worker made that has returned/);
  t.equal(dumps.diagnosis.findings[0].culprit, null, "the worker's stack says what it does now, not the call it made");
});
