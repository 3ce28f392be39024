// The Markdown diagnosis (DESIGN.md section 6), for someone reading a postmortem who never ran the tool: the
// verdict and one-line cause first, the ranked suspects, each finding in full, what was checked and found
// bounded, the gates, the inputs and the method. Same input, same bytes: nothing depends on the clock.

import type { Analysis } from '../explain/index.js';
import type { Comparison, Compared } from '../compare.js';
import type { Gate } from '../gates.js';
import { formatBytes, formatCount, formatRate, formatTime, rateFrom, RATE_MIN_COVER, spelled, spelledShare } from '../units.js';
import { findingSection } from './finding.js';
import type { Finding } from '../diagnose/index.js';
import type { IgnoreRule } from '../gates.js';
import { titleOf } from '../explain/index.js';
import { code, details, table } from './parts.js';
import { goVersionSentence } from './go-version.js';
import { ownershipSentence } from './ownership.js';
import { mdText } from './escape.js';
import type { Triage } from '../diagnose/triage.js';
import { inputsSection } from './inputs.js';
import { triageAnswer, triageHeadline, triageSections } from './triage.js';
import { EXACT_MAX_N, NOISE_Z, STAIRCASE_MAX_N, STAIRCASE_MIN_Z, STAIRCASE_MIN_Z_EXACT, TREND_ALPHA } from '../fit/index.js';
import { RETAINED_MAX_FALL_SAMPLES, RETAINED_MIN_HELD_SHARE, RETAINED_MIN_NEW_SAMPLES, RETAINED_MIN_SHARE, RETAINED_STALL_P } from '../fit/retained.js';
import { HIGH_MAX_P, HIGH_MIN_R2, HIGH_MIN_SNAPSHOTS } from '../diagnose/confidence.js';
import { MIN_LINK_CORRELATION } from '../correlate.js';
import { CULPRIT_STRATEGIES } from '../diagnose/culprit.js';
import { metricOf } from '../series/index.js';

export interface MarkdownOptions {
  readonly version: string;
  readonly limitBytes: number | null;
  /** File name of the chart beside the report, or null for none. */
  readonly chart: string | null;
  readonly gates: readonly Gate[];
  /** Against a baseline run, or null without one. */
  readonly comparison?: Comparison | null;
  /** Findings the config file accepts, with the rule and its reason; they are listed, and fail no gate. */
  readonly ignored?: ReadonlyMap<Finding, IgnoreRule>;
  /** When the snapshots were just collected (`analyze URL`, `collect --analyze`), or null. */
  readonly collection?: Collection | null;
  /**
   * Where the report is read: 'file' (the default: a Markdown file or a pipe, folded blocks as `<details>`)
   * or 'terminal' (no `<details>`, which a terminal prints as tags: the folded blocks are left out and
   * `reportFile` named for them, or shown open when there is no file).
   */
  readonly medium?: 'file' | 'terminal';
  /** The report file written beside a terminal view, or null. */
  readonly reportFile?: string | null;
}

/** How a collection that fed this analysis ended. */
export interface Collection {
  readonly dir: string;
  /** Rounds in which every profile was saved. */
  readonly rounds: number;
  /** Rounds asked for. */
  readonly of: number;
  /** Ctrl-C ended the collection before its last round. */
  readonly interrupted: boolean;
}

const VERDICT: Readonly<Record<string, string>> = { leak: 'Leak', suspect: 'Suspect', 'no-leak': 'No leak', inconclusive: 'Inconclusive' };

export function headline(a: Analysis): string {
  const d = a.diagnosis;
  const top = a.explained.findings[0];
  if (top === undefined && d.triage !== null) return triageHeadline(a, d.triage);
  if (top === undefined || d.verdict !== 'leak') return `${VERDICT[d.verdict]}: ${mdText(a.explained.verdictSentence)}`;
  const verb = d.findings[0].signature?.id === 'grpc-clientconn-unclosed' ? 'dialed in' : 'in';
  const where = top.culprit === null ? '' : `, ${top.culpritIsCandidate ? `most likely ${verb}` : verb} ${top.culprit}`;
  return `${VERDICT[d.verdict]}: ${mdText(top.title)}${mdText(where)}`;
}

