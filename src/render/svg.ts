// The chart beside the report: heap in use and goroutines over time for the top findings, as a standalone
// SVG document a person can open from a postmortem. A pure function of its input: no clock, no random ids,
// every coordinate printed with the same fixed precision, so the same input gives the same bytes.
// Colours are Okabe–Ito (safe for the common colour-vision deficiencies) and every line also has its own
// marker shape, so the chart still reads when printed in grey.

import { formatBytes, formatCount, formatDuration, formatTime } from '../units.js';
import { xml } from './escape.js';

export interface ChartLine {
  readonly label: string;
  readonly unit: 'bytes' | 'goroutines';
  /** Capture times in milliseconds since the epoch, ascending. */
  readonly timesMs: readonly number[];
  readonly values: readonly number[];
  /**
   * Lines of one finding (its goroutines and its heap) share a group, and so a colour and a marker in both
   * panels; a reader then matches them across panels at a glance. Defaults to the label: a group of one.
   */
  readonly group?: string;
}

export interface ChartInput {
  readonly title: string;
  readonly lines: readonly ChartLine[];
  readonly totalHeap?: ChartLine;
  readonly totalGoroutines?: ChartLine;
}

/** Groups (findings) past this many are counted in the legend, not drawn: past six, colours blur. */
export const MAX_GROUPS = 6;

// Okabe & Ito, "Color Universal Design" (2008), without yellow, which is too light on white.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9'];
const TOTAL_COLOUR = '#000000';
const MARKERS = ['circle', 'square', 'diamond', 'triangle', 'nabla', 'cross'] as const;
type Marker = (typeof MARKERS)[number];

const WIDTH = 960;
const LEFT = 84;
const RIGHT = 32;
const PLOT_W = WIDTH - LEFT - RIGHT;
const PLOT_H = 200;
const ROW = 20;
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
/** Legend labels are cut (whole code points) to fit the width; the full text stays in a <title>. */
const LABEL_CHARS = 100;

/** Round tick values covering a range, and how to print them. */
export interface Ticks {
  readonly step: number;
  readonly values: readonly number[];
  readonly labels: readonly string[];
}

interface Point {
  readonly t: number;
  readonly v: number;
}

interface Series {
  readonly line: ChartLine;
  readonly points: readonly Point[];
  readonly colour: string;
  readonly marker: Marker | null;
  readonly dashed: boolean;
}

interface Panel {
  readonly heading: string;
  readonly unit: 'bytes' | 'goroutines';
  readonly series: readonly Series[];
  /** Lines of this unit left undrawn by the cap. */
  readonly hidden: number;
}

