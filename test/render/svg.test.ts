// The SVG chart: well-formed XML (checked by a small stack parser below, so no XML dependency), escaped
// labels, round ticks that cover the data, identical bytes for identical input, empty panels left out, the
// awkward series (one point, constant, zeros, 1e12 bytes, many lines, one instant) drawn without NaN, and a
// golden chart compared byte for byte. Regenerate the golden file with `npm run golden`.
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { byteTicks, type ChartInput, type ChartLine, countTicks, escapeXml, MAX_GROUPS, renderChart, type Ticks, timeTicks } from '../../src/render/svg.js';
import { matchesGolden } from '../helpers/golden.js';
import { ROOT } from '../helpers/paths.js';

const GOLDEN = join(ROOT, 'test/render/golden/chart.svg');
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const START = Date.UTC(2024, 4, 14, 9, 30, 0);

/** n capture times every `every` seconds from START. */
function times(n: number, every: number): number[] {
  return Array.from({ length: n }, (_, i) => START + i * every * 1000);
}

function line(label: string, unit: ChartLine['unit'], values: number[], group?: string): ChartLine {
  return { label, unit, timesMs: times(values.length, 180), values, ...(group === undefined ? {} : { group }) };
}

// ---- A tiny XML 1.0 well-formedness checker: elements, attributes, text and the five entities. ----

interface Element {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: Element[];
  text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function isNameChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '-' || c === '_' || c === ':' || c === '.';
}

