// Every protobuf fixture decodes to the totals the real `go tool pprof` printed for it (fixtures/*/golden,
// written by fixtures/gen/capture.sh from `go tool pprof -top`), and to its capture time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { runInspect } from '../../src/commands/inspect.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { FIXTURES } from '../helpers/paths.js';

const SCENARIOS = ['grpc-leak', 'grpc-close', 'map-leak', 'cache-warm'];

for (const scenario of SCENARIOS) {
  t.test(`${scenario}: inspect totals equal go tool pprof's`, async (t) => {
    const dir = join(FIXTURES, scenario);
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.pb.gz'))
      .sort();
    t.ok(files.length >= 16, 'heap and goroutine series are there');
    const { rows } = runInspect({ files: files.map((f) => join(dir, f)), json: true, limits: DEFAULT_LIMITS });
    rows.forEach((row, i) => {
      const golden = JSON.parse(readFileSync(join(dir, 'golden', `${files[i]}.totals.json`), 'utf8')) as Record<string, number>;
      t.same(row.totals, golden, `${files[i]} totals`);
      t.equal(row.timeSource, 'profile', `${files[i]} carries its own time`);
      t.equal(row.kind, files[i].startsWith('heap') ? 'heap' : 'goroutine', `${files[i]} kind`);
    });
  });
}
