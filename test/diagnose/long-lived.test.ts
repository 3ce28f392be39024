// Without a culprit, the service's own goroutines that live through the window are named as where a loop
// making the leaked objects would run: only where the service makes them through a library call. Truth is
// each scenario's expected.json, written at capture time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { FIXTURES } from '../helpers/paths.js';

function run(dir: string) {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.pb.gz'))
    .map((f) => join(dir, f));
  return analyze({ files, intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
}

function truth(scenario: string): { signature: string; names: string[] } {
  const e = JSON.parse(readFileSync(join(FIXTURES, 'matrix', scenario, 'expected.json'), 'utf8')) as {
    leaks: { signature: string; culprit: string; also: string[] }[];
  };
  return { signature: e.leaks[0].signature, names: [e.leaks[0].culprit, ...e.leaks[0].also] };
}

t.test('a refresh loop on a goroutine of its own: named as a long-lived goroutine when nothing names the culprit', async (t) => {
  const want = truth('grpc-newclient-refresh');
  const a = run(join(FIXTURES, 'matrix/grpc-newclient-refresh/go1.26-cmd'));
  const f = a.diagnosis.findings.find((x) => x.signature?.id === want.signature);
  t.ok(f, 'the finding');
  t.equal(f?.culprit ?? null, null, 'no culprit (no profile sample shows the dial)');
  const step = f?.steps.find((s) => s.kind === 'no-user-frame');
  const named = step?.kind === 'no-user-frame' ? step.longLived.map((g) => a.series.frames[g.frame].rawFunction) : [];
  t.ok(
    named.some((n) => want.names.includes(n)),
    `one of ${want.names.join(', ')} among ${named.join(', ')}`,
  );
  const i = a.diagnosis.findings.indexOf(f!);
  t.same(a.explained.findings[i].longLived, named, 'explained for the report');
});

t.test('objects a library makes for others (a server transport) name no long-lived goroutine', async (t) => {
  const want = truth('grpc-server-transports');
  const a = run(join(FIXTURES, 'matrix/grpc-server-transports/go1.26-trimpath'));
  const f = a.diagnosis.findings.find((x) => x.signature?.id === want.signature);
  t.ok(f, 'the finding');
  const step = f?.steps.find((s) => s.kind === 'no-user-frame');
  t.same(step?.kind === 'no-user-frame' ? step.longLived : [], []);
});