/** Parses a document into its root element, or throws naming the offset and what is wrong there. */
function parseXml(doc: string): Element {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${i}: ${JSON.stringify(doc.slice(i, i + 30))}`);
  };
  const decode = (raw: string): string => {
    let out = '';
    for (let j = 0; j < raw.length; j++) {
      if (raw[j] === '<') fail('raw < in text');
      if (raw[j] !== '&') {
        out += raw[j];
        continue;
      }
      const end = raw.indexOf(';', j);
      const entity = end < 0 ? undefined : ENTITIES[raw.slice(j + 1, end)];
      if (entity === undefined) fail(`bad entity ${JSON.stringify(raw.slice(j, j + 8))}`);
      out += entity;
      j = end;
    }
    return out;
  };
  const name = (): string => {
    const from = i;
    while (i < doc.length && isNameChar(doc[i])) i++;
    if (i === from) fail('expected a name');
    return doc.slice(from, i);
  };
  const spaces = (): void => {
    while (doc[i] === ' ' || doc[i] === '\n' || doc[i] === '\t' || doc[i] === '\r') i++;
  };
  if (doc.startsWith('<?xml')) i = doc.indexOf('?>') + 2;
  const stack: Element[] = [];
  let root: Element | null = null;
  while (i < doc.length) {
    if (doc[i] !== '<') {
      const next = doc.indexOf('<', i);
      const text = decode(doc.slice(i, next < 0 ? doc.length : next));
      if (stack.length === 0 && text.trim() !== '') fail('text outside the root');
      if (stack.length > 0) stack[stack.length - 1].text += text;
      i = next < 0 ? doc.length : next;
      continue;
    }
    i++;
    if (doc[i] === '/') {
      i++;
      const closing = name();
      spaces();
      if (doc[i] !== '>') fail('expected >');
      i++;
      const open = stack.pop();
      if (open?.name !== closing) fail(`</${closing}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    const el: Element = { name: name(), attrs: {}, children: [], text: '' };
    if (root !== null && stack.length === 0) fail('a second root');
    for (spaces(); doc[i] !== '>' && doc[i] !== '/'; spaces()) {
      if (i >= doc.length) fail('unterminated tag');
      const attr = name();
      if (doc[i] !== '=' || doc[i + 1] !== '"') fail('expected ="');
      const end = doc.indexOf('"', i + 2);
      if (end < 0) fail('unterminated attribute');
      if (attr in el.attrs) fail(`duplicate attribute ${attr}`);
      (el.attrs as Record<string, string>)[attr] = decode(doc.slice(i + 2, end));
      i = end + 1;
      if (doc[i] !== ' ' && doc[i] !== '>' && doc[i] !== '/') fail('expected a space between attributes');
    }
    if (stack.length > 0) stack[stack.length - 1].children.push(el);
    else root = el;
    if (doc[i] === '/') {
      if (doc[i + 1] !== '>') fail('expected />');
      i += 2;
    } else {
      i++;
      stack.push(el);
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1].name}> never closed`);
  if (root === null) fail('no root element');
  return root as Element;
}

function all(el: Element, name: string): Element[] {
  return [...(el.name === name ? [el] : []), ...el.children.flatMap((c) => all(c, name))];
}

/** All text under an element, as a reader of the picture would see it (title, tooltips and desc left out). */
function textOf(el: Element): string {
  return el.name === 'title' || el.name === 'desc' ? '' : el.text + el.children.map(textOf).join('');
}

// ---- The fixed input behind the golden chart: a gRPC client leak, a growing map and a warming cache. ----

const RAMP = [0, 0.07, 0.16, 0.24, 0.31, 0.4, 0.47, 0.56, 0.63, 0.71, 0.8, 0.87, 0.94, 1];
const GOLDEN_INPUT: ChartInput = {
  title: 'payments-api: heap and goroutines, top findings',
  lines: [
    line(
      '#1 gRPC ClientConn never closed — goroutines (main.(*Poller).dial)',
      'goroutines',
      RAMP.map((r) => Math.round(12 + r * 1358)),
      '#1',
    ),
    line(
      '#1 gRPC ClientConn never closed — heap (main.(*Poller).dial)',
      'bytes',
      RAMP.map((r) => Math.round(1 * MiB + r * 61 * MiB)),
      '#1',
    ),
    line(
      '#2 map grows without bound — heap (main.(*Registry[go.shape.string]).Add)',
      'bytes',
      RAMP.map((r, i) => Math.round(4 * MiB + r * 18 * MiB + (i % 3) * 300 * KiB)),
      '#2',
    ),
    line(
      '#3 time.Ticker not stopped — goroutines (main.watch<"orders">.func1 & retry)',
      'goroutines',
      RAMP.map((r) => Math.round(3 + r * 210)),
      '#3',
    ),
  ],
  totalHeap: line(
    'total heap in use',
    'bytes',
    RAMP.map((r, i) => Math.round(38 * MiB + r * 82 * MiB + (i % 4) * 700 * KiB)),
  ),
  totalGoroutines: line(
    'all goroutines',
    'goroutines',
    RAMP.map((r, i) => Math.round(140 + r * 1580 + (i % 2) * 9)),
  ),
};

t.test('the XML checker rejects what is not well-formed', async (t) => {
  const broken = ['<a><b></a></b>', '<a>x & y</a>', '<a b="<"/>', '<a>', '<a b=c/>', '<a/><b/>', '<a>&bogus;</a>', '<a x="1" x="2"/>', '<a>1 < 2</a>'];
  for (const doc of broken) t.throws(() => parseXml(doc), `rejects ${doc}`);
  t.equal(parseXml('<a b="&lt;&amp;"><c/>x &gt; y</a>').attrs.b, '<&', 'decodes entities in attributes');
});

t.test('the golden chart is well-formed SVG with a title and a description', async (t) => {
  const svg = parseXml(renderChart(GOLDEN_INPUT));
  t.equal(svg.name, 'svg');
  t.equal(svg.attrs.xmlns, 'http://www.w3.org/2000/svg');
  t.match(svg.attrs.viewBox, /^0 0 960 \d+$/, 'has a viewBox, so it scales');
  t.equal(svg.children[0].name, 'title');
  t.equal(svg.children[0].text, GOLDEN_INPUT.title);
  t.equal(svg.children[1].name, 'desc');
  t.match(svg.children[1].text, /Heap in use, from 2024-05-14T09:30:00Z over 39 min: .*62\.0 MiB/);
  t.equal(all(svg, 'g').length, 2, 'two panels');
  // A polyline per line with more than one point: two findings and the total in each panel.
  t.equal(all(svg, 'polyline').length, 6);
  const text = textOf(svg);
  t.match(text, /time since the first snapshot, 2024-05-14T09:30:00Z \(UTC\)/);
  t.equal(text.split('2024-05-14T09:30:00Z').length - 1, 1, 'the start time is written once');
});

t.test('labels from Go function names are escaped', async (t) => {
  const nasty = `main.(*T[go.shape.int]).f<'x'> & "y"\u0001`;
  const doc = renderChart({ title: `<script>alert("x")</script> & co`, lines: [line(nasty, 'bytes', [1, 2, 3])] });
  t.notMatch(doc, /<script>/, 'no raw markup from the title');
  const svg = parseXml(doc);
  t.equal(svg.children[0].text, `<script>alert("x")</script> & co`, 'the title reads back as written');
  t.match(textOf(svg), `main.(*T[go.shape.int]).f<'x'> & "y"\uFFFD`, 'the label reads back, the control character replaced');
  t.equal(escapeXml(`<a href="x">&'</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
  t.equal(escapeXml('\uD800 \uD83D\uDE00'), '\uFFFD \uD83D\uDE00', 'a lone surrogate is replaced, a pair is kept');
});

