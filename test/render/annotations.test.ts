// CI annotations (GITHUB_ACTIONS=true) and the job summary as a workflow shows them: each finding at the
// culprit's file and line in the checkout, or without a location when the file is not there; broken gates
// and an inconclusive window said too; stdout untouched, so `--json -` stays JSON.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { leakdiff, scratch } from '../helpers/cli.js';
import { ROOT, fixture } from '../helpers/paths.js';

const pb = (scenario: string): string[] =>
  readdirSync(fixture(scenario))
    .filter((f) => f.endsWith('.pb.gz'))
    .map((f) => fixture(scenario, f));

t.test('an inconclusive window: said in the job summary, and --fail-on-inconclusive demands a verdict', async (t) => {
  const dir = scratch(t);
  const summary = join(dir, 'summary.md');
  const two = pb('grpc-close').slice(0, 2);
  const r = leakdiff([...two, '--out', join(dir, 'r.md'), '--json', '-'], { GITHUB_STEP_SUMMARY: summary });
  t.equal(JSON.parse(r.stdout).verdict, 'inconclusive');
  t.equal(r.code, 0, 'inconclusive passes by default');
  t.match(r.stderr, /leakdiff: inconclusive: .*; exit 0 \(--fail-on-inconclusive demands a verdict\)/);
  t.match(readFileSync(summary, 'utf8'), /\*\*Inconclusive:\*\* .*add --fail-on-inconclusive to demand a verdict/);
  const demand = leakdiff([...two, '--out', join(dir, 'r2.md'), '--json', '-', '--fail-on-inconclusive'], { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir });
  t.equal(demand.code, 1);
  t.equal((JSON.parse(demand.stdout) as { gates: { name: string; passed: boolean }[] }).gates.find((g) => g.name === 'fail-on-inconclusive')?.passed, false);
  t.match(demand.stderr, /^::error title=leakdiff%3A inconclusive::/m, 'an annotation says the job failed for want of a verdict');
});

t.test("GITHUB_ACTIONS=true: workflow annotations at the culprit's file and line", async (t) => {
  const dir = scratch(t);
  // The checkout: the fixture's Go source at the path a repository would hold it.
  const r = leakdiff([...pb('grpc-leak'), '--out', join(dir, 'r.md'), '--json', '-', '-q', '--max-heap-growth', '1MiB/h'], {
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: ROOT,
  });
  t.equal(r.code, 1);
  JSON.parse(r.stdout);
  t.pass('stdout stays JSON');
  const lines = r.stderr.trim().split('\n');
  t.match(
    lines[0],
    /^::error file=fixtures\/gen\/grpc-leak\/main\.go,line=59,title=leakdiff%3A gRPC ClientConn never closed::gRPC ClientConn never closed in main\.\(\*clusterClient\)\.getConn: goroutines \+[\d,]+\/min, heap in use \+[\d.]+ MiB\/min, high confidence\. Call Close/,
  );
  t.match(lines[1], /^::error title=leakdiff gate max-heap-growth::max-heap-growth: .* against a limit of 1MiB\/h/);
  const elsewhere = leakdiff([...pb('grpc-leak'), '--out', join(dir, 'r2.md'), '-q'], { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir });
  t.match(
    elsewhere.stderr,
    /^::error title=leakdiff%3A gRPC ClientConn never closed::.*\(\/work\/main\/fixtures\/gen\/grpc-leak\/main\.go:59, not found in this checkout\)/,
    'no file that is not in the checkout',
  );
  const off = leakdiff([...pb('grpc-leak'), '--out', join(dir, 'r3.md'), '-q']);
  t.equal(off.stderr, '', 'outside GitHub Actions: none');
});
