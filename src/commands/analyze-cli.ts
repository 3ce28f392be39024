// From checked analyze settings to outputs and an exit code: the report (Markdown file with its chart, or
// stdout), the JSON, the terminal view, the gates. Kept beside the CLI so cli.ts stays process and argv;
// nothing here touches process: the environment arrives in `io`. Every option was checked before this runs
// (analyze-options.ts). What only some runs write (the chart, the JSON, CI annotations) is loaded when they do.

import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import type { Io } from './io.js';
import { compare, readBaseline } from '../compare.js';
import { printable } from '../errors.js';
import { noControls } from '../render/escape.js';
import { evaluateGates, failingFindings, ignoredFindings, type Gate, type GateOptions } from '../gates.js';
import { findInputs } from '../read.js';
import { makeRedactor } from '../redact.js';
import { moduleCacheDir, type SourceRoots } from '../source/index.js';
import { renderMarkdown, renderSummary, type Collection } from '../render/markdown.js';
import { renderTerminal, wantsColor } from '../render/terminal.js';
import { appendSummary, checkOutputs, isSpecial, writeOutputs, type InputPath, type Output, type OutputPath } from '../write.js';
import type { Analysis } from '../explain/index.js';
import { analyzeSteps } from './analyze.js';
import type { AnalyzeSettings } from './analyze-options.js';
import { checkMistypedCommand } from './suggest.js';

export type { AnalyzeArgs, AnalyzeSettings } from './analyze-options.js';

/**
 * `collection`: when the snapshots were just collected, how many rounds completed and whether Ctrl-C ended
 * the collection early; the report and the JSON say so.
 */
export async function analyzeCommand(s: AnalyzeSettings, io: Io, collection: Collection | null = null): Promise<number> {
  if (collection === null) checkMistypedCommand(s.snapshots[0]);
  const sources = sourceRoots(s.source, io.env);
  const inputs = inputPaths(s, sources);
  checkOutputs(plannedOutputs(s, io.env), inputs);
  const baseline = s.baseline === null ? null : readBaseline(s.baseline, s.limits);
  const analysis = await stepped(
    analyzeSteps({
      files: s.snapshots,
      intervalSeconds: s.intervalSeconds,
      modules: s.modules,
      granularity: s.granularity,
      limits: s.limits,
      source: sources,
      progress: io.stderrIsTTY && !s.quiet ? progressLine(io) : undefined,
    }),
  );
  const gateOptions: GateOptions = {
    maxHeapGrowth: s.maxHeapGrowth,
    maxGoroutineGrowth: s.maxGoroutineGrowth,
    failOn: s.failOn,
    baseline,
    requireResolved: s.requireResolved,
    failOnInconclusive: s.failOnInconclusive,
    ignore: s.ignore,
  };
  const gates = evaluateGates(analysis, gateOptions);
  const ignored = ignoredFindings(analysis, s.ignore);
  const comparison = baseline === null ? null : compare(analysis, baseline);
  const redact = s.redact ? makeRedactor(io.hostnames) : (t: string) => t;
  const reportPath = s.out ?? defaultReportPath(analysis);
  const chartPath = chartBeside(reportPath);
  const reportOptions = {
    version: io.version,
    limitBytes: s.limitBytes,
    chart: chartPath === null ? null : basename(chartPath),
    gates,
    comparison,
    collection,
    ignored,
  };
  const markdown = redact(renderMarkdown(analysis, reportOptions));
  // What a terminal shows: the same report without the chart's image link or folded blocks, naming the file that has them.
  const shown = (): string =>
    redact(
      renderMarkdown(analysis, {
        ...reportOptions,
        chart: chartPath === null || analysis.diagnosis.findings.length === 0 ? null : chartPath,
        medium: 'terminal',
        reportFile: reportPath === '-' ? null : reportPath,
      }),
    );
  const outputs: Output[] = [];
  if (reportPath !== '-') {
    if (s.out === null) ensureReportsDir(reportPath);
    outputs.push({ path: reportPath, text: markdown, what: s.out === null ? 'the report' : '--out' });
    if (chartPath !== null && analysis.diagnosis.findings.length > 0) {
      const [{ chartInput }, { renderChart }] = await Promise.all([import('../render/chart.js'), import('../render/svg.js')]);
      outputs.push({ path: chartPath, text: redact(renderChart(chartInput(analysis))), what: 'the chart beside the report' });
    }
  }
  const { toJson } = s.json === null ? { toJson: null } : await import('../render/json.js');
  const json =
    toJson === null
      ? null
      : redact(
          `${JSON.stringify({ ...toJson(analysis, { limitBytes: s.limitBytes, ignored }), gates, ...(comparison === null ? {} : { comparison }), ...(collection === null ? {} : { collection }) }, null, 2)}\n`,
        );
  if (json !== null && s.json !== null && s.json !== '-') outputs.push({ path: s.json, text: json, what: '--json' });
  const summary = io.env.GITHUB_STEP_SUMMARY ? [{ path: io.env.GITHUB_STEP_SUMMARY, what: 'GITHUB_STEP_SUMMARY', append: true }] : [];
  // Checked again with what only the analysis knows: the default report name and every snapshot it read.
  checkOutputs([...outputs, ...summary], [...inputs, ...analysis.series.inputs.map((i) => ({ path: i.path, what: 'one of the input snapshots' }))]);
  writeOutputs(outputs, inputs);
  if (io.env.GITHUB_STEP_SUMMARY) appendSummary(io.env.GITHUB_STEP_SUMMARY, redact(renderSummary(analysis, gates, ignored)));
  // On stderr, so that `--json -` stays JSON; not quieted by -q: in CI they are how a failure is shown.
  if (io.env.GITHUB_ACTIONS === 'true') {
    const { renderAnnotations } = await import('../render/annotations.js');
    const failing = new Set(failingFindings(analysis, gateOptions));
    for (const line of renderAnnotations(analysis, { gates, failing, ignored, locate: locator(io.env.GITHUB_WORKSPACE ?? '.') }))
      io.stderr(`${redact(line)}\n`);
  }
  await printResults(io, s, markdown, shown, json, outputs, analysis.diagnosis.verdict === 'inconclusive' ? analysis.explained.reach : null);
  // A CI log is all a gate's user sees: what the series noted (a dump cut short) goes to stderr too.
  if (!s.quiet) for (const w of analysis.series.warnings) io.stderr(`leakdiff: note: ${noControls(w)}\n`);
  return gates.some((g: Gate) => !g.passed) ? 1 : 0;
}

