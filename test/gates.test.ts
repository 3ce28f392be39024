// The CI gate as CI meets it: rates in human units, every gate in the JSON with limit, actual and result,
// exit 1 only when one breaks, a baseline that blames a run only for what it added; --redact and the job summary.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { parseRate } from '../src/units.js';
import { leakdiff, scratch } from './helpers/cli.js';
import { fixture } from './helpers/paths.js';

const pb = (scenario: string): string[] =>
  readdirSync(fixture(scenario))
    .filter((f) => f.endsWith('.pb.gz'))
    .map((f) => fixture(scenario, f));
interface Gate {
  name: string;
  limit: string;
  actual: string;
  passed: boolean;
  limitValue: number;
  actualValue: number;
  unit: string;
  measures: string;
  why: string;
}
interface Result {
  verdict: string;
  gates: Gate[];
  findings: { signature: string | null }[];
}
const json = (stdout: string): Result => JSON.parse(stdout) as Result;

t.test('rates in human units', async (t) => {
  const rows: [string, 'bytes' | 'count', number | null][] = [
    ['5MiB/h', 'bytes', (5 * 1024 * 1024) / 3600],
    ['100/h', 'count', 100 / 3600],
    ['2 GB/day', 'bytes', 2e9 / 86400],
    ['10/min', 'count', 10 / 60],
    ['1KiB/s', 'bytes', 1024],
    ['5MiB', 'bytes', null],
    ['fast/h', 'count', null],
    ['5MiB/week', 'bytes', null],
  ];
  for (const [text, unit, want] of rows) {
    const got = parseRate(text, unit);
    if (want === null) t.equal(got, null, text);
    else t.ok(got !== null && Math.abs(got - want) < 1e-9, `${text} = ${want}/s`);
  }
});

t.test('growth gates: exit 1 when broken, every gate reported with numbers and units beside its text, what it measures and why it passed', async (t) => {
  const leak = leakdiff([...pb('grpc-leak'), '--json', '-', '--max-goroutine-growth', '100/h', '--max-heap-growth', '5MiB/h', '--fail-on', 'high']);
  t.equal(leak.code, 1);
  const r = json(leak.stdout);
  const byName = Object.fromEntries(r.gates.map((g) => [g.name, g]));
  t.equal(byName['max-goroutine-growth'].passed, false);
  t.equal(byName['max-goroutine-growth'].limit, '100/h');
  t.match(byName['max-goroutine-growth'].actual, /^\d[\d,]*\/h$/);
  t.equal(byName['max-heap-growth'].passed, false);
  t.equal(byName['fail-on'].passed, false);
  const heap = byName['max-heap-growth'];
  t.same([heap.unit, heap.limitValue], ['bytes/h', 5 * 1024 * 1024], 'the limit in bytes per hour');
  t.ok(heap.actualValue > heap.limitValue, `${heap.actualValue} bytes/h`);
  t.match(heap.actual, /iB\/h$/);
  t.match(heap.measures, /whole heap in use .*not one finding/, "named for what it measures, unlike a finding's rate");
  t.same([byName['max-goroutine-growth'].unit, byName['max-goroutine-growth'].limitValue], ['goroutines/h', 100]);
  const failOn = byName['fail-on'];
  t.same([failOn.unit, failOn.limitValue, failOn.actualValue], ['findings', 0, 1]);
  t.equal(failOn.actual, '1: gRPC ClientConn never closed in main.(*clusterClient).getConn', 'each finding named once, with its culprit');
  const control = leakdiff([...pb('grpc-close'), '--json', '-', '--max-goroutine-growth', '100/h', '--max-heap-growth', '5MiB/h']);
  t.equal(control.code, 0, 'the control passes every gate');
  t.ok(json(control.stdout).gates.every((g) => g.passed));
  const cache = leakdiff([...pb('cache-warm'), '--json', '-', '--max-heap-growth', '1KiB/h']);
  t.equal(cache.code, 0, 'a warming cache that levelled off does not break a heap-growth gate');
  const plateau = json(cache.stdout).gates[0];
  t.match(
    plateau.why,
    /grew, then levelled off: the rate of the flat tail \(last \d+ of \d+ snapshots\) counts; over the whole window it was /,
    'the tail rate, and why it passed',
  );
  t.ok(plateau.actualValue <= plateau.limitValue, `tail ${plateau.actual}`);
  const bad = leakdiff([...pb('grpc-close'), '--max-heap-growth', 'fast']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--max-heap-growth takes a rate such as 5MiB\/h/);
});

