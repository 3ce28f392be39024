// Goroutines a library starts for something the service made, with none of the service's code on their stacks
// (sql-tx-unfinished: database/sql's (*Tx).awaitDone for every transaction never committed or rolled back),
// on the real capture: no generic pattern pinned on them, and the advice points at the service's calls.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import type { Analysis } from '../../src/explain/index.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { fixture } from '../helpers/paths.js';

function run(variant: string, goroutines: RegExp): Analysis {
  const dir = fixture('matrix', 'sql-tx-unfinished', variant);
  const files = readdirSync(dir).filter((f) => /^heap-\d+-.*\.pb\.gz$/.test(f) || goroutines.test(f));
  return analyze({ files: files.map((f) => join(dir, f)), intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
}

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
  const dir = fixture('matrix', 'sql-tx-unfinished', 'go1.26-mod');
  const dump = readdirSync(dir).filter((f) => /^goroutine-10-.*\.debug2\.txt\.gz$/.test(f));
  const a = analyze({ files: dump.map((f) => join(dir, f)), intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
  const groups = a.diagnosis.triage?.groups ?? [];
  const tx = groups.find((g) => a.series.frames[a.series.stacks[g.stack].frames[0]]?.function === 'database/sql.(*Tx).awaitDone');
  t.ok(tx !== undefined, 'the awaitDone group is listed');
  t.equal(tx?.signature, null, 'not "blocked on a channel with no way out"');
});