/** Checks a tick set: round steps, evenly spaced, covering [lo, hi], with at least one interval. */
function checkTicks(t: Test, ticks: Ticks, lo: number, hi: number, isRound: (step: number) => boolean, maxIntervals: number): void {
  const v = ticks.values;
  t.ok(isRound(ticks.step), `step ${ticks.step} is round`);
  t.ok(v[0] <= lo && v[v.length - 1] >= hi, `[${v[0]}, ${v[v.length - 1]}] covers [${lo}, ${hi}]`);
  t.ok(v.length >= 2 && v.length - 1 <= maxIntervals, `${v.length - 1} intervals`);
  t.ok(
    v.every((x, i) => x === v[0] + i * ticks.step),
    'evenly spaced by the step',
  );
  t.ok(v[0] >= lo - ticks.step && v[v.length - 1] <= hi + ticks.step, 'no more than one step beyond the data');
  t.equal(ticks.labels.length, v.length);
}

const isByteStep = (s: number): boolean => {
  let k = 0;
  while (k < 4 && s >= 1024 && s % 1024 === 0) [s, k] = [s / 1024, k + 1];
  while (s >= 10 && s % 10 === 0) s /= 10;
  return s === 1 || s === 2 || s === 5;
};
const isCountStep = (s: number): boolean => {
  while (s >= 10 && s % 10 === 0) s /= 10;
  return s === 1 || s === 2 || s === 5;
};
const isTimeStep = (s: number): boolean =>
  [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2419200].includes(s);

t.test('byte ticks are round binary values covering the data', async (t) => {
  const ranges: [number, number][] = [
    [0, 0],
    [0, 1],
    [0, 700],
    [0, 62 * MiB],
    [0, 1e12],
    [0, 3.5 * GiB],
    [0, 1e15],
    [-5 * MiB, 40 * MiB],
    [0, 1023 * KiB],
  ];
  for (const [lo, hi] of ranges) checkTicks(t, byteTicks(lo, hi), lo, hi, isByteStep, 5);
  t.same(byteTicks(0, 62 * MiB).labels, ['0', '20 MiB', '40 MiB', '60 MiB', '80 MiB']);
  t.same(byteTicks(0, 1e12).labels, ['0', '200 GiB', '400 GiB', '600 GiB', '800 GiB', '1000 GiB']);
  t.same(byteTicks(0, 0).labels, ['0', '1 B'], 'all zeros still get an axis');
});

