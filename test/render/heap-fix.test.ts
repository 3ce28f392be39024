// A heap finding without a known pattern says what a heap profile can and cannot show: where the memory was
// allocated, not what keeps it. On subslice-retained (a 16-byte subslice of each request buffer kept in a map
// elsewhere) the allocating caller is named, and the report sends the reader to where its allocations are kept.
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import { evaluateGates } from '../../src/gates.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { renderAnnotations } from '../../src/render/annotations.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { fixture } from '../helpers/paths.js';

const run = (dir: string) => analyze({ files: [dir], intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
const noGates = { maxHeapGrowth: null, maxGoroutineGrowth: null, failOn: 'medium', baseline: null } as const;

t.test('a heap finding without a pattern: where it was allocated, and where to look for what keeps it', async (t) => {
  const a = run(fixture('matrix', 'subslice-retained', 'go1.26-mod'));
  const f = a.explained.findings[0];
  t.equal(a.diagnosis.findings[0].signature, null, 'no known pattern');
  t.match(f.fix, /shows where memory was allocated, not what keeps it/);
  t.match(f.fix, /main\.\(\*server\)\.ingest allocates \(here through io\.ReadAll\)/, 'the culprit and the allocating function');
  const md = renderMarkdown(a, { version: '0', limitBytes: null, chart: null, gates: evaluateGates(a, noGates) });
  t.match(md, /\*\*What to look for:\*\* A heap profile shows where memory was allocated/);
  const notes = renderAnnotations(a, { gates: [], ignored: new Map(), failing: new Set(), locate: () => null }).join('\n');
  t.match(notes, /not what keeps it/, 'the CI annotation says the same');
});

t.test('a finding with a known pattern keeps the pattern fix, and no "what to look for" line', async (t) => {
  const a = run(fixture('grpc-leak'));
  t.not(a.diagnosis.findings[0].signature, null);
  t.equal(a.explained.findings[0].fix, a.diagnosis.findings[0].signature?.fix);
  const md = renderMarkdown(a, { version: '0', limitBytes: null, chart: null, gates: evaluateGates(a, noGates) });
  t.notMatch(md, /What to look for/);
});