t.test('--baseline: an unchanged series passes, an added leak fails', async (t) => {
  const dir = scratch(t);
  const base = join(dir, 'base.json');
  t.equal(leakdiff([...pb('grpc-leak'), '--json', base, '--out', join(dir, 'r.md')]).code, 1, 'the leak fails on its own');
  const same = leakdiff([...pb('grpc-leak'), '--baseline', base, '--json', '-']);
  t.equal(same.code, 0, 'the same leak, already in the baseline, does not fail again');
  t.equal(json(same.stdout).gates.find((g) => g.name.startsWith('fail-on'))?.passed, true);
  const clean = join(dir, 'clean.json');
  t.equal(leakdiff([...pb('grpc-close'), '--json', clean, '--out', join(dir, 'c.md')]).code, 0);
  const added = leakdiff([...pb('grpc-leak'), '--baseline', clean, '--json', '-']);
  t.equal(added.code, 1, 'a leak the baseline did not have fails');
  writeFileSync(join(dir, 'junk.json'), '{"hello": 1}');
  const junk = leakdiff([...pb('grpc-leak'), '--baseline', join(dir, 'junk.json')]);
  t.equal(junk.code, 2);
  t.match(junk.stderr, /junk\.json: read: not a leakdiff JSON result of schema version 1/);
});

t.test('--redact strips build paths and host names from everything written', async (t) => {
  const dir = scratch(t);
  const r = leakdiff([...pb('grpc-leak'), '--redact', '--out', join(dir, 'r.md'), '--json', join(dir, 'r.json')]);
  t.equal(r.code, 1);
  for (const f of ['r.md', 'r.json', 'r.svg']) {
    const text = readFileSync(join(dir, f), 'utf8');
    t.notMatch(text, /\/work\/main\//, `${f}: no absolute build path`);
    t.notOk(text.includes(hostname()), `${f}: no host name`);
  }
  t.match(readFileSync(join(dir, 'r.md'), 'utf8'), /…\/grpc-leak\/main\.go:59/, 'the file and line that matter stay');
});

t.test('GITHUB_STEP_SUMMARY gets the verdict, suspects and gates', async (t) => {
  const dir = scratch(t);
  const summary = join(dir, 'summary.md');
  writeFileSync(summary, 'earlier step\n');
  leakdiff([...pb('grpc-leak'), '--out', join(dir, 'r.md')], { GITHUB_STEP_SUMMARY: summary });
  const text = readFileSync(summary, 'utf8');
  t.match(text, /^earlier step\n/, 'appended, not replaced');
  t.match(text, /## Leak: gRPC ClientConn never closed, dialed in main\.\(\\?\*clusterClient\)\.getConn/);
  t.match(text, /\| `fail-on` \|/);
});

t.test('proof of a fix: --baseline BEFORE.json with --require-resolved', async (t) => {
  const dir = scratch(t);
  const before = join(dir, 'before.json');
  t.equal(leakdiff([fixture('grpc-leak'), '--json', before, '--out', join(dir, 'b.md')]).code, 1);
  const fixed = leakdiff([fixture('grpc-close'), '--baseline', before, '--require-resolved', '--json', '-']);
  t.equal(fixed.code, 0, 'the fixed service resolves the leak');
  const after = JSON.parse(fixed.stdout) as Result & {
    comparison: {
      resolved: { title: string; culprit: string; before: { goroutinesPerHour: number }; after: { goroutinesPerHour: number } }[];
      persisting: unknown[];
      new: unknown[];
    };
  };
  t.equal(after.comparison.resolved.length, 1);
  t.equal(after.comparison.resolved[0].culprit, 'main.(*clusterClient).getConn');
  t.ok(after.comparison.resolved[0].before.goroutinesPerHour > 10_000, 'the before slope is the leak');
  t.ok(Math.abs(after.comparison.resolved[0].after.goroutinesPerHour) < 100, 'the after slope is flat');
  t.same(after.comparison.persisting, []);
  t.equal(after.gates.find((g) => g.name === 'require-resolved')?.passed, true);
  const same = leakdiff([fixture('grpc-leak'), '--baseline', before, '--require-resolved', '--json', '-']);
  t.equal(same.code, 1, 'the same leak persists: exit 1');
  t.equal(JSON.parse(same.stdout).comparison.persisting.length, 1);
  const alone = leakdiff([fixture('grpc-close'), '--require-resolved']);
  t.equal(alone.code, 2);
  t.match(alone.stderr, /--require-resolved needs --baseline/);
});
