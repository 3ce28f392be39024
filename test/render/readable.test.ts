// A report people read to the end (issue 15): one leak in a screen or two, plain words in the tables and the
// figures folded, human units, no rate or projection beyond what the window saw, a terminal view that fits
// 80 columns through a real pseudo-terminal, and a chart whose lines are named by their culprits.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { analyze } from '../../src/commands/analyze.js';
import { evaluateGates } from '../../src/gates.js';
import { DEFAULT_LIMITS } from '../../src/limits.js';
import { chartInput } from '../../src/render/chart.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderChart } from '../../src/render/svg.js';
import { renderTerminal } from '../../src/render/terminal.js';
import { formatRate, formatSpan, ratePerFor } from '../../src/units.js';
import { scratch } from '../helpers/cli.js';
import { CLI, fixture, ROOT } from '../helpers/paths.js';

process.chdir(ROOT);
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

function analysisOf(scenario: string) {
  return analyze({ files: [`fixtures/${scenario}`], intervalSeconds: null, modules: [], granularity: 'functions', limits: DEFAULT_LIMITS });
}

function reportOf(scenario: string, limitBytes: number | null = null): string {
  const a = analysisOf(scenario);
  const gates = evaluateGates(a, { maxHeapGrowth: null, maxGoroutineGrowth: null, failOn: 'medium', baseline: null });
  return renderMarkdown(a, { version: '0.0.0', limitBytes, chart: 'r.svg', gates });
}

/** What a reader sees before opening anything: the report without its folded blocks and code blocks. */
function prose(md: string): string {
  return md.replace(/<details>[\s\S]*?<\/details>\n/g, '').replace(/^(`{3,})[a-z]*\n[\s\S]*?\n\1$/gm, '');
}

t.test('rates are stated per the longest span the window covers', async (t) => {
  t.equal(ratePerFor(81).name, 'min');
  t.equal(ratePerFor(55).name, 'min', 'a window of nearly a minute');
  t.equal(ratePerFor(40).name, 's');
  t.equal(ratePerFor(40 * 60).name, 'min');
  t.equal(ratePerFor(2 * 3600).name, 'h');
  t.equal(ratePerFor(3 * 86400).name, 'day');
  t.equal(formatRate(100 / 81, 'count', 81), '+74/min', '100 goroutines over 81 s');
  t.equal(formatRate((100 * 1024 * 1024) / 3600, 'bytes', 7200), '+100 MiB/h');
  t.equal(formatRate(-0.5 / 60, 'count', 600), '-0.5/min');
  t.equal(formatSpan(80), '1 min 20 s');
  t.equal(formatSpan(45), '45 s');
  t.equal(formatSpan(3 * 3600 + 600), '3 h 10 min');
});

t.test('the demo report: one leak in a screen or two, the figures folded', async (t) => {
  const md = reportOf('grpc-leak');
  const open = md.replace(/<details>[\s\S]*?<\/details>\n/g, '');
  const lines = open.split('\n').length;
  t.ok(lines <= 130, `${lines} lines before any folded block is opened (229 before issue 15, all of them open)`);
  t.ok(md.split('\n').length > lines, 'the details are still in the file, folded');
  const inputs = open.slice(open.indexOf('## Inputs'), open.indexOf('## Method'));
  t.ok(inputs.split('\n').filter((l) => l.startsWith('| ')).length <= 11, 'the Inputs table has one row per round (9) and its header');
  t.match(md, /<summary>All 45 files: form, kind, time, use<\/summary>/, 'every file is listed, folded');
  t.notMatch(md, /<sub>|seed postmortem|1\.42\.0|golang-google-grpc-dev/, "no note on the library's internals or versions");
  t.notMatch(md.slice(0, md.indexOf('## Suspects')), /set aside/, 'no set-aside note above the chart');
  t.match(open, /\| goroutines \| 119 \| 1,022 \| \+677\/min \| \S+ grows steadily \|/, 'the trend in plain words');
  t.notMatch(open, /R²|Mann–Kendall p =/, 'no statistic in the open tables');
  t.match(
    md,
    /<summary>Fit figures<\/summary>[\s\S]*\| goroutines \| 9 \| 1 min 20 s \| \+677\/min \| \+\d+\/min \| 1\.00 \| < 0\.0001 \|/,
    'the figures in a details block',
  );
});

t.test('Inputs rounds: the n-th snapshot of each kind is round n, even when the kinds were taken seconds apart', async (t) => {
  // two-leaks/go1.26-mod: round 7's heap at 13:58:42 and its goroutine dump at 13:58:45, half a spacing apart.
  const md = reportOf('matrix/two-leaks/go1.26-mod');
  const inputs = md.slice(md.indexOf('## Inputs'), md.indexOf('<details>', md.indexOf('## Inputs')));
  const rows = inputs.split('\n').filter((l) => /^\| \d+ \|/.test(l));
  t.equal(rows.length, 10, '10 rounds of heap and goroutine snapshots');
  t.ok(
    rows.every((r) => !r.includes('—')),
    'each round has both kinds',
  );
});

t.test('human units everywhere a reader looks', async (t) => {
  for (const scenario of ['grpc-leak', 'cache-warm', 'map-leak', 'worker-leak', 'http-body-leak']) {
    const text = prose(reportOf(scenario, 2 * 1024 ** 3))
      .replace(/`[^`\n]*`/g, '')
      .replace(/\d{4}-\d\d-\d\d(T[\d:]+Z)?/g, 'DATE');
    t.notMatch(text, /\d(\.\d+)?e[+-]\d/, `${scenario}: no exponent notation`);
    t.notMatch(text, /(?<![\d.,])\d{4,}/, `${scenario}: every count of 1,000 or more is grouped`);
    t.notMatch(text, /\/day\b|per day/, `${scenario}: nothing per day from a window of minutes`);
    t.notMatch(text, /[\d,.]+ ?(?:[KMG]iB)?\/h\b/, `${scenario}: nothing per hour from a window under an hour`);
  }
  t.match(reportOf('cache-warm'), /rose from [\d.]+ MiB to [\d.]+ MiB, then held flat for the last 7 of 9 snapshots/, 'a bounded site in bytes');
});