export function renderMarkdown(a: Analysis, opts: MarkdownOptions): string {
  if (a.diagnosis.triage !== null && a.diagnosis.findings.length === 0) return renderSingle(a, a.diagnosis.triage, opts);
  const out = [`# ${headline(a)}`, '', ...overview(a, opts), ''];
  if (opts.chart !== null && a.diagnosis.findings.length > 0 && opts.medium !== 'terminal')
    out.push(`![Heap and goroutines over time for the top findings](${opts.chart})`, '');
  if (a.diagnosis.findings.length > 0) out.push('## Suspects', '', suspects(a, opts.ignored), '');
  a.diagnosis.findings.forEach((f, i) => out.push(...findingSection(a, f, a.explained.findings[i], opts)));
  out.push(
    ...ignoredSection(a, opts.ignored),
    ...comparisonSection(opts.comparison ?? null),
    ...triageSection(a),
    ...boundedSection(a),
    ...gatesSection(opts.gates),
    ...inputsSection(a.series.inputs),
    ...methodSection(a, opts),
  );
  return finish(out, opts);
}

/** Joins the lines; for a terminal, each folded block is left out (or opened when no file has it). */
function finish(lines: readonly string[], opts: MarkdownOptions): string {
  let text = lines.join('\n');
  if (opts.medium === 'terminal') {
    const file = opts.reportFile ?? null;
    let folded = 0;
    text = text.replace(/<details>\n<summary>(.*)<\/summary>\n([\s\S]*?)\n<\/details>\n/g, (_m, summary: string, body: string) => {
      folded++;
      return file === null ? `**${summary}**\n${body}\n` : '';
    });
    if (file !== null && folded > 0)
      text = `${text.trimEnd()}\n\n---\n\nThe fit figures, the other evidence stacks, every input file and the method are in ${code(file)}${opts.chart === null ? '' : `, the chart in ${code(opts.chart)}`}.\n`;
  }
  return `${text.replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

function overview(a: Analysis, opts: MarkdownOptions): string[] {
  const { series, diagnosis: d } = a;
  const used = series.inputs.filter((i) => i.setAside === null).map((i) => i.timeMs);
  const window = used.length === 0 ? 'no snapshots' : `${formatTime(Math.min(...used))} to ${formatTime(Math.max(...used))}`;
  const leakProfiles = series.goroutineleak === null ? '' : ` (and ${series.goroutineleak.times.length} goroutineleak)`;
  const counts = `${series.heap?.times.length ?? 0} heap and ${series.goroutine?.times.length ?? 0} goroutine snapshots${leakProfiles}`;
  const lines = [`**Verdict: ${d.verdict}** · ${counts}, ${window} · leakdiff ${opts.version}`, ''];
  lines.push(summarySentence(a));
  const c = opts.collection ?? null;
  if (c !== null && c.interrupted)
    lines.push(
      '',
      `> **Note:** collection was interrupted (Ctrl-C) after ${c.rounds} of ${c.of} rounds; this analysis covers those ${c.rounds}. The snapshots are in ${code(c.dir)}.`,
    );
  for (const w of series.warnings) lines.push('', `> **Note:** ${mdText(w)}`);
  return lines;
}

function summarySentence(a: Analysis): string {
  const { series, diagnosis: d } = a;
  const heap = metricOf(series.heap, 'inuse_space')?.total;
  const gor = metricOf(series.goroutine, 'goroutine')?.total;
  const parts: string[] = [];
  if (heap !== undefined && heap.n > 1) parts.push(`heap in use went from ${formatBytes(heap.data[0])} to ${formatBytes(heap.data[heap.n - 1])}`);
  if (gor !== undefined && gor.n > 1)
    parts.push(
      gor.data[0] === gor.data[gor.n - 1]
        ? `goroutines ${heap !== undefined && heap.n > 1 ? 'were ' : ''}${formatCount(gor.data[0])} at the first and the last snapshot`
        : `goroutines from ${formatCount(gor.data[0])} to ${formatCount(gor.data[gor.n - 1])}`,
    );
  const top = a.explained.findings[0];
  const seen = parts.length === 0 ? '' : `Over the window, ${parts.join(' and ')}. `;
  // A no-leak verdict's sentence already says what the window could have seen.
  if (top === undefined)
    return `${seen}${mdText(capitalize(a.explained.verdictSentence))}.${d.verdict === 'inconclusive' || d.verdict === 'no-leak' ? '' : ` ${mdText(capitalize(a.explained.reach))}.`}`;
  const more = d.findings.length === 1 ? '' : ` (${d.findings.length - 1} more finding${d.findings.length === 2 ? '' : 's'} below)`;
  const where = top.culprit === null ? '' : `, ${top.culpritIsCandidate ? 'most likely ' : ''}in ${code(top.culprit)}`;
  return `${seen}The leading finding is ${mdText(top.title)}${where}${more}.${d.findings[0].signature === null ? '' : ` ${top.fix}`}`;
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The suspects table's culprit cell: the function, marked when only a candidate; the candidates' count when none is named. */
function suspectCulprit(e: Analysis['explained']['findings'][number]): string {
  if (e.culprit !== null) return `${code(e.culprit)}${e.culpritIsCandidate ? ' (candidate)' : ''}`;
  return e.candidates.length > 0 ? `— (${e.candidates.length} candidates)` : '—';
}

function suspects(a: Analysis, ignored?: ReadonlyMap<Finding, IgnoreRule>): string {
  const rows = a.diagnosis.findings.map((f, i) => [
    String(i + 1),
    mdText(a.explained.findings[i].title),
    suspectCulprit(a.explained.findings[i]),
    ignored?.has(f) === true ? `${f.confidence}, ignored (accepted)` : f.confidence,
    f.goroutines === null ? '—' : formatRate(f.goroutines.fit.robustSlope, 'count', f.goroutines.fit.duration),
    f.heap === null ? '—' : formatRate(f.heap.fit.robustSlope, 'bytes', f.heap.fit.duration),
  ]);
  return table(['#', 'finding', 'culprit', 'confidence', 'goroutines', 'heap in use'], rows);
}

function triageSection(a: Analysis): string[] {
  const t = a.diagnosis.triage;
  return t === null ? [] : triageSections(a, t);
}

/** One snapshot (one goroutine dump, one heap profile, or one of each): the answer first, then its evidence. */
function renderSingle(a: Analysis, t: Triage, opts: MarkdownOptions): string {
  const { series, diagnosis: d } = a;
  const counts = [series.goroutine === null ? '' : 'one goroutine snapshot', series.heap === null ? '' : 'one heap profile']
    .filter((x) => x !== '')
    .join(' and ');
  const when = series.inputs.filter((i) => i.setAside === null).map((i) => formatTime(i.timeMs))[0] ?? 'no time';
  const out = [`# ${headline(a)}`, '', `**Verdict: ${d.verdict}** · ${counts}, ${when} · leakdiff ${opts.version}`, ''];
  for (const p of triageAnswer(a, t)) out.push(p, '');
  for (const w of series.warnings) out.push(`> **Note:** ${mdText(w)}`, '');
  out.push(...triageSections(a, t), ...gatesSection(opts.gates), ...inputsSection(a.series.inputs));
  out.push(
    '## Method',
    '',
    `Normalization policy ${code(series.policy.name)}: ${series.policy.rules.join('; ')}.`,
    '',
    `Whose code: ${ownershipSentence(series.ownership)}`,
    '',
    "From one snapshot nothing is fitted: groups are flagged by wait time (the dump's `N minutes`), by size against the other groups, and by the known leak patterns; several groups of one pattern holding the same count are read as that many leaked objects. The verdict is `suspect` only for a known pattern with that evidence; a series confirms it.",
    '',
  );
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function boundedSection(a: Analysis): string[] {
  const b = a.explained.bounded;
  const checked = `${a.series.frames.length} functions and ${a.series.stacks.length} call sites were checked.`;
  if (b.length === 0) return ['## Checked and found bounded', '', `Nothing grew and then levelled off. ${checked}`, ''];
  const rows = b.map((x) => [code(x.site), x.kind, mdText(x.why)]);
  return [
    '## Checked and found bounded',
    '',
    `These grew and then levelled off (a warming cache or pool, not a leak). ${checked}`,
    '',
    table(['site', 'kind', 'why'], rows),
    '',
  ];
}

function gatesSection(gates: readonly Gate[]): string[] {
  if (gates.length === 0) return [];
  const rows = gates.map((g) => [
    code(g.name),
    mdText(g.limit),
    mdText(g.actual),
    g.passed ? 'pass' : '**FAIL**',
    mdText(g.unit.endsWith('/h') ? `${g.measures}; ${g.why}` : g.why),
  ]);
  return ['## Gates', '', table(['gate', 'limit', 'actual', 'result', 'how it was measured'], rows), ''];
}

function ignoredSection(a: Analysis, ignored?: ReadonlyMap<Finding, IgnoreRule>): string[] {
  if (ignored === undefined || ignored.size === 0) return [];
  const rows = a.diagnosis.findings.flatMap((f, i) => {
    const r = ignored.get(f);
    if (r === undefined) return [];
    return [
      [
        String(i + 1),
        mdText(titleOf(f)),
        f.culprit === null ? '—' : code((f.culprit === null ? '' : a.series.frames[f.culprit.frame].rawFunction) ?? ''),
        r.function !== null ? `function ${code(r.function)}` : `signature ${code(r.signature ?? '')}`,
        mdText(r.reason),
      ],
    ];
  });
  return [
    '## Accepted growth (ignored)',
    '',
    "Listed in full above, but failing no gate: the config file's `ignore` list accepts them.",
    '',
    table(['#', 'finding', 'culprit', 'rule', 'reason'], rows),
    '',
  ];
}

function methodSection(a: Analysis, opts: MarkdownOptions): string[] {
  const p = a.series.policy;
  const rate = a.series.heap?.samplingRate ?? 0;
  const how = [
    `Normalization policy ${code(p.name)}: ${p.rules.join('; ')}.`,
    '',
    `Each series (heap \`inuse_space\` and \`inuse_objects\` per function, flat and cumulative; goroutines per group and per frame) is fitted by least squares (R²), Theil–Sen (the rates above) and a Mann–Kendall trend test (exact p-values up to ${EXACT_MAX_N} snapshots), and given a shape: growing, plateau (grew, then flat: bounded), flat, noisy, shrinking, or unknown (too few snapshots to tell). With ${STAIRCASE_MAX_N} snapshots or fewer, where the trend test cannot reach significance, a series that rises at every step by over ${STAIRCASE_MIN_Z} standard errors of sampling noise (heap), or by over ${STAIRCASE_MIN_Z_EXACT} standard error of the churn of goroutines in flight (at most the smallest count, √(2·min)), is growing; so is heap whose sampled objects were kept: at least ${RETAINED_MIN_NEW_SAMPLES} new samples still in use, ${RETAINED_MIN_SHARE * 100}% or more of what the site allocated in the window (or ${RETAINED_MIN_HELD_SHARE * 100}% of what its statements that hold memory allocated, leaving out the ones whose objects all died), never falling by more than ${samples(Math.floor(RETAINED_MAX_FALL_SAMPLES))}, and with a last step no smaller than the pace before it makes a ${RETAINED_STALL_P * 100}% chance. Rates are stated per the longest span the window covers, at least ${spelledShare(RATE_MIN_COVER)} of it (per minute from a window of ${rateFrom('min')} s or more, per hour from ${rateFrom('h') / 60} minutes, per day from ${rateFrom('day') / 3600} hours), and projections reach no further ahead than the window is long.`,
    rate > 1
      ? `Heap profiles are sampled (one allocation per ${formatBytes(rate)} on average): changes within ${spelled(NOISE_Z)} standard errors of the sampling are treated as noise.`
      : 'Heap values are exact (every allocation sampled).',
    `Goroutine groups that grow are gathered into one leak unit per leaked object: same start (library module, or the service's goroutine function) and in lockstep (Pearson r ≥ ${MIN_LINK_CORRELATION}); the in-process server side of a loopback connection is evidence of the client's leak. Heap call sites are tied to a unit by structure (its library's frames, its pattern's allocation frames, the goroutines' start function or creator, the runtime's goroutine memory, the client end of an in-process server's connections, the service's function whose closures the goroutines' library runs) and must then follow its count; timing alone never links. The culprit strategies, in order: ${CULPRIT_STRATEGIES.map((s) => s.name).join(', ')}; a candidate is said to be one.`,
    `Confidence: high needs ${HIGH_MIN_SNAPSHOTS} or more snapshots, p < ${HIGH_MAX_P} and R² ≥ ${HIGH_MIN_R2}; medium, any other growth the fits call growing (a trend with p < ${TREND_ALPHA}, or the few-snapshot and retained-sample rules above); low, anything less.${opts.limitBytes === null ? '' : ` Projections use the memory limit of ${formatBytes(opts.limitBytes)}.`}`,
  ];
  return [
    '## Method',
    '',
    `Whose code: ${ownershipSentence(a.series.ownership)}`,
    '',
    goVersionSentence(a.series.goVersion),
    '',
    ...details('Normalization, fitting and confidence', how),
  ];
}

/** "one sample", "two samples". */
function samples(n: number): string {
  return `${spelled(n)} sample${n === 1 ? '' : 's'}`;
}

/** The short form for a CI job summary: verdict, suspects and gates. */
export function renderSummary(a: Analysis, gates: readonly Gate[], ignored?: ReadonlyMap<Finding, IgnoreRule>): string {
  const out = [`## ${headline(a)}`, '', summarySentence(a), ''];
  if (a.diagnosis.verdict === 'inconclusive') {
    const demanded = gates.some((g) => g.name === 'fail-on-inconclusive');
    out.push(
      `**Inconclusive:** this window could not have shown a leak of a size that matters, so it proves nothing either way. ${demanded ? 'The fail-on-inconclusive gate fails the job.' : 'The job passes; add --fail-on-inconclusive to demand a verdict.'}`,
      '',
    );
  }
  if (a.diagnosis.findings.length > 0) out.push(suspects(a, ignored), '');
  out.push(...gatesSection(gates).map((l) => l.replace(/^## /, '### ')));
  return `${out.join('\n').trimEnd()}\n`;
}

function comparisonSection(c: Comparison | null): string[] {
  if (c === null) return [];
  const per = (n: number | null, unit: 'goroutines' | 'bytes'): string =>
    n === null ? '—' : `${n >= 0 ? '+' : ''}${unit === 'bytes' ? formatBytes(n) : formatCount(n)}/h`;
  const rows = (list: readonly Compared[], status: string): string[][] =>
    list.map((x) => [
      mdText(x.title),
      x.culprit === null ? '—' : code(x.culprit),
      x.before === null ? '—' : `${per(x.before.goroutinesPerHour, 'goroutines')} goroutines, ${per(x.before.heapPerHour, 'bytes')}`,
      `${per(x.after.goroutinesPerHour, 'goroutines')} goroutines, ${per(x.after.heapPerHour, 'bytes')}`,
      status,
    ]);
  const all = [...rows(c.resolved, '**resolved**'), ...rows(c.persisting, 'persisting'), ...rows(c.new, 'new')];
  const summary = `${c.resolved.length} resolved, ${c.persisting.length} persisting, ${c.new.length} new.`;
  const note = 'For a resolved finding, "after" is the whole profile\'s rate in this run: where the leak was, nothing grows like it any more.';
  return ['## Compared with the baseline', '', summary, '', table(['finding', 'culprit', 'before', 'after', 'status'], all), '', note, ''];
}
