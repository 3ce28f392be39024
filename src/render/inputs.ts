// The report's Inputs: one line per round (the snapshots of each kind taken at one moment), the files
// named once; every file with its form, time source and use folded below. A series captured in five forms a
// round used to spend 45 rows here, 40% of the page, on what a reader checks once.

import { FORMS } from '../forms.js';
import type { TimeSource } from '../model.js';
import type { SnapshotInfo } from '../series/index.js';
import { formatSpan, formatTime } from '../units.js';
import { mdText } from './escape.js';
import { code, details, table } from './parts.js';

const TIME_FROM: Readonly<Record<TimeSource, string>> = {
  profile: "the profile's own capture time",
  paired: 'the protobuf captured at the same moment',
  'file-name': 'the time in the file name',
  mtime: "the file's modification time",
  read: 'when it was read from standard input (it carries no time of its own)',
  interval: '--interval (the files carry no time)',
};

const KINDS = ['heap', 'goroutine', 'goroutineleak'] as const;
type UsedKind = (typeof KINDS)[number];

/**
 * Used snapshots grouped into rounds, one of each kind at most. With as many snapshots of each kind, the n-th
 * of each is round n (collect and the capture scripts take them in turns); otherwise a snapshot joins the
 * round begun within half the typical spacing before it.
 */
export function roundsOf(inputs: readonly SnapshotInfo[]): Partial<Record<UsedKind, SnapshotInfo>>[] {
  const used = inputs
    .filter((i): i is SnapshotInfo & { kind: UsedKind } => i.setAside === null && (KINDS as readonly string[]).includes(i.kind))
    .sort((a, b) => a.timeMs - b.timeMs || a.kind.localeCompare(b.kind));
  const byKind = KINDS.map((k) => used.filter((i) => i.kind === k)).filter((l) => l.length > 0);
  if (byKind.length > 0 && byKind.every((l) => l.length === byKind[0].length)) {
    return byKind[0].map((_, n) => Object.fromEntries(byKind.map((l) => [l[n].kind, l[n]])) as Partial<Record<UsedKind, SnapshotInfo>>);
  }
  const tolerance = Math.max(1000, typicalSpacing(byKind) / 2);
  const rounds: { start: number; of: Partial<Record<UsedKind, SnapshotInfo>> }[] = [];
  for (const i of used) {
    const last = rounds[rounds.length - 1];
    if (last !== undefined && last.of[i.kind] === undefined && i.timeMs - last.start < tolerance) last.of[i.kind] = i;
    else rounds.push({ start: i.timeMs, of: { [i.kind]: i } });
  }
  return rounds.map((r) => r.of);
}

/** The median gap between two snapshots of one kind, in ms (2 s with none). */
function typicalSpacing(byKind: readonly (readonly SnapshotInfo[])[]): number {
  const gaps = byKind.flatMap((l) => l.slice(1).map((x, j) => x.timeMs - l[j].timeMs)).sort((a, b) => a - b);
  return gaps.length === 0 ? 2000 : gaps[Math.floor(gaps.length / 2)];
}

/** The directory every path shares ("fixtures/grpc-leak/"), or '' when they do not share one. */
function commonDir(paths: readonly string[]): string {
  const dirs = paths.map((p) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : ''));
  return dirs.every((d) => d === dirs[0]) ? (dirs[0] ?? '') : '';
}

export function inputsSection(inputs: readonly SnapshotInfo[]): string[] {
  const rounds = roundsOf(inputs);
  const kinds = KINDS.filter((k) => rounds.some((r) => r[k] !== undefined));
  const used = rounds.flatMap((r) => kinds.flatMap((k) => (r[k] === undefined ? [] : [r[k]])));
  if (used.length === 0) return ['## Inputs', '', 'No snapshot was used.', '', ...allFiles(inputs)];
  const dir = commonDir(used.map((i) => i.path));
  const times = used.map((i) => i.timeMs);
  const day = (ms: number): string => formatTime(ms).slice(0, 10);
  const oneDay = day(Math.min(...times)) === day(Math.max(...times));
  const when = (ms: number): string => (oneDay ? formatTime(ms).slice(11, 19) : formatTime(ms));
  const cell = (i: SnapshotInfo | undefined): string =>
    i === undefined ? '—' : `${code(i.path.slice(dir.length))}${i.truncated === null ? '' : ' (truncated)'}`;
  const rows = rounds.map((r, n) => [
    String(n + 1),
    when(Math.min(...kinds.flatMap((k) => (r[k] === undefined ? [] : [r[k].timeMs])))),
    ...kinds.map((k) => cell(r[k])),
  ]);
  const span = formatSpan((Math.max(...times) - Math.min(...times)) / 1000);
  const where = dir === '' ? '' : ` in ${code(dir)}`;
  const count =
    rounds.length === 1 ? `One round, on ${day(times[0])} (UTC)` : `${rounds.length} rounds over ${span}${oneDay ? `, on ${day(times[0])} (UTC)` : ' (UTC)'}`;
  const intro = `${count}${where}; times from ${timeSources(used)}.`;
  const out = ['## Inputs', '', intro, '', table(['#', 'time', ...kinds.map((k) => (k === 'goroutine' ? 'goroutines' : k))], rows), ''];
  const aside = inputs.filter((i) => i.setAside !== null);
  if (aside.length > 0)
    out.push(
      `${aside.length} other file${aside.length === 1 ? ' is' : 's are'} another form of a moment already captured, set aside: one form per moment is used.`,
      '',
    );
  const truncated = used.filter((i) => i.truncated !== null);
  for (const t of truncated) out.push(`${code(t.path)} was cut short: ${mdText(t.truncated?.reason ?? '')}.`, '');
  return [...out, ...allFiles(inputs)];
}

function timeSources(used: readonly SnapshotInfo[]): string {
  const sources = [...new Set(used.map((i) => i.timeSource))];
  return sources.map((s) => TIME_FROM[s]).join(', ');
}

function allFiles(inputs: readonly SnapshotInfo[]): string[] {
  if (inputs.length === 1 && inputs[0].setAside === null && inputs[0].truncated === null)
    return [`Form: ${FORMS[inputs[0].form].short}${inputs[0].compressed ? ', gzipped' : ''}.`, ''];
  const rows = [...inputs]
    .sort((x, y) => x.timeMs - y.timeMs || x.path.localeCompare(y.path))
    .map((i) => [
      code(i.path),
      `${FORMS[i.form].short}${i.compressed ? ', gzipped' : ''}`,
      i.kind,
      formatTime(i.timeMs),
      i.timeSource,
      i.setAside === null ? (i.truncated === null ? 'used' : `used; truncated: ${mdText(i.truncated.reason)}`) : `set aside: ${mdText(i.setAside)}`,
    ]);
  return details(`All ${inputs.length} file${inputs.length === 1 ? '' : 's'}: form, kind, time, use`, [
    table(['file', 'form', 'kind', 'time', 'time from', 'use'], rows),
  ]);
}