t.test('no projection past the window: the limit is not projected a day ahead from 80 s', async (t) => {
  const far = reportOf('grpc-leak', 64 * 1024 ** 3);
  t.match(far, /does not reach the limit of 64\.0 GiB within 1 min 20 s, as far ahead as a 1 min 20 s window supports a projection/);
  t.notMatch(far, /reaches the limit of 64\.0 GiB in about/);
  const near = reportOf('grpc-leak', 40 * 1024 ** 2);
  t.match(near, /reaches the limit of 40\.0 MiB in about \*\*\d+ s\*\*/, 'a limit within the window is projected');
});

t.test('the chart: lines named by their culprits, no panel for a kind no finding grows, no drawn title', async (t) => {
  const input = chartInput(analysisOf('map-leak'));
  t.ok(input.lines.length > 0);
  for (const l of input.lines) t.match(l.label, /^#\d (\S+\(\*Store\)\.Remember|.+ at \S+): /, `"${l.label}" names what to fix`);
  const svg = renderChart(input);
  t.notMatch(svg, /<text[^>]*font-size="18"/, 'no title drawn over the chart');
  t.notMatch(svg, />Goroutines</, 'a heap finding beside flat goroutines: no goroutine panel');
  const grpc = chartInput(analysisOf('grpc-leak'));
  t.equal(new Set(grpc.lines.map((l) => l.label)).size, 1, "one finding: its goroutine and heap lines share the culprit's name");
  t.match(grpc.lines[0].label, /main\.\(\*clusterClient\)\.getConn/);
});

t.test('the terminal view: tables as records when their words do not fit, folded blocks left out', async (t) => {
  const md =
    '| # | finding | culprit | confidence | goroutines | heap in use |\n| --- | --- | --- | --- | --- | --- |\n| 1 | gRPC ClientConn never closed | `main.(*clusterClient).getConn` | high | +677/min | +24.5 MiB/min |\n';
  const wide = await renderTerminal(md, { color: false, width: 120 });
  t.match(wide, /│ 1 │ gRPC ClientConn never closed │/, 'a table that fits is a table');
  const narrow = await renderTerminal(md, { color: false, width: 60 });
  t.ok(
    narrow.split('\n').every((l) => Array.from(l).length <= 60),
    'nothing wider than 60 columns',
  );
  t.match(narrow, /culprit {6}main\.\(\*clusterClient\)\.getConn/, 'the culprit whole, beside its column name');
  const list = await renderTerminal(`1. ${'word '.repeat(40)}(google.golang.org/grpc.(\\*ccBalancerWrapper).watcher)\n`, { color: false, width: 80 });
  t.ok(
    list.split('\n').every((l) => Array.from(l).length <= 80),
    'a list item is wrapped',
  );
  t.notMatch(list, /\\\*/, 'no Markdown escape shown');
});

t.test(
  'through a real terminal at 80 columns: tables fit, no image link, no details tags, the progress line erased',
  { skip: hasScript ? false : 'util-linux script is not installed' },
  async (t) => {
    const dir = scratch(t);
    const cmd = `stty cols 80 rows 40; '${process.execPath}' '${CLI}' '${fixture('grpc-leak')}' --out '${join(dir, 'r.md')}'`;
    const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' },
      timeout: 120_000,
    });
    const out = r.stdout.replace(/\r\n/g, '\n');
    // The progress line: redrawn with \r and erased with ESC[K; each draw fits one row, so none is left behind.
    const draws = out.split('\r\u001b[K');
    const progress = draws.filter((d) => d.startsWith('reading '));
    t.ok(progress.length >= 45, `${progress.length} progress draws`);
    t.ok(
      progress.every((d) => Array.from(d).length < 80),
      'every progress draw fits the 80-column row',
    );
    t.notOk(draws[draws.length - 1].startsWith('reading '), 'the last draw is erased before the report');
    const screen = draws[draws.length - 1];
    const tables = screen.split('\n').filter((l) => /[│┌└├]/.test(l));
    t.ok(tables.length > 10, `${tables.length} table lines`);
    t.same(
      tables.filter((l) => Array.from(l).length > 80),
      [],
      'every table line within 80 columns',
    );
    t.notMatch(screen, /!\[|\.svg\)/, 'no literal image link');
    t.notMatch(screen, /<\/?details>|<\/?summary>/, 'no details tags');
    t.match(screen, /are\s+in\s+\S+r\.md, the chart in\s+\S+r\.svg\./, 'names the file with the folded parts and the chart');
    t.match(readFileSync(join(dir, 'r.md'), 'utf8'), /<details>/, 'the file keeps them');
  },
);