t.test('goroutine ticks are round counts covering the data', async (t) => {
  for (const [lo, hi] of [
    [0, 0],
    [0, 1],
    [0, 7],
    [0, 1370],
    [0, 123456789],
  ] as [number, number][])
    checkTicks(t, countTicks(lo, hi), lo, hi, isCountStep, 5);
  t.same(countTicks(0, 1370).labels, ['0', '500', '1,000', '1,500']);
  t.same(countTicks(0, 3).labels, ['0', '1', '2', '3'], 'never finer than one goroutine');
  t.notOk(isCountStep(20 * 1024), 'the checker refuses a binary step for counts');
});

t.test('time ticks are round durations in one unit per axis', async (t) => {
  for (const span of [0, 0.2, 45, 119, 2340, 7200, 86400, 30 * 86400]) checkTicks(t, timeTicks(span), 0, span, isTimeStep, 8);
  t.same(timeTicks(2340).labels, ['0', '5 min', '10 min', '15 min', '20 min', '25 min', '30 min', '35 min', '40 min']);
  t.same(timeTicks(45).labels, ['0', '10 s', '20 s', '30 s', '40 s', '50 s']);
  t.same(timeTicks(6 * 3600).labels, ['0', '1 h', '2 h', '3 h', '4 h', '5 h', '6 h']);
});

/** The plot area of each panel from its axis path "M<left> <top>V<bottom>H<right>". */
function plotAreas(svg: Element): { left: number; top: number; bottom: number; right: number }[] {
  return all(svg, 'path')
    .filter((p) => p.attrs.stroke === '#333333' && p.attrs.fill === 'none')
    .map((p) => {
      const [left, top, bottom, right] = p.attrs.d.slice(1).split(/[ VH]/).map(Number);
      return { left, top, bottom, right };
    });
}

t.test("every drawn point lies inside its panel's axes", async (t) => {
  const svg = parseXml(renderChart(GOLDEN_INPUT));
  const panels = all(svg, 'g');
  const areas = plotAreas(svg);
  t.equal(areas.length, 2);
  panels.forEach((g, i) => {
    const a = areas[i];
    const points = all(g, 'polyline').flatMap((p) => p.attrs.points.split(' ').map((xy) => xy.split(',').map(Number)));
    t.ok(points.length > 0);
    t.ok(
      points.every(([x, y]) => x >= a.left && x <= a.right && y >= a.top && y <= a.bottom),
      `panel ${i + 1}: ${points.length} points inside`,
    );
    t.ok(
      points.some(([, y]) => y - a.top < 60),
      `panel ${i + 1}: the largest value reaches the upper part of the plot`,
    );
  });
});

t.test('same input, same bytes', async (t) => {
  const a = renderChart(GOLDEN_INPUT);
  const copy = JSON.parse(JSON.stringify(GOLDEN_INPUT)) as ChartInput;
  t.equal(renderChart(copy), a, 'a deep copy renders identically');
  t.equal(renderChart(GOLDEN_INPUT), a, 'a second render is identical');
  t.notMatch(a, /\d\.\d{3,}/, 'no long floating-point tails');
});

t.test('a panel with no lines is left out', async (t) => {
  const goroutinesOnly = parseXml(renderChart({ title: 'g', lines: [line('#1 leak', 'goroutines', [1, 5, 9])] }));
  t.equal(all(goroutinesOnly, 'g').length, 1);
  t.match(textOf(goroutinesOnly), 'Goroutines');
  t.notMatch(textOf(goroutinesOnly), 'Heap in use');
  const heapOnly = parseXml(renderChart({ title: 'h', lines: [], totalHeap: line('total', 'bytes', [1, 2]) }));
  t.equal(all(heapOnly, 'g').length, 1);
  t.notMatch(textOf(heapOnly), 'Goroutines');
  const none = parseXml(renderChart({ title: 'nothing', lines: [] }));
  t.equal(all(none, 'g').length, 0);
  t.match(textOf(none), 'No data to chart.');
});

