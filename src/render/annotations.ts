// GitHub Actions workflow commands (`::error file=...,line=...::...`): each finding becomes an annotation on
// the culprit's line in the pull request, besides the job summary. An error for a finding that fails the job,
// a warning for one below --fail-on, a notice for one the config accepts; a broken growth gate and an
// inconclusive window get one without a location. A pure function of the analysis; the CLI decides when
// (GITHUB_ACTIONS=true) and passes `locate`, which maps a profile's file to a path in the checkout.

import type { Analysis } from '../explain/index.js';
import type { IgnoreRule } from '../gates.js';
import { culpritName, type Finding } from '../diagnose/index.js';
import type { Gate } from '../gates.js';
import { formatRate } from '../units.js';
import { titleOf } from '../explain/index.js';

export interface AnnotationOptions {
  readonly gates: readonly Gate[];
  /** Findings that break the fail-on gate. */
  readonly failing: ReadonlySet<Finding>;
  readonly ignored: ReadonlyMap<Finding, IgnoreRule>;
  /** A profile's file (as the profile spells it) to a path relative to the repository, or null if not there. */
  readonly locate: (file: string) => string | null;
}

/** Workflow command escaping (actions/toolkit `command.ts`): data escapes %, CR, LF; properties also : and ,. */
const data = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const prop = (s: string): string => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function command(level: 'error' | 'warning' | 'notice', props: Readonly<Record<string, string | number>>, message: string): string {
  const p = Object.entries(props)
    .map(([k, v]) => `${k}=${prop(String(v))}`)
    .join(',');
  return `::${level}${p === '' ? '' : ` ${p}`}::${data(message)}`;
}

function rates(f: Finding): string {
  const parts: string[] = [];
  if (f.goroutines !== null) parts.push(`goroutines ${formatRate(f.goroutines.fit.robustSlope, 'count', f.goroutines.fit.duration)}`);
  if (f.heap !== null) parts.push(`heap in use ${formatRate(f.heap.fit.robustSlope, 'bytes', f.heap.fit.duration)}`);
  return parts.join(', ');
}

export function renderAnnotations(a: Analysis, opts: AnnotationOptions): string[] {
  const out: string[] = [];
  a.diagnosis.findings.forEach((f, i) => {
    const rule = opts.ignored.get(f);
    const level = opts.failing.has(f) ? 'error' : rule !== undefined ? 'notice' : 'warning';
    const frame = a.explained.findings[i].culpritAt;
    const path = frame === null ? null : opts.locate(frame.rawFile);
    const where: Record<string, string | number> = path === null || frame === null ? {} : { file: path, line: frame.line };
    const culprit = culpritName(a.series, f);
    const fix = a.explained.findings[i].fix;
    const accepted = rule === undefined ? '' : ` Accepted growth (config ignore list): ${rule.reason}.`;
    const at = culprit === null ? '' : ` in ${culprit}`;
    const unplaced = path === null && frame !== null ? ` (${frame.rawFile}:${frame.line}, not found in this checkout)` : '';
    out.push(
      command(
        level,
        { ...where, title: `leakdiff: ${titleOf(f)}` },
        `${titleOf(f)}${at}${unplaced}: ${rates(f)}, ${f.confidence} confidence. ${fix}${accepted}`,
      ),
    );
  });
  for (const g of opts.gates) {
    if (g.passed || g.name.startsWith('fail-on (') || g.name === 'fail-on') continue;
    out.push(command('error', { title: `leakdiff gate ${g.name}` }, `${g.name}: ${g.actual} against a limit of ${g.limit} (${g.measures}; ${g.why})`));
  }
  if (a.diagnosis.verdict === 'inconclusive') {
    const failed = opts.gates.some((g) => g.name === 'fail-on-inconclusive' && !g.passed);
    out.push(
      command(
        failed ? 'error' : 'notice',
        { title: 'leakdiff: inconclusive' },
        `${a.explained.reach}${failed ? '' : ' (the job passes; --fail-on-inconclusive demands a verdict)'}`,
      ),
    );
  }
  return out;
}
