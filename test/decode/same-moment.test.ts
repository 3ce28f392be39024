// Text and protobuf captures of the same moment agree (fixtures/README.md: the five forms of a round are
// fetched one right after the other). Steady services: goroutine counts exactly. Leaking ones keep leaking
// during the second or so the five fetches take, so counts may differ by a few leaked units (gRPC: 7
// goroutines per connection), never more than 2%. Heap text and protobuf: within sampling tolerance.
// Every goroutine?debug=1 total equals the total its header declares.
import { readdirSync } from 'node:fs';
import t from 'tap';
import { runInspect } from '../../src/commands/inspect.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import type { InspectRow } from '../../src/commands/inspect.js';
import { fixture } from '../helpers/paths.js';

const STEADY = ['grpc-close', 'map-leak', 'cache-warm'];
const LEAKING = ['grpc-leak', 'http-body-leak', 'worker-leak'];

function moments(scenario: string): Map<string, InspectRow[]> {
  const files = readdirSync(fixture(scenario))
    .filter((f) => /^(heap|goroutine)-\d\d-/.test(f))
    .map((f) => fixture(scenario, f));
  const { rows } = runInspect({ files, json: true, limits: DEFAULT_LIMITS });
  const out = new Map<string, InspectRow[]>();
  for (const r of rows) {
    const key = /(heap|goroutine)-(\d\d)-/.exec(r.file)?.slice(1, 3).join('-') ?? r.file;
    out.set(key, [...(out.get(key) ?? []), r]);
  }
  return out;
}

for (const scenario of [...STEADY, ...LEAKING]) {
  t.test(`${scenario}: every form of a moment tells the same story`, async (t) => {
    for (const [moment, rows] of moments(scenario)) {
      if (moment.startsWith('goroutine')) {
        t.same(rows.map((r) => r.form).sort(), ['goroutine-dump', 'goroutine-text', 'pprof'], `${moment}: three forms`);
        for (const r of rows.filter((x) => x.form === 'goroutine-text'))
          t.equal(r.totals.goroutine, r.declaredTotal, `${moment}: debug=1 total equals its header`);
        const counts = rows.map((r) => r.totals.goroutine);
        if (STEADY.includes(scenario)) t.equal(new Set(counts).size, 1, `${moment}: ${counts.join(' = ')}`);
        else
          t.ok(
            Math.max(...counts) - Math.min(...counts) <= Math.max(8, 0.02 * Math.max(...counts)),
            `${moment}: ${counts.join(', ')} within a few leaked goroutines`,
          );
      } else {
        t.same(rows.map((r) => r.form).sort(), ['heap-text', 'pprof'], `${moment}: two forms`);
        const [a, b] = rows.map((r) => r.totals.inuse_space);
        t.ok(Math.abs(a - b) <= 0.05 * Math.max(a, b), `${moment}: inuse_space ${a} vs ${b} within 5%`);
      }
    }
  });
}