export function renderChart(input: ChartInput): string {
  const styles = new Map<string, number>();
  for (const l of input.lines) if (styles.size < MAX_GROUPS && !styles.has(groupOf(l))) styles.set(groupOf(l), styles.size);
  const drawn = [
    panelOf('Heap in use', 'bytes', input.lines, input.totalHeap, styles),
    panelOf('Goroutines', 'goroutines', input.lines, input.totalGoroutines, styles),
  ].filter((p): p is Panel => p !== null);
  // A panel with only the whole profile's total (a heap finding beside flat goroutines) would spend half the
  // image on a line no finding is on: where some panel has a finding, only such panels are drawn.
  const withFindings = drawn.filter((p) => p.series.some((s) => !s.dashed) || p.hidden > 0);
  const panels = withFindings.length > 0 ? withFindings : drawn;
  const allPoints = panels.flatMap((p) => p.series.flatMap((s) => s.points));
  const start = allPoints.reduce((m, p) => Math.min(m, p.t), allPoints[0]?.t ?? 0);
  const end = allPoints.reduce((m, p) => Math.max(m, p.t), start);
  const x = timeAxis(start, end);
  const body: string[] = [];
  // No visible title: the chart sits under the report's own heading, which it would only repeat.
  let y = 16;
  panels.forEach((panel, i) => {
    const last = i === panels.length - 1;
    const axisTitle = last ? `time since the first snapshot, ${formatTime(start)} (UTC)` : null;
    const drawn = renderPanel(panel, y, x, axisTitle);
    body.push(drawn.svg);
    y += drawn.height;
  });
  if (panels.length === 0) {
    body.push(`<text x="${WIDTH / 2}" y="${y + 40}" text-anchor="middle" fill="#555555">No data to chart.</text>`);
    y += 80;
  }
  const height = y + 8;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="chart-title chart-desc" font-family="${FONT}" font-size="12">`,
    `<title id="chart-title">${escapeXml(input.title)}</title>`,
    `<desc id="chart-desc">${escapeXml(describe(panels, start, end))}</desc>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

function groupOf(line: ChartLine): string {
  return line.group ?? line.label;
}

/** A panel's series: its total (dashed, black, drawn first so findings lie over it), then its findings. */
function panelOf(
  heading: string,
  unit: Panel['unit'],
  lines: readonly ChartLine[],
  total: ChartLine | undefined,
  styles: ReadonlyMap<string, number>,
): Panel | null {
  const mine = lines.filter((l) => l.unit === unit);
  const drawn = mine.flatMap((line) => {
    const i = styles.get(groupOf(line));
    return i === undefined ? [] : [{ line, points: pointsOf(line), colour: PALETTE[i], marker: MARKERS[i], dashed: false }];
  });
  const series: Series[] = total === undefined ? drawn : [{ line: total, points: pointsOf(total), colour: TOTAL_COLOUR, marker: null, dashed: true }, ...drawn];
  if (series.length === 0) return null;
  return { heading, unit, series, hidden: mine.length - drawn.length };
}

/** Paired, finite points in time order; a stable sort keeps the input order of points at the same time. */
function pointsOf(line: ChartLine): Point[] {
  const n = Math.min(line.timesMs.length, line.values.length);
  const points: Point[] = [];
  for (let i = 0; i < n; i++) {
    if (Number.isFinite(line.timesMs[i]) && Number.isFinite(line.values[i])) points.push({ t: line.timesMs[i], v: line.values[i] });
  }
  return points.sort((a, b) => a.t - b.t);
}

/** Time ticks and where a capture time falls across the plot width. */
interface TimeAxis {
  readonly ticks: Ticks;
  /** Seconds since the first snapshot → x. */
  readonly sx: (seconds: number) => number;
  readonly start: number;
}

function timeAxis(start: number, end: number): TimeAxis {
  // One snapshot, or all at one instant: a single tick at the centre, not a made-up span with the dots on the y-axis.
  if (end === start) return { ticks: { step: 0, values: [0], labels: ['0'] }, sx: () => LEFT + PLOT_W / 2, start };
  const ticks = timeTicks((end - start) / 1000);
  const xMax = ticks.values[ticks.values.length - 1];
  return { ticks, sx: (seconds) => LEFT + (seconds / xMax) * PLOT_W, start };
}

function renderPanel(panel: Panel, top: number, x: TimeAxis, axisTitle: string | null): { svg: string; height: number } {
  // The value axis starts at zero: growth is read against the whole, not against a zoomed-in band.
  let [lo, hi] = [0, 0];
  for (const s of panel.series) for (const p of s.points) [lo, hi] = [Math.min(lo, p.v), Math.max(hi, p.v)];
  const y = panel.unit === 'bytes' ? byteTicks(lo, hi) : countTicks(lo, hi);
  const plotTop = top + 34;
  const [yMin, yMax] = [y.values[0], y.values[y.values.length - 1]];
  const px = (t: number): number => x.sx((t - x.start) / 1000);
  const py = (v: number): number => plotTop + PLOT_H - ((v - yMin) / (yMax - yMin)) * PLOT_H;
  const out = [`<g class="panel">`, `<text x="${LEFT}" y="${top + 14}" font-size="14" font-weight="bold" fill="#111111">${panel.heading}</text>`];
  out.push(...grid(x, y, plotTop, py));
  // Totals first, so the findings are drawn over them.
  for (const s of panel.series) out.push(...seriesShapes(s, px, py));
  let below = plotTop + PLOT_H + 36;
  if (axisTitle !== null) {
    out.push(`<text x="${LEFT + PLOT_W / 2}" y="${below}" text-anchor="middle" fill="#333333">${escapeXml(axisTitle)}</text>`);
    below += ROW;
  }
  const legend = legendRows(panel, below);
  out.push(...legend.rows, '</g>');
  return { svg: out.join('\n'), height: legend.bottom - top + 16 };
}

function grid(x: TimeAxis, y: Ticks, plotTop: number, py: (v: number) => number): string[] {
  const sx = x.sx;
  const bottom = plotTop + PLOT_H;
  const out: string[] = [];
  y.values.forEach((v, i) => {
    out.push(`<line x1="${LEFT}" y1="${fmt(py(v))}" x2="${LEFT + PLOT_W}" y2="${fmt(py(v))}" stroke="#e6e6e6" stroke-width="1"/>`);
    out.push(`<text x="${LEFT - 8}" y="${fmt(py(v) + 4)}" text-anchor="end" fill="#333333">${escapeXml(y.labels[i])}</text>`);
  });
  x.ticks.values.forEach((s, i) => {
    out.push(`<line x1="${fmt(sx(s))}" y1="${plotTop}" x2="${fmt(sx(s))}" y2="${bottom}" stroke="#e6e6e6" stroke-width="1"/>`);
    out.push(`<line x1="${fmt(sx(s))}" y1="${bottom}" x2="${fmt(sx(s))}" y2="${bottom + 5}" stroke="#333333" stroke-width="1"/>`);
    out.push(`<text x="${fmt(sx(s))}" y="${bottom + 18}" text-anchor="middle" fill="#333333">${escapeXml(x.ticks.labels[i])}</text>`);
  });
  out.push(`<path d="M${LEFT} ${plotTop}V${bottom}H${LEFT + PLOT_W}" fill="none" stroke="#333333" stroke-width="1"/>`);
  return out;
}

function seriesShapes(s: Series, px: (t: number) => number, py: (v: number) => number): string[] {
  const coords = s.points.map((p) => [px(p.t), py(p.v)] as const);
  const out: string[] = [];
  const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
  if (coords.length > 1) {
    const pts = coords.map(([cx, cy]) => `${fmt(cx)},${fmt(cy)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${s.colour}" stroke-width="${s.dashed ? 1.5 : 2}" stroke-linejoin="round"${dash}/>`);
  }
  for (const [cx, cy] of coords)
    out.push(s.marker === null ? `<circle cx="${fmt(cx)}" cy="${fmt(cy)}" r="2" fill="${s.colour}"/>` : marker(s.marker, cx, cy, s.colour));
  return out;
}

/** A marker centred on (x, y), about 7 px across: the shape tells lines apart without colour. */
function marker(shape: Marker, x: number, y: number, colour: string): string {
  const at = (dx: number, dy: number): string => `${fmt(x + dx)} ${fmt(y + dy)}`;
  const path = (d: string, fill = colour): string => `<path d="${d}" fill="${fill}" stroke="${colour}" stroke-width="1.5"/>`;
  switch (shape) {
    case 'circle':
      return `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="3.5" fill="${colour}"/>`;
    case 'square':
      return path(`M${at(-3, -3)}H${fmt(x + 3)}V${fmt(y + 3)}H${fmt(x - 3)}Z`);
    case 'diamond':
      return path(`M${at(0, -4.5)}L${at(4.5, 0)}L${at(0, 4.5)}L${at(-4.5, 0)}Z`);
    case 'triangle':
      return path(`M${at(0, -4.5)}L${at(4, 3)}L${at(-4, 3)}Z`);
    case 'nabla':
      return path(`M${at(0, 4.5)}L${at(4, -3)}L${at(-4, -3)}Z`);
    case 'cross':
      return path(`M${at(-4, -4)}L${at(4, 4)}M${at(4, -4)}L${at(-4, 4)}`, 'none');
  }
}

function legendRows(panel: Panel, top: number): { rows: string[]; bottom: number } {
  const rows: string[] = [];
  let y = top;
  for (const s of panel.series) {
    const mid = LEFT + 14;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    rows.push(`<line x1="${LEFT}" y1="${y - 4}" x2="${LEFT + 28}" y2="${y - 4}" stroke="${s.colour}" stroke-width="2"${dash}/>`);
    if (s.marker !== null) rows.push(marker(s.marker, mid, y - 4, s.colour));
    const label = labelOf(s, panel);
    const shown = cut(label, LABEL_CHARS);
    const full = shown === label ? '' : `<title>${escapeXml(label)}</title>`;
    rows.push(
      `<text x="${LEFT + 36}" y="${y}" fill="#111111">${full}${escapeXml(shown)} <tspan dx="4" fill="#555555">${escapeXml(range(s.points, panel.unit))}</tspan></text>`,
    );
    y += ROW;
  }
  if (panel.hidden > 0) {
    const what = `+${panel.hidden} more not drawn (the chart shows the first ${MAX_GROUPS} findings)`;
    rows.push(`<text x="${LEFT + 36}" y="${y}" font-style="italic" fill="#555555">${escapeXml(what)}</text>`);
    y += ROW;
  }
  return { rows, bottom: y - ROW };
}

/** A total may come without a label of its own. */
function labelOf(s: Series, panel: Panel): string {
  return s.dashed && s.line.label === '' ? `total ${panel.heading.toLowerCase()}` : s.line.label;
}

/** "1.00 MiB → 62.0 MiB", the first and last values, or "no data". */
function range(points: readonly Point[], unit: Panel['unit']): string {
  if (points.length === 0) return '(no data)';
  const f = unit === 'bytes' ? formatBytes : formatCount;
  const [first, last] = [points[0].v, points[points.length - 1].v];
  return points.length === 1 ? `(${f(first)})` : `(${f(first)} → ${f(last)})`;
}

function describe(panels: readonly Panel[], start: number, end: number): string {
  if (panels.length === 0) return 'No data to chart.';
  const span = `from ${formatTime(start)} over ${formatDuration((end - start) / 1000)}`;
  const parts = panels.map((p) => `${p.heading}, ${span}: ${p.series.map((s) => `${labelOf(s, p)} ${range(s.points, p.unit)}`).join('; ')}.`);
  return parts.join(' ');
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Byte ticks in binary units with 1-2-5 steps (1 KiB, 2 KiB, 5 KiB, … 500 KiB, 1 MiB, …); one unit per axis. */
export function byteTicks(lo: number, hi: number): Ticks {
  for (const [step, k] of byteSteps()) {
    const values = tickValues(lo, hi, step, 5);
    if (values !== null) return { step, values, labels: values.map((v) => (v === 0 ? '0' : `${fmt(v / 1024 ** k)} ${BYTE_UNITS[k]}`)) };
  }
  throw new Error('unreachable: byteSteps never ends');
}

/** Steps in ascending order with the index of the unit they are printed in: 1 B … 500 B, 1 KiB … 500 TiB, 1000 TiB, … */
function* byteSteps(): Generator<readonly [number, number]> {
  const top = BYTE_UNITS.length - 1;
  for (let k = 0; k < top; k++) for (let d = 0; d < 3; d++) for (const m of [1, 2, 5]) yield [m * 10 ** d * 1024 ** k, k];
  for (let d = 0; ; d++) for (const m of [1, 2, 5]) yield [m * 10 ** d * 1024 ** top, top];
}

/** Count ticks with decimal 1-2-5 steps, never finer than 1: a goroutine is not divisible. */
export function countTicks(lo: number, hi: number): Ticks {
  for (let d = 0; ; d++) {
    for (const m of [1, 2, 5]) {
      const step = m * 10 ** d;
      const values = tickValues(lo, hi, step, 5);
      if (values !== null) return { step, values, labels: values.map(formatCount) };
    }
  }
}

const TIME_UNITS: readonly { name: string; seconds: number; upTo: number; steps: readonly number[] }[] = [
  { name: 's', seconds: 1, upTo: 120, steps: [1, 2, 5, 10, 15, 20, 30] },
  { name: 'min', seconds: 60, upTo: 7200, steps: [0.5, 1, 2, 5, 10, 15, 20, 30] },
  { name: 'h', seconds: 3600, upTo: 72 * 3600, steps: [0.5, 1, 2, 3, 6, 12, 24] },
  { name: 'd', seconds: 86400, upTo: Infinity, steps: [1, 2, 7, 14, 28] },
];

/** Elapsed-time ticks from 0, labelled in the one unit that suits the whole span (s, min, h or days). */
export function timeTicks(spanSeconds: number): Ticks {
  const unit = TIME_UNITS.find((u) => spanSeconds <= u.upTo) ?? TIME_UNITS[TIME_UNITS.length - 1];
  const steps = [...unit.steps];
  // Beyond the list (a span of years in days): keep going in 1-2-5 decades of the last step.
  for (let d = 1; d < 12; d++) for (const m of [1, 2, 5]) steps.push(m * 10 ** d * unit.steps[unit.steps.length - 1]);
  for (const s of steps) {
    const values = tickValues(0, spanSeconds, s * unit.seconds, 8);
    if (values !== null) return { step: s * unit.seconds, values, labels: values.map((v) => (v === 0 ? '0' : `${fmt(v / unit.seconds)} ${unit.name}`)) };
  }
  throw new Error(`no time step fits a span of ${spanSeconds} s`);
}

/** Multiples of step from at or below lo to at or above hi, at least one interval; null past maxIntervals. */
function tickValues(lo: number, hi: number, step: number, maxIntervals: number): number[] | null {
  const first = Math.floor(lo / step);
  const last = Math.max(Math.ceil(hi / step), first + 1);
  if (last - first > maxIntervals) return null;
  const values: number[] = [];
  for (let i = first; i <= last; i++) values.push(i * step);
  return values;
}

/** Fixed precision for coordinates and labels: at most two decimals, no trailing zeros, never "-0". */
function fmt(n: number): string {
  const s = String(Math.round(n * 100) / 100);
  return s === '-0' ? '0' : s;
}

/** Cut to at most max code points (never splitting a surrogate pair), marking the cut with an ellipsis. */
function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** XML text and attributes, escaped where every renderer escapes (escape.ts). */
export const escapeXml = xml;
