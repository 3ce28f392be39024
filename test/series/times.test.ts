// Times and order from evidence, on real captures renamed and re-dated the ways users' files arrive:
// text forms take the time of their round's protobuf; files without a time follow their round numbers, not
// the argument order; modification times that cannot be capture times are refused with a sentence; and a
// series of two services is refused.
import { copyFileSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import { UnsupportedError } from '../../src/errors.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { roundFromName } from '../../src/read.js';
import { assignTimes, naturalCompare, type TimeClaim } from '../../src/series/times.js';
import { scratch } from '../helpers/cli.js';
import { fixture } from '../helpers/paths.js';

const run = (files: string[], intervalSeconds: number | null = null) =>
  analyze({ files, intervalSeconds, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });

/** map-leak's nine rounds, heap protobuf and heap debug=1, copied under `heap-<n>` names without stamps. */
function rounds(dir: string, forms: readonly ('pb' | 'txt')[]): string[] {
  const src = fixture('map-leak');
  const out: string[] = [];
  for (const name of readdirSync(src).filter((n) => n.startsWith('heap-'))) {
    const n = Number(name.slice(5, 7));
    const form = name.endsWith('.pb.gz') ? 'pb' : name.endsWith('.debug1.txt') ? 'txt' : null;
    if (form === null || !forms.includes(form)) continue;
    const to = join(dir, `heap-${n}.${form === 'pb' ? 'pb.gz' : 'txt'}`);
    copyFileSync(join(src, name), to);
    out.push(to);
  }
  return out;
}

const at = (path: string, epochSeconds: number) => utimesSync(path, epochSeconds, epochSeconds);

t.test('a text form takes the time of the protobuf of its round, not its modification time', async (t) => {
  const dir = scratch(t);
  const files = rounds(dir, ['pb', 'txt']);
  // Five days after the capture, as a later copy leaves them (issue 12, 5).
  for (const f of files.filter((f) => f.endsWith('.txt'))) at(f, Date.UTC(2026, 11, 1) / 1000);
  const a = run([dir]);
  const texts = a.series.inputs.filter((i) => i.form === 'heap-text');
  t.equal(texts.length, 9);
  t.ok(
    texts.every((i) => i.timeSource === 'paired'),
    'each text is paired',
  );
  for (const x of texts) {
    const pb = a.series.inputs.find((i) => i.form === 'pprof' && i.path === x.path.replace(/\.txt$/, '.pb.gz'));
    t.equal(x.timeMs, pb?.timeMs, `${x.path} has its protobuf's time`);
    t.match(x.setAside, /the same moment as .*\.pb\.gz/, 'and is the same moment, so one form is used');
  }
  const used = a.series.inputs.filter((i) => i.setAside === null).map((i) => i.timeMs);
  t.ok(Math.max(...used) - Math.min(...used) < 120_000, "the window is the capture's 80 s, not five days");
  t.equal(a.diagnosis.verdict, 'leak');
});

t.test("modification times far outside the profiles' own window are refused, naming the file", async (t) => {
  const dir = scratch(t);
  rounds(dir, ['pb']);
  const extra = join(dir, 'notes-heap.txt');
  copyFileSync(fixture('map-leak', readdirSync(fixture('map-leak')).find((n) => n.endsWith('.debug1.txt') && n.startsWith('heap-05')) as string), extra);
  at(extra, Date.UTC(2026, 11, 1) / 1000);
  const err = (() => {
    try {
      run([dir]);
    } catch (e) {
      return e;
    }
    return null;
  })();
  t.ok(err instanceof UnsupportedError, 'a typed input error (exit 2)');
  t.equal((err as UnsupportedError).file, extra, 'naming the file');
  t.match((err as UnsupportedError).message, /modification time .* is 4\.9 days after the window/);
});

t.test('copied text files (one modification time for all) are refused; --interval spaces them by round, not by argument order', async (t) => {
  const dir = scratch(t);
  const texts = rounds(dir, ['txt']);
  for (const f of texts) at(f, 1_764_500_000);
  t.throws(() => run([dir]), /modification time is 0 ms from .*: modification times say when files were written or copied/);
  // The shell's order: heap-1, heap-10 would come second; here 1, 9, 2, 8, ... to make the point.
  const shuffled = [...texts].sort((a, b) => naturalCompare(b, a));
  const a = run(shuffled, 10);
  const byRound = a.series.inputs.map((i) => [roundFromName(i.path.split('/').pop() ?? ''), i.timeMs] as const).sort((x, y) => (x[0] ?? 0) - (y[0] ?? 0));
  t.same(
    byRound.map(([, ms]) => (ms - byRound[0][1]) / 1000),
    [0, 10, 20, 30, 40, 50, 60, 70, 80],
    'heap-N at (N-1) × 10 s whatever the order given',
  );
  t.ok(a.series.inputs.every((i) => i.timeSource === 'interval'));
  const fit = a.fits.all.find((f) => f.kind === 'heap' && f.metric === 'inuse_space' && f.scope === 'total')?.fits.get(0);
  t.ok((fit?.r2 ?? 0) > 0.9, `the whole heap rises in a straight line in round order (R² ${fit?.r2.toFixed(2)})`);
});

t.test('modification times against the round numbers are refused', async (t) => {
  const dir = scratch(t);
  const texts = rounds(dir, ['txt']).sort(naturalCompare);
  texts.forEach((f, k) => at(f, 1_764_500_000 + (texts.length - k) * 60));
  t.throws(() => run([dir]), /round numbers in their names say the opposite/);
  texts.forEach((f, k) => at(f, 1_764_500_000 + k * 60));
  t.equal(run([dir]).series.heap?.times.length, 9, 'agreeing modification times are used');
});

t.test('snapshots of two services are refused with a sentence', async (t) => {
  const pick = (s: string, round: string) => fixture(s, readdirSync(fixture(s)).find((n) => n.startsWith(`heap-${round}`) && n.endsWith('.pb.gz')) as string);
  t.throws(
    () => run([pick('map-leak', '01'), pick('worker-leak', '02'), pick('map-leak', '03')]),
    /comes from another program than .* \(main package in (sessions|worker-leak), against (worker-leak|sessions)\); a series must come from one service/,
  );
});

t.test('round numbers and the pairing rule, one case each', async (t) => {
  const cases: [string, number | null][] = [
    ['heap-07-20261126T023549Z.debug1.txt', 7],
    ['heap-10.txt', 10],
    ['goroutine.3.pb.gz', 3],
    ['goroutine-02-20261126T023559Z.debug2.txt', 2],
    ['heap.1764123631.pb.gz', null],
    ['heap-go1.26.txt', null],
    ['heap.pb.gz', null],
  ];
  for (const [name, want] of cases) t.equal(roundFromName(name), want, name);
  const claim = (path: string, over: Partial<TimeClaim>): TimeClaim => ({
    path,
    kind: 'heap',
    form: 'heap-text',
    profileMs: null,
    nameTimeMs: null,
    mtimeMs: 0,
    round: null,
    ...over,
  });
  const pb = claim('heap-1.pb.gz', { form: 'pprof', profileMs: 1000, round: 1 });
  const gpb = claim('goroutine-1.pb.gz', { kind: 'goroutine', form: 'pprof', profileMs: 1500, round: 1 });
  t.same(assignTimes([pb, gpb, claim('heap-1.txt', { round: 1 })], null)[2], { timeMs: 1000, source: 'paired', pairedWith: 'heap-1.pb.gz' }, 'same kind first');
  t.same(
    assignTimes([gpb, claim('heap-1.txt', { round: 1 })], null)[1],
    { timeMs: 1500, source: 'paired', pairedWith: 'goroutine-1.pb.gz' },
    'else any kind of the round',
  );
  t.equal(assignTimes([pb, claim('heap-2.txt', { round: 2, mtimeMs: 1200 })], null)[1].source, 'mtime', 'another round: no pairing');
  const stamped = [
    claim('heap-01-A.pb.gz', { form: 'pprof', profileMs: 5000, nameTimeMs: 4000, round: 1 }),
    claim('heap-01-A.txt', { nameTimeMs: 4000, round: 1 }),
  ];
  t.equal(assignTimes(stamped, null)[1].timeMs, 5000, "a stamped text takes the protobuf's exact time over its stamp");
  const far = [
    claim('a-1.pb.gz', { form: 'pprof', profileMs: 0, round: 1 }),
    claim('b-1.pb.gz', { form: 'pprof', profileMs: 60_000, round: 1 }),
    claim('c-1.txt', { round: 1, mtimeMs: 30_000 }),
  ];
  t.equal(assignTimes(far, null)[2].source, 'mtime', 'two protobufs of "round 1" a minute apart: the name names no moment, no pairing');
});
