// The diagnosis on real captured series (fixtures/README.md says what each must give), from protobuf only,
// from the text forms only, and from everything mixed: the verdict, kind, pattern and culprit must hold in each.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../src/commands/analyze.js';
import type { Analysis } from '../src/explain/index.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { toJson } from '../src/render/json.js';
import { FIXTURES } from './helpers/paths.js';

const FORMS = {
  protobuf: (f: string) => f.endsWith('.pb.gz'),
  text: (f: string) => f.includes('.debug1.txt') || f.includes('.debug2.txt'),
  mixed: (f: string) => (f.startsWith('heap') ? f.endsWith('.debug1.txt') : f.endsWith('.pb.gz')) || f.includes('.debug2.'),
} as const;

function run(scenario: string, pick: (f: string) => boolean): Analysis {
  const dir = join(FIXTURES, scenario);
  const files = readdirSync(dir)
    .filter(pick)
    .map((f) => join(dir, f));
  return analyze({ files, intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
}

interface JsonFinding {
  kind: string;
  signature: string | null;
  culprit: string | null;
  confidence: string;
}
const json = (a: Analysis) => toJson(a, { limitBytes: null }) as { verdict: string; findings: JsonFinding[]; bounded: { site: string }[] };

for (const [form, pick] of Object.entries(FORMS)) {
  t.test(`grpc-leak (${form}): a gRPC ClientConn leak, dialed in getConn`, async (t) => {
    const r = json(run('grpc-leak', pick));
    t.equal(r.verdict, 'leak');
    t.equal(r.findings[0].kind, 'goroutine-and-heap');
    t.equal(r.findings[0].signature, 'grpc-clientconn-unclosed');
    t.equal(r.findings[0].culprit, 'main.(*clusterClient).getConn');
    t.equal(r.findings[0].confidence, 'high');
    t.equal(r.findings.length, 1, 'one finding per leak, not one per frame');
  });
  t.test(`grpc-close (${form}): the control with Close has no leak`, async (t) => {
    const r = json(run('grpc-close', pick));
    t.equal(r.verdict, 'no-leak');
    t.same(r.findings, []);
  });
  t.test(`map-leak (${form}): heap growth in the map's owner`, async (t) => {
    const r = json(run('map-leak', pick));
    t.equal(r.verdict, 'leak');
    t.equal(r.findings[0].kind, 'heap-growth');
    t.equal(r.findings[0].culprit, 'example.com/sessions/store.(*Store).Remember');
  });
  t.test(`cache-warm (${form}): a warming cache is bounded, not a leak`, async (t) => {
    const r = json(run('cache-warm', pick));
    t.equal(r.verdict, 'no-leak');
    t.same(r.findings, []);
    t.ok(
      r.bounded.some((b) => b.site === 'main.loadProduct'),
      'listed under bounded',
    );
  });
}

t.test('two snapshots give a difference, never a trend', async (t) => {
  const dir = join(FIXTURES, 'grpc-leak');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.pb.gz') && /-0[12]-/.test(f))
    .map((f) => join(dir, f));
  const a = analyze({ files, intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
  const r = json(a);
  t.not(r.verdict, 'leak', 'two points cannot show a leak');
  for (const f of r.findings) t.equal(f.confidence, 'low');
});

t.test('one snapshot gives triage, labelled as such', async (t) => {
  const dir = join(FIXTURES, 'grpc-leak');
  const last = readdirSync(dir)
    .filter((f) => f.startsWith('goroutine-09') && f.endsWith('.pb.gz'))
    .map((f) => join(dir, f));
  const a = analyze({ files: last, intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
  t.equal(a.diagnosis.verdict, 'suspect', 'the ClientConn groups in lockstep conclude from one snapshot');
  t.ok((a.diagnosis.triage?.groups.length ?? 0) > 0, 'the big groups are listed');
  t.ok(
    a.diagnosis.triage?.groups.some((g) => g.signature === 'grpc-clientconn-unclosed'),
    'and matched to the known pattern',
  );
  t.match(a.explained.verdictSentence, /one snapshot/);
});