/**
 * For `collect --analyze`: the outputs the flags name are checked against each other and the files the run
 * reads before the first request, so a report that could never be written does not wait for a collection.
 * The snapshots are checked again once collected (analyzeCommand).
 */
export function checkPlannedOutputs(s: AnalyzeSettings, env: Io['env']): void {
  const sources = sourceRoots(s.source, env);
  const baseline = s.baseline === null ? [] : [{ path: s.baseline, what: 'the --baseline' }];
  checkOutputs(plannedOutputs(s, env), [...baseline, ...(sources === undefined ? [] : sourceFilesNamed(sources.dirs, [s.out, s.json]))]);
}

/** Runs the analysis a file at a time, with a turn of the event loop between files (a signal is handled then). */
async function stepped(steps: Generator<void, Analysis, void>): Promise<Analysis> {
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** The report goes to stdout whatever --quiet says (it quiets stderr only); JSON to stdout replaces it there. */
async function printResults(
  io: Io,
  s: AnalyzeSettings,
  markdown: string,
  shown: () => string,
  json: string | null,
  outputs: readonly Output[],
  inconclusive: string | null,
): Promise<void> {
  if (json !== null && s.json === '-') io.stdout(json);
  else {
    const color = wantsColor(io.env, io.stdoutIsTTY, s.color);
    io.stdout(io.stdoutIsTTY || color ? await renderTerminal(shown(), { color, width: io.columns }) : markdown);
  }
  if (!s.quiet) for (const o of outputs) io.stderr(`leakdiff: wrote ${printable(o.path)}\n`);
  if (!s.quiet && inconclusive !== null)
    io.stderr(`leakdiff: inconclusive: ${inconclusive}${s.failOnInconclusive ? '' : '; exit 0 (--fail-on-inconclusive demands a verdict)'}\n`);
}

/**
 * "reading 3/45 FILE" on one terminal line, redrawn in place and erased after the last file. Cut to the
 * terminal's width, keeping the end of the name: a line that wraps leaves its first row behind when `\r`
 * returns to the start of the last.
 */
function progressLine(io: Io): (done: number, total: number, file: string) => void {
  const width = Math.max(20, (io.columns || 80) - 1);
  return (done, total, file) => {
    const head = `reading ${done}/${total} `;
    const name = Array.from(printable(file));
    const room = Math.max(1, width - head.length);
    const shown = name.length <= room ? name.join('') : `…${name.slice(name.length - room + 1).join('')}`;
    io.stderr(`\r\x1b[K${head}${shown}${done === total ? '\r\x1b[K' : ''}`);
  };
}

/** The report's chart: beside a report file, none for stdout or a device or FIFO (`/dev/null.svg` is no place). */
function chartBeside(reportPath: string): string | null {
  return isSpecial(reportPath) ? null : `${reportPath.replace(/\.md$/i, '')}.svg`;
}

/** Every output the flags name, known before the analysis (the default report's name waits for it). */
function plannedOutputs(s: AnalyzeSettings, env: Io['env']): OutputPath[] {
  const out: OutputPath[] = [];
  if (s.out !== null && s.out !== '-') {
    out.push({ path: s.out, what: '--out' });
    const chart = chartBeside(s.out);
    if (chart !== null) out.push({ path: chart, what: 'the chart beside the report' });
  }
  if (s.json !== null && s.json !== '-') out.push({ path: s.json, what: '--json' });
  if (env.GITHUB_STEP_SUMMARY) out.push({ path: env.GITHUB_STEP_SUMMARY, what: 'GITHUB_STEP_SUMMARY', append: true });
  return out;
}

/** What the run reads and no output may replace: the snapshots, the baseline, Go files under --source. */
function inputPaths(s: AnalyzeSettings, sources: SourceRoots | undefined): InputPath[] {
  const snapshots = findInputs(s.snapshots).map((f) => ({ path: f.path, what: 'one of the input snapshots' }));
  const baseline = s.baseline === null ? [] : [{ path: s.baseline, what: 'the --baseline' }];
  return [...snapshots, ...baseline, ...(sources === undefined ? [] : sourceFilesNamed(sources.dirs, [s.out, s.json]))];
}

/** An output that would replace a Go source or module file of a --source checkout is refused like an input. */
function sourceFilesNamed(dirs: readonly string[], paths: readonly (string | null)[]): InputPath[] {
  const roots = dirs.map((d) => realpathSync(d));
  return paths
    .filter((p): p is string => p !== null && p !== '-' && /(\.go|^go\.mod|^go\.sum)$/.test(basename(p)) && existsSync(p))
    .filter((p) => roots.some((r) => realpathSync(p).startsWith(`${r}/`)))
    .map((p) => ({ path: p, what: 'a source file of the --source checkout' }));
}

/**
 * A profile's file to a path in the checkout at `root`, for an annotation: an absolute path under the root
 * made relative; otherwise the longest tail of the path that names a file there (a build machine's prefix or a
 * -trimpath module path, `example.com/svc/store.go`, ends in the repository's own `store.go`); null when no
 * tail names a file, so an annotation never points at a file that is not there.
 */
function locator(root: string): (file: string) => string | null {
  const isFile = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isFile() === true;
  return (file) => {
    const f = file.replace(/\\/g, '/');
    if (isAbsolute(f) && !relative(root, f).startsWith('..') && isFile(f)) return relative(root, f).split('\\').join('/');
    const parts = f.split('/').filter((p) => p !== '' && p !== '.' && p !== '..');
    for (let i = 0; i < parts.length; i++) {
      const tail = parts.slice(i).join('/');
      if (isFile(join(root, tail))) return tail;
    }
    return null;
  };
}

/** `--source` directories (checked to exist by the options check); the module cache from the environment. */
function sourceRoots(dirs: readonly string[], env: Io['env']): SourceRoots | undefined {
  return dirs.length === 0 ? undefined : { dirs: [...dirs], modCache: moduleCacheDir(env) };
}

/** reports/<service>-<window start>.md, the service named after the profiled binary. */
function defaultReportPath(a: Analysis): string {
  const used = a.series.inputs.filter((i) => i.setAside === null);
  const binary = used.find((i) => i.binary !== null)?.binary ?? null;
  const service = (binary === null ? 'leakdiff' : basename(binary.split(' ')[0])).replace(/[^\w.-]+/g, '-') || 'leakdiff';
  const start = Math.min(...used.map((i) => i.timeMs));
  const stamp = Number.isFinite(start)
    ? new Date(start)
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z')
    : 'empty';
  return join('reports', `${service}-${stamp}.md`);
}

function ensureReportsDir(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
}
