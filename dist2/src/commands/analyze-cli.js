// From parsed analyze flags to outputs and an exit code: the report (Markdown file with its chart, or
// stdout), the JSON, the terminal view, the gates. Kept beside the CLI so cli.ts stays the argv table;
// nothing here touches process: the environment arrives in `io`.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { compare } from '../compare.js';
import { evaluateGates, readBaseline } from '../gates.js';
import { makeRedactor } from '../redact.js';
import { moduleCacheDir } from '../source/index.js';
import { chartInput } from '../render/chart.js';
import { toJson } from '../render/json.js';
import { renderMarkdown, renderSummary } from '../render/markdown.js';
import { renderChart } from '../render/svg.js';
import { renderTerminal, wantsColor } from '../render/terminal.js';
import { parseBytes, parseDuration } from '../units.js';
import { appendSummary, writeOutputs } from '../write.js';
import { analyze } from './analyze.js';
import { checkMistypedCommand } from './suggest.js';
function optional(text, parse, what) {
    if (text === undefined)
        return null;
    const v = parse(text);
    if (v === null)
        throw new UsageError(`${what}, not ${JSON.stringify(text)}`);
    return v;
}
export async function analyzeCommand(args, limits, io) {
    checkMistypedCommand(args.snapshots?.[0]);
    const intervalSeconds = optional(args.interval, parseDuration, '--interval takes a duration such as 30s or 5m');
    if (intervalSeconds !== null && intervalSeconds <= 0)
        throw new UsageError('--interval must be longer than zero');
    const limitBytes = optional(args.limit, parseBytes, '--limit takes a size such as 512MiB or 2GB');
    if (args.out === '' || args.json === '')
        throw new UsageError('--out and --json take a file name, or - for stdout');
    if (args.out === '-' && args.json === '-')
        throw new UsageError('--out and --json cannot both write to stdout; send one of them to a file');
    const baseline = args.baseline === undefined ? null : readBaseline(args.baseline);
    if (args['require-resolved'] === true && baseline === null)
        throw new UsageError('--require-resolved needs --baseline BEFORE.json: the findings that must be resolved');
    const analysis = analyze({
        files: args.snapshots ?? [],
        intervalSeconds,
        modules: args.module ?? [],
        granularity: args.granularity,
        limits,
        source: sourceRoots(args.source, io.env),
        progress: io.stderrIsTTY && !args.quiet ? (done, total, file) => io.stderr(`\r\x1b[Kreading ${done}/${total} ${file}${done === total ? '\n' : ''}`) : undefined,
    });
    const gates = evaluateGates(analysis, { maxHeapGrowth: args['max-heap-growth'] ?? null, maxGoroutineGrowth: args['max-goroutine-growth'] ?? null, failOn: args['fail-on'], baseline, requireResolved: args['require-resolved'] === true });
    const comparison = baseline === null ? null : compare(analysis, baseline);
    const redact = args.redact ? makeRedactor(io.hostnames) : (t) => t;
    const reportPath = args.out ?? defaultReportPath(analysis);
    const chartPath = reportPath === '-' ? null : reportPath.replace(/\.md$/i, '') + '.svg';
    const markdown = redact(renderMarkdown(analysis, { version: io.version, limitBytes, chart: chartPath === null ? null : basename(chartPath), gates, comparison }));
    const outputs = [];
    if (reportPath !== '-') {
        if (args.out === undefined)
            ensureReportsDir(reportPath);
        outputs.push({ path: reportPath, text: markdown });
        if (chartPath !== null && analysis.diagnosis.findings.length > 0)
            outputs.push({ path: chartPath, text: redact(renderChart(chartInput(analysis))) });
    }
    const json = args.json === undefined ? null : redact(`${JSON.stringify({ ...toJson(analysis, { limitBytes }), gates, ...(comparison === null ? {} : { comparison }) }, null, 2)}\n`);
    if (json !== null && args.json !== '-')
        outputs.push({ path: args.json, text: json });
    writeOutputs(outputs, analysis.series.inputs.map((i) => i.path));
    if (io.env.GITHUB_STEP_SUMMARY)
        appendSummary(io.env.GITHUB_STEP_SUMMARY, redact(renderSummary(analysis, gates)));
    await printResults(io, args, markdown, json, outputs);
    return gates.some((g) => !g.passed) ? 1 : 0;
}
async function printResults(io, args, markdown, json, outputs) {
    if (json !== null && args.json === '-')
        io.stdout(json);
    else if (!args.quiet || args.out === '-') {
        const color = wantsColor(io.env, io.stdoutIsTTY, !args.color);
        io.stdout(io.stdoutIsTTY ? await renderTerminal(markdown, { color, width: io.columns }) : markdown);
    }
    if (!args.quiet)
        for (const o of outputs)
            io.stderr(`leakdiff: wrote ${o.path}\n`);
}
/** `--source` directories, each checked to be one; the module cache from the environment the CLI passed in. */
function sourceRoots(arg, env) {
    if (arg === undefined)
        return undefined;
    const dirs = typeof arg === 'string' ? [arg] : [...arg];
    for (const d of dirs) {
        if (d === '')
            throw new UsageError('--source takes a directory: your checkout of the profiled service');
        if (statSync(d, { throwIfNoEntry: false })?.isDirectory() !== true)
            throw new UsageError(`--source ${d}: no such directory`);
    }
    return { dirs, modCache: moduleCacheDir(env) };
}
/** reports/<service>-<window start>.md, the service named after the profiled binary. */
function defaultReportPath(a) {
    const used = a.series.inputs.filter((i) => i.setAside === null);
    const binary = used.find((i) => i.binary !== null)?.binary ?? null;
    const service = (binary === null ? 'leakdiff' : basename(binary.split(' ')[0])).replace(/[^\w.-]+/g, '-') || 'leakdiff';
    const start = Math.min(...used.map((i) => i.timeMs));
    const stamp = Number.isFinite(start) ? new Date(start).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z') : 'empty';
    return join('reports', `${service}-${stamp}.md`);
}
function ensureReportsDir(path) {
    const dir = dirname(path);
    if (!existsSync(dir))
        mkdirSync(dir, { recursive: true });
}
//# sourceMappingURL=analyze-cli.js.map