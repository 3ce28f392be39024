// Version-aware patterns: each signature says the releases it was captured on (kept equal to the fixture
// matrix's captures), and a finding carries the caveats the Go range of its frames allows.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import { versionSteps, goMinorOf } from '../../src/diagnose/versions.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import type { GoVersionRange } from '../../src/normalize/go-version.js';
import { SIGNATURES, signatureById } from '../../src/patterns/index.js';
import { TIME_TICKER_UNSTOPPED } from '../../src/patterns/stdlib.js';
import { loadMatrix } from '../eval/matrix.js';
import { FIXTURES } from '../helpers/paths.js';

const range = (min: number | null, max: number | null, conflict = false): GoVersionRange => ({ min, max, conflict, clues: [] });
const caveats = (r: GoVersionRange) =>
  versionSteps(r, TIME_TICKER_UNSTOPPED).map((s) => (s.kind === 'go-version' ? `${s.caveat}:${s.certain ? 'certain' : 'possible'}` : s.kind));

t.test('a caveat applies for certain inside its range, possibly when the range overlaps, not at all outside', async (t) => {
  t.same(caveats(range(23, null)), ['timers-collectable:certain']);
  t.same(caveats(range(24, 26)), ['timers-collectable:certain']);
  t.same(caveats(range(null, 22)), ['timers-pinned:certain']);
  t.same(caveats(range(19, 19)), ['timers-pinned:certain']);
  t.same(caveats(range(null, null)), ['timers-pinned:possible', 'timers-collectable:possible'], 'frames that do not date the release');
  t.same(caveats(range(21, null)), ['timers-pinned:possible', 'timers-collectable:possible']);
  t.same(caveats(range(23, 19, true)), [], 'snapshots of mixed releases: no caveat is claimed');
  t.same(versionSteps(range(19, 19), null), [], 'no pattern, no caveat');
});

t.test('a release beyond every one the pattern was checked on is said', async (t) => {
  t.same(caveats(range(28, null)), ['timers-collectable:certain', 'not-checked-on:certain']);
  t.same(caveats(range(null, 17)), ['timers-pinned:certain', 'not-checked-on:certain']);
  t.same(caveats(range(21, 22)), ['timers-pinned:certain'], 'between two checked releases is not beyond them');
  t.equal(goMinorOf('1.26.8'), 26);
  t.equal(goMinorOf('go1.19'), 19);
  t.equal(goMinorOf('devel'), null);
});

t.test('on a real Go 1.19 capture, the unstopped Ticker carries the pre-1.23 caveat', async (t) => {
  const dir = join(FIXTURES, 'matrix/ticker-unstopped/go1.19-gopath');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.pb.gz'))
    .map((f) => join(dir, f));
  t.ok(files.length > 0);
  const a = analyze({ files, intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
  const f = a.diagnosis.findings.find((x) => x.signature?.id === 'time-ticker-unstopped');
  t.ok(f !== undefined, 'the ticker finding');
  t.same(
    f?.steps.filter((s) => s.kind === 'go-version'),
    [{ kind: 'go-version', signature: 'time-ticker-unstopped', caveat: 'timers-pinned', certain: true, min: 19, max: 19 }],
  );
});

/** `v1.33.3` from `1.33.3-2` (Debian), `v1.33.3 (Debian ...)` or `v1.85.0`. */
function version(v: string): string {
  const m = /\d+\.\d+\.\d+/.exec(v);
  return m === null ? v : `v${m[0]}`;
}

t.test("every signature's capturedOn is what the fixture matrix captured it on", async (t) => {
  const seen = new Map<string, Set<string>>();
  for (const v of loadMatrix(join(FIXTURES, 'matrix'), FIXTURES)) {
    const capture = JSON.parse(readFileSync(join(v.dir, 'capture.json'), 'utf8')) as { go: string; modules?: { path: string; version: string }[] };
    const go = /go(1\.\d+(\.\d+)?)/.exec(capture.go)?.[1] ?? capture.go;
    for (const leak of v.expected.leaks) {
      if (leak.signature === null) continue;
      const sig = signatureById(leak.signature);
      if (sig === undefined) {
        t.fail(`${v.scenario}: ${leak.signature} is no signature`);
        continue;
      }
      const mod = sig.packages.flatMap((p) => (capture.modules ?? []).filter((m) => p === m.path || p.startsWith(`${m.path}/`)))[0];
      const key = JSON.stringify({ go, library: mod === undefined ? null : `${mod.path} ${version(mod.version)}` });
      seen.set(sig.id, (seen.get(sig.id) ?? new Set()).add(key));
    }
  }
  for (const sig of SIGNATURES) {
    const stated = sig.capturedOn.map((c) => JSON.stringify({ go: c.go, library: c.library })).sort();
    t.same(stated, [...(seen.get(sig.id) ?? [])].sort(), `${sig.id}: capturedOn`);
  }
});
