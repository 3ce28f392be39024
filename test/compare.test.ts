// The baseline comparison (src/compare.ts): an earlier run's JSON findings against this run's, on the real gRPC
// series before and after its fix (fixtures/grpc-leak, fixtures/grpc-close: the same service, the ClientConn
// closed). A finding is the same across runs when its pattern (or kind) and culprit (or title) are; a
// baseline file is validated field by field, each wrong field one sentence naming it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test as Tap } from 'tap';
import { analyze } from '../src/commands/analyze.js';
import { compare, identity, readBaseline, type BaselineFinding } from '../src/compare.js';
import { FileError } from '../src/errors.js';
import type { Analysis } from '../src/explain/index.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { toJson } from '../src/render/json.js';
import { perHour } from '../src/units.js';
import { scratch } from './helpers/cli.js';
import { fixture } from './helpers/paths.js';

const run = (name: string): Analysis =>
  analyze({
    files: [fixture(name)],
    intervalSeconds: null,
    modules: [],
    granularity: 'functions',
    limits: DEFAULT_LIMITS,
  });
const leak = run('grpc-leak');
const fixed = run('grpc-close');

/** The findings as `--json` writes them, read back as a baseline is. */
function baselineOf(t: Tap, a: Analysis): BaselineFinding[] {
  const dir = scratch(t);
  const path = join(dir, 'before.json');
  writeFileSync(path, JSON.stringify(toJson(a, { limitBytes: null })));
  return readBaseline(path, DEFAULT_LIMITS);
}

t.test('identity: the pattern and the culprit; without them, the kind and the title', async (t) => {
  t.equal(identity({ signature: 'grpc-clientconn-unclosed', kind: 'goroutine-leak', culprit: 'main.dial', title: 'x' }), 'grpc-clientconn-unclosed|main.dial');
  t.equal(identity({ signature: null, kind: 'heap-growth', culprit: null, title: 'Heap growth' }), 'heap-growth|Heap growth');
  t.equal(identity({ signature: null, kind: 'heap-growth', culprit: null }), 'heap-growth|', 'neither culprit nor title');
});

t.test('the same series against its own JSON: every finding persists, none resolved, none new', async (t) => {
  const before = baselineOf(t, leak);
  t.ok(before.length > 0, 'the gRPC leak has findings');
  const c = compare(leak, before);
  t.equal(c.persisting.length, before.length);
  t.same([c.resolved.length, c.new.length], [0, 0]);
  const first = leak.diagnosis.findings[0];
  t.equal(c.persisting[0].after.goroutinesPerHour, first.goroutines === null ? null : perHour(first.goroutines.fit.robustSlope), "after: this run's rate");
  t.equal(c.persisting[0].before?.goroutinesPerHour, before[0].goroutines?.perHour ?? null, "before: the baseline's rate");
});

t.test('the fix against the leak: the leak is resolved, and "after" is the whole profile\'s rate now', async (t) => {
  const before = baselineOf(t, leak);
  const c = compare(fixed, before);
  t.equal(c.resolved.length, before.length, 'every finding of the leaking run is gone');
  t.same([c.persisting.length, c.new.length], [0, fixed.diagnosis.findings.length]);
  const after = c.resolved[0].after;
  t.ok(
    after.goroutinesPerHour !== null && Math.abs(after.goroutinesPerHour) < (before[0].goroutines?.perHour ?? 0) / 10,
    `goroutines now ${after.goroutinesPerHour}/h, a tenth of the leak's at most`,
  );
  t.equal(c.resolved[0].culprit, before[0].culprit, "the resolved finding keeps the baseline's culprit");
});

t.test('the leak against an empty baseline: every finding is new, with no "before"', async (t) => {
  const c = compare(leak, []);
  t.equal(c.new.length, leak.diagnosis.findings.length);
  t.ok(c.new.every((x) => x.before === null));
});

t.test('readBaseline: each wrong field is named, with what it is instead', async (t) => {
  const dir = scratch(t);
  const cases: readonly (readonly [what: string, text: string, message: RegExp])[] = [
    ['not JSON', '{', /not a leakdiff JSON result \(/],
    ['an array at the top', '[]', /the top level is an array, not an object/],
    ['another schema', '{"schemaVersion":2,"findings":[]}', /schemaVersion is number "2", not 1/],
    ['no findings', '{"schemaVersion":1}', /findings is missing, not an array/],
    ['a finding that is null', '{"schemaVersion":1,"findings":[null]}', /findings\[0\] is null, not an object/],
    ['no kind', '{"schemaVersion":1,"findings":[{"culprit":"main.f"}]}', /findings\[0\]\.kind is missing, not a string \(/],
    ['a numeric culprit', '{"schemaVersion":1,"findings":[{"kind":"heap-growth","culprit":7}]}', /findings\[0\]\.culprit is number "7", not a string or null/],
    [
      'a rate without perHour',
      '{"schemaVersion":1,"findings":[{"kind":"heap-growth","heap":{"first":1}}]}',
      /findings\[0\]\.heap must be null or an object with a numeric perHour, not an object/,
    ],
  ];
  for (const [what, text, message] of cases) {
    const path = join(dir, 'b.json');
    writeFileSync(path, text);
    t.throws(() => readBaseline(path, DEFAULT_LIMITS), FileError, what);
    try {
      readBaseline(path, DEFAULT_LIMITS);
    } catch (err) {
      t.match((err as Error).message, message, what);
    }
  }
  writeFileSync(join(dir, 'ok.json'), '{"schemaVersion":1,"findings":[{"kind":"heap-growth","heap":null}]}');
  t.same(
    readBaseline(join(dir, 'ok.json'), DEFAULT_LIMITS),
    [{ kind: 'heap-growth', heap: null, signature: null, culprit: null }],
    'absent signature and culprit read as null',
  );
});
