// The culprit's line is where it calls on towards the leak, in the stack that shows it, not the function's
// first line seen anywhere in the series (which was the line of another call, or of an allocation of its
// own). Ground truth is the generators' own source: the line that holds the leaking call.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { toJson } from '../../src/render/json.js';
import { FIXTURES } from '../helpers/paths.js';

function run(dir: string) {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.pb.gz'))
    .map((f) => join(dir, f));
  return analyze({ files, intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
}

/** 1-based number of the one line of `file` that contains `text`. */
function lineOf(file: string, text: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const at = lines.flatMap((l, i) => (l.includes(text) ? [i + 1] : []));
  if (at.length !== 1) throw new Error(`${file}: ${at.length} lines hold ${text}`);
  return at[0];
}

const CASES = [
  {
    // The HTTP client's Do, whose response body is never closed; the function's first line seen is its json.Marshal.
    series: join(FIXTURES, 'http-body-leak'),
    culprit: 'example.com/billing/client.(*RatesClient).fetch',
    line: lineOf(join(FIXTURES, 'gen/http-body-leak/client/client.go'), 'resp, err := c.http.Do(req)'),
  },
  {
    // The Subscribe with no Unsubscribe; Watch's own first line seen is the buffer it makes just above.
    series: join(FIXTURES, 'matrix/pubsub-unsubscribe/go1.26-trimpath'),
    culprit: 'example.com/hub/internal/api.(*Server).Watch',
    line: lineOf(join(FIXTURES, 'gen/matrix/pubsub-unsubscribe/internal/api/api.go'), 'id := s.B.Subscribe(func(e broker.Event)'),
  },
];

for (const c of CASES) {
  t.test(`${c.culprit}: the line of the leaking call`, async (t) => {
    const a = run(c.series);
    const i = a.explained.findings.findIndex((f) => f.culprit === c.culprit);
    t.ok(i >= 0, 'the culprit is named');
    const at = a.explained.findings[i].culpritAt;
    t.equal(at?.line, c.line, 'culpritAt');
    const json = toJson(a, { limitBytes: null }) as { findings: { culpritLocation: { line: number } | null }[] };
    t.equal(json.findings[i].culpritLocation?.line, c.line, 'the JSON culpritLocation');
    const md = renderMarkdown(a, { version: 'test', limitBytes: null, chart: null, gates: [] });
    t.match(md, new RegExp(`Fix here:\\*\\* \`[^\`]+\` at \`[^\`]+:${c.line}\``), 'the report');
  });
}