t.test('awkward series draw without NaN and stay well-formed', async (t) => {
  const cases: Record<string, ChartInput> = {
    'one point': { title: 'one', lines: [line('#1', 'bytes', [5 * MiB]), line('#1', 'goroutines', [7])] },
    constant: { title: 'constant', lines: [line('#1', 'bytes', [3 * MiB, 3 * MiB, 3 * MiB])] },
    zeros: { title: 'zeros', lines: [line('#1', 'goroutines', [0, 0, 0, 0])] },
    huge: { title: 'huge', lines: [line('#1', 'bytes', [1e11, 5e11, 1e12])] },
    'same instant': { title: 'same', lines: [{ label: '#1', unit: 'bytes', timesMs: [START, START, START], values: [1, 2, 3] }] },
    'no points': { title: 'empty line', lines: [line('#1', 'bytes', [])] },
    'not finite': { title: 'nan', lines: [line('#1', 'bytes', [1, Number.NaN, Number.POSITIVE_INFINITY, 4])] },
  };
  for (const [name, input] of Object.entries(cases)) {
    const doc = renderChart(input);
    t.doesNotThrow(() => parseXml(doc), `${name}: well-formed`);
    t.notMatch(doc, /NaN|Infinity/, `${name}: no NaN or Infinity`);
  }
  const one = parseXml(renderChart(cases['one point']));
  t.equal(all(one, 'polyline').length, 0, 'one point: no line, only a dot');
  t.equal(all(one, 'circle').length, 4, 'one point: a dot in each panel and one in each legend');
  t.match(textOf(parseXml(renderChart(cases.huge))), '1000 GiB', 'huge: the top tick covers 1e12 bytes');
  const instant = parseXml(renderChart(cases['same instant']));
  const [area] = plotAreas(instant);
  const xs = all(instant, 'polyline').flatMap((p) => p.attrs.points.split(' ').map((xy) => Number(xy.split(',')[0])));
  t.same(new Set(xs), new Set([(area.left + area.right) / 2]), 'same instant: the points stand mid-axis, not on the y-axis');
});

t.test('more than six lines: six drawn, the rest counted in the legend', async (t) => {
  const lines = Array.from({ length: 9 }, (_, i) => line(`#${i + 1} site${i}`, 'bytes', [i * MiB, (i + 1) * MiB]));
  const svg = parseXml(renderChart({ title: 'many', lines }));
  t.equal(all(svg, 'polyline').length, MAX_GROUPS);
  const text = textOf(svg);
  t.match(text, `+3 more not drawn (the chart shows the first ${MAX_GROUPS} findings)`);
  t.match(text, '#6 site5');
  t.notMatch(text, '#7 site6');
  const strokes = new Set(all(svg, 'polyline').map((p) => p.attrs.stroke));
  t.equal(strokes.size, MAX_GROUPS, 'each drawn line has its own colour');
});

t.test('a finding keeps its colour in both panels; different findings differ', async (t) => {
  const svg = parseXml(renderChart(GOLDEN_INPUT));
  const [heap, goroutines] = all(svg, 'g').map((g) => all(g, 'polyline').map((p) => p.attrs.stroke));
  // Each panel draws its total first, then its findings in input order.
  t.same(heap.slice(1), ['#0072B2', '#D55E00'], 'heap: #1 and #2');
  t.same(goroutines.slice(1), ['#0072B2', '#009E73'], 'goroutines: #1 as in the heap panel, #3 in a colour of its own');
  const ungrouped = parseXml(renderChart({ title: 'u', lines: [line('a', 'bytes', [1, 2]), line('b', 'goroutines', [1, 2])] }));
  const strokes = all(ungrouped, 'polyline').map((p) => p.attrs.stroke);
  t.not(strokes[0], strokes[1], 'without a group, two labels are two findings');
});

t.test('the golden chart', async (t) => {
  const doc = renderChart(GOLDEN_INPUT);
  matchesGolden(t, GOLDEN, doc);
});
