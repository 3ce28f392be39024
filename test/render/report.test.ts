// Golden reports: each fixture series (every form in its directory, as a user would point at it) renders to
// the committed Markdown byte for byte, twice in a row. `npm run golden` rewrites the goldens; review the diff.
// reports/example.md is the committed diagnosis of the gRPC series, made by `npm run example` (through the CLI,
// so this test checks the CLI and the functions agree; it never writes the example itself).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import { evaluateGates } from '../../src/gates.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { chartInput } from '../../src/render/chart.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderChart } from '../../src/render/svg.js';
import { matchesGolden, matchesMadeFile } from '../helpers/golden.js';
import { ROOT } from '../helpers/paths.js';

const SCENARIOS = ['grpc-leak', 'grpc-close', 'map-leak', 'cache-warm', 'http-body-leak', 'worker-leak'];
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
// Paths in a report are as the user gave them: relative to the repository, as `npm run example` runs.
process.chdir(ROOT);

function report(scenario: string, chart: string | null): { markdown: string; svg: string } {
  const a = analyze({ files: [`fixtures/${scenario}`], intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
  const gates = evaluateGates(a, { maxHeapGrowth: null, maxGoroutineGrowth: null, failOn: 'medium', baseline: null });
  return { markdown: renderMarkdown(a, { version, limitBytes: null, chart, gates }), svg: renderChart(chartInput(a)) };
}

for (const scenario of SCENARIOS) {
  t.test(`${scenario}: the report matches its golden, and reruns are byte-identical`, async (t) => {
    const golden = join(ROOT, 'test/render/golden', `${scenario}.md`);
    const first = report(scenario, `${scenario}.svg`).markdown;
    t.equal(report(scenario, `${scenario}.svg`).markdown, first, 'same input, same bytes');
    matchesGolden(t, golden, first);
  });
}

t.test('reports/example.md and its chart are what the code produces (npm run example)', async (t) => {
  const { markdown, svg } = report('grpc-leak', 'example.svg');
  matchesMadeFile(t, join(ROOT, 'reports/example.md'), markdown, 'npm run example');
  matchesMadeFile(t, join(ROOT, 'reports/example.svg'), svg, 'npm run example');
  t.match(markdown, /^# Leak: gRPC ClientConn never closed, dialed in main\.\(\\\*clusterClient\)\.getConn\n/);
});
